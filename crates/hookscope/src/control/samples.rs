//! Samples and signed test events: a documented example of a vendor, signed, to this instance's
//! own capture listener (through the whole capture path) or to the user's handler.

use serde::{Deserialize, Serialize};

use super::Control;
use crate::error::{Error, Result};
use crate::model::SampleEvent;
use crate::replay;
use crate::sample::{self, send};

/// Which sample delivery to send, and where: by default a documented example of the first vendor,
/// to this instance's own capture listener; with `to`, a signed test event to the user's handler
/// (what `hookscope send` does).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SampleRequest {
    /// Vendor profile id; by default the first of [`sample::vendors`].
    #[cfg_attr(test, ts(optional))]
    pub vendor: Option<String>,
    /// Which of the vendor's examples (wraps around), when `event` is not given.
    #[cfg_attr(test, ts(as = "Option<usize>", optional))]
    pub pick: usize,
    /// The event type (`lead.created`); see `GET /api/samples`.
    #[cfg_attr(test, ts(optional))]
    pub event: Option<String>,
    /// Where to send it; by default this instance's capture listener, on the endpoint bound to
    /// the vendor.
    #[cfg_attr(test, ts(optional))]
    pub to: Option<String>,
    /// Sign with this instead of the bound endpoint's secret.
    #[cfg_attr(test, ts(optional))]
    pub secret: Option<String>,
    /// Send it twice with the same id and signature: the receiver should process it once.
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub dup: bool,
    /// Alter the body after signing: the receiver's signature check should refuse it.
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub tamper: bool,
}

/// A sample or test event, as it was answered.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct SampleSent {
    /// The stored delivery's id, when it went to this instance's capture listener.
    pub id: Option<i64>,
    pub vendor: String,
    pub event: String,
    /// Where it was posted on the capture listener (its path), or the target URL.
    pub path: String,
    pub url: String,
    /// The first answer's status; 0 when none came.
    pub status: u16,
    /// Which secret signed it, in words.
    pub signed_with: String,
    pub tampered: bool,
    /// One per request sent (two with `dup`).
    pub answers: Vec<SampleAnswer>,
}

/// What one request of a test send got back.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct SampleAnswer {
    pub status: Option<u16>,
    pub latency_ms: f64,
    /// The answer's first 500 bytes, as text.
    pub body: String,
    /// Why no answer came, in plain words.
    pub error: Option<String>,
}

impl Control {
    /// Signs a documented example of the vendor with the secret of the endpoint bound to it and
    /// posts it to this instance's own capture listener over HTTP, like any sender's delivery: it
    /// goes through the whole capture path. When no endpoint holds a secret for the vendor, a
    /// sample endpoint (`/sample/<vendor>`) is added with a test secret first, so that the first
    /// delivery a new user sees is a verified one.
    pub async fn send_sample(&self, request: SampleRequest) -> Result<SampleSent> {
        let vendor = match request.vendor {
            Some(v) => v,
            None => sample::vendors(&self.registry())
                .into_iter()
                .next()
                .unwrap_or_default(),
        };
        let mut endpoints = self.inner.endpoints.get();
        let holds_secret = |list: &[crate::config::EndpointConfig]| {
            list.iter()
                .any(|e| e.vendor.as_deref() == Some(vendor.as_str()) && !e.secrets.is_empty())
        };
        if request.to.is_none() && request.secret.is_none() && !holds_secret(&endpoints.list) {
            let path = format!("/sample/{vendor}");
            let sample_endpoint = sample::endpoints(&self.registry())
                .into_iter()
                .find(|e| e.vendor.as_deref() == Some(vendor.as_str()));
            if let Some(mut ep) = sample_endpoint
                && !endpoints.list.iter().any(|e| e.path == path)
            {
                ep.path = path;
                let mut list = endpoints.list.clone();
                list.push(ep);
                self.save_endpoints(list).await?;
                endpoints = self.inner.endpoints.get();
            }
        }
        let event = match request.event {
            Some(e) => Some(e),
            None => {
                let events = sample::sample_events(&self.registry(), &vendor);
                (!events.is_empty()).then(|| events[request.pick % events.len()].1.clone())
            }
        };
        let built = send::build(
            &self.registry(),
            &endpoints.list,
            &send::Wanted {
                vendor: &vendor,
                event: event.as_deref(),
                secret: request.secret.as_deref(),
                tamper: request.tamper,
            },
        )?;
        let (url, path) = match &request.to {
            Some(to) => {
                crate::target::check_target(to)?;
                (to.clone(), to.clone())
            }
            None => {
                let Some(capture_url) = self.inner.capture.status().url else {
                    return Err(Error::Unreachable(
                        "the capture listener is not running, so the sample has nowhere to go"
                            .into(),
                    ));
                };
                let path = endpoints
                    .list
                    .iter()
                    .find(|ep| ep.vendor.as_deref() == Some(vendor.as_str()))
                    .map_or_else(|| format!("/sample/{vendor}"), |ep| ep.path.clone());
                (format!("{}{path}", capture_url.trim_end_matches('/')), path)
            }
        };
        let outgoing = replay::Outgoing {
            delivery_id: None,
            kind: crate::model::AttemptKind::Send,
            method: "POST".to_owned(),
            url: url.clone(),
            headers: built
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
                .collect(),
            body: bytes::Bytes::from(built.body),
            body_changed: true,
            resigned: false,
            event_id: None,
            stale_signature: None,
        };
        let mut answers = Vec::new();
        let mut id = None;
        for _ in 0..if request.dup { 2 } else { 1 } {
            let (_, outcome) = self.inner.client.send(&outgoing).await;
            if request.to.is_none() {
                if let Some(error) = &outcome.error {
                    return Err(Error::Unreachable(format!(
                        "could not post the sample to the capture listener: {error}"
                    )));
                }
                id = id.or_else(|| {
                    serde_json::from_slice::<serde_json::Value>(&outcome.body)
                        .ok()
                        .and_then(|v| {
                            v.get("id")
                                .and_then(serde_json::Value::as_str)
                                .and_then(|opaque| self.inner.ack.decode(opaque))
                        })
                });
            }
            answers.push(SampleAnswer {
                status: outcome.status,
                latency_ms: outcome.latency_us as f64 / 1000.0,
                body: String::from_utf8_lossy(&outcome.body[..outcome.body.len().min(500)])
                    .into_owned(),
                error: outcome.error,
            });
        }
        Ok(SampleSent {
            id,
            vendor: built.vendor,
            event: built.event,
            path,
            url,
            status: answers.first().and_then(|a| a.status).unwrap_or(0),
            signed_with: built.signed_with,
            tampered: request.tamper,
            answers,
        })
    }

    /// Every `(vendor, event)` a sample or test event can be made of.
    pub fn sample_catalog(&self) -> Vec<SampleEvent> {
        send::catalog(&self.registry())
            .into_iter()
            .map(|(vendor, event)| SampleEvent { vendor, event })
            .collect()
    }
}
