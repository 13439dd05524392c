//! `/api/endpoints`: the endpoints in force, and replacing them while the server runs (see
//! [`crate::control::Control::save_endpoints`]).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use serde::{Deserialize, Serialize};

use super::{ApiError, ApiState, json_body};
use crate::config::EndpointConfig;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointList {
    pub items: Vec<EndpointConfig>,
}

pub(super) async fn get(State(state): State<ApiState>) -> Json<EndpointList> {
    Json(EndpointList {
        items: state.control.endpoints(),
    })
}

pub(super) async fn put(
    State(state): State<ApiState>,
    body: Result<Json<EndpointList>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let list = json_body(body)?;
    let saved = state.control.save_endpoints(list.items).await?;
    Ok(Json(serde_json::json!({
        "items": saved.items,
        "reverify": { "task": saved.reverify_task, "started": true },
    })))
}
