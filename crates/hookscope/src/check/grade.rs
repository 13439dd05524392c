//! How a probe's answers are graded, and the sentence that says why: on a failure, the likely
//! bug and its fix.

use std::time::Duration;

use serde::Serialize;

use super::probes::{Expect, Probe};
use super::{Exchange, ProbeResult};

/// A probe's grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub enum Grade {
    Pass,
    /// Not wrong, but worth knowing (an effects count that did not move, say).
    Warn,
    Fail,
    /// Does not apply to this vendor.
    Skip,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Pass => "pass",
            Grade::Warn => "warn",
            Grade::Fail => "fail",
            Grade::Skip => "skip",
        }
    }
}

/// What grading needs besides the answers.
pub(super) struct Context<'a> {
    pub vendor: &'a str,
    pub timeout: Duration,
    pub tolerance_secs: Option<u64>,
    /// A valid delivery was accepted earlier in the run.
    pub valid_passed: bool,
    /// The effects command's readings: before the first request and after each.
    pub effects: &'a [Result<f64, String>],
}

/// Runs `cmd` with the shell and reads the number it prints.
pub(super) async fn effects(cmd: &str) -> Result<f64, String> {
    let cmd = cmd.to_owned();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh").args(["-c", &cmd]).output()
    })
    .await
    .map_err(|e| format!("the effects command could not run: {e}"))?
    .map_err(|e| format!("the effects command could not run: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "the effects command failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    text.trim().parse::<f64>().map_err(|_| {
        format!(
            "the effects command printed {:?}, not a number",
            text.trim()
        )
    })
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// How an answer reads in a sentence: "answered 400 (Timestamp outside the tolerance zone)".
fn answered(e: &Exchange) -> String {
    match (e.status, &e.error) {
        (Some(s), _) => match &e.answer {
            Some(a) if !a.is_empty() => format!("answered {s} ({a})"),
            _ => format!("answered {s}"),
        },
        (None, Some(err)) => format!("gave no answer ({err})"),
        (None, None) => "gave no answer".to_owned(),
    }
}

pub(super) fn grade(probe: &Probe, sent: Vec<Exchange>, ctx: &Context<'_>) -> ProbeResult {
    let limit = seconds(ctx.timeout);
    let expected = match probe.expect {
        Expect::Accept if probe.requests.len() > 1 => format!("2xx to each, within {limit}"),
        Expect::Accept => format!("2xx within {limit}"),
        Expect::Refuse => "4xx".to_owned(),
        Expect::AcceptThenRefuse => format!("2xx within {limit}, then 4xx"),
        Expect::Report => "2xx to each (reported, not failed)".to_owned(),
    };
    let result = |grade, verdict: String, sent| ProbeResult {
        probe: probe.id.to_owned(),
        name: probe.name.clone(),
        expected: expected.clone(),
        grade,
        verdict,
        sent,
    };
    if let Some(why) = &probe.skip {
        return result(Grade::Skip, format!("Not applicable: {why}."), Vec::new());
    }
    let vendor = ctx.vendor;
    // Whatever the probe, an answer later than the vendor waits is a failed delivery.
    if let Some(slow) = sent
        .iter()
        .find(|e| e.latency_ms > ctx.timeout.as_secs_f64() * 1000.0)
    {
        let took = slow.latency_ms / 1000.0;
        let verdict = format!(
            "Took {took:.1} s; {vendor} waits {limit}, then counts the delivery as failed and sends it again. Answer first and do the work after (a queue or a background job)."
        );
        return result(Grade::Fail, verdict, sent);
    }
    if let Some(e) = sent.iter().find(|e| e.status.is_none()) {
        let verdict = format!(
            "{}: {vendor} counts that as a failed delivery and sends it again.",
            capital(&answered(e))
        );
        return result(Grade::Fail, verdict, sent);
    }
    let class = |e: &Exchange| e.status.unwrap_or(0) / 100;
    let (grade, verdict) = match probe.expect {
        Expect::Refuse => {
            let e = &sent[0];
            match class(e) {
                4 => (Grade::Pass, format!("Refused: {}.", answered(e))),
                // Some vendors' own libraries check only that a timestamp is not too old
                // (Stripe's): worth knowing, not a forgery.
                2 if probe.id == "future-timestamp" => (
                    Grade::Warn,
                    format!(
                        "Accepted a delivery signed {} s ahead of now: the handler's replay window is open towards the future (some vendors' own libraries check only how old a timestamp is). A sender's clock that far ahead is unlikely; a delivery signed ahead can be replayed for that much longer.",
                        ctx.tolerance_secs.unwrap_or(300) + 120
                    ),
                ),
                2 => (Grade::Fail, accepted_forgery(probe.id, ctx)),
                5 => (
                    Grade::Fail,
                    format!(
                        "{}: a 5xx tells {vendor} to send it again. Refuse a delivery whose signature does not hold with a 4xx (400 or 401), and never let a bad header raise an error.",
                        capital(&answered(e))
                    ),
                ),
                _ => (
                    Grade::Fail,
                    format!(
                        "{}: refuse a delivery whose signature does not hold with a 4xx (400 or 401).",
                        capital(&answered(e))
                    ),
                ),
            }
        }
        Expect::Accept => match sent.iter().position(|e| class(e) != 2) {
            None => accepted(probe, &sent, ctx),
            Some(i) => (Grade::Fail, refused(probe, i, &sent[i], ctx)),
        },
        Expect::AcceptThenRefuse => {
            let tolerance = ctx.tolerance_secs.unwrap_or(300);
            match (class(&sent[0]), class(&sent[1])) {
                (2, 4) => (
                    Grade::Pass,
                    format!(
                        "Accepted it inside the tolerance, and refused it as sent again past it: {}.",
                        answered(&sent[1])
                    ),
                ),
                (2, 2) => (
                    Grade::Fail,
                    format!(
                        "Accepted a replay: the same delivery, byte for byte, sent again once its timestamp was past the {tolerance} s tolerance. Anyone who captured a delivery can send it again: check the timestamp before (and besides) the event id."
                    ),
                ),
                (2, _) => (
                    Grade::Fail,
                    format!(
                        "{} to a replay past the tolerance: refuse it with a 4xx; a 5xx makes the vendor retry.",
                        capital(&answered(&sent[1]))
                    ),
                ),
                _ => (
                    Grade::Fail,
                    format!(
                        "{} to a delivery signed inside the {tolerance} s tolerance: the handler's window is narrower than {vendor}'s, or its clock is off.",
                        capital(&answered(&sent[0]))
                    ),
                ),
            }
        }
        Expect::Report => match sent.iter().position(|e| class(e) != 2) {
            None => (
                Grade::Pass,
                format!(
                    "Took an older event about the same object after a newer one (both 2xx). {vendor} does not promise order: compare each event's time with what the handler stored before applying it."
                ),
            ),
            Some(_) => (
                Grade::Warn,
                format!(
                    "{} to an older event after a newer one: {vendor} will retry it; acknowledge it with a 2xx and ignore it if it is stale.",
                    capital(&answered(&sent[1]))
                ),
            ),
        },
    };
    result(grade, verdict, sent)
}

fn capital(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The sentence for a forged, stale or malformed delivery that was accepted.
fn accepted_forgery(id: &str, ctx: &Context<'_>) -> String {
    match id {
        "tampered-body" => "Accepted a forged delivery: its body was changed after it was signed. Verify the signature over the raw body before acting on a delivery, and refuse it with a 4xx when it does not hold.".to_owned(),
        "wrong-secret" => "Accepted a forged delivery: it was signed with another secret. The handler does not verify signatures, or accepts any secret: compute the MAC with the endpoint's secret and compare it in constant time.".to_owned(),
        "missing-signature" => "Accepted a delivery with no signature: anyone who knows the URL can send the handler events. Refuse a delivery without the signature header.".to_owned(),
        "malformed-signature" => "Accepted a delivery whose signature header is malformed: the handler does not verify signatures, or treats what it cannot parse as valid.".to_owned(),
        "stale-timestamp" | "future-timestamp" => format!(
            "Accepted a delivery signed outside the {} s tolerance: the handler has no replay window, so a captured delivery can be sent again at any time. Refuse timestamps more than {} s from now (the vendors' libraries do by default).",
            ctx.tolerance_secs.unwrap_or(300),
            ctx.tolerance_secs.unwrap_or(300),
        ),
        _ => "Accepted a delivery it should have refused.".to_owned(),
    }
}

/// Grade and sentence for a probe whose every answer was a 2xx in time.
fn accepted(probe: &Probe, sent: &[Exchange], ctx: &Context<'_>) -> (super::Grade, String) {
    let slowest = sent.iter().map(|e| e.latency_ms).fold(0.0, f64::max);
    let timing = format!(
        "answered {} in {slowest:.0} ms",
        sent[0].status.unwrap_or(0)
    );
    if probe.id != "duplicate" || ctx.effects.is_empty() {
        return (Grade::Pass, format!("{}.", capital(&timing)));
    }
    // The effects command, read before the first request and after each.
    let readings: Result<Vec<f64>, String> = ctx.effects.iter().cloned().collect();
    match readings {
        Err(e) => (Grade::Warn, format!("{}; {e}.", capital(&timing))),
        Ok(r) if r.len() >= 3 => {
            let (before, once, twice) = (r[0], r[1], r[2]);
            if twice > once {
                (
                    Grade::Fail,
                    format!(
                        "Did the work twice: the effects count went {before} → {once} → {twice}. {} delivers at least once; record each event id as processed in the same transaction as its work, and skip an id already recorded (answering 2xx).",
                        ctx.vendor
                    ),
                )
            } else if once == before {
                (
                    Grade::Warn,
                    format!(
                        "{}, but the effects count did not move ({before}): the command does not see the handler's work, or the work happens later.",
                        capital(&timing)
                    ),
                )
            } else {
                (
                    Grade::Pass,
                    format!(
                        "{}; the work was done once (effects {before} → {once} → {twice}).",
                        capital(&timing)
                    ),
                )
            }
        }
        Ok(_) => (
            Grade::Warn,
            format!("{}; the effects command was not read.", capital(&timing)),
        ),
    }
}

/// The sentence for a probe that expected 2xx and got something else at request `i`.
fn refused(probe: &Probe, i: usize, e: &Exchange, ctx: &Context<'_>) -> String {
    let vendor = ctx.vendor;
    let got = capital(&answered(e));
    let status = e.status.unwrap_or(0);
    match probe.id {
        "duplicate" | "retry" if i > 0 => format!(
            "{got} to a repeat of an event it had accepted. {vendor} delivers at least once: a repeat must get a 2xx (and no second round of work), or {vendor} keeps retrying it. Dedupe by the event id and answer 2xx."
        ),
        "unknown-event" => format!(
            "{got} to an event type it does not handle. Acknowledge every event with a 2xx and ignore the ones you do not handle; otherwise {vendor} retries them and may disable the endpoint."
        ),
        "raw-bytes" if ctx.valid_passed => format!(
            "{got} to a delivery signed over its exact bytes, while it accepted the compact form: the handler verifies a re-serialized body (express.json() before the check, json.dumps(request.json)). Verify the signature over the raw body as received, then parse it."
        ),
        "large-body" | "largest-body" if status == 413 => format!(
            "{got}: the framework's body limit is below what {vendor} sends (Express's default is 100 kB). Raise the limit on the webhook route."
        ),
        "content-type" => format!(
            "{got} to Content-Type: application/json; charset=utf-8: match the media type, not the whole header."
        ),
        "form-encoded" => format!(
            "{got} to a form-encoded delivery signed right: {vendor} sends some deliveries as application/x-www-form-urlencoded with the JSON in a field. Verify the raw form bytes, then decode the field."
        ),
        _ if status / 100 == 4 => format!(
            "{got} to a delivery signed right: check that the handler has this secret, and that it verifies the raw body."
        ),
        _ => format!(
            "{got}: {vendor} counts a 5xx as a failed delivery and sends it again; a handler should answer 2xx to every valid delivery."
        ),
    }
}
