//! `/api/samples`: the UI's "send a sample delivery" and "send a test event" (see
//! [`crate::control::Control::send_sample`]), and what can be sent.

use axum::Json;
use axum::extract::State;

use super::{ApiError, ApiState};
use crate::control::{SampleRequest, SampleSent};
use crate::model::{Items, SampleEvent};

pub(super) async fn send(
    State(state): State<ApiState>,
    body: Option<Json<SampleRequest>>,
) -> Result<Json<SampleSent>, ApiError> {
    let request = body.map(|Json(b)| b).unwrap_or_default();
    Ok(Json(state.control.send_sample(request).await?))
}

/// `GET /api/samples`: `{"items": [{"vendor", "event"}, ...]}`, first-class vendors first.
pub(super) async fn catalog(State(state): State<ApiState>) -> Json<Items<SampleEvent>> {
    Json(state.control.sample_catalog().into())
}
