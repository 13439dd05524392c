//! `GET /api/export` (a download of the deliveries the list filters select, or of `ids`) and
//! `POST /api/import` (a HAR or JSON Lines file as the request body).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use super::{ApiError, ApiState};
use crate::export::{ExportOptions, Format};
use crate::model::ImportResult;
use crate::store::ListParams;

pub(super) async fn export(
    State(state): State<ApiState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    // The export's own parameters, then the list filters from what is left.
    let mut format = None;
    let mut ids = None;
    let mut to = None;
    let mut rest = Vec::new();
    for (k, v) in form_urlencoded_pairs(query.as_deref().unwrap_or_default()) {
        match k.as_str() {
            "format" => format = Some(v),
            "ids" => {
                let parsed: Result<Vec<i64>, _> = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::parse)
                    .collect();
                ids = Some(parsed.map_err(|_| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "ids: a comma-separated list of delivery ids",
                    )
                })?);
            }
            "to" => to = Some(v),
            _ => rest.push((k, v)),
        }
    }
    let format = format
        .as_deref()
        .and_then(Format::parse)
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "format: har, jsonl or curl"))?;
    let rest = serde_urlencoded::to_string(&rest).unwrap_or_default();
    let filter = ListParams::from_query(&rest)?;
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

fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query).unwrap_or_default()
}

pub(super) async fn import(
    State(state): State<ApiState>,
    body: Bytes,
) -> Result<Json<ImportResult>, ApiError> {
    Ok(Json(state.control.import(body.to_vec()).await?))
}
