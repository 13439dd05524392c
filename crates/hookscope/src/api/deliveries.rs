//! `/api/deliveries`: list, read, download and delete stored deliveries.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

use super::{ApiError, ApiState, blocking};
use crate::error::Error;
use crate::model::{DeliveryDetail, Facets, Page, SearchProgress, ServerInfo};
use crate::store::{Filter, ListParams};

pub(super) async fn index(State(state): State<ApiState>) -> Result<Json<ServerInfo>, ApiError> {
    let store = state.store.clone();
    let (deliveries, (indexed_through, newest)) =
        blocking(move || Ok((store.count()?, store.search_progress()?))).await?;
    Ok(Json(ServerInfo {
        name: "hookscope".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        capture_url: state.capture_url.to_string(),
        deliveries,
        search: SearchProgress {
            indexed_through,
            newest,
        },
        samples: crate::generate::sample_vendors()
            .map(str::to_owned)
            .collect(),
    }))
}

pub(super) async fn list(
    State(state): State<ApiState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Page>, ApiError> {
    let filter = filter_of(params)?;
    let store = state.store.clone();
    Ok(Json(blocking(move || store.list(&filter)).await?))
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
    let filter = filter_of(params)?;
    let store = state.store.clone();
    Ok(Json(blocking(move || store.facets(&filter)).await?))
}

pub(super) async fn get(
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<DeliveryDetail>, ApiError> {
    let store = state.store.clone();
    let delivery = blocking(move || store.get(id))
        .await?
        .ok_or(Error::NotFound(id))?;
    Ok(Json(delivery.into()))
}

/// The body bytes as received. The content type is the sender's, so the response is marked as a
/// download and sandboxed: a stored HTML or SVG body must never run as a page of this origin.
pub(super) async fn raw(
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let (content_type, body) = blocking(move || store.body(id))
        .await?
        .ok_or(Error::NotFound(id))?;
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
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if state.writer.delete(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound(id).into())
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PinRequest {
    pinned: bool,
}

/// `PUT /api/deliveries/{id}/pin` with `{"pinned": true|false}`.
pub(super) async fn pin(
    State(state): State<ApiState>,
    Path(id): Path<i64>,
    body: Result<Json<PinRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    if state.writer.set_pinned(id, body.pinned).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound(id).into())
    }
}

pub(super) async fn delete_all(
    State(state): State<ApiState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let deleted = state.writer.delete_all().await?;
    Ok(Json(json!({ "deleted": deleted })))
}

/// The vendor profiles in detection order, with their catalogs.
pub(super) async fn vendors(State(state): State<ApiState>) -> Json<serde_json::Value> {
    let profiles: Vec<_> = state.registry.profiles().collect();
    Json(json!({ "items": profiles }))
}
