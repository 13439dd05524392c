//! The benchmark report: every figure with the machine and versions (`report.json`), the same
//! as tables (`report.md`) and as a chart (`report.svg`), the targets and whether each was met;
//! and the API client the store benchmark times queries with.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use plotters::prelude::*;
use serde_json::{Value, json};

use super::API_TOKEN;

pub struct Report {
    json: Value,
}

/// What a query cost over repeated runs through the API.
pub struct Timing {
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Rows the response held (items of a page, or 1).
    pub rows: usize,
}

fn version(cmd: &Path, arg: &str) -> String {
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
    pub fn new(plan: &Value, oha: &Path, mockoon: &Path) -> Report {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut versions = json!({
            "hookscope": version(Path::new(super::hookscope()), "--version"),
            "rustc": version(Path::new("rustc"), "--version"),
            "wrk": version(Path::new("wrk"), "-v"),
        });
        if !oha.as_os_str().is_empty() {
            versions["oha"] = json!(version(oha, "--version"));
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
        let replayed = j["replay"]["runs"][0]["per_second"].as_f64();
        target(
            "replay: stored deliveries sent to a local target, one at a time, attempts stored",
            ">= 500 /s",
            replayed,
            "/s",
            replayed.is_some_and(|r| r >= 500.0),
        );
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

    pub fn markdown(&self) -> String {
        let j = &self.json;
        let m = &j["machine"];
        let p = &j["plan"];
        let mut md = format!(
            "# Hookscope benchmarks\n\n`{}` on {} cores, {:.0} GiB ({}), Linux {}; {}.\n",
            j["command"].as_str().unwrap_or(""),
            m["cores"],
            m["memory_gib"].as_f64().unwrap_or(0.0),
            m["cpu"].as_str().unwrap_or("unknown CPU"),
            m["kernel"].as_str().unwrap_or(""),
            j["versions"]["hookscope"].as_str().unwrap_or("hookscope"),
        );
        if p["quick"] == true {
            md.push_str(
                "\n**Quick run: tiny sizes, to check the harness; not figures to quote.**\n",
            );
        }
        let f = |v: &Value, k: &str, d: usize| match v[k].as_f64() {
            Some(x) => format!("{x:.d$}"),
            None => "–".to_owned(),
        };
        if j["capture"].is_object() {
            md.push_str(&format!(
                "\n## Capture\n\n{} B signed JSON bodies (Cooledge `lead.won`, {} distinct), {} connections, one wrk thread, {} s after a {} s warm-up; every target gets the same requests.\n\n",
                p["body_bytes"], p["distinct_requests"], p["connections"], p["seconds"], p["warmup_seconds"]
            ));
            md.push_str("| target | req/s | vs bare axum | p50 ms | p99 ms | p99.9 ms | errors | peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (key, name) in [
                (
                    "baseline",
                    "bare axum 0.8, answers 200 (the machine's limit)",
                ),
                ("mockoon", "Mockoon CLI, transaction log on"),
                (
                    "hookscope_durable",
                    "hookscope serve, acknowledged after commit",
                ),
                (
                    "hookscope_signed",
                    "hookscope serve, + decode, verify, dedupe",
                ),
            ] {
                let v = &j["capture"][key];
                let ratio = v["ratio_to_baseline"]
                    .as_f64()
                    .map_or("1.00".to_owned(), |r| format!("{r:.2}"));
                md.push_str(&format!(
                    "| {name} | {} | {ratio} | {} | {} | {} | {} | {} |\n",
                    f(v, "per_second", 0),
                    f(v, "p50_ms", 2),
                    f(v, "p99_ms", 2),
                    f(v, "p999_ms", 2),
                    v["errors"],
                    f(v, "peak_rss_mb", 1),
                ));
            }
        }
        if j["latency"].is_object() {
            let l = &j["latency"];
            md.push_str(&format!(
                "\n## Latency at a fixed rate\n\nHookscope with decode, verify and dedupe, driven by oha at half its maximum rate ({} of {} req/s), open loop with latency correction.\n\n| achieved req/s | p50 ms | p99 ms | p99.9 ms | errors |\n|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} |\n",
                f(l, "target_rate", 0),
                f(l, "max_rate", 0),
                f(l, "per_second", 0),
                f(l, "p50_ms", 2),
                f(l, "p99_ms", 2),
                f(l, "p999_ms", 2),
                l["errors"],
            ));
        }
        if let Some(runs) = j["durability"]["runs"].as_array() {
            md.push_str("\n## Durability under load\n\n`kill -9` half-way through a full-load run, then a restart on the same store.\n\n| run | acknowledged | present after restart | stored |\n|---:|---:|---:|---:|\n");
            for (i, r) in runs.iter().enumerate() {
                md.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    i + 1,
                    r["acknowledged"],
                    r["present"],
                    r["stored"]
                ));
            }
        }
        if j["store"].is_object() {
            let s = &j["store"];
            md.push_str(&format!(
                "\n## The store at {} deliveries\n\nFilled by `hookscope generate` in {} s ({} per second), indexed for search in {} s; {:.2} GB on disk. `hookscope serve` idle with all of it stored: {} MB resident. Each query {} times through the control API over loopback.\n\n| query | p50 ms | p99 ms | rows |\n|---|---:|---:|---:|\n",
                s["deliveries"],
                f(s, "fill_secs", 1),
                f(s, "fill_per_second", 0),
                f(s, "index_secs", 1),
                s["file_bytes"].as_f64().unwrap_or(0.0) / 1e9,
                f(s, "idle_rss_mb", 1),
                p["repeat"],
            ));
            for q in s["queries"].as_array().into_iter().flatten() {
                md.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    q["name"].as_str().unwrap_or(""),
                    f(q, "p50_ms", 2),
                    f(q, "p99_ms", 2),
                    q["rows"]
                ));
            }
        }
        if j["ui"].is_object() {
            let u = &j["ui"];
            let sc = &u["scroll"];
            md.push_str(&format!(
                "\n## The UI at {} deliveries\n\nChromium (headless, software rendering) on the UI served by `hookscope serve`, measured in the page (`tests/browser/bench-ui.mjs`). First page: from the list's response arriving to the rows painted, over {} cold loads; the API's own time for that request beside it. Fling: the list scrolled 20,000 px per frame to the end, the rows in view read from the store as it goes.\n\n| measure | value |\n|---|---:|\n| first page on screen after the API answered, p50 | {} ms |\n| same, slowest load | {} ms |\n| the API request itself, p50 | {} ms |\n| page load to rows on screen, p50 | {} ms |\n| fling to the end: frames | {} in {} s |\n| frame time p50 / p95 / max | {} / {} / {} ms |\n| frames over 50 ms | {} |\n| last rows filled after reaching the end | {} ms |\n| scrollbar jump to the middle, rows filled | {} ms |\n| scrollbar jump to the end, rows filled | {} ms |\n| JS heap after scrolling | {} MB |\n",
                u["deliveries"],
                u["loads"].as_array().map_or(0, Vec::len),
                f(u, "render_p50_ms", 0),
                f(u, "render_max_ms", 0),
                f(u, "api_p50_ms", 1),
                f(u, "to_screen_p50_ms", 0),
                sc["frames"],
                f(sc, "seconds", 1),
                f(sc, "frame_p50_ms", 1),
                f(sc, "frame_p95_ms", 1),
                f(sc, "frame_max_ms", 1),
                sc["long_frames"],
                f(sc, "end_filled_ms", 0),
                f(&u["jumps"][0], "filled_ms", 0),
                f(&u["jumps"][1], "filled_ms", 0),
                f(u, "heap_mb", 1),
            ));
        }
        if j["desktop"].is_object() {
            let d = &j["desktop"];
            let row = |name: &str, key: &str| {
                let m = &d[key]["memory"];
                format!(
                    "| {name} | {} ms | {} MB | {} MB |\n",
                    f(&d[key], "start_p50_ms", 0),
                    f(m, "pss_mb", 0),
                    f(m, "rss_mb", 0)
                )
            };
            md.push_str(&format!(
                "\n## The desktop app\n\nThe {} build of `hookscope-desktop` under Xvfb (WebKitGTK, software rendering), launched through tauri-driver (`tests/desktop/bench-desktop.mjs`), p50 of {} launches. Start: from the process's start (`/proc`) to the first screen painted (the page's performance mark after the paint that follows the empty state or the first rows). Memory: the app and its webview processes (WebKitWebProcess, WebKitNetworkProcess) 3 s after that paint; PSS counts shared library pages once, RSS counts them in each process.\n\n| store | start to first screen | memory, PSS | memory, RSS |\n|---|---:|---:|---:|\n{}{}",
                d["build"].as_str().unwrap_or("?"),
                d["runs"],
                row("empty", "empty"),
                row(&format!("{} deliveries", d["deliveries"]), "stored"),
            ));
        }
        if let Some(runs) = j["replay"]["runs"].as_array() {
            md.push_str(&format!(
                "\n## Replay\n\n`hookscope replay --filter ''` sends the {} deliveries of a generated store to a bare axum server and stores each attempt (status, headers, the first 64 KiB of the answer, latency); the figure is the command's own count over its own clock.\n\n| in flight | replayed | answered 2xx | time | deliveries/s |\n|---:|---:|---:|---:|---:|\n",
                j["replay"]["deliveries"]
            ));
            for r in runs {
                md.push_str(&format!(
                    "| {} | {} | {} | {} s | {} |\n",
                    r["concurrency"],
                    r["sent"],
                    r["ok"],
                    f(r, "seconds", 2),
                    f(r, "per_second", 0)
                ));
            }
        }
        if let Some(targets) = j["targets"].as_array() {
            md.push_str(
                "\n## Targets\n\n| target | wanted | measured | met |\n|---|---|---:|---|\n",
            );
            for t in targets {
                md.push_str(&format!(
                    "| {} | {} | {:.2} {} | {} |\n",
                    t["target"].as_str().unwrap_or(""),
                    t["wanted"].as_str().unwrap_or(""),
                    t["measured"].as_f64().unwrap_or(0.0),
                    t["unit"].as_str().unwrap_or(""),
                    if t["met"] == true { "yes" } else { "**no**" },
                ));
            }
        }
        md
    }

    fn chart(&self, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
        let j = &self.json;
        let root = SVGBackend::new(path, (1200, 460)).into_drawing_area();
        root.fill(&WHITE)?;
        let (left, right) = root.split_horizontally(560);

        let grey = RGBColor(148, 163, 184);
        let orange = RGBColor(234, 88, 12);
        let blue = RGBColor(37, 99, 235);
        let capture: Vec<(&str, f64, RGBColor)> = [
            ("bare axum", "baseline", grey),
            ("Mockoon", "mockoon", orange),
            ("hookscope", "hookscope_durable", blue),
            ("+ verify, dedupe", "hookscope_signed", blue),
        ]
        .iter()
        .filter_map(|(name, key, colour)| {
            Some((*name, j["capture"][key]["per_second"].as_f64()?, *colour))
        })
        .collect();
        bars(
            &left,
            "Capture, requests/s (1 KiB, 64 connections)",
            &capture,
            false,
        )?;

        let queries: Vec<(&str, f64, RGBColor)> = j["store"]["queries"]
            .as_array()
            .into_iter()
            .flatten()
            .zip([
                "newest",
                "deep",
                "filter",
                "filter old",
                "rare word",
                "common",
                "by id",
                "counts",
                "by vendor",
            ])
            .filter_map(|(q, name)| Some((name, q["p99_ms"].as_f64()?, blue)))
            .collect();
        let title = format!(
            "Store queries at {} deliveries, p99 ms (log)",
            j["store"]["deliveries"]
        );
        bars(&right, &title, &queries, true)?;
        root.present()?;
        Ok(())
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// A bar chart of named values, on a log scale when `log`.
fn bars(
    area: &Area<'_>,
    title: &str,
    data: &[(&str, f64, RGBColor)],
    log: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let n = data.len().max(1);
    let max = data.iter().map(|d| d.1).fold(0.0, f64::max).max(1e-3);
    let names: Vec<String> = data.iter().map(|d| d.0.to_owned()).collect();
    let label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 {
            names.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let value_text = |v: f64| {
        if v >= 100.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.2}")
        }
    };
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64);
    let x = -0.5..(n as f64 - 0.5);
    if log {
        let lo = 0.1f64;
        let mut chart = builder.build_cartesian_2d(x, (lo..max * 3.0).log_scale())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&label)
            .y_label_formatter(&|v| format!("{v}"))
            .draw()?;
        chart.draw_series(data.iter().enumerate().map(|(i, (_, v, c))| {
            let i = i as f64;
            Rectangle::new([(i - 0.35, lo), (i + 0.35, v.max(lo))], c.filled())
        }))?;
        chart.draw_series(data.iter().enumerate().map(|(i, (_, v, _))| {
            Text::new(
                value_text(*v),
                (i as f64 - 0.3, v.max(lo) * 1.25),
                ("sans-serif", 13),
            )
        }))?;
    } else {
        let mut chart = builder.build_cartesian_2d(x, 0.0..max * 1.15)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&label)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()?;
        chart.draw_series(data.iter().enumerate().map(|(i, (_, v, c))| {
            let i = i as f64;
            Rectangle::new([(i - 0.35, 0.0), (i + 0.35, *v)], c.filled())
        }))?;
        chart.draw_series(data.iter().enumerate().map(|(i, (_, v, _))| {
            Text::new(
                value_text(*v),
                (i as f64 - 0.25, v + max * 0.03),
                ("sans-serif", 13),
            )
        }))?;
    }
    Ok(())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

fn get(agent: &ureq::Agent, api: &str, path: &str) -> Result<String> {
    let mut resp = agent
        .get(format!("http://{api}{path}"))
        .header("Authorization", format!("Bearer {API_TOKEN}"))
        .call()
        .with_context(|| format!("GET {path}"))?;
    Ok(resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()?)
}

/// GET on the control API, as JSON.
pub fn api_json(api: &str, path: &str) -> Result<Value> {
    Ok(serde_json::from_str(&get(&agent(), api, path)?)?)
}

/// Every stored delivery id, page by page.
pub fn all_ids(api: &str) -> Result<HashSet<u64>> {
    let agent = agent();
    let mut ids = HashSet::new();
    let mut path = "/api/deliveries?limit=1000".to_owned();
    loop {
        let page: Value = serde_json::from_str(&get(&agent, api, &path)?)?;
        for item in page["items"].as_array().into_iter().flatten() {
            ids.insert(item["id"].as_u64().context("an item without an id")?);
        }
        match page["next_cursor"].as_u64() {
            Some(c) => path = format!("/api/deliveries?limit=1000&before={c}"),
            None => return Ok(ids),
        }
    }
}

/// p50 and p99 of `repeat` GETs on one kept-alive connection, after three to warm up.
pub fn time_query(api: &str, path: &str, repeat: u32) -> Result<Timing> {
    let agent = agent();
    let mut body = String::new();
    for _ in 0..3 {
        body = get(&agent, api, path)?;
    }
    let mut times = Vec::with_capacity(repeat as usize);
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        get(&agent, api, path)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    Ok(Timing {
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        rows: v["items"].as_array().map_or(1, Vec::len),
    })
}

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
    ensure!(queries.len() == 9, "{} store queries, not 9", queries.len());
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
    for key in ["empty", "stored"] {
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
