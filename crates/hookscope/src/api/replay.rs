//! `/api/deliveries/{id}/replay` and `/api/deliveries/{id}/attempts`: send a stored delivery
//! again, as it was, re-signed or edited, and read the history of what was sent and answered.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, ApiState, json_body};
use crate::model::Attempt;
use crate::replay::{EditedRequest, ReplayOptions};

/// `POST /api/deliveries/{id}/replay`: the replay options, and `edited` for an edited send.
/// (`deny_unknown_fields` does not work with `flatten`.)
#[derive(Debug, Deserialize)]
pub(super) struct ReplayRequest {
    #[serde(flatten)]
    options: ReplayOptions,
    #[serde(default)]
    edited: Option<EditedRequest>,
}

pub(super) async fn replay(
    State(state): State<ApiState>,
    Path(id): Path<i64>,
    body: Result<Json<ReplayRequest>, JsonRejection>,
) -> Result<Json<Attempt>, ApiError> {
    let body = json_body(body)?;
    Ok(Json(
        state.control.replay(id, body.options, body.edited).await?,
    ))
}

pub(super) async fn attempts(
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(json!({ "items": state.control.attempts(id).await? })))
}
