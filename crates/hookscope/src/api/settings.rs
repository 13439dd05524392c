//! `/api/settings`: settings the UI changes while the server runs (retention; see
//! [`crate::control::Control::save_settings`]).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;

use super::{ApiError, ApiState, json_body};
use crate::control::UiSettings;

pub(super) async fn get(State(state): State<ApiState>) -> Json<UiSettings> {
    Json(state.control.settings())
}

pub(super) async fn put(
    State(state): State<ApiState>,
    body: Result<Json<UiSettings>, JsonRejection>,
) -> Result<Json<UiSettings>, ApiError> {
    let settings = json_body(body)?;
    Ok(Json(state.control.save_settings(settings).await?))
}
