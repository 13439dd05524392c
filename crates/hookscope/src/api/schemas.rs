//! `/api/schemas`: the schemas learned from traffic (see [`crate::control::Control::schemas`]).
//! `GET /api/schemas` lists them; `GET /api/schemas/{vendor}/{event_type}` is one, as its
//! fields and JSON Schema, or with `?format=json-schema|typescript|zod` as that text alone.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::header;

use super::{ApiError, ApiState};
use crate::control::{SchemaFormat, SchemaSummary};
use crate::model::Items;

pub(super) async fn list(State(state): State<ApiState>) -> Json<Items<SchemaSummary>> {
    Json(state.control.schemas().into())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SchemaQuery {
    format: Option<String>,
}

pub(super) async fn get(
    State(state): State<ApiState>,
    Path((vendor, event_type)): Path<(String, String)>,
    Query(query): Query<SchemaQuery>,
) -> Result<Response, ApiError> {
    let Some(format) = query.format.as_deref() else {
        return Ok(Json(state.control.schema(&vendor, &event_type)?).into_response());
    };
    let format = SchemaFormat::parse(format)?;
    let text = state.control.schema_as(&vendor, &event_type, format)?;
    let disposition = format!("inline; filename=\"{}\"", format.file_name(&event_type));
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}
