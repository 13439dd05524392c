//! Reading a capture request: its head exactly as it came off the wire (or rebuilt when the wire
//! log has none), and its body within the listener's limits, with what arrived and why not all
//! when a limit was reached or the sender broke off.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use bytesize::ByteSize;
use http::{HeaderMap, StatusCode, Version, header};
use http_body_util::BodyExt;
use tokio::time::Instant;

use super::handler::CaptureState;
use super::wire::WireLog;
use crate::head;

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
    /// The bodies arriving at once hold `capture.max_in_flight`: this one waits for no room.
    Busy {
        kept: Bytes,
        size: u64,
    },
}

/// This request's share of the bodies held in memory, given back when it is dropped (the body
/// stored, refused or abandoned).
struct InFlight<'a> {
    total: &'a std::sync::atomic::AtomicU64,
    mine: u64,
    max: u64,
}

impl InFlight<'_> {
    /// Takes `n` more bytes; `false` (taking none) when that would pass the budget.
    fn take(&mut self, n: u64) -> bool {
        use std::sync::atomic::Ordering;
        let before = self.total.fetch_add(n, Ordering::AcqRel);
        if before + n > self.max {
            self.total.fetch_sub(n, Ordering::AcqRel);
            return false;
        }
        self.mine += n;
        true
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.total
            .fetch_sub(self.mine, std::sync::atomic::Ordering::AcqRel);
    }
}

/// A request as read off the connection: its head as sent, where it went, and its body, or what
/// of it arrived and why not all.
pub(super) struct Incoming {
    pub(super) head: Vec<u8>,
    /// `head` is the wire bytes, not rebuilt from parsed headers.
    pub(super) head_exact: bool,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) remote_addr: String,
    pub(super) body: Bytes,
    /// What the sender sent or declared.
    pub(super) body_size: u64,
    pub(super) truncated: bool,
    /// The listener's own refusal (too large, too slow, broken off) and the note saying why.
    pub(super) refused: Option<(StatusCode, String)>,
    /// The connection is closed after the answer (its remaining bytes cannot be trusted).
    pub(super) close: bool,
}

/// Reads the head (from the connection's wire log, byte-exact) and the body, within the
/// listener's limits.
pub(super) async fn read_request(
    state: &CaptureState,
    parts: &http::request::Parts,
    body: Body,
) -> Incoming {
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
    // The body's wire bytes are dropped from the log as they arrive, never held twice.
    match (&conn, declared, chunked) {
        (Some(conn), _, true) => conn.log.begin_chunked(),
        (Some(conn), Some(len), false) => conn.log.skip(len),
        _ => {}
    }

    let read = if declared.is_some_and(|len| len > cap.max_body.as_u64()) && expects_continue {
        // The sender waits for 100 Continue: refuse without making it send the body.
        BodyRead::TooLarge {
            kept: Bytes::new(),
            size: declared.unwrap_or(0),
        }
    } else {
        let budget = InFlight {
            total: &state.in_flight,
            mine: 0,
            max: cap.in_flight_budget().as_u64(),
        };
        read_body(
            body,
            declared,
            cap.max_body.as_u64(),
            cap.keep_truncated.as_u64(),
            cap.body_read_timeout,
            budget,
        )
        .await
    };

    let max = ByteSize::b(cap.max_body.as_u64()).display().iec();
    let (body, body_size, refused) = match read {
        BodyRead::Complete(bytes) => {
            if chunked && let Some(conn) = &conn {
                conn.log.end_chunked();
            }
            let size = bytes.len() as u64;
            (bytes, size, None)
        }
        BodyRead::TooLarge { kept, size } => {
            let note = format!(
                "body of {size} bytes exceeds the {max} limit (capture.max_body); the first {} bytes are kept",
                kept.len()
            );
            (kept, size, Some((StatusCode::PAYLOAD_TOO_LARGE, note)))
        }
        BodyRead::TimedOut { kept, size } => {
            let note = format!(
                "body not complete within {} (capture.body_read_timeout); {size} bytes arrived",
                humantime::format_duration(cap.body_read_timeout)
            );
            (kept, size, Some((StatusCode::REQUEST_TIMEOUT, note)))
        }
        BodyRead::Failed { kept, size, error } => {
            let note = format!("body incomplete: {error}; {size} bytes arrived");
            (kept, size, Some((StatusCode::BAD_REQUEST, note)))
        }
        BodyRead::Busy { kept, size } => {
            let note = format!(
                "refused while bodies arriving at once held the {} budget (capture.max_in_flight); {size} bytes arrived, try again",
                cap.in_flight_budget().display().iec()
            );
            (kept, size, Some((StatusCode::SERVICE_UNAVAILABLE, note)))
        }
    };
    let close = refused.is_some();
    if close && let Some(conn) = &conn {
        conn.log.clear();
    }
    Incoming {
        head,
        head_exact,
        path,
        query,
        remote_addr,
        body,
        body_size,
        truncated: refused.is_some(),
        refused,
        close,
    }
}

async fn read_body(
    mut body: Body,
    declared: Option<u64>,
    max: u64,
    keep: u64,
    timeout: Duration,
    mut budget: InFlight<'_>,
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
        // Only what is kept takes room: a body over the limit keeps its first bytes only.
        let kept_now = if over_declared || seen > max {
            keep.saturating_sub(buf.len() as u64).min(data.len() as u64)
        } else {
            data.len() as u64
        };
        if !budget.take(kept_now) {
            let mut kept = buf;
            kept.truncate(keep as usize);
            return BodyRead::Busy {
                kept: kept.freeze(),
                size: declared.unwrap_or(seen).max(seen),
            };
        }
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

pub(super) fn version_text(v: Version) -> &'static str {
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
