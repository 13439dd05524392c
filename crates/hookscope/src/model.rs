//! The types that cross module boundaries and, serialised, the control API: a delivery as the
//! capture listener hands it to the store, and as the store hands it back.

use serde::{Deserialize, Serialize};

use crate::profile::{Decoded, EventInfo, Finding};
use crate::signature::SignatureCheck;

/// A request as the capture listener received it, ready to be stored.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// Receive time, UTC, microseconds since the Unix epoch.
    pub received_at_us: i64,
    pub method: String,
    /// The path exactly as sent (percent-encoding untouched), without the query.
    pub path: String,
    /// The raw query string (without `?`), `None` when the target had no `?`.
    pub query: Option<String>,
    pub http_version: String,
    pub remote_addr: String,
    /// Prefix of the configured endpoint the path matched, if any.
    pub endpoint: Option<String>,
    /// The request head as it came off the wire: request line and header lines, byte-exact,
    /// ending with the empty line. Headers (order, case, duplicates) are read back from it.
    pub head: Vec<u8>,
    /// `true` when `head` is the wire bytes; `false` when it was rebuilt from parsed headers
    /// (original case and order then are not known).
    pub head_exact: bool,
    pub content_type: Option<String>,
    /// The stored body: all of it, or its first bytes when `truncated`.
    pub body: bytes::Bytes,
    /// Size of the body the sender sent or declared, which exceeds `body.len()` when truncated.
    pub body_size: u64,
    pub truncated: bool,
    /// The status the capture listener answered (or will answer once this is committed).
    pub response_status: u16,
    /// Why the delivery is incomplete or was refused, in plain words.
    pub note: Option<String>,
    /// What the inspector decoded; `None` for requests refused before they were read.
    pub decoded: Option<Box<Decoded>>,
    /// Read from a file (`hookscope import`) rather than received.
    pub imported: bool,
    /// Behind a tunnel or proxy: the original client and the public URL.
    pub forwarded: Option<crate::head::ForwardedOrigin>,
    /// A forward decided against at capture (its target's queue was full, or it could not be
    /// sent): stored with the delivery, as an attempt of it and its handler answer from the
    /// start. Its `delivery_id` is the delivery's, whatever it says.
    pub not_sent: Option<Box<NewAttempt>>,
    /// The rules that hold for it before it is stored: the store decides among them once it
    /// has counted the arrival, and stores the decision's status and summary.
    pub rules: Option<Box<crate::rules::Considered>>,
    /// `head` and `body` as they will be stored (compressed), made off the writer thread; the
    /// store packs them itself when this is `None`.
    pub packed: Option<Box<crate::packed::Packed>>,
}

/// Whether a delivery repeats an event already seen.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub enum DuplicateKind {
    /// The first arrival of its event.
    First,
    /// Same event id, same body bytes: the sender retried.
    Retry,
    /// Same event id, different body: a sender bug, flagged loudly.
    Conflict,
}

impl DuplicateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateKind::First => "first",
            DuplicateKind::Retry => "retry",
            DuplicateKind::Conflict => "conflict",
        }
    }

    pub fn parse(text: &str) -> Option<DuplicateKind> {
        match text {
            "first" => Some(DuplicateKind::First),
            "retry" => Some(DuplicateKind::Retry),
            "conflict" => Some(DuplicateKind::Conflict),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct Duplicate {
    pub kind: DuplicateKind,
    /// The first delivery of this event (it may since have been deleted).
    pub first_id: i64,
    /// How many times the event has arrived so far.
    pub count: u64,
    /// Which arrival this delivery was (1 for the first).
    pub attempt: u64,
    /// Seconds since the event's first arrival, and since its previous one: the sender's retry
    /// schedule. `None` for the first.
    pub since_first_secs: Option<f64>,
    pub since_previous_secs: Option<f64>,
}

/// The handler's answer to a delivery: the latest forward, replay or edited send of it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct HandlerAnswer {
    /// The attempt it came from.
    pub attempt_id: i64,
    pub kind: AttemptKind,
    /// `None` when no answer came (see `note`).
    pub status: Option<u16>,
    /// 0 when nothing was sent.
    pub latency_ms: f64,
    /// A request went out; `false` when it was never sent (its target's queue was full, or the
    /// delivery could not be forwarded: `note` says which).
    pub sent: bool,
    /// Why no answer came, or the first line of the answer's body.
    pub note: Option<String>,
}

impl HandlerAnswer {
    /// What the sidebar counts and `handler=` selects: `error` when no answer came, else the
    /// status class (`2xx`, `4xx`, ...).
    pub fn class(status: Option<u16>) -> String {
        match status {
            None => "error".to_owned(),
            Some(s) => format!("{}xx", s / 100),
        }
    }
}

/// Whether an attempt of this kind answers for the handler (a test send has no delivery).
pub fn answers_for_handler(kind: AttemptKind) -> bool {
    matches!(
        kind,
        AttemptKind::Forward | AttemptKind::Replay | AttemptKind::Edit
    )
}

/// The first line of an answer's body, at most 200 characters: what a list shows of it.
pub fn first_line(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&body[..body.len().min(1024)]);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(line.chars().take(200).collect())
}

/// One row of a delivery list: everything but the head and the body.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct DeliverySummary {
    pub id: i64,
    /// RFC 3339, UTC, microseconds.
    pub received_at: String,
    pub received_at_us: i64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub http_version: String,
    pub remote_addr: String,
    pub endpoint: Option<String>,
    pub content_type: Option<String>,
    pub body_size: u64,
    pub stored_size: u64,
    pub truncated: bool,
    pub response_status: u16,
    pub note: Option<String>,
    /// Profile id of the sender, when recognised.
    pub vendor: Option<String>,
    /// How the vendor was decided.
    pub detected_by: Option<String>,
    pub event: Option<EventInfo>,
    pub signature: Option<SignatureCheck>,
    pub duplicate: Option<Duplicate>,
    pub validation: Vec<Finding>,
    /// Pinned by the user: kept by retention.
    pub pinned: bool,
    /// Read from a HAR or JSON Lines file (`hookscope import`), not received.
    pub imported: bool,
    /// The handler's answer: the latest forward or replay of this delivery, if any.
    pub handler: Option<HandlerAnswer>,
    /// Behind a tunnel or proxy: the original client (`remote_addr` is then the proxy's).
    pub client_addr: Option<String>,
    /// Behind a tunnel or proxy: the URL the sender used.
    pub public_url: Option<String>,
    /// The rules that applied to it and what they did; `None` when no rule matched.
    pub rule: Option<crate::rules::RuleOutcome>,
}

/// A stored delivery with its headers and body.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub summary: DeliverySummary,
    pub head: Vec<u8>,
    pub head_exact: bool,
    pub body: Vec<u8>,
}

/// A page of deliveries, newest first in receive order; `next_cursor` (the last row's id) is the
/// `before` of the next page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct Page {
    pub items: Vec<DeliverySummary>,
    pub next_cursor: Option<i64>,
    /// How many deliveries the filter selects below the `before` cursor (when asked for).
    /// Under a free-text search, counting stops at [`MATCH_CAP`]: `total_capped` then says that
    /// more match than `total`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub total: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub total_capped: bool,
}

/// Under a free-text search, the most matches a count or the sidebar's counts take: the newest
/// ones. A word in every body would otherwise cost a walk of the whole index.
pub const MATCH_CAP: u64 = 10_000;

/// What `GET /api` answers: who is serving, where deliveries go, and how far the search index
/// has caught up.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
    /// The capture listener's base URL, for the user to give senders and tunnels (empty while it
    /// is not listening).
    pub capture_url: String,
    /// The capture listener's state: up, or why not.
    pub capture: CaptureStatus,
    pub deliveries: u64,
    pub search: SearchProgress,
    /// Vendors `POST /api/samples` can send a sample delivery of.
    pub samples: Vec<String>,
    /// Every forward in force: the one for every delivery first, then each endpoint's own.
    pub forwards: Vec<ForwardInForce>,
    /// Room on the store's disk.
    pub disk: DiskInfo,
}

/// Room on the disk that holds the store.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DiskInfo {
    /// The last write found the disk full and none has succeeded since: captures are answered
    /// 503 (nothing unstored is acknowledged) until there is room again, which deleting
    /// deliveries makes.
    pub full: bool,
    /// Bytes free on that disk, when the system says.
    pub free_bytes: Option<u64>,
    /// Search indexing waits while the disk is this low, so that captures keep the room.
    pub search_paused: bool,
    /// The folder holding the database.
    pub dir: String,
}

/// Where deliveries are also sent as they arrive.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ForwardInForce {
    /// The endpoint whose deliveries go there; `null` for every delivery (`serve --forward-to`)
    /// that no endpoint forwards elsewhere.
    pub endpoint: Option<String>,
    pub to: String,
    /// The sender gets the target's answer.
    pub pass_through: bool,
}

/// Where the capture listener is, or why it is not listening.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CaptureStatus {
    /// The address asked for (`127.0.0.1:8787`).
    pub addr: String,
    /// The base URL senders and tunnels reach, while listening.
    pub url: Option<String>,
    pub listening: bool,
    /// Why it is not listening, in words a person can act on.
    pub error: Option<String>,
    /// A free address to offer when the one asked for is taken.
    pub suggestion: Option<String>,
    /// Where every delivery is also sent (`hookscope serve --forward-to`), unless its endpoint
    /// forwards elsewhere.
    pub forward: Option<String>,
}

/// The search index fills while the store is idle; `q` searches see ids up to `indexed_through`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SearchProgress {
    pub indexed_through: i64,
    pub newest: i64,
}

/// Counts for the filter sidebar: how many deliveries have each value, most first.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Facets {
    pub total: u64,
    pub vendors: Vec<FacetCount>,
    /// Event types, each with its vendor.
    pub event_types: Vec<FacetCount>,
    pub signatures: Vec<FacetCount>,
    pub duplicates: Vec<FacetCount>,
    pub methods: Vec<FacetCount>,
    /// The handler's answer by class (`2xx`, `4xx`, `error` when none came); `null` for
    /// deliveries never forwarded or replayed.
    pub handlers: Vec<FacetCount>,
    /// The tenants with the most deliveries (at most [`TOP_TENANTS`]), each with its vendor.
    pub tenants: Vec<FacetCount>,
    /// Under a free-text search that more than [`MATCH_CAP`] deliveries match (with the filters
    /// other than the facets'), the counts are of the newest of them only, this many.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub capped_at: Option<u64>,
}

/// How many tenants the sidebar lists.
pub const TOP_TENANTS: usize = 50;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FacetCount {
    /// The value; `null` for deliveries without one (no vendor recognised, no event type).
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub vendor: Option<String>,
    pub count: u64,
}

/// The sidebar's facets, in the order [`Facets::from_rows`] takes their values.
pub const FACETS: usize = 6;

impl Facets {
    /// From counts per (vendor, event type, signature, duplicate kind, method, handler class),
    /// `""` for none. `selected` says, for a row's values, which of them the filters in force
    /// let through: each facet counts the rows every *other* facet lets through (the usual
    /// faceted-search rule, so that a facet still offers its alternatives), and `total` the rows
    /// all of them let through.
    pub fn from_rows(
        rows: &[([String; FACETS], u64)],
        selected: impl Fn(&[String; FACETS]) -> [bool; FACETS],
    ) -> Facets {
        use std::collections::BTreeMap;
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        /// (value, vendor) → count
        type Counts = BTreeMap<(Option<String>, Option<String>), u64>;
        let mut maps: [Counts; FACETS] = Default::default();
        let mut total = 0;
        for (keys, n) in rows {
            let pass = selected(keys);
            let failing = pass.iter().filter(|p| !**p).count();
            if failing == 0 {
                total += n;
            }
            for (i, map) in maps.iter_mut().enumerate() {
                // Counted in facet `i` when no other facet's filter leaves the row out.
                if failing == 0 || (failing == 1 && !pass[i]) {
                    let vendor = if i == 1 { some(&keys[0]) } else { None };
                    *map.entry((some(&keys[i]), vendor)).or_default() += n;
                }
            }
        }
        let [
            vendors,
            event_types,
            signatures,
            duplicates,
            methods,
            handlers,
        ] = maps.map(|m| {
            let mut list: Vec<FacetCount> = m
                .into_iter()
                .map(|((value, vendor), count)| FacetCount {
                    value,
                    vendor,
                    count,
                })
                .collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            list
        });
        Facets {
            total,
            vendors,
            event_types,
            signatures,
            duplicates,
            methods,
            handlers,
            tenants: Vec::new(),
            capped_at: None,
        }
    }
}

/// Formats microseconds since the epoch as RFC 3339 UTC with microseconds.
pub fn format_time_us(us: i64) -> String {
    // RFC 3339 ends at the year 9999; later times (a broken clock) are written at that limit.
    let us = us.clamp(0, 253_402_300_799_999_999) as u64;
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_micros(us);
    humantime::format_rfc3339_micros(t).to_string()
}

/// The current time in microseconds since the epoch.
pub fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// A delivery as the API and `hookscope show --json` present it: headers as ordered
/// `[name, value]` pairs in their original case, the body as text when it is UTF-8 and always as
/// base64.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub summary: DeliverySummary,
    pub headers: Vec<(String, String)>,
    /// `false` when the original header case and order could not be recovered.
    pub head_exact: bool,
    pub body: Option<String>,
    pub body_base64: String,
    /// The body with its `Content-Encoding` (gzip, deflate, br) undone, for display.
    pub decoded: Option<std::sync::Arc<crate::content_coding::DecodedBody>>,
    /// The headers a replay sends, in order: `headers` without those the connection owns
    /// (hop-by-hop, `Host`, `Content-Length`, `Expect`). What the replay editor starts from.
    pub replay_headers: Vec<(String, String)>,
    /// Where deliveries like this one are forwarded now (its endpoint's forward, else the one
    /// for every delivery): the Replay tab's default target.
    pub forward_to: Option<String>,
}

impl From<Delivery> for DeliveryDetail {
    fn from(d: Delivery) -> Self {
        DeliveryDetail::decoded_by(d, |encoding, body| {
            crate::content_coding::decode(encoding, body).map(std::sync::Arc::new)
        })
    }
}

impl DeliveryDetail {
    /// The detail of `d`, its body's content coding undone by `decode` (given the
    /// `Content-Encoding` value and the body), which may share one decoding among readers.
    pub fn decoded_by(
        d: Delivery,
        decode: impl FnOnce(&str, &[u8]) -> Option<std::sync::Arc<crate::content_coding::DecodedBody>>,
    ) -> Self {
        use base64::Engine;
        let body_base64 = base64::engine::general_purpose::STANDARD.encode(&d.body);
        let headers = crate::head::header_pairs(&d.head);
        let decoded = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-encoding"))
            .and_then(|(_, value)| decode(value, &d.body));
        let replay_headers = crate::head::forwardable_headers(&d.head)
            .into_iter()
            .map(|(name, value)| (name, crate::head::value_text(&value)))
            .collect();
        DeliveryDetail {
            forward_to: None,
            decoded,
            replay_headers,
            headers,
            head_exact: d.head_exact,
            body: String::from_utf8(d.body).ok(),
            body_base64,
            summary: d.summary,
        }
    }
}

/// Why an outgoing request was made.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[derive(schemars::JsonSchema)]
pub enum AttemptKind {
    /// A stored delivery sent again.
    Replay,
    /// A live delivery passed on to the endpoint's forward target as it arrived.
    Forward,
    /// A stored delivery edited by the user, then sent.
    Edit,
    /// A signed test delivery (`hookscope send`, the UI's "send a sample").
    Send,
    /// A probe of a handler check (`hookscope check`): signed right or wrong, repeated, large.
    Check,
}

impl AttemptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptKind::Replay => "replay",
            AttemptKind::Forward => "forward",
            AttemptKind::Edit => "edit",
            AttemptKind::Send => "send",
            AttemptKind::Check => "check",
        }
    }

    pub fn parse(text: &str) -> Option<AttemptKind> {
        Some(match text {
            "replay" => AttemptKind::Replay,
            "forward" => AttemptKind::Forward,
            "edit" => AttemptKind::Edit,
            "send" => AttemptKind::Send,
            "check" => AttemptKind::Check,
            _ => return None,
        })
    }
}

/// What came back from an outgoing request: an answer, or the reason there was none.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    /// The answer's body, its first bytes when it was longer than the limit.
    pub body: Vec<u8>,
    /// The whole body's size, as far as it was read.
    pub body_size: u64,
    pub latency_us: i64,
    /// Why no answer came, in plain words.
    pub error: Option<String>,
}

/// An outgoing request as it is stored: what was sent, where, and what came back.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub delivery_id: Option<i64>,
    pub kind: AttemptKind,
    pub started_at_us: i64,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    /// `None` when the body is the source delivery's, unchanged.
    pub request_body: Option<Vec<u8>>,
    pub request_size: u64,
    pub resigned: bool,
    pub event_id: Option<String>,
    pub outcome: Outcome,
    /// What may explain a refusal: kept only when the answer was not a 2xx.
    pub hint: Option<String>,
    /// A request went out; `false` for a forward decided against before sending (the outcome's
    /// error says why).
    pub sent: bool,
}

/// A stored outgoing request, as the API, the UI and `hookscope replay` present it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct Attempt {
    pub id: i64,
    pub delivery_id: Option<i64>,
    pub kind: AttemptKind,
    /// RFC 3339, UTC, microseconds.
    pub started_at: String,
    pub started_at_us: i64,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    /// The body sent, as text when it is UTF-8; `None` with `request_body_base64` `None` when it
    /// was the source delivery's body, unchanged.
    pub request_body: Option<String>,
    pub request_body_base64: Option<String>,
    pub request_size: u64,
    pub resigned: bool,
    pub event_id: Option<String>,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
    pub response_body_base64: Option<String>,
    pub response_size: u64,
    /// The stored response body is the first bytes of a longer one.
    pub response_truncated: bool,
    /// `None` when nothing was sent.
    pub latency_ms: Option<f64>,
    pub error: Option<String>,
    /// A request went out; `false` when it was never sent (`error` says why), so there is no
    /// request to show.
    pub sent: bool,
    /// An answer with a 2xx status.
    pub ok: bool,
    /// The first line of the answer's body: what a handler says when it refuses.
    pub answer_line: Option<String>,
    /// What may explain a refusal (the original signature was past its tolerance).
    pub hint: Option<String>,
}

/// Where a handler check run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub enum CheckState {
    Running,
    /// Ended with no probe failed.
    Passed,
    /// Ended with at least one probe failed.
    Failed,
    /// Stopped by its user before the last probe.
    Cancelled,
    /// Its process ended before it did.
    Interrupted,
}

impl CheckState {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckState::Running => "running",
            CheckState::Passed => "passed",
            CheckState::Failed => "failed",
            CheckState::Cancelled => "cancelled",
            CheckState::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> CheckState {
        match s {
            "running" => CheckState::Running,
            "passed" => CheckState::Passed,
            "failed" => CheckState::Failed,
            "cancelled" => CheckState::Cancelled,
            _ => CheckState::Interrupted,
        }
    }
}

/// A handler check run as listed and as its progress is announced (the report itself is the
/// check module's).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct CheckSummary {
    pub id: i64,
    /// The vendor's profile id.
    pub vendor: String,
    /// The handler's URL.
    pub to: String,
    /// The event types chosen; empty for all.
    pub events: Vec<String>,
    /// RFC 3339 UTC.
    pub started_at: String,
    pub state: CheckState,
    /// Probes in the run, and graded so far.
    pub total: u32,
    pub done: u32,
    pub passed: u32,
    pub failed: u32,
    pub warned: u32,
    pub skipped: u32,
}

/// A bulk replay, as the UI shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReplayJob {
    pub id: u64,
    /// The target URL.
    pub to: String,
    /// When it started, Unix microseconds.
    pub started_at_us: i64,
    pub progress: ReplayProgress,
    /// Every delivery was sent or skipped; nothing more will change.
    pub finished: bool,
}

/// Where a bulk replay stands; also its final report.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct ReplayProgress {
    pub total: u64,
    /// Sent, or given up on before sending (see `failed`).
    pub done: u64,
    pub ok: u64,
    pub failed: u64,
    /// Not sent because the replay stopped at a failure or was cancelled.
    pub skipped: u64,
    /// The first failure, in plain words, with its delivery id.
    pub first_failure: Option<String>,
    /// Stopped at a failure (`stop_on_failure`) before the end.
    pub stopped: bool,
    /// Cancelled before the end.
    pub cancelled: bool,
    pub elapsed_ms: f64,
}

impl ReplayProgress {
    /// Deliveries a second, over the time so far.
    pub fn rate(&self) -> f64 {
        if self.elapsed_ms > 0.0 {
            self.done as f64 / (self.elapsed_ms / 1000.0)
        } else {
            0.0
        }
    }
}

/// A cURL command that sends a stored delivery again: Hookscope's own, byte-exact (`hookscope
/// export --format curl` writes the same).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct CurlCommand {
    pub command: String,
    /// The file a binary body is read from (`--data-binary @name`): the raw body saved under
    /// that name. `None` when the body is inline.
    pub body_file: Option<String>,
}

/// A list answer of the control API: `{"items": [...]}`, so that fields can be added beside it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

impl<T> From<Vec<T>> for Items<T> {
    fn from(items: Vec<T>) -> Self {
        Items { items }
    }
}

/// How many deliveries a delete removed.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Deleted {
    pub deleted: u64,
}

/// What an import stored.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct ImportResult {
    pub imported: usize,
    /// The new deliveries' ids, in the file's order.
    pub ids: Vec<i64>,
}

/// A vendor's documented event that a sample or test event can be made of.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct SampleEvent {
    pub vendor: String,
    pub event: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_format_at_any_value() {
        assert_eq!(super::format_time_us(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(super::format_time_us(-5), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            super::format_time_us(i64::MAX),
            "9999-12-31T23:59:59.999999Z"
        );
    }
}
