//! The one handler behind every method and path of the capture listener: read the request as it
//! came, store it, and answer only once it is committed. It never reads stored data back.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use bytesize::ByteSize;
use http::{HeaderMap, HeaderValue, StatusCode, Version, header};
use http_body_util::BodyExt;
use tokio::time::Instant;
use tracing::Instrument;

use super::forward::{Captured, Forward};
use super::wire::WireLog;
use crate::config::{Config, Endpoints, LiveEndpoints};
use crate::head;
use crate::model::{NewDelivery, now_us};
use crate::profile::{Decoded, Received, Registry, failed_analysis};
use crate::store::Writer;

/// Shared by every capture request.
pub struct CaptureState {
    /// Limits and timeouts, fixed while the server runs.
    pub config: Arc<Config>,
    /// Endpoints, which the user may change while the server runs.
    pub endpoints: Arc<LiveEndpoints>,
    pub writer: Writer,
    pub registry: Arc<Registry>,
    /// Sends deliveries on to an endpoint's forward target.
    pub forwarder: Arc<dyn Forward>,
}

/// Bodies larger than this are analysed on a blocking thread, off the async workers.
const INLINE_ANALYSIS_MAX: usize = 256 * 1024;

/// [`Registry::analyze_delivery`], on a blocking thread for large bodies.
async fn analyze(
    state: &Arc<CaptureState>,
    endpoints: &Arc<Endpoints>,
    endpoint: Option<usize>,
    head: &[u8],
    body: &Bytes,
    received_at_us: i64,
    truncated: bool,
) -> Decoded {
    if body.len() <= INLINE_ANALYSIS_MAX {
        let received = Received {
            head,
            body,
            received_at_us,
            truncated,
        };
        return state
            .registry
            .analyze_delivery(endpoints, endpoint, received);
    }
    let (registry, endpoints) = (state.registry.clone(), endpoints.clone());
    let (head, body) = (head.to_vec(), body.clone());
    let blocking = tokio::task::spawn_blocking(move || {
        let received = Received {
            head: &head,
            body: &body,
            received_at_us,
            truncated,
        };
        registry.analyze_delivery(&endpoints, endpoint, received)
    });
    // A bug in analysis must not cost the delivery: it is stored with the failure noted.
    blocking
        .await
        .unwrap_or_else(|e| failed_analysis(&e.to_string()))
}

/// Per-connection facts the accept loop hands to each request.
#[derive(Clone)]
pub(super) struct ConnInfo {
    pub log: Arc<WireLog>,
    pub remote: SocketAddr,
}

/// How reading the body ended.
enum BodyRead {
    Complete(Bytes),
    /// Over `capture.max_body`: the first `keep_truncated` bytes, and the size sent or declared.
    TooLarge {
        kept: Bytes,
        size: u64,
    },
    TimedOut {
        kept: Bytes,
        size: u64,
    },
    Failed {
        kept: Bytes,
        size: u64,
        error: String,
    },
}

pub(super) async fn capture(State(state): State<Arc<CaptureState>>, req: Request) -> Response {
    // Every line logged while this request is handled names it; `id` once it is stored.
    let span = tracing::info_span!(
        "capture",
        method = %req.method(),
        path = req.uri().path(),
        id = tracing::field::Empty,
    );
    receive(state, req).instrument(span).await
}

async fn receive(state: Arc<CaptureState>, req: Request) -> Response {
    let received_at_us = now_us();
    let (parts, body) = req.into_parts();
    let conn = parts.extensions.get::<ConnInfo>().cloned();
    let remote_addr = conn
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), |c| c.remote.to_string());
    let wire_head = conn.as_ref().and_then(|c| c.log.take_head());

    let (head, head_exact) = match wire_head {
        Some(raw) => (raw, true),
        None => (
            rebuild_head(&parts.method, &parts.uri, parts.version, &parts.headers),
            false,
        ),
    };
    let (path, query) = match head::parse(&head) {
        Some(h) if head_exact => {
            let (p, q) = head::split_target(h.target);
            (p.to_owned(), q.map(str::to_owned))
        }
        _ => (
            parts.uri.path().to_owned(),
            parts.uri.query().map(str::to_owned),
        ),
    };

    let cap = &state.config.capture;
    let declared = content_length(&parts.headers);
    let chunked = parts.headers.contains_key(header::TRANSFER_ENCODING);
    let expects_continue = parts
        .headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if let (Some(conn), Some(len), false) = (&conn, declared, chunked) {
        // The body's wire bytes are dropped from the log as they arrive, never held twice.
        conn.log.skip(len);
    }

    let read = if declared.is_some_and(|len| len > cap.max_body.as_u64()) && expects_continue {
        // The sender waits for 100 Continue: refuse without making it send the body.
        BodyRead::TooLarge {
            kept: Bytes::new(),
            size: declared.unwrap_or(0),
        }
    } else {
        read_body(
            body,
            declared,
            cap.max_body.as_u64(),
            cap.keep_truncated.as_u64(),
            cap.body_read_timeout,
        )
        .await
    };

    let max = ByteSize::b(cap.max_body.as_u64()).display().iec();
    let (body, body_size, truncated, status, note, close) = match read {
        BodyRead::Complete(bytes) => {
            if chunked && let Some(conn) = &conn {
                conn.log.skip_chunked();
            }
            let size = bytes.len() as u64;
            (bytes, size, false, None, None, false)
        }
        BodyRead::TooLarge { kept, size } => {
            let note = format!(
                "body of {size} bytes exceeds the {max} limit (capture.max_body); the first {} bytes are kept",
                kept.len()
            );
            (
                kept,
                size,
                true,
                Some(StatusCode::PAYLOAD_TOO_LARGE),
                Some(note),
                true,
            )
        }
        BodyRead::TimedOut { kept, size } => {
            let note = format!(
                "body not complete within {} (capture.body_read_timeout); {size} bytes arrived",
                humantime::format_duration(cap.body_read_timeout)
            );
            (
                kept,
                size,
                true,
                Some(StatusCode::REQUEST_TIMEOUT),
                Some(note),
                true,
            )
        }
        BodyRead::Failed { kept, size, error } => {
            let note = format!("body incomplete: {error}; {size} bytes arrived");
            (
                kept,
                size,
                true,
                Some(StatusCode::BAD_REQUEST),
                Some(note),
                true,
            )
        }
    };
    if close && let Some(conn) = &conn {
        conn.log.clear();
    }

    let endpoints = state.endpoints.get();
    let endpoint_index = endpoints.index(&path);
    let endpoint = endpoint_index.map(|i| &endpoints.list[i]);
    let custom = endpoint
        .and_then(|e| e.response.as_ref())
        .filter(|_| status.is_none());
    // The endpoint's forward, else the one for every delivery (`serve --forward-to`).
    let forward_to =
        endpoint
            .and_then(|e| e.forward.as_ref())
            .or(state.config.capture.forward.as_ref());
    // Pass-through answers with the target's answer; a request refused at capture (too large,
    // too slow, broken off) keeps the capture listener's own answer.
    let pass_through = status.is_none() && forward_to.is_some_and(|f| f.pass_through);
    let decoded = analyze(
        &state,
        &endpoints,
        endpoint_index,
        &head,
        &body,
        received_at_us,
        truncated,
    )
    .await;
    let status = status.unwrap_or_else(|| {
        custom.map_or(StatusCode::OK, |r| {
            StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK)
        })
    });

    // What a forward needs once the delivery is stored (the body is shared, not copied).
    let forward = forward_to.cloned().map(|fwd| {
        let captured = Captured {
            id: 0,
            method: parts.method.as_str().to_owned(),
            path: path.clone(),
            query: query.clone(),
            endpoint: endpoint.map(|e| e.path.clone()),
            head: head.clone(),
            body: body.clone(),
            truncated,
        };
        (fwd, captured)
    });
    let delivery = NewDelivery {
        received_at_us,
        method: parts.method.as_str().to_owned(),
        path,
        query,
        http_version: version_text(parts.version).to_owned(),
        remote_addr,
        endpoint: endpoint.map(|e| e.path.clone()),
        head,
        head_exact,
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .map(|v| head::value_text(v.as_bytes())),
        body,
        body_size,
        truncated,
        response_status: status.as_u16(),
        note: note.clone(),
        decoded: Some(Box::new(decoded)),
        imported: false,
    };

    let id = match state.writer.insert(delivery).await {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(error = %e, "a delivery could not be stored");
            // Not stored, so not acknowledged: the sender's retry will come back.
            let mut resp = json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({ "error": e.to_string() }),
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            return resp;
        }
    };
    tracing::Span::current().record("id", id);
    tracing::debug!(status = status.as_u16(), "delivery stored");

    if let Some((fwd, mut captured)) = forward {
        captured.id = id;
        let run = state.forwarder.forward(fwd, captured);
        if pass_through {
            // The delivery is stored; the target's answer is the sender's.
            return pass_through_response(id, run.await, close);
        }
        tokio::spawn(run);
    }

    let mut resp = match custom {
        Some(custom) => {
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
        None => match note {
            Some(error) => json_response(status, serde_json::json!({ "id": id, "error": error })),
            None => ack(status, id),
        },
    };
    if close {
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

/// The forward target's answer, relayed to the sender: its status, headers (less those of the
/// connection) and body; a 502 naming the reason when it gave none.
fn pass_through_response(id: i64, outcome: crate::model::Outcome, close: bool) -> Response {
    let Some(status) = outcome.status.and_then(|s| StatusCode::from_u16(s).ok()) else {
        let why = outcome.error.unwrap_or_else(|| "no answer".to_owned());
        let mut resp = json_response(
            StatusCode::BAD_GATEWAY,
            serde_json::json!({ "id": id, "error": format!("stored, but the forward target gave no answer: {why}") }),
        );
        if close {
            resp.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        return resp;
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
    if close {
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

async fn read_body(
    mut body: Body,
    declared: Option<u64>,
    max: u64,
    keep: u64,
    timeout: Duration,
) -> BodyRead {
    let deadline = Instant::now() + timeout;
    let over_declared = declared.is_some_and(|len| len > max);
    let capacity = declared
        .unwrap_or(8 * 1024)
        .min(if over_declared { keep } else { max });
    let mut buf = BytesMut::with_capacity(capacity as usize);
    let mut seen = 0u64;
    let kept = |buf: BytesMut| {
        let mut b = buf.freeze();
        b.truncate(keep as usize);
        b
    };
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => {
                return BodyRead::TimedOut {
                    kept: kept(buf),
                    size: seen,
                };
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return BodyRead::Failed {
                    kept: kept(buf),
                    size: seen,
                    error: plain_error(&e),
                };
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers: they stay in the wire log's view of the body only
        };
        seen += data.len() as u64;
        if over_declared || seen > max {
            let room = keep.saturating_sub(buf.len() as u64) as usize;
            buf.extend_from_slice(&data[..room.min(data.len())]);
            if buf.len() as u64 >= keep || !over_declared {
                return BodyRead::TooLarge {
                    kept: kept(buf),
                    size: declared.unwrap_or(seen).max(seen),
                };
            }
        } else {
            buf.extend_from_slice(&data);
        }
    }
    if over_declared {
        return BodyRead::TooLarge {
            kept: kept(buf),
            size: declared.unwrap_or(seen),
        };
    }
    BodyRead::Complete(buf.freeze())
}

/// A body read error in words a person reads: hyper's own for an early hang-up is terse.
fn plain_error(e: &axum::Error) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut parts = Vec::new();
    while let Some(err) = cause {
        let hung_up = err
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
            || err.downcast_ref::<std::io::Error>().is_some_and(|io| {
                matches!(
                    io.kind(),
                    std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
                )
            });
        if hung_up {
            return "the sender closed the connection before the body was complete".to_owned();
        }
        let text = err.to_string();
        if !parts.iter().any(|p: &String| p.contains(&text)) {
            parts.push(text);
        }
        cause = err.source();
    }
    parts.join(": ")
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn version_text(v: Version) -> &'static str {
    match v {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    }
}

/// A head in wire form from parsed parts, for a request whose own bytes were not found (names
/// then are lowercase and grouped, as hyper keeps them).
fn rebuild_head(
    method: &http::Method,
    uri: &http::Uri,
    v: Version,
    headers: &HeaderMap,
) -> Vec<u8> {
    let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let mut out = format!("{method} {target} {}\r\n", version_text(v)).into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The usual acknowledgement, `{"id":N}`, written directly: it is on every request's path.
fn ack(status: StatusCode, id: i64) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        format!("{{\"id\":{id}}}"),
    )
        .into_response()
}

fn json_response(status: StatusCode, value: serde_json::Value) -> Response {
    (status, axum::Json(value)).into_response()
}
