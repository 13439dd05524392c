//! `/api/deliveries/{id}/replay` and `/api/deliveries/{id}/attempts`: send a stored delivery
//! again, as it was, re-signed or edited, and read the history of what was sent and answered.
//! `/api/replays`: bulk replays of a filtered set, with progress and cancel.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, RawQuery, State};
use http::StatusCode;
use serde::Deserialize;

use super::{ApiError, ApiState, DeliveryRef, json_body};
use crate::model::{Attempt, Items, ReplayJob};
use crate::replay::jobs::StartReplay;
use crate::replay::{EditedRequest, ReplayOptions};
use crate::store::ListParams;

/// `POST /api/deliveries/{id}/replay`: the replay options, and `edited` for an edited send.
/// (`deny_unknown_fields` does not work with `flatten`.)
#[derive(Debug, Deserialize)]
pub(super) struct ReplayRequest {
    #[serde(flatten)]
    options: ReplayOptions,
    #[serde(default)]
    edited: Option<EditedRequest>,
}

pub(super) async fn replay(
    State(state): State<ApiState>,
    DeliveryRef(id): DeliveryRef,
    body: Result<Json<ReplayRequest>, JsonRejection>,
) -> Result<Json<Attempt>, ApiError> {
    let body = json_body(body)?;
    Ok(Json(
        state
            .control
            .replay_delivery(id, body.options, body.edited)
            .await?,
    ))
}

pub(super) async fn attempts(
    State(state): State<ApiState>,
    DeliveryRef(id): DeliveryRef,
) -> Result<Json<Items<Attempt>>, ApiError> {
    Ok(Json(state.control.attempts(id).await?.into()))
}

/// `POST /api/replays?<list filters>`: starts replaying the deliveries the filters select (or
/// the body's `ids`), oldest first; the body has the replay and pacing options. Answers 202 with
/// the job; its progress follows as `replay` events on the stream and at `/api/replays/{job}`.
pub(super) async fn start_many(
    State(state): State<ApiState>,
    RawQuery(query): RawQuery,
    body: Result<Json<StartReplay>, JsonRejection>,
) -> Result<(StatusCode, Json<ReplayJob>), ApiError> {
    let start = json_body(body)?;
    let filter = ListParams::from_query(query.as_deref().unwrap_or_default())?;
    let job = state.control.start_replay(filter, start).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

pub(super) async fn jobs(State(state): State<ApiState>) -> Json<Items<ReplayJob>> {
    Json(state.control.replay_jobs().into())
}

pub(super) async fn job(
    State(state): State<ApiState>,
    Path(id): Path<u64>,
) -> Result<Json<ReplayJob>, ApiError> {
    Ok(Json(state.control.replay_job(id)?))
}

/// `DELETE /api/replays/{job}`: no further request starts; those in flight finish.
pub(super) async fn cancel(
    State(state): State<ApiState>,
    Path(id): Path<u64>,
) -> Result<Json<ReplayJob>, ApiError> {
    Ok(Json(state.control.cancel_replay(id)?))
}
