//! A check's report as people and CI read it: a table for the terminal and JUnit XML. (The JSON
//! form is the report itself, serialized.)

use std::fmt::Write as _;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{CheckReport, Grade, ProbeChange};
use crate::visible::visible;

/// The report as JUnit XML: one test suite, a test case per probe (a failure for `fail`, a
/// skip for `skip`; a warning passes, with its sentence as the case's output).
pub fn junit(report: &CheckReport) -> String {
    let mut suite = TestSuite::new(format!("hookscope check {}", report.vendor));
    for (i, p) in report.probes.iter().enumerate() {
        let status = match p.grade {
            Grade::Pass | Grade::Warn => TestCaseStatus::success(),
            Grade::Fail => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(p.verdict.clone())
                    .set_type(format!("expected {}", p.expected));
                s
            }
            Grade::Skip => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(p.verdict.clone());
                s
            }
        };
        let mut case = TestCase::new(format!("{:02} {}: {}", i + 1, p.probe, p.name), status);
        case.set_classname(format!("hookscope.check.{}", report.vendor));
        let ms: f64 = p.sent.iter().map(|e| e.latency_ms).sum();
        case.set_time(Duration::from_secs_f64(ms / 1000.0));
        if p.grade != Grade::Fail {
            case.set_system_out(p.verdict.clone());
        }
        suite.add_test_case(case);
    }
    suite.set_time(Duration::from_secs_f64(report.duration_ms / 1000.0));
    let mut xml = Report::new(format!("hookscope check {} {}", report.vendor, report.to));
    xml.add_test_suite(suite);
    xml.to_string().unwrap_or_default()
}

/// The report as the terminal shows it: a line per probe (grade, what was sent, the answer),
/// its sentence below when it did not pass, and a summary line. `color` adds ANSI colours.
pub fn table(report: &CheckReport, color: bool) -> String {
    let paint = |grade: Grade, text: &str| -> String {
        if !color {
            return text.to_owned();
        }
        let code = match grade {
            Grade::Pass => "32",
            Grade::Fail => "31;1",
            Grade::Warn => "33",
            Grade::Skip => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Checking {} at {} as {} would send to it (signed with {}; {} ms timeout: {}).",
        report.vendor_name,
        visible(&report.to),
        report.vendor_name,
        report.signed_with,
        report.timeout_ms,
        report.timeout_source
    );
    if report.scheme_assumed {
        let _ = writeln!(
            out,
            "{}'s documents do not say how it signs: the signature probes use the scheme Hookscope assumes.",
            report.vendor_name
        );
    }
    let _ = writeln!(out);
    const NAME_MAX: usize = 64;
    let width = report
        .probes
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(NAME_MAX);
    let expected_width = report
        .probes
        .iter()
        .map(|p| p.expected.chars().count() + "expected ".len())
        .max()
        .unwrap_or(0);
    for p in &report.probes {
        let got = p
            .sent
            .iter()
            .map(|e| match (e.status, &e.error) {
                (Some(s), _) => format!("{s} {:.0} ms", e.latency_ms),
                (None, _) => "no answer".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let shown = visible(&p.name);
        let name: String = if shown.chars().count() > NAME_MAX {
            shown.chars().take(NAME_MAX - 1).chain(['…']).collect()
        } else {
            shown.into_owned()
        };
        let _ = writeln!(
            out,
            "{}  {name:<width$}  {:<expected_width$}  {}",
            paint(p.grade, &format!("{:<4}", p.grade.as_str().to_uppercase())),
            format!("expected {}", p.expected),
            if got.is_empty() { "-".to_owned() } else { got },
        );
        if p.grade != Grade::Pass {
            let _ = writeln!(out, "      {}", visible(&p.verdict));
        }
    }
    if report.cancelled {
        let _ = writeln!(
            out,
            "Cancelled after {} probes: the rest were not sent.",
            report.probes.len()
        );
    }
    let _ = writeln!(out);
    let summary = format!(
        "{} passed, {} failed, {} warnings, {} skipped in {:.1} s",
        report.passed,
        report.failed,
        report.warned,
        report.skipped,
        report.duration_ms / 1000.0
    );
    let grade = if report.failed > 0 {
        Grade::Fail
    } else if report.warned > 0 {
        Grade::Warn
    } else {
        Grade::Pass
    };
    let verdict = if report.failed > 0 {
        "the handler is not ready"
    } else {
        "the handler treats deliveries as the vendor expects"
    };
    let _ = writeln!(out, "{}: {verdict}.", paint(grade, &summary));
    out
}

/// What changed since the run before against the same handler, for the terminal: a line per
/// probe whose grade moved, or that nothing did.
pub fn changes(previous: i64, changes: &[ProbeChange]) -> String {
    let grade = |g: Option<Grade>| g.map_or("absent", Grade::as_str);
    if changes.is_empty() {
        return format!(
            "Since the last check of this handler (run {previous}): no grade changed.\n"
        );
    }
    let mut out = format!("Since the last check of this handler (run {previous}):\n");
    for c in changes {
        let _ = writeln!(
            out,
            "  {}: {} -> {}",
            visible(&c.name),
            grade(c.before),
            grade(c.after)
        );
    }
    out
}
