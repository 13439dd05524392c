//! `GET /api/export` (a download of the deliveries the list filters select, or of `ids`) and
//! `POST /api/import` (a HAR or JSON Lines file as the request body).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use super::{ApiError, ApiState};
use crate::export::{ExportOptions, ExportQuery};
use crate::model::ImportResult;

pub(super) async fn export(
    State(state): State<ApiState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let request = ExportQuery::parse(query.as_deref().unwrap_or_default())?;
    let format = request
        .format
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "format: har, jsonl or curl"))?;
    let (filter, ids, to) = (request.filter, request.ids, request.to);
    let body = state
        .control
        .export(filter, ids, format, ExportOptions { curl_target: to })
        .await?;
    let name = format!("hookscope-export.{}", format.extension());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .expect("ASCII header value"),
            ),
        ],
        body,
    )
        .into_response())
}

pub(super) async fn import(
    State(state): State<ApiState>,
    body: Bytes,
) -> Result<Json<ImportResult>, ApiError> {
    Ok(Json(state.control.import(body.to_vec()).await?))
}
