//! Grading a webhook handler the way its vendor will treat it (`hookscope check`): a suite of
//! real requests built from the vendor's profile and documented examples, signed with its
//! scheme (or signed wrong, altered, stale, repeated, large), each answer graded against what
//! the vendor expects, with a sentence that names the likely bug.
//!
//! The probes are data ([`probes::plan`]); this module sends them in order and grades the
//! answers. Nothing here knows a vendor by name: what differs between vendors (the scheme, its
//! tolerance, the timeout, at-least-once delivery, the largest body) comes from the profile.

mod grade;
mod probes;
pub mod report;
pub mod runs;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::config::EndpointConfig;
use crate::error::{Error, Result};
use crate::model::{AttemptKind, NewAttempt, Outcome};
use crate::profile::{Registry, VendorProfile};
use crate::replay::{Client, ClientOptions, Outgoing};
use crate::store::Store;

pub use crate::model::{CheckState, CheckSummary};
pub use grade::Grade;
pub use runs::{CheckRun, ProbeChange, StartCheck};

/// How long a handler may take when its vendor documents no timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// What to check, and how.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The vendor's profile id or name.
    pub vendor: String,
    /// The handler's URL.
    pub to: String,
    /// The secret the handler verifies with. Default: the first secret of an endpoint bound to
    /// the vendor, else the vendor's fixed test secret (the report names which).
    pub secret: Option<String>,
    /// Only these event types for the valid-delivery probes (all the vendor's examples when
    /// empty).
    pub events: Vec<String>,
    /// An answer slower than this fails. Default: the vendor's documented timeout, else
    /// [`DEFAULT_TIMEOUT`].
    pub timeout: Option<Duration>,
    /// A shell command that prints a number (rows in the handler's table, say): run around the
    /// duplicate probe to see whether the work was done once.
    pub effects_cmd: Option<String>,
}

/// One request a probe sent, and what came back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct Exchange {
    /// The event id the request carried, when it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub event_id: Option<String>,
    pub request_bytes: u64,
    /// `null` when no answer came.
    pub status: Option<u16>,
    /// From sending to the answer's last byte (or the error).
    pub latency_ms: f64,
    /// The first line of the answer's body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub answer: Option<String>,
    /// Why no answer came.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub error: Option<String>,
    /// The stored attempt, when the run was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub attempt_id: Option<i64>,
}

/// One probe's result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct ProbeResult {
    /// Stable id: `valid`, `unknown-event`, `tampered-body`, `wrong-secret`,
    /// `missing-signature`, `malformed-signature`, `stale-timestamp`, `future-timestamp`,
    /// `replay-as-sent`, `duplicate`, `retry`, `out-of-order`, `raw-bytes`, `large-body`,
    /// `largest-body`, `content-type`, `form-encoded`.
    pub probe: String,
    /// What was sent, in words.
    pub name: String,
    /// What the vendor expects of the answer.
    pub expected: String,
    pub grade: Grade,
    /// Why this grade: on a failure, the likely bug and its fix.
    pub verdict: String,
    pub sent: Vec<Exchange>,
}

/// A whole check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct CheckReport {
    /// The vendor's profile id and name.
    pub vendor: String,
    pub vendor_name: String,
    /// The handler's URL.
    pub to: String,
    /// Which secret signed the probes, in words.
    pub signed_with: String,
    /// `true` when the vendor's documents do not say how it signs and Hookscope assumes it.
    pub scheme_assumed: bool,
    /// The answer time over which a probe fails, and where that figure comes from.
    pub timeout_ms: u64,
    pub timeout_source: String,
    /// RFC 3339 UTC.
    pub started_at: String,
    pub duration_ms: f64,
    pub passed: u32,
    pub failed: u32,
    pub warned: u32,
    pub skipped: u32,
    /// The run was stopped before its last probe: `probes` holds those graded.
    #[serde(default)]
    pub cancelled: bool,
    pub probes: Vec<ProbeResult>,
}

impl CheckReport {
    /// Whether the handler passed: no probe failed.
    pub fn ok(&self) -> bool {
        self.failed == 0
    }
}

/// The vendor `name` names: its profile id or display name, any case.
pub fn vendor<'r>(registry: &'r Registry, name: &str) -> Result<&'r VendorProfile> {
    let found = registry.get(name).or_else(|| {
        registry
            .profiles()
            .find(|p| p.id.eq_ignore_ascii_case(name) || p.name.eq_ignore_ascii_case(name))
    });
    let signing: Vec<String> = registry
        .profiles()
        .filter(|p| p.signature.is_some())
        .map(|p| p.id.clone())
        .collect();
    match found {
        Some(p) if p.signature.is_some() => Ok(p),
        Some(p) => Err(Error::Invalid(format!(
            "{} does not sign its deliveries, so there is no signature check to grade; these can be checked: {}",
            p.name,
            signing.join(", ")
        ))),
        None => Err(Error::Invalid(format!(
            "no vendor {name:?}; these can be checked: {}",
            signing.join(", ")
        ))),
    }
}

/// A check ready to run: its vendor, secret, timeout and probes, all checked.
pub struct Prepared<'r> {
    profile: &'r VendorProfile,
    signed_with: String,
    timeout: Duration,
    timeout_source: String,
    plan: Vec<probes::Probe>,
    to: String,
    effects_cmd: Option<String>,
}

impl<'r> Prepared<'r> {
    /// Checks what `opts` asks for (the vendor signs, the URL is one, the events exist) and
    /// plans the probes; an error here is the caller's to fix.
    pub fn new(
        registry: &'r Registry,
        endpoints: &[EndpointConfig],
        opts: &CheckOptions,
    ) -> Result<Prepared<'r>> {
        crate::target::check_target(&opts.to)?;
        let profile = vendor(registry, &opts.vendor)?;
        let (secret, signed_with) = probes::secret(profile, endpoints, opts.secret.as_deref());
        let (timeout, timeout_source) = match (opts.timeout, profile.delivery.timeout_ms) {
            (Some(t), _) => (t, "given with --timeout".to_owned()),
            (None, Some(ms)) => (
                Duration::from_millis(ms),
                format!("{} documents it", profile.name),
            ),
            (None, None) => (
                DEFAULT_TIMEOUT,
                format!(
                    "{} documents no timeout; Hookscope's default (--timeout to change it)",
                    profile.name
                ),
            ),
        };
        let plan = probes::plan(registry, profile, &secret, opts)?;
        Ok(Prepared {
            profile,
            signed_with,
            timeout,
            timeout_source,
            plan,
            to: opts.to.clone(),
            effects_cmd: opts.effects_cmd.clone(),
        })
    }

    /// The vendor profile's id.
    pub fn vendor(&self) -> &str {
        &self.profile.id
    }

    /// How many probes the run has.
    pub fn total(&self) -> usize {
        self.plan.len()
    }

    /// Sends every probe to the handler, in order, calling `progress` with the report as it
    /// stands after each; `store`, when given, records each request and its answer (an attempt
    /// of kind `check`). Stops between requests once `cancel` fires (the report says so).
    pub async fn run(
        self,
        store: Option<&Store>,
        cancel: &CancellationToken,
        mut progress: impl FnMut(&CheckReport),
    ) -> CheckReport {
        let Prepared {
            profile,
            signed_with,
            timeout,
            timeout_source,
            plan,
            to,
            effects_cmd,
        } = self;
        // Long enough to see how late a slow answer comes, not to wait forever for one that
        // never does.
        let client = Client::new(ClientOptions {
            timeout: timeout + Duration::from_secs(5),
            keep_response: 64 * 1024,
            ..ClientOptions::default()
        });
        let started = std::time::Instant::now();
        let mut report = CheckReport {
            vendor: profile.id.clone(),
            vendor_name: profile.name.clone(),
            to: to.clone(),
            signed_with,
            scheme_assumed: profile.signature.as_ref().is_some_and(|s| !s.documented),
            timeout_ms: timeout.as_millis() as u64,
            timeout_source,
            started_at: crate::model::format_time_us(crate::model::now_us()),
            duration_ms: 0.0,
            passed: 0,
            failed: 0,
            warned: 0,
            skipped: 0,
            cancelled: false,
            probes: Vec::with_capacity(plan.len()),
        };
        let effects_cmd = effects_cmd.as_deref();
        'probes: for probe in plan {
            let mut sent = Vec::with_capacity(probe.requests.len());
            let mut effects = Vec::new();
            let effects_cmd = probe.effects.then_some(effects_cmd).flatten();
            if let Some(cmd) = effects_cmd {
                effects.push(grade::effects(cmd).await);
            }
            let mut previous: Option<probes::Request> = None;
            for planned in &probe.requests {
                if cancel.is_cancelled() {
                    report.cancelled = true;
                    break 'probes;
                }
                if let Some(wait) = planned.after {
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        () = cancel.cancelled() => {
                            report.cancelled = true;
                            break 'probes;
                        }
                    }
                }
                let mut request = match (&previous, planned.repeat_previous) {
                    (Some(p), true) => p.clone(),
                    _ => planned.clone(),
                };
                if let (Some(resign), false) = (&planned.resign, planned.repeat_previous) {
                    resign.apply(&mut request);
                }
                let request = &*previous.insert(request);
                let out = Outgoing {
                    delivery_id: None,
                    kind: AttemptKind::Check,
                    method: "POST".to_owned(),
                    url: to.clone(),
                    headers: request
                        .headers
                        .iter()
                        .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
                        .collect(),
                    body: request.body.clone().into(),
                    body_changed: true,
                    resigned: true,
                    event_id: request.event_id.clone(),
                    stale_signature: None,
                };
                let (started_at_us, outcome) = tokio::select! {
                    sent = client.send(&out) => sent,
                    () = cancel.cancelled() => {
                        report.cancelled = true;
                        break 'probes;
                    }
                };
                let attempt_id = match store {
                    Some(store) => {
                        record(store, out.attempt(started_at_us, stored(&outcome))).await
                    }
                    None => None,
                };
                sent.push(exchange(request, &outcome, attempt_id));
                if let Some(cmd) = effects_cmd {
                    effects.push(grade::effects(cmd).await);
                }
            }
            let valid_passed = report
                .probes
                .iter()
                .any(|r| r.probe == "valid" && r.grade == Grade::Pass);
            let result = grade::grade(
                &probe,
                sent,
                &grade::Context {
                    vendor: &profile.name,
                    timeout,
                    tolerance_secs: profile.signature.as_ref().and_then(|s| s.tolerance_secs),
                    valid_passed,
                    effects: &effects,
                },
            );
            match result.grade {
                Grade::Pass => report.passed += 1,
                Grade::Fail => report.failed += 1,
                Grade::Warn => report.warned += 1,
                Grade::Skip => report.skipped += 1,
            }
            report.probes.push(result);
            report.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
            progress(&report);
        }
        report.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        report
    }
}

/// Stores one probe's request and answer; its attempt id, or `None` (logged) when it could not.
async fn record(store: &Store, attempt: NewAttempt) -> Option<i64> {
    let store = store.clone();
    let recorded = tokio::task::spawn_blocking(move || store.record_attempt(attempt, None)).await;
    match recorded {
        Ok(Ok(r)) => Some(r.id),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "a probe could not be recorded");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "a probe could not be recorded");
            None
        }
    }
}

/// What an attempt keeps of an answer: its first 64 KiB.
fn stored(outcome: &Outcome) -> Outcome {
    let mut kept = outcome.clone();
    kept.body.truncate(64 * 1024);
    kept
}

fn exchange(request: &probes::Request, outcome: &Outcome, attempt_id: Option<i64>) -> Exchange {
    Exchange {
        event_id: request.event_id.clone(),
        request_bytes: request.body.len() as u64,
        status: outcome.status,
        latency_ms: outcome.latency_us as f64 / 1000.0,
        answer: crate::model::first_line(&outcome.body),
        error: outcome.error.clone(),
        attempt_id,
    }
}
