//! `/api/deliveries`: list, read, download and delete stored deliveries.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use super::{ApiError, ApiState, DeliveryRef, json_body};
use crate::model::{CurlCommand, Deleted, DeliveryDetail, Facets, Items, Page, ServerInfo};
use crate::profile::VendorProfile;
use crate::store::{Filter, ListParams};
use crate::target::PathMode;

pub(super) async fn index(State(state): State<ApiState>) -> Result<Json<ServerInfo>, ApiError> {
    Ok(Json(state.control.info().await?))
}

pub(super) async fn list(
    State(state): State<ApiState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Page>, ApiError> {
    Ok(Json(state.control.list(filter_of(params)?).await?))
}

/// The list filters of a query string, or a 400 that says what is wrong with them.
fn filter_of(params: Result<Query<ListParams>, QueryRejection>) -> Result<Filter, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    Ok(params.parse()?)
}

/// Counts for the filter sidebar, over the deliveries the same filters select.
pub(super) async fn facets(
    State(state): State<ApiState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Facets>, ApiError> {
    Ok(Json(state.control.facets(filter_of(params)?).await?))
}

pub(super) async fn get(
    State(state): State<ApiState>,
    DeliveryRef(id): DeliveryRef,
) -> Result<Json<DeliveryDetail>, ApiError> {
    Ok(Json(state.control.get_delivery(id).await?))
}

/// The body bytes as received. The content type is the sender's, so the response is marked as a
/// download and sandboxed: a stored HTML or SVG body must never run as a page of this origin.
pub(super) async fn raw(
    State(state): State<ApiState>,
    DeliveryRef(id): DeliveryRef,
) -> Result<Response, ApiError> {
    let (content_type, body) = state.control.raw_body(id).await?;
    let content_type = content_type
        .and_then(|ct| HeaderValue::from_str(&ct).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = format!("attachment; filename=\"delivery-{id}.bin\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).expect("ASCII header value"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox; default-src 'none'"),
            ),
        ],
        body,
    )
        .into_response())
}

pub(super) async fn delete(
    State(state): State<ApiState>,
    DeliveryRef(id): DeliveryRef,
) -> Result<StatusCode, ApiError> {
    state.control.delete_delivery(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PinRequest {
    pinned: bool,
}

/// `PUT /api/deliveries/{id}/pin` with `{"pinned": true|false}`.
pub(super) async fn pin(
    State(state): State<ApiState>,
    DeliveryRef(id): DeliveryRef,
    body: Result<Json<PinRequest>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let body = json_body(body)?;
    state.control.set_pinned(id, body.pinned).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/deliveries/{id}/curl?to=URL&path=full`: the cURL command that sends the delivery
/// again (to the URL it reached when `to` is absent).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CurlParams {
    to: Option<String>,
    path: Option<PathMode>,
}

pub(super) async fn curl(
    State(state): State<ApiState>,
    DeliveryRef(id): DeliveryRef,
    params: Result<Query<CurlParams>, QueryRejection>,
) -> Result<Json<CurlCommand>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let mode = params.path.unwrap_or(PathMode::Full);
    Ok(Json(state.control.curl(id, params.to, mode).await?))
}

/// `GET /api/deliveries/{id}/diff?with=ID|previous|first&volatile=true`: what changed from the
/// delivery `with` names to this one; without `with`, from the first of its event when it
/// repeats one, else from the previous of its type.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DiffParams {
    with: Option<String>,
    #[serde(default)]
    volatile: bool,
}

pub(super) async fn diff(
    State(state): State<ApiState>,
    DeliveryRef(id): DeliveryRef,
    params: Result<Query<DiffParams>, QueryRejection>,
) -> Result<Json<crate::diff::DeliveryDiff>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let with = crate::diff::With::parse(params.with.as_deref().unwrap_or(""))?;
    Ok(Json(state.control.diff(id, with, params.volatile).await?))
}

pub(super) async fn delete_all(State(state): State<ApiState>) -> Result<Json<Deleted>, ApiError> {
    Ok(Json(state.control.delete_all().await?))
}

/// The vendor profiles in detection order, with their catalogs.
pub(super) async fn vendors(State(state): State<ApiState>) -> Json<Items<VendorProfile>> {
    Json(state.control.vendors().into())
}
