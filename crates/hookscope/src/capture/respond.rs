//! The capture listener's answers: the usual acknowledgement naming the stored id, an endpoint's
//! configured answer, the forward target's answer relayed (pass-through), and the refusal when a
//! delivery could not be stored (so the sender retries).

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::config::ResponseConfig;
use crate::head;
use crate::model::Outcome;

/// The usual acknowledgement, `{"id":"d_…"}` (the opaque id), written directly: it is on every
/// request's path.
pub(super) fn ack(status: StatusCode, id: &str) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        format!("{{\"id\":\"{id}\"}}"),
    )
        .into_response()
}

pub(super) fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, axum::Json(value)).into_response()
}

/// Not stored, so not acknowledged: the sender's retry will come back.
pub(super) fn not_stored(e: &crate::Error) -> Response {
    // The capture port tells a sender what happened, never where the store is.
    let message = match e {
        crate::Error::DiskFull { .. } => {
            "hookscope's disk is full: the delivery was not stored; try again later".to_owned()
        }
        e => e.to_string(),
    };
    let mut resp = json(
        StatusCode::SERVICE_UNAVAILABLE,
        serde_json::json!({ "error": message }),
    );
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    resp
}

/// The endpoint's configured answer, after its delay: its body (or the acknowledgement) and its
/// headers.
pub(super) async fn custom(custom: &ResponseConfig, status: StatusCode, id: &str) -> Response {
    if let Some(delay) = custom.delay.filter(|d| !d.is_zero()) {
        tokio::time::sleep(delay).await;
    }
    let mut resp = match &custom.body {
        Some(body) => (status, body.clone()).into_response(),
        None => ack(status, id),
    };
    for (name, value) in &custom.headers {
        // Validated when the config was loaded.
        if let (Ok(n), Ok(v)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            resp.headers_mut().append(n, v);
        }
    }
    resp
}

/// The forward target's answer, relayed to the sender: its status, headers (less those of the
/// connection) and body; a 502 naming the reason when it gave none.
pub(super) fn passed_through(id: &str, outcome: Outcome) -> Response {
    let relayed = outcome
        .status
        .filter(|s| *s == super::forward::relayed_status(&outcome));
    let Some(status) = relayed.and_then(|s| StatusCode::from_u16(s).ok()) else {
        let why = outcome.error.unwrap_or_else(|| "no answer".to_owned());
        return json(
            StatusCode::BAD_GATEWAY,
            serde_json::json!({ "id": id, "error": format!("stored, but the forward target gave no answer: {why}") }),
        );
    };
    let mut resp = (status, Body::from(outcome.body)).into_response();
    for (name, value) in &outcome.headers {
        if head::is_hop_by_hop(name) {
            continue;
        }
        if let (Ok(n), Ok(v)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            resp.headers_mut().append(n, v);
        }
    }
    resp
}

/// `resp`, closing the connection after it when `close` (a refused request's remaining bytes
/// cannot be trusted).
pub(super) fn closing(mut resp: Response, close: bool) -> Response {
    if close {
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}
