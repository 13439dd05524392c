//! `/api/endpoints`: the endpoints in force, and replacing them while the server runs (see
//! [`crate::control::Control::save_endpoints`]).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use serde::{Deserialize, Serialize};

use super::{ApiError, ApiState, json_body};
use crate::config::EndpointConfig;
use crate::control::EndpointsSaved;

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
) -> Result<Json<EndpointsSaved>, ApiError> {
    let list = json_body(body)?;
    Ok(Json(state.control.save_endpoints(list.items).await?))
}
