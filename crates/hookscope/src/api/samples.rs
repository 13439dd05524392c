//! `/api/samples`: the UI's "send a sample delivery". A documented example of the chosen vendor
//! is signed with the secret of the endpoint bound to that vendor (or, when there is none, with a
//! sample secret, so the signature shows as not checked) and posted to this server's own capture
//! listener over HTTP, like any sender's delivery: it goes through the whole capture path.

use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiError, ApiState};
use crate::generate;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SampleRequest {
    /// Vendor profile id; by default the first of [`generate::sample_vendors`].
    pub vendor: Option<String>,
    /// Which of the vendor's examples (wraps around).
    pub pick: usize,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SampleSent {
    /// The stored delivery's id, as the capture listener acknowledged it.
    pub id: Option<i64>,
    pub vendor: String,
    /// Where it was posted on the capture listener.
    pub path: String,
    /// The capture listener's status.
    pub status: u16,
}

pub(super) async fn send(
    State(state): State<ApiState>,
    body: Option<Json<SampleRequest>>,
) -> Result<Json<SampleSent>, ApiError> {
    let request = body.map(|Json(b)| b).unwrap_or_default();
    let vendor = match request.vendor {
        Some(v) => v,
        None => generate::sample_vendors()
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    if !generate::sample_vendors().any(|v| v == vendor) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "no sample for vendor {vendor:?}; samples exist for {}",
                generate::sample_vendors().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let endpoints = state.endpoints.get();
    let bound = endpoints
        .list
        .iter()
        .find(|ep| ep.vendor.as_deref() == Some(vendor.as_str()));
    let secret = bound.and_then(|ep| ep.secrets.first().cloned());
    let path = match bound {
        Some(ep) => ep.path.clone(),
        None => format!("/sample/{vendor}"),
    };
    let sample = generate::sample(&state.registry, &vendor, secret.as_deref(), request.pick)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("vendor {vendor:?} is not a loaded profile"),
            )
        })?;
    let mut post = state
        .http
        .post(format!("{}{path}", state.capture_url.trim_end_matches('/')))
        .body(sample.body);
    for (name, value) in &sample.headers {
        post = post.header(name, value);
    }
    let answer = post.send().await.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            format!("could not post the sample to the capture listener: {e}"),
        )
    })?;
    let status = answer.status().as_u16();
    let id = answer
        .json::<serde_json::Value>()
        .await
        .ok()
        .and_then(|v| v.get("id").and_then(serde_json::Value::as_i64));
    Ok(Json(SampleSent {
        id,
        vendor,
        path,
        status,
    }))
}
