//! `/api/endpoints`: the endpoints in force, and replacing them while the server runs. A
//! replacement is validated, written to the config file, installed for the next delivery, and
//! followed by a background re-verification of the deliveries it affects.

use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiError, ApiState};
use crate::config::{EndpointConfig, retire_secrets, validate_endpoints};

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointList {
    pub items: Vec<EndpointConfig>,
}

pub(super) async fn get(State(state): State<ApiState>) -> Json<EndpointList> {
    Json(EndpointList {
        items: state.endpoints.get().list.clone(),
    })
}

pub(super) async fn put(
    State(state): State<ApiState>,
    body: Result<Json<EndpointList>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Json(list) = body.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    validate_endpoints(&list.items).map_err(|m| ApiError::new(StatusCode::BAD_REQUEST, m))?;
    for ep in &list.items {
        if let Some(vendor) = &ep.vendor
            && state.registry.get(vendor).is_none()
        {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "endpoint {} names vendor {vendor:?}, which is not a known profile (see /api/vendors)",
                    ep.path
                ),
            ));
        }
    }
    let items = retire_secrets(&state.endpoints.get().list, list.items);
    let path = state.config_path.clone();
    let to_write = items.clone();
    tokio::task::spawn_blocking(move || crate::config::write_endpoints(&path, &to_write))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(|m| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, m))?;

    let old = state.endpoints.replace(items);
    let new = state.endpoints.get();
    let task = crate::reverify::run(
        state.store.clone(),
        state.writer.clone(),
        state.registry.clone(),
        old,
        new.clone(),
    );
    tokio::spawn(async move {
        match task.await {
            Ok(n) => tracing::info!(updated = n, "stored deliveries re-verified"),
            Err(e) => tracing::error!(error = %e, "re-verification stopped"),
        }
    });
    Ok(Json(serde_json::json!({
        "items": new.list,
        "reverify": { "task": crate::reverify::TASK, "started": true },
    })))
}
