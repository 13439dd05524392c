//! `/api/checks`: grade a webhook handler (`POST` starts a run, answered 202; its progress
//! follows as `check` events on the stream), list past runs, read one with its report and what
//! changed since the run before, cancel or delete it. `/api/attempts/{id}`: one attempt, which
//! a report's rows open.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use http::StatusCode;
use serde::Deserialize;

use super::{ApiError, ApiState, json_body};
use crate::check::{CheckRun, StartCheck};
use crate::model::{Attempt, CheckSummary, Items};

pub(super) async fn start(
    State(state): State<ApiState>,
    body: Result<Json<StartCheck>, JsonRejection>,
) -> Result<(StatusCode, Json<CheckSummary>), ApiError> {
    let start = json_body(body)?;
    let run = state.control.start_check(start).await?;
    Ok((StatusCode::ACCEPTED, Json(run)))
}

/// `GET /api/checks?before=ID&limit=N`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListQuery {
    before: Option<i64>,
    limit: Option<u32>,
}

pub(super) async fn list(
    State(state): State<ApiState>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Items<CheckSummary>>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let runs = state
        .control
        .check_runs(q.before, q.limit.unwrap_or(50))
        .await?;
    Ok(Json(runs.into()))
}

pub(super) async fn get(
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<CheckRun>, ApiError> {
    Ok(Json(state.control.check_run(id).await?))
}

pub(super) async fn cancel(
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<CheckSummary>, ApiError> {
    Ok(Json(state.control.cancel_check(id).await?))
}

pub(super) async fn delete(
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.control.delete_check(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn attempt(
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<Attempt>, ApiError> {
    Ok(Json(state.control.attempt(id).await?))
}
