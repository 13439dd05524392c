//! `/api/rules`: the rules in force, checked as they are edited, saved, reloaded from the config
//! file, and tried on a stored delivery (see [`crate::control::Control::rules`]).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;

use super::{ApiError, ApiState, json_body};
use crate::control::{RulesChecked, RulesInForce, TryRules};
use crate::rules::{ReloadSource, RuleSources, RuleTrial};

/// `GET /api/rules`.
pub(super) async fn get(State(state): State<ApiState>) -> Json<RulesInForce> {
    Json(state.control.rules())
}

/// `PUT /api/rules` with `{global, endpoints}`: written to the config file and in force for the
/// next delivery; 400 naming the first rule with a problem.
pub(super) async fn put(
    State(state): State<ApiState>,
    body: Result<Json<RuleSources>, JsonRejection>,
) -> Result<Json<RulesInForce>, ApiError> {
    let rules = json_body(body)?;
    Ok(Json(state.control.save_rules(rules).await?))
}

/// `POST /api/rules/check` with `{global, endpoints}`: each rule's problem, where it is.
pub(super) async fn check(
    State(state): State<ApiState>,
    body: Result<Json<RuleSources>, JsonRejection>,
) -> Result<Json<RulesChecked>, ApiError> {
    let rules = json_body(body)?;
    Ok(Json(state.control.check_rules(&rules)))
}

/// `POST /api/rules/reload`: the config file's rules read again and put in force.
pub(super) async fn reload(State(state): State<ApiState>) -> Result<Json<RulesInForce>, ApiError> {
    Ok(Json(state.control.reload_rules(ReloadSource::Ui).await?))
}

/// `POST /api/rules/try` with `{delivery, arrival?, rules?}`: what the rules would do with a
/// stored delivery, nothing sent.
pub(super) async fn try_on(
    State(state): State<ApiState>,
    body: Result<Json<TryRules>, JsonRejection>,
) -> Result<Json<RuleTrial>, ApiError> {
    let request = json_body(body)?;
    Ok(Json(state.control.try_rules(request).await?))
}
