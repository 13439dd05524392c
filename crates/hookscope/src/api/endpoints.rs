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

/// `POST /api/vendors/import-spec?into=…|id=…&name=…&type_pointer=…&type_header=…&signature_like=…`
/// with an OpenAPI 3.1 or AsyncAPI document (JSON or YAML) as the body: the profile made from
/// it, written and in force for the next delivery.
pub(super) async fn import_spec(
    State(state): State<ApiState>,
    params: Result<
        axum::extract::Query<crate::profile::spec::ImportRequest>,
        axum::extract::rejection::QueryRejection,
    >,
    body: axum::body::Bytes,
) -> Result<Json<crate::profile::spec::SpecImported>, ApiError> {
    let axum::extract::Query(request) =
        params.map_err(|e| ApiError::new(http::StatusCode::BAD_REQUEST, e.body_text()))?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::new(
            http::StatusCode::BAD_REQUEST,
            "the description is not UTF-8 text: send the OpenAPI or AsyncAPI document as JSON or YAML",
        )
    })?;
    Ok(Json(state.control.import_spec(text, request).await?))
}

/// `DELETE /api/vendors/{id}`: removes the user's profile (one imported); the built-in profile of
/// that id, if any, is in force again.
pub(super) async fn remove_vendor(
    State(state): State<ApiState>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<crate::profile::spec::VendorRemoved>, ApiError> {
    Ok(Json(state.control.remove_vendor(id).await?))
}
