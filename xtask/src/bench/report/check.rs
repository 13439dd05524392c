//! What `cargo xtask test` asserts of the quick run's report: complete and well-formed. It never
//! checks that a figure reaches a target.

use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;

/// Checks that a report is complete and well-formed: what `cargo xtask test` asserts of the
/// quick run. It never checks that a figure reaches a target.
pub fn check_report(dir: &Path) -> Result<()> {
    let text = std::fs::read_to_string(dir.join("report.json")).context("report.json")?;
    let j: Value = serde_json::from_str(&text).context("report.json is not JSON")?;
    ensure!(j["machine"]["cores"].as_u64() > Some(0), "no core count");
    ensure!(j["command"].as_str().is_some(), "no command line");
    for key in [
        "baseline",
        "mockoon",
        "hookscope_durable",
        "hookscope_signed",
        "hookscope_signed_learning_off",
        "hookscope_signed_rules",
    ] {
        let v = &j["capture"][key];
        for field in ["per_second", "p50_ms", "p99_ms", "p999_ms"] {
            let x = v[field].as_f64();
            ensure!(
                x.is_some_and(|x| x.is_finite() && x > 0.0),
                "capture.{key}.{field} is {:?}",
                v[field]
            );
        }
    }
    ensure!(
        j["latency"]["p99_ms"].as_f64().is_some_and(f64::is_finite),
        "no latency figures"
    );
    let runs = j["durability"]["runs"]
        .as_array()
        .context("no durability runs")?;
    ensure!(!runs.is_empty(), "no durability runs");
    let queries = j["store"]["queries"]
        .as_array()
        .context("no store queries")?;
    ensure!(
        queries.len() == 16,
        "{} store queries, not 16",
        queries.len()
    );
    for q in queries {
        ensure!(
            q["p50_ms"].as_f64().is_some_and(|x| x > 0.0),
            "query {} has no timing",
            q["name"]
        );
    }
    ensure!(
        j["store"]["idle_rss_mb"].as_f64() > Some(0.0),
        "no idle memory figure"
    );
    ensure!(
        j["store"]["learn_us_per_delivery"].as_f64() > Some(0.0),
        "no cost of schema learning"
    );
    let ui = &j["ui"];
    ensure!(
        ui["render_p50_ms"].as_f64().is_some_and(|x| x > 0.0),
        "no UI render figure"
    );
    ensure!(
        ui["scroll"]["frame_p95_ms"]
            .as_f64()
            .is_some_and(|x| x > 0.0),
        "no UI scroll figure"
    );
    ensure!(
        ui["scroll"]["last_row_index"].as_u64() == ui["deliveries"].as_u64(),
        "the UI fling did not reach the last row ({} of {})",
        ui["scroll"]["last_row_index"],
        ui["deliveries"]
    );
    for key in ["bare", "empty", "stored"] {
        let d = &j["desktop"][key];
        ensure!(
            d["start_p50_ms"].as_f64().is_some_and(|x| x > 0.0),
            "no desktop start figure ({key})"
        );
        ensure!(
            d["memory"]["pss_mb"].as_f64().is_some_and(|x| x > 0.0),
            "no desktop memory figure ({key})"
        );
    }
    let runs = j["replay"]["runs"]
        .as_array()
        .context("no replay figures")?;
    ensure!(
        runs.iter()
            .all(|r| r["per_second"].as_f64().is_some_and(|x| x > 0.0)
                && r["ok"] == j["replay"]["deliveries"]),
        "a replay run did not send every delivery with a 2xx answer: {runs:?}"
    );
    ensure!(
        j["check"]["median_ms"].as_f64().is_some_and(|x| x > 0.0)
            && j["check"]["runs"][0]["probes"]
                .as_u64()
                .is_some_and(|n| n > 10),
        "no handler check figure: {}",
        j["check"]
    );
    let a = &j["abuse"];
    ensure!(
        a["idle"]["load"]["per_second"]
            .as_f64()
            .is_some_and(|x| x > 0.0)
            && a["hanging_forward"]["load"]["per_second"]
                .as_f64()
                .is_some_and(|x| x > 0.0)
            && a["hanging_forward"]["paced"]["p99_ms"]
                .as_f64()
                .is_some_and(|x| x > 0.0)
            && a["hanging_forward"]["not_forwarding_paced"]["p99_ms"]
                .as_f64()
                .is_some_and(|x| x > 0.0)
            && a["hanging_forward"]["load"]["ratio_to_not_forwarding"]
                .as_f64()
                .is_some_and(|x| x > 0.0)
            && a["unfinished"]["peak_rss_mb"]
                .as_f64()
                .is_some_and(|x| x > 0.0)
            && a["slowloris"]["load"]["per_second"]
                .as_f64()
                .is_some_and(|x| x > 0.0)
            && a["flood"]["api_p99_ms"].as_f64().is_some_and(|x| x > 0.0)
            && a["flood"]["refused"].as_u64().is_some_and(|n| n > 0),
        "no abuse figures: {a}"
    );
    ensure!(
        j["soak"]["samples"]
            .as_array()
            .is_some_and(|s| s.len() >= 2)
            && j["soak"]["load"]["requests"]
                .as_u64()
                .is_some_and(|n| n > 0),
        "no soak figures: {}",
        j["soak"]
    );
    let targets = j["targets"].as_array().context("no targets")?;
    ensure!(targets.len() >= 13, "{} targets", targets.len());
    ensure!(
        targets.iter().all(|t| t["met"].is_boolean()),
        "a target without a verdict"
    );
    let md = std::fs::read_to_string(dir.join("report.md")).context("report.md")?;
    ensure!(
        md.contains("## Targets") && md.contains("## Capture"),
        "report.md lacks sections"
    );
    let svg = std::fs::read_to_string(dir.join("report.svg")).context("report.svg")?;
    if !svg.starts_with("<svg") || !svg.contains("<rect") {
        bail!("report.svg is not a chart");
    }
    Ok(())
}
