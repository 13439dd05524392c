//! Check runs as they are stored and shown: started from the CLI, the API or the window, each
//! is a row in the store with its report as far as it got, so a past report can be re-opened,
//! run again and compared with the run before it against the same handler.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::{CheckOptions, CheckReport, Grade, Prepared};
use crate::error::{Error, Result};
use crate::model::{CheckState, CheckSummary, format_time_us, now_us};
use crate::store::{CheckRow, Store};

/// A run whose row has not moved for this long, and has not ended, was stopped by its
/// process's end (no probe takes this long: the longest waits the vendor's timeout and 5 s).
pub const INTERRUPTED_AFTER: Duration = Duration::from_secs(120);

/// What starts a check from the API or the window. (`--effects-cmd` is the CLI's only: the API
/// runs no commands.)
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StartCheck {
    /// The vendor's profile id or name.
    pub vendor: String,
    /// The handler's URL.
    pub to: String,
    /// The secret the handler verifies with. Default: the first secret of an endpoint bound to
    /// the vendor, else the vendor's test secret. Never stored.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub secret: Option<String>,
    /// Only these event types for the valid-delivery probes; all when empty.
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<Vec<String>>", optional))]
    pub events: Vec<String>,
    /// An answer slower than this fails. Default: the vendor's documented timeout.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub timeout_ms: Option<u64>,
}

impl StartCheck {
    pub fn options(&self) -> CheckOptions {
        CheckOptions {
            vendor: self.vendor.clone(),
            to: self.to.clone(),
            secret: self.secret.clone().filter(|s| !s.is_empty()),
            events: self.events.clone(),
            timeout: self.timeout_ms.map(Duration::from_millis),
            effects_cmd: None,
        }
    }
}

/// A probe whose grade differs from the run before.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct ProbeChange {
    pub probe: String,
    pub name: String,
    /// `null` when the run before had no such probe.
    pub before: Option<Grade>,
    /// `null` when this run has no such probe (it was cancelled first, or the events differ).
    pub after: Option<Grade>,
}

/// A stored check run, with its report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct CheckRun {
    #[serde(flatten)]
    #[cfg_attr(test, ts(flatten))]
    pub summary: CheckSummary,
    /// The report as far as the run got.
    pub report: Option<CheckReport>,
    /// The run before it of the same vendor against the same handler.
    pub previous: Option<i64>,
    /// The probes whose grade differs from that run's.
    pub changes: Vec<ProbeChange>,
}

impl CheckRun {
    /// A stored row as a run; a `running` row that has not moved for [`INTERRUPTED_AFTER`] is
    /// `interrupted`.
    pub fn from_row(row: CheckRow) -> Result<CheckRun> {
        let report = match &row.report {
            Some(json) => Some(serde_json::from_str::<CheckReport>(json).map_err(|e| {
                Error::Invalid(format!(
                    "check run {} has an unreadable report: {e}",
                    row.id
                ))
            })?),
            None => None,
        };
        Ok(CheckRun {
            summary: summary(row),
            report,
            previous: None,
            changes: Vec::new(),
        })
    }

    /// Sets `previous` and `changes` from the run before it.
    pub fn compare_with(&mut self, before: &CheckRun) {
        self.previous = Some(before.summary.id);
        self.changes = compare(before.report.as_ref(), self.report.as_ref());
    }
}

/// Run `id` as stored, compared with the run before it against the same handler; `None` when
/// there is none. Blocks on SQLite.
pub fn load(store: &Store, id: i64) -> Result<Option<CheckRun>> {
    let Some(row) = store.check(id)? else {
        return Ok(None);
    };
    let mut run = CheckRun::from_row(row)?;
    if let Some(before) = store.previous_check(id)? {
        run.compare_with(&CheckRun::from_row(before)?);
    }
    Ok(Some(run))
}

/// A stored row's summary; a `running` row that has not moved for [`INTERRUPTED_AFTER`] is
/// `interrupted`.
pub fn summary(row: CheckRow) -> CheckSummary {
    let mut state = CheckState::parse(&row.state);
    if state == CheckState::Running
        && now_us() - row.updated_at_us > INTERRUPTED_AFTER.as_micros() as i64
    {
        state = CheckState::Interrupted;
    }
    CheckSummary {
        id: row.id,
        vendor: row.vendor,
        to: row.target,
        events: serde_json::from_str(&row.events).unwrap_or_default(),
        started_at: format_time_us(row.started_at_us),
        state,
        total: row.total,
        done: row.done,
        passed: row.passed,
        failed: row.failed,
        warned: row.warned,
        skipped: row.skipped,
    }
}

/// The probes whose grade differs between two reports, in this run's order (then those only
/// the run before had). A probe is matched by its id and name, else by its id and place among
/// the probes of that id (a malformed signature's name shows the random value sent).
pub fn compare(before: Option<&CheckReport>, after: Option<&CheckReport>) -> Vec<ProbeChange> {
    let empty = Vec::new();
    let before = before.map_or(&empty, |r| &r.probes);
    let after = after.map_or(&empty, |r| &r.probes);
    let nth = |list: &[super::ProbeResult], p: &super::ProbeResult| {
        list.iter()
            .filter(|q| q.probe == p.probe)
            .position(|q| std::ptr::eq(q, p))
    };
    let find = |list: &[super::ProbeResult], p: &super::ProbeResult, own: &[super::ProbeResult]| {
        list.iter()
            .find(|q| q.probe == p.probe && q.name == p.name)
            .or_else(|| {
                let n = nth(own, p)?;
                list.iter().filter(|q| q.probe == p.probe).nth(n)
            })
            .map(|q| q.grade)
    };
    let mut changes: Vec<ProbeChange> = after
        .iter()
        .filter_map(|p| {
            let was = find(before, p, after);
            (was != Some(p.grade)).then(|| ProbeChange {
                probe: p.probe.clone(),
                name: p.name.clone(),
                before: was,
                after: Some(p.grade),
            })
        })
        .collect();
    changes.extend(
        before
            .iter()
            .filter(|p| find(after, p, before).is_none())
            .map(|p| ProbeChange {
                probe: p.probe.clone(),
                name: p.name.clone(),
                before: Some(p.grade),
                after: None,
            }),
    );
    changes
}

/// Runs a prepared check as a stored run: its row is written when it starts, after each probe
/// (from a task of its own, in order) and at its end; `progress` sees the run after each probe.
/// The secret is never stored.
pub async fn run_stored(
    prepared: Prepared<'_>,
    store: &Store,
    events: &[String],
    cancel: &CancellationToken,
    started: impl FnOnce(&CheckSummary),
    mut progress: impl FnMut(&CheckSummary),
) -> Result<CheckRun> {
    let total = prepared.total() as u32;
    let events_json = serde_json::to_string(events).unwrap_or_else(|_| "[]".into());
    let id = {
        let store = store.clone();
        let vendor = prepared.vendor().to_owned();
        let to = prepared.to.clone();
        tokio::task::spawn_blocking(move || store.insert_check(&vendor, &to, &events_json, total))
            .await
            .map_err(|e| Error::Task(e.to_string()))??
    };
    let mut run = CheckRun {
        summary: CheckSummary {
            id,
            vendor: prepared.vendor().to_owned(),
            to: prepared.to.clone(),
            events: events.to_vec(),
            started_at: format_time_us(now_us()),
            state: CheckState::Running,
            total,
            done: 0,
            passed: 0,
            failed: 0,
            warned: 0,
            skipped: 0,
        },
        report: None,
        previous: None,
        changes: Vec::new(),
    };
    started(&run.summary);
    // Each report as it stands goes to the row in order, off the async threads.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(CheckState, String)>();
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            while let Some((state, json)) = rx.recv().await {
                let store = store.clone();
                let written = tokio::task::spawn_blocking(move || {
                    store.update_check(id, state.as_str(), &json)
                })
                .await;
                if let Ok(Err(e)) = written {
                    tracing::warn!(check = id, error = %e, "a check run's progress could not be stored");
                }
            }
        })
    };
    let report = prepared
        .run(Some(store), cancel, |report| {
            run.set(report, CheckState::Running);
            if let Ok(json) = serde_json::to_string(report) {
                let _ = tx.send((CheckState::Running, json));
            }
            progress(&run.summary);
        })
        .await;
    let state = if report.cancelled {
        CheckState::Cancelled
    } else if report.failed > 0 {
        CheckState::Failed
    } else {
        CheckState::Passed
    };
    run.set(&report, state);
    let _ = tx.send((state, serde_json::to_string(&report).unwrap_or_default()));
    drop(tx);
    let _ = writer.await;
    Ok(run)
}

impl CheckRun {
    fn set(&mut self, report: &CheckReport, state: CheckState) {
        let s = &mut self.summary;
        s.state = state;
        s.done = report.probes.len() as u32;
        s.passed = report.passed;
        s.failed = report.failed;
        s.warned = report.warned;
        s.skipped = report.skipped;
        self.report = Some(report.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ProbeResult;

    fn report(probes: &[(&str, &str, Grade)]) -> CheckReport {
        CheckReport {
            vendor: "stripe".into(),
            vendor_name: "Stripe".into(),
            to: "http://127.0.0.1:1/".into(),
            signed_with: String::new(),
            scheme_assumed: false,
            timeout_ms: 1,
            timeout_source: String::new(),
            started_at: String::new(),
            duration_ms: 0.0,
            passed: 0,
            failed: 0,
            warned: 0,
            skipped: 0,
            cancelled: false,
            probes: probes
                .iter()
                .map(|(probe, name, grade)| ProbeResult {
                    probe: (*probe).into(),
                    name: (*name).into(),
                    expected: String::new(),
                    grade: *grade,
                    verdict: String::new(),
                    sent: Vec::new(),
                })
                .collect(),
        }
    }

    /// Only grades that moved are changes; a probe is found again by name, or by its place
    /// among its kind when its name shows a random value; one that is gone says so.
    #[test]
    fn a_run_compares_with_the_one_before_probe_by_probe() {
        use Grade::*;
        let before = report(&[
            ("valid", "invoice.paid, signed right", Pass),
            ("tampered-body", "one value changed", Fail),
            ("malformed-signature", "garbage (\"x1\")", Fail),
            ("malformed-signature", "empty", Pass),
            ("retry", "a retry", Pass),
        ]);
        let after = report(&[
            ("valid", "invoice.paid, signed right", Pass),
            ("tampered-body", "one value changed", Pass),
            ("malformed-signature", "garbage (\"y2\")", Pass),
            ("malformed-signature", "empty", Pass),
            ("raw-bytes", "pretty-printed", Warn),
        ]);
        let changes = compare(Some(&before), Some(&after));
        let got: Vec<(&str, Option<Grade>, Option<Grade>)> = changes
            .iter()
            .map(|c| (c.probe.as_str(), c.before, c.after))
            .collect();
        assert_eq!(
            got,
            [
                ("tampered-body", Some(Fail), Some(Pass)),
                ("malformed-signature", Some(Fail), Some(Pass)),
                ("raw-bytes", None, Some(Warn)),
                ("retry", Some(Pass), None),
            ]
        );
        assert!(compare(Some(&after), Some(&after)).is_empty());
    }
}
