//! How long a full handler check of one vendor takes: `hookscope check stripe` against a bare
//! axum server on loopback (the fastest handler there is, so what is measured is Hookscope's own
//! work and the check's deliberate waits: the retry probe's 2 s and the replay probe's 4 s).

use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::tools::Spawned;
use super::{Plan, bare_axum, fresh_data_dir, hookscope};

pub fn check(plan: &Plan) -> Result<Value> {
    let runs_wanted = if plan.quick { 1 } else { 3 };
    eprintln!(
        "\n==> handler check: hookscope check stripe against a local handler, {runs_wanted} runs"
    );
    let dir = fresh_data_dir(plan, "data-check", false)?;
    let mut target = Spawned::start(
        Command::new(bare_axum()).arg("127.0.0.1:0"),
        "listening on ",
        "listening on ",
    )?;
    let mut runs = Vec::new();
    for _ in 0..runs_wanted {
        let started = std::time::Instant::now();
        let out = Command::new(hookscope())
            .args([
                "check",
                "stripe",
                "--json",
                "--secret",
                "whsec_bench",
                "--to",
            ])
            .arg(format!("http://{}/webhooks", target.addr))
            .env("HOOKSCOPE_DATA_DIR", &dir)
            .output()
            .context("cannot run hookscope check")?;
        let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
        // A target that takes everything fails the forgery probes: exit status 1, by design.
        if !matches!(out.status.code(), Some(0 | 1)) {
            bail!(
                "hookscope check failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let report: Value = serde_json::from_slice(&out.stdout)
            .context("hookscope check --json printed no report")?;
        let probes = report["probes"].as_array().map_or(0, Vec::len);
        let requests: usize = report["probes"]
            .as_array()
            .map(|p| {
                p.iter()
                    .map(|p| p["sent"].as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or(0);
        let answering_ms: f64 = report["probes"]
            .as_array()
            .map(|p| {
                p.iter()
                    .flat_map(|p| p["sent"].as_array().cloned().unwrap_or_default())
                    .map(|e| e["latency_ms"].as_f64().unwrap_or(0.0))
                    .sum()
            })
            .unwrap_or(0.0);
        let duration_ms = report["duration_ms"].as_f64().unwrap_or(0.0);
        println!(
            "  {probes} probes, {requests} requests: {:.2} s in all ({wall_ms:.0} ms with the process), {answering_ms:.1} ms of it waiting for answers",
            duration_ms / 1000.0
        );
        runs.push(json!({
            "probes": probes,
            "requests": requests,
            "duration_ms": duration_ms,
            "wall_ms": wall_ms,
            "answering_ms": answering_ms,
        }));
    }
    target.stop();
    let _ = std::fs::remove_dir_all(&dir);
    let mut durations: Vec<f64> = runs
        .iter()
        .filter_map(|r| r["duration_ms"].as_f64())
        .collect();
    durations.sort_by(f64::total_cmp);
    let median = durations.get(durations.len() / 2).copied().unwrap_or(0.0);
    Ok(json!({
        "vendor": "stripe",
        "target": "bare axum (crates/bare-axum)",
        "deliberate_wait_ms": 6000,
        "median_ms": median,
        "runs": runs,
    }))
}
