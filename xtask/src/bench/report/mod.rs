//! The benchmark report: every figure with the machine and versions (`report.json`), the same
//! as tables (`report.md`, [`markdown`]) and as a chart (`report.svg`, [`chart`]), the targets and
//! whether each was met; [`check`] is what `cargo xtask test` asserts of a quick run's report.

mod chart;
mod check;
mod markdown;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{Value, json};

pub use check::check_report;

pub struct Report {
    json: Value,
}

pub(crate) fn version(cmd: &Path, arg: &str) -> String {
    Command::new(cmd)
        .arg(arg)
        .output()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_default()
}

fn machine() -> Value {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_default();
    let mem_kb: f64 = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    json!({
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "memory_gib": mem_kb / 1024.0 / 1024.0,
        "cpu": cpu,
        "kernel": read("/proc/sys/kernel/osrelease").trim(),
    })
}

impl Report {
    pub fn new(plan: &Value, paced: Option<&super::tools::Paced>, mockoon: &Path) -> Report {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut versions = json!({
            "hookscope": version(Path::new(super::hookscope()), "--version"),
            "rustc": version(Path::new("rustc"), "--version"),
            "wrk": version(Path::new("wrk"), "-v"),
        });
        if let Some(tool) = paced {
            let (name, v) = tool.version();
            versions[name] = json!(v);
        }
        if !mockoon.as_os_str().is_empty() {
            versions["mockoon"] = json!(version(mockoon, "--version"));
            versions["node"] = json!(version(Path::new("node"), "--version"));
        }
        Report {
            json: json!({
                "command": format!("cargo xtask {}", args.join(" ")),
                "started_unix": seconds,
                "machine": machine(),
                "versions": versions,
                "plan": plan,
            }),
        }
    }

    /// A report written before, to draw again.
    pub fn load(dir: &Path) -> Result<Report> {
        let text = std::fs::read_to_string(dir.join("report.json"))
            .context("no report to draw: run cargo xtask bench first")?;
        Ok(Report {
            json: serde_json::from_str(&text)?,
        })
    }

    pub fn set(&mut self, key: &str, value: Value) {
        self.json[key] = value;
    }

    /// Adds the targets, each with its measured figure and whether it was met.
    pub fn finish(&mut self, elapsed: Duration) {
        let j = &self.json;
        let mut targets = Vec::new();
        let mut target = |name: &str, want: &str, got: Option<f64>, unit: &str, met: bool| {
            if let Some(got) = got {
                targets.push(json!({
                    "target": name, "wanted": want, "measured": got, "unit": unit, "met": met,
                }));
            }
        };
        let signed = &j["capture"]["hookscope_signed"];
        let ratio = signed["ratio_to_baseline"].as_f64();
        target(
            "capture with decode + verify + dedupe, vs bare axum",
            ">= 70 %",
            ratio.map(|r| r * 100.0),
            "%",
            ratio.is_some_and(|r| r >= 0.70),
        );
        let plain = j["capture"]["hookscope_durable"]["p99_ms"].as_f64();
        target(
            "plain capture (durable acks) p99 under full load",
            "<= 10 ms",
            plain,
            "ms",
            plain.is_some_and(|p| p <= 10.0),
        );
        let times = signed["times_mockoon"].as_f64();
        target(
            "capture with decode + verify + dedupe, vs Mockoon",
            ">= 5 x",
            times,
            "x",
            times.is_some_and(|t| t >= 5.0),
        );
        let p99 = j["latency"]["p99_ms"].as_f64();
        target(
            "p99 at half of Hookscope's maximum rate",
            "<= 5 ms",
            p99,
            "ms",
            p99.is_some_and(|p| p <= 5.0),
        );
        if let Some(runs) = j["durability"]["runs"].as_array() {
            let acked: u64 = runs.iter().filter_map(|r| r["acknowledged"].as_u64()).sum();
            let present: u64 = runs.iter().filter_map(|r| r["present"].as_u64()).sum();
            target(
                "acknowledged deliveries present after kill -9",
                "all, every run",
                Some(present as f64 * 100.0 / acked.max(1) as f64),
                "%",
                runs.iter().all(|r| r["acknowledged"] == r["present"]),
            );
        }
        if let Some(queries) = j["store"]["queries"].as_array() {
            let p99 = |name: &str| {
                queries
                    .iter()
                    .find(|q| q["name"] == name)
                    .and_then(|q| q["p99_ms"].as_f64())
            };
            let n = j["store"]["deliveries"].as_u64().unwrap_or(0);
            for (name, query, limit) in [
                ("newest page", "newest page of 50", 5.0),
                (
                    "filtered page",
                    "filtered page (vendor, type, signature, last 7 days)",
                    20.0,
                ),
                ("full-text search, rare word", "search, rare word", 50.0),
                ("full-text search, common word", "search, common word", 50.0),
            ] {
                let got = p99(query);
                target(
                    &format!("{name} p99 at {n} deliveries, through the API"),
                    &format!("< {limit} ms"),
                    got,
                    "ms",
                    got.is_some_and(|g| g < limit),
                );
            }
            // The baseline: the million-delivery store before compression took 5.5 GB.
            let share = j["store"]["file_bytes"]
                .as_f64()
                .filter(|_| n > 0)
                .map(|b| b * 100.0 / (5_500.0 * n as f64));
            target(
                &format!(
                    "store of {n} deliveries on disk, vs before compression (5.5 GB a million)"
                ),
                "<= 40 %",
                share,
                "%",
                share.is_some_and(|s| s <= 40.0),
            );
            let idle = j["store"]["idle_rss_mb"].as_f64();
            target(
                &format!("memory of hookscope serve idle with {n} stored"),
                "< 40 MB",
                idle,
                "MB",
                idle.is_some_and(|m| m < 40.0),
            );
        }
        let render = j["ui"]["render_p50_ms"].as_f64();
        target(
            &format!(
                "UI: first page on screen after the API answers, {} stored",
                j["ui"]["deliveries"]
            ),
            "< 300 ms",
            render,
            "ms",
            render.is_some_and(|r| r < 300.0),
        );
        let frame = j["ui"]["scroll"]["frame_p95_ms"].as_f64();
        target(
            "UI: p95 frame while flinging to the end of the list",
            "<= 50 ms",
            frame,
            "ms",
            frame.is_some_and(|f| f <= 50.0),
        );
        let start = j["desktop"]["stored"]["start_p50_ms"].as_f64();
        target(
            &format!(
                "desktop app: process start to the list on screen, {} stored ({} build)",
                j["desktop"]["deliveries"],
                j["desktop"]["build"].as_str().unwrap_or("?")
            ),
            "< 1500 ms",
            start,
            "ms",
            start.is_some_and(|s| s < 1500.0),
        );
        let vs_bare = &j["desktop"]["vs_bare"];
        let start = vs_bare["start"].as_f64();
        target(
            "desktop app: start to first screen (empty store), vs a bare Tauri window",
            "<= 1.2 x",
            start,
            "x",
            start.is_some_and(|s| s <= 1.2),
        );
        let pss = vs_bare["pss"].as_f64();
        target(
            "desktop app: memory (PSS, all processes, empty store), vs a bare Tauri window",
            "<= 1.1 x",
            pss,
            "x",
            pss.is_some_and(|m| m <= 1.1),
        );
        let replayed = j["replay"]["runs"][0]["per_second"].as_f64();
        target(
            "replay: stored deliveries sent to a local target, one at a time, attempts stored",
            ">= 500 /s",
            replayed,
            "/s",
            replayed.is_some_and(|r| r >= 500.0),
        );
        let abuse = &j["abuse"];
        let idle = abuse["idle"]["load"]["ratio_to_alone"].as_f64();
        target(
            &format!(
                "capture while {} idle connections are held, vs without",
                abuse["idle"]["connections"]
            ),
            ">= 90 %",
            idle.map(|r| r * 100.0),
            "%",
            idle.is_some_and(|r| r >= 0.90),
        );
        let slow = abuse["slowloris"]["load"]["ratio_to_alone"].as_f64();
        target(
            &format!(
                "capture while {} connections send a byte a second, vs without",
                abuse["slowloris"]["connections"]
            ),
            ">= 90 %",
            slow.map(|r| r * 100.0),
            "%",
            slow.is_some_and(|r| r >= 0.90),
        );
        let flooded = abuse["flood"]["api_p99_ms"].as_f64();
        target(
            "control API p99 while capture is flooded past its connection cap",
            "<= 50 ms",
            flooded,
            "ms",
            flooded.is_some_and(|ms| ms <= 50.0),
        );
        let hanging = abuse["hanging_forward"]["load"]["ratio_to_not_forwarding"].as_f64();
        target(
            "capture while forwarding to a handler that hangs, vs the same endpoint not forwarding",
            ">= 90 %",
            hanging.map(|r| r * 100.0),
            "%",
            hanging.is_some_and(|r| r >= 0.90),
        );
        let paced = abuse["hanging_forward"]["paced"]["p99_to_not_forwarding"].as_f64();
        target(
            &format!(
                "capture p99 at {}/s while forwarding to a handler that hangs, vs not forwarding",
                abuse["paced_rate"]
            ),
            "<= 1.5 x",
            paced,
            "x",
            paced.is_some_and(|r| r <= 1.5),
        );
        let unfinished = abuse["unfinished"]["peak_rss_mb"].as_f64();
        target(
            &format!(
                "memory with {} unfinished {} MiB bodies in flight",
                abuse["unfinished"]["bodies"], abuse["unfinished"]["body_mib"]
            ),
            "< 400 MB",
            unfinished,
            "MB",
            unfinished.is_some_and(|m| m < 400.0),
        );
        let soak = &j["soak"];
        if soak.is_object() {
            let slope = soak["rss_slope_mb_per_min"].as_f64();
            target(
                &format!(
                    "soak: memory slope over {} s at {}/s",
                    soak["seconds"], soak["rate"]
                ),
                "<= 0.1 MB/min",
                slope,
                "MB/min",
                slope.is_some_and(|s| s <= 0.1),
            );
            let catch_up = soak["search_catch_up_seconds"].as_f64();
            target(
                "soak: search caught up after the load stops",
                "<= 30 s",
                catch_up.or(Some(120.0)),
                "s",
                catch_up.is_some_and(|c| c <= 30.0),
            );
        }
        self.json["targets"] = json!(targets);
        self.json["elapsed_secs"] = json!(elapsed.as_secs_f64());
    }

    pub fn write(&self, out: &Path) -> Result<Vec<String>> {
        let json_path = out.join("report.json");
        std::fs::write(&json_path, serde_json::to_string_pretty(&self.json)?)?;
        let md_path = out.join("report.md");
        std::fs::write(&md_path, self.markdown())?;
        let svg_path = out.join("report.svg");
        self.chart(&svg_path)
            .map_err(|e| anyhow::anyhow!("cannot draw the chart: {e}"))?;
        Ok([json_path, md_path, svg_path]
            .iter()
            .map(|p| p.display().to_string())
            .collect())
    }
}
