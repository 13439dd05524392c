//! Sending stored deliveries again: to the handler a user is writing (`hookscope replay`, the
//! UI's Replay tab), as they arrive (live forwarding), edited first, or re-signed as a fresh
//! event. Every attempt is stored with its answer and linked to its source delivery.
//!
//! A replay is the delivery as it came: same method, headers (less the hop-by-hop ones and those
//! the connection recomputes) and the body byte-exact. Re-signing replaces only the signature
//! headers (and the event id, when a fresh event is asked for), so a receiver that checks
//! timestamps accepts it; without it the original signature goes out untouched, which is how a
//! receiver's replay protection is tested.

pub mod bulk;
mod client;
pub mod forward;
pub mod jobs;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

pub use client::{Client, ClientOptions};

use crate::config::{EndpointConfig, Endpoints};
use crate::error::{Error, Result};
use crate::head::forwardable_headers;
use crate::model::{AttemptKind, Delivery, NewAttempt, now_us};
use crate::profile::Registry;
use crate::signature::{self, SignParams, SignatureCheck, SignatureScheme};
use crate::target::{Origin, PathMode, target_url_for};

/// Where and how to send.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReplayOptions {
    /// The target URL, `http://localhost:3000/webhooks` say.
    pub to: String,
    #[serde(default)]
    pub path: PathMode,
    /// Compute the signature anew, with the current time and the endpoint's secret.
    #[serde(default)]
    pub resign: bool,
    /// Send it as a new event: a new event id (in the headers and the body), and re-signed.
    #[serde(default)]
    pub fresh_id: bool,
    /// Sign with this secret instead of the endpoint's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub secret: Option<String>,
}

/// A request the user edited before sending: the headers as `[name, value]` pairs and the body
/// as text, or as base64 when it is binary.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EditedRequest {
    pub method: String,
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub body: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub body_base64: Option<String>,
}

/// A request ready to go out.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub delivery_id: Option<i64>,
    pub kind: AttemptKind,
    pub method: String,
    pub url: String,
    /// In sending order; values are bytes, as a header may carry non-UTF-8 (obs-text).
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Bytes,
    /// The body differs from the source delivery's (edited, or a fresh id written into it).
    pub body_changed: bool,
    pub resigned: bool,
    pub event_id: Option<String>,
    /// Set when the original signature goes out past its scheme's tolerance: what explains a
    /// refusal.
    pub stale_signature: Option<String>,
}

impl Outgoing {
    /// The attempt to store once `outcome` is known.
    pub fn attempt(&self, started_at_us: i64, outcome: crate::model::Outcome) -> NewAttempt {
        NewAttempt {
            delivery_id: self.delivery_id,
            kind: self.kind,
            started_at_us,
            method: self.method.clone(),
            url: self.url.clone(),
            request_headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), crate::head::value_text(v)))
                .collect(),
            request_body: (self.body_changed || self.delivery_id.is_none())
                .then(|| self.body.to_vec()),
            request_size: self.body.len() as u64,
            resigned: self.resigned,
            event_id: self.event_id.clone(),
            hint: self
                .stale_signature
                .clone()
                .filter(|_| !outcome.status.is_some_and(|s| (200..300).contains(&s))),
            outcome,
            sent: true,
        }
    }
}

/// What building a replay needs besides the delivery: the endpoints (secrets, schemes) and the
/// vendor profiles.
pub struct Context<'a> {
    pub endpoints: &'a Endpoints,
    pub registry: &'a Registry,
}

/// The URL a delivery goes to under `mode`.
pub fn target_url(to: &str, mode: PathMode, delivery: &Delivery) -> Result<String> {
    let s = &delivery.summary;
    target_url_for(
        to,
        mode,
        Origin {
            path: &s.path,
            query: s.query.as_deref(),
            endpoint: s.endpoint.as_deref(),
        },
    )
}

/// The endpoint configuration a delivery was captured on, when it still exists.
fn endpoint_of<'a>(endpoints: &'a Endpoints, delivery: &Delivery) -> Option<&'a EndpointConfig> {
    let prefix = delivery.summary.endpoint.as_deref()?;
    endpoints.list.iter().find(|e| e.path == prefix)
}

/// The scheme and secret a delivery is signed with when re-signed: its endpoint's scheme (or its
/// vendor's), and `secret` or else the endpoint's first secret.
fn signing<'a>(
    ctx: &'a Context<'_>,
    delivery: &Delivery,
    secret: Option<&str>,
) -> Result<(&'a SignatureScheme, String)> {
    let endpoint = endpoint_of(ctx.endpoints, delivery);
    let vendor = endpoint
        .and_then(|e| e.vendor.as_deref())
        .or(delivery.summary.vendor.as_deref());
    let scheme = endpoint
        .and_then(|e| e.signature.as_ref())
        .or_else(|| ctx.registry.get(vendor?)?.signature.as_ref())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "delivery {} cannot be re-signed: {}",
                delivery.summary.id,
                match vendor {
                    Some(v) => format!("the vendor {v} has no signature scheme"),
                    None => "its vendor is not known; bind its endpoint to a vendor".to_owned(),
                }
            ))
        })?;
    let secret = secret
        .map(str::to_owned)
        .or_else(|| endpoint.and_then(|e| e.secrets.first().cloned()))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "delivery {} cannot be re-signed: {} has no secret; give one with --secret or add it to the endpoint",
                delivery.summary.id,
                delivery
                    .summary
                    .endpoint
                    .as_deref()
                    .map_or_else(|| "it came to no endpoint, so it".to_owned(), |e| format!("the endpoint {e}")),
            ))
        })?;
    Ok((scheme, secret))
}

/// A new event id shaped like `old`: the same prefix (`evt_`, `msg_`) and length when it has one,
/// else a UUID.
pub fn fresh_id(old: Option<&str>) -> String {
    let mut rng = fastrand::Rng::new();
    if let Some(old) = old
        && let Some(cut) = old.rfind('_')
        && cut + 1 < old.len()
    {
        let (prefix, rest) = old.split_at(cut + 1);
        let alphabet: &[u8] = if rest
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            b"0123456789abcdef"
        } else {
            b"0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz"
        };
        let tail: String = (0..rest.len())
            .map(|_| alphabet[rng.usize(..alphabet.len())] as char)
            .collect();
        return format!("{prefix}{tail}");
    }
    uuid::Builder::from_random_bytes(rng.u128(..).to_le_bytes())
        .into_uuid()
        .to_string()
}

/// Replaces `old` with `new` as a JSON string value in `body` (`"old"` → `"new"`), leaving every
/// other byte as it was. `None` when the body does not contain it.
fn replace_json_string(body: &[u8], old: &str, new: &str) -> Option<Vec<u8>> {
    let needle = serde_json::to_string(old).ok()?;
    let with = serde_json::to_string(new).ok()?;
    let needle = needle.as_bytes();
    if needle.len() < 3 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() + with.len());
    let mut rest = body;
    let mut found = false;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with.as_bytes());
        rest = &rest[at + needle.len()..];
        found = true;
    }
    out.extend_from_slice(rest);
    found.then_some(out)
}

fn set_header(headers: &mut Vec<(String, Vec<u8>)>, name: &str, value: &[u8]) {
    let mut seen = false;
    headers.retain_mut(|(n, v)| {
        if !n.eq_ignore_ascii_case(name) {
            return true;
        }
        if seen {
            return false;
        }
        seen = true;
        *v = value.to_vec();
        true
    });
    if !seen {
        headers.push((name.to_owned(), value.to_vec()));
    }
}

/// Why a handler may refuse the original signature sent at `now` (seconds): it is older than its
/// scheme's tolerance.
pub fn stale_signature(check: Option<&SignatureCheck>, now: i64) -> Option<String> {
    let check = check?;
    let (signed_at, tolerance) = (check.timestamp?, check.tolerance_secs?);
    let age = now.saturating_sub(signed_at);
    if age <= i64::try_from(tolerance).unwrap_or(i64::MAX) {
        return None;
    }
    let words = |secs: u64| humantime::format_duration(std::time::Duration::from_secs(secs));
    Some(format!(
        "the original signature was made {} before this send, past the {} tolerance of {}'s scheme: send it re-signed (--resign, or Re-sign in the Replay tab)",
        words(age.unsigned_abs()),
        words(tolerance),
        check.scheme.as_deref().unwrap_or("its vendor"),
    ))
}

/// Builds the request that replays `delivery` under `opts`; `edited` replaces its method,
/// headers and body first.
pub fn prepare(
    ctx: &Context<'_>,
    delivery: &Delivery,
    opts: &ReplayOptions,
    edited: Option<&EditedRequest>,
) -> Result<Outgoing> {
    let s = &delivery.summary;
    let url = target_url(&opts.to, opts.path, delivery)?;
    let (method, mut headers, mut body, mut body_changed) = match edited {
        None => {
            if s.truncated {
                return Err(Error::Invalid(format!(
                    "delivery {} was cut short at capture ({} of {} bytes kept: {}), so it cannot be replayed as sent; edit it to send what was kept",
                    s.id,
                    s.stored_size,
                    s.body_size,
                    s.note.as_deref().unwrap_or("see its note"),
                )));
            }
            (
                s.method.clone(),
                forwardable_headers(&delivery.head),
                Bytes::from(delivery.body.clone()),
                false,
            )
        }
        Some(e) => {
            let body = match (&e.body_base64, &e.body) {
                (Some(b64), _) => {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .map_err(|err| {
                            Error::Invalid(format!("the edited body is not valid base64: {err}"))
                        })?
                }
                (None, Some(text)) => text.clone().into_bytes(),
                (None, None) => Vec::new(),
            };
            let method = e.method.trim().to_ascii_uppercase();
            if method.is_empty() || http::Method::from_bytes(method.as_bytes()).is_err() {
                return Err(Error::Invalid(format!(
                    "{:?} is not an HTTP method",
                    e.method
                )));
            }
            let mut headers = Vec::with_capacity(e.headers.len());
            for (name, value) in &e.headers {
                let name = name.trim();
                if name.is_empty() {
                    continue;
                }
                http::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::Invalid(format!("{name:?} is not a valid header name")))?;
                http::HeaderValue::from_str(value).map_err(|_| {
                    Error::Invalid(format!(
                        "the value of {name} has a character a header cannot carry"
                    ))
                })?;
                if crate::head::HOP_BY_HOP.contains(&name.to_ascii_lowercase().as_str()) {
                    continue;
                }
                headers.push((name.to_owned(), value.as_bytes().to_vec()));
            }
            let changed = body != delivery.body;
            (method, headers, Bytes::from(body), changed)
        }
    };

    // An edited request carries whatever id its edited headers and body hold: the profile that
    // read the delivery reads it again.
    let mut event_id = match edited {
        None => s.event.as_ref().and_then(|e| e.id.clone()),
        Some(_) => {
            let pairs: Vec<(String, String)> = headers
                .iter()
                .map(|(n, v)| (n.clone(), crate::head::value_text(v)))
                .collect();
            let analysis = ctx.registry.analyze(&crate::profile::Inspect {
                headers: &pairs,
                body: &body,
                received_at_us: now_us(),
                endpoint: endpoint_of(ctx.endpoints, delivery),
                all_secrets: &[],
            });
            analysis.event.id
        }
    };
    let resign = opts.resign || opts.fresh_id;
    let mut resigned = false;
    if opts.fresh_id {
        let new = fresh_id(event_id.as_deref());
        if let Some(old) = event_id.as_deref() {
            for (_, v) in headers.iter_mut() {
                if v.as_slice() == old.as_bytes() {
                    *v = new.clone().into_bytes();
                }
            }
            if let Some(replaced) = replace_json_string(&body, old, &new) {
                body = Bytes::from(replaced);
                body_changed = true;
            }
        }
        event_id = Some(new);
    }
    if resign {
        let (scheme, secret) = signing(ctx, delivery, opts.secret.as_deref())?;
        // A scheme that signs the id needs one: the delivery's, or a new one.
        let id = match (&event_id, &scheme.id_header) {
            (Some(id), _) => Some(id.clone()),
            (None, Some(_)) => Some(fresh_id(None)),
            (None, None) => None,
        };
        let signed = signature::sign(
            scheme,
            &body,
            SignParams {
                secret: &secret,
                id: id.as_deref(),
                timestamp: now_us() / 1_000_000,
            },
        )
        .map_err(|why| Error::Invalid(format!("cannot re-sign delivery {}: {why}", s.id)))?;
        for (name, value) in signed {
            set_header(&mut headers, &name, value.as_bytes());
        }
        event_id = id.or(event_id);
        resigned = true;
    }
    let stale_signature = if resigned {
        None
    } else {
        stale_signature(s.signature.as_ref(), now_us() / 1_000_000)
    };
    Ok(Outgoing {
        stale_signature,
        delivery_id: Some(s.id),
        kind: if edited.is_some() {
            AttemptKind::Edit
        } else {
            AttemptKind::Replay
        },
        method,
        url,
        headers,
        body,
        body_changed,
        resigned,
        event_id,
    })
}

#[cfg(test)]
mod tests;
