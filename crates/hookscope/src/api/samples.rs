//! `/api/samples`: the UI's "send a sample delivery" (see
//! [`crate::control::Control::send_sample`]).

use axum::Json;
use axum::extract::State;

use super::{ApiError, ApiState};
use crate::control::{SampleRequest, SampleSent};

pub(super) async fn send(
    State(state): State<ApiState>,
    body: Option<Json<SampleRequest>>,
) -> Result<Json<SampleSent>, ApiError> {
    let request = body.map(|Json(b)| b).unwrap_or_default();
    Ok(Json(state.control.send_sample(request).await?))
}
