//! `cargo xtask bench`: capture throughput and latency of a release build of Hookscope, with
//! durable acknowledgements, against a bare axum server under the same load (wrk, 1 KiB JSON
//! bodies). Results are printed and written to `target/bench/capture.json`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::setup::{self, Package};
use crate::{cargo, step};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Seconds each measured run lasts.
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// Concurrent connections.
    #[arg(long, default_value_t = 64)]
    connections: u32,
    /// Store durability modes to measure Hookscope in: full (fsync before each acknowledgement)
    /// and normal (committed to the OS: survives a killed process, not a power cut).
    #[arg(long, value_delimiter = ',', default_value = "full,normal")]
    durability: Vec<String>,
}

/// What wrk measured.
#[derive(Debug, Clone, Copy)]
struct Load {
    requests: u64,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

pub fn bench(args: &BenchArgs) -> Result<()> {
    setup::ensure_packages(&[
        Package {
            deb: "wrk",
            provides: "wrk",
        },
        Package {
            deb: "curl",
            provides: "curl",
        },
    ])?;
    step(
        "release build",
        cargo().args([
            "build",
            "--release",
            "--package",
            "hookscope",
            "--bin",
            "hookscope",
            "--example",
            "bare_axum",
        ]),
    )?;
    let out = PathBuf::from("target/bench");
    std::fs::create_dir_all(&out)?;
    let script = out.join("post-1k.lua");
    std::fs::write(&script, wrk_script(&sample_body(1024)))?;

    let mut base = Spawned::start(
        Command::new("target/release/examples/bare_axum").arg("127.0.0.1:0"),
        "listening on ",
        "listening on ",
    )?;
    let base_url = format!("http://{}/hooks/bench", base.addr);
    wrk(&base_url, &script, 2, args.connections)?; // warm-up
    let baseline = wrk(&base_url, &script, args.seconds, args.connections)?;
    base.stop();

    println!(
        "\nCapture, 1 KiB JSON bodies, {} connections, {} s:",
        args.connections, args.seconds
    );
    print_load("bare axum", baseline);
    let mut results = Vec::new();
    for durability in &args.durability {
        let run = measure_hookscope(&out, &script, durability, args)?;
        print_load(&format!("hookscope, durability {durability}"), run.load);
        println!(
            "  {:<28} {:>8.1} % of bare axum (target >= 70 %), {:.1} MB RSS, {} stored",
            "",
            run.load.per_second / baseline.per_second * 100.0,
            run.rss_mb,
            run.stored
        );
        let s = &run.search;
        println!(
            "  {:<28} search index caught up {} deliveries in {:.1} s ({:.0}/s) after the burst",
            "",
            s.backlog,
            s.catch_up_secs,
            s.backlog as f64 / s.catch_up_secs.max(1e-9)
        );
        println!(
            "  {:<28} first page {:.1} ms; q=invoice (every row matches) {:.1} ms; q=nomatch {:.1} ms",
            "", s.first_page_ms, s.common_word_ms, s.no_match_ms
        );
        if run.load.errors > 0 {
            bail!("{} capture requests failed under load", run.load.errors);
        }
        results.push(serde_json::json!({
            "durability": durability,
            "load": load_json(run.load),
            "ratio": run.load.per_second / baseline.per_second,
            "rss_mb": run.rss_mb,
            "stored": run.stored,
            "search": {
                "backlog": run.search.backlog,
                "catch_up_secs": run.search.catch_up_secs,
                "first_page_ms": run.search.first_page_ms,
                "common_word_ms": run.search.common_word_ms,
                "no_match_ms": run.search.no_match_ms,
            },
        }));
    }
    let json = serde_json::json!({
        "body_bytes": 1024,
        "connections": args.connections,
        "seconds": args.seconds,
        "baseline": load_json(baseline),
        "hookscope": results,
    });
    std::fs::write(
        out.join("capture.json"),
        serde_json::to_string_pretty(&json)?,
    )?;
    println!("  written to target/bench/capture.json");
    Ok(())
}

struct Run {
    load: Load,
    rss_mb: f64,
    stored: u64,
    search: Search,
}

/// Search after the burst: how fast the index caught up, and list timings through the API
/// (medians of five, as curl measures them).
struct Search {
    backlog: u64,
    catch_up_secs: f64,
    first_page_ms: f64,
    common_word_ms: f64,
    no_match_ms: f64,
}

/// A fresh store, a warm-up, then the measured run.
fn measure_hookscope(out: &Path, script: &Path, durability: &str, args: &BenchArgs) -> Result<Run> {
    let data_dir = out.join("data");
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir)?;
    std::fs::write(
        data_dir.join("hookscope.toml"),
        format!("[store]\ndurability = \"{durability}\"\n[retention]\nmax_bytes = \"8 GiB\"\n"),
    )?;
    let mut hs = Spawned::start(
        Command::new("target/release/hookscope")
            .args(["serve", "--capture", "127.0.0.1:0", "--api", "127.0.0.1:0"])
            .args(["--api-token", API_TOKEN])
            .env("HOOKSCOPE_DATA_DIR", &data_dir),
        "  capture   http://",
        "Press Ctrl-C",
    )?;
    let url = format!("http://{}hooks/bench", hs.addr);
    wrk(&url, script, 2, args.connections)?;
    let load = wrk(&url, script, args.seconds, args.connections)?;
    let rss_mb = rss_mb(hs.child.id());
    let search = measure_search(&hs.api)?;
    hs.stop();
    let stored = stored_count(&data_dir)?;
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(Run {
        load,
        rss_mb,
        stored,
        search,
    })
}

const API_TOKEN: &str = "bench";

/// GET on the API: the body, and the seconds curl took.
fn api_get(api: &str, path: &str) -> Result<(String, f64)> {
    let out = Command::new("curl")
        .args([
            "-sS",
            "--fail",
            "-H",
            &format!("Authorization: Bearer {API_TOKEN}"),
        ])
        .args(["-w", "\n%{time_total}"])
        .arg(format!("http://{api}{path}"))
        .output()
        .context("cannot run curl")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!("GET {path}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let (body, time) = text.rsplit_once('\n').unwrap_or((&text, "0"));
    Ok((body.to_owned(), time.trim().parse().unwrap_or(0.0)))
}

fn measure_search(api: &str) -> Result<Search> {
    let progress = || -> Result<(u64, u64)> {
        let (body, _) = api_get(api, "/api")?;
        let v: serde_json::Value = serde_json::from_str(&body)?;
        let s = &v["search"];
        Ok((
            s["indexed_through"].as_u64().unwrap_or(0),
            s["newest"].as_u64().unwrap_or(0),
        ))
    };
    let (start, newest) = progress()?;
    let started = std::time::Instant::now();
    loop {
        let (done, newest) = progress()?;
        if done >= newest {
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            bail!("the search index did not catch up within 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let catch_up_secs = started.elapsed().as_secs_f64();
    let median_ms = |path: &str| -> Result<f64> {
        let mut times = (0..5)
            .map(|_| api_get(api, path).map(|(_, t)| t * 1000.0))
            .collect::<Result<Vec<_>>>()?;
        times.sort_by(f64::total_cmp);
        Ok(times[2])
    };
    Ok(Search {
        backlog: newest.saturating_sub(start),
        catch_up_secs,
        first_page_ms: median_ms("/api/deliveries?limit=50")?,
        common_word_ms: median_ms("/api/deliveries?limit=50&q=invoice")?,
        no_match_ms: median_ms("/api/deliveries?limit=50&q=nomatch")?,
    })
}

fn print_load(name: &str, l: Load) {
    println!(
        "  {name:<28} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   errors {}",
        l.per_second, l.p50_ms, l.p99_ms, l.errors
    );
}

fn load_json(l: Load) -> serde_json::Value {
    serde_json::json!({
        "requests": l.requests,
        "per_second": l.per_second,
        "p50_ms": l.p50_ms,
        "p99_ms": l.p99_ms,
        "errors": l.errors,
    })
}

/// A realistic webhook JSON body of exactly `size` bytes.
fn sample_body(size: usize) -> String {
    let head = r#"{"id":"evt_bench_0001","type":"invoice.paid","created_at":"2026-11-23T10:00:00Z","data":{"invoice_id":"inv_1042","amount":4200,"currency":"EUR","customer":{"id":"cus_77","email":"ada@example.com"},"note":""#;
    let tail = "\"}}";
    let pad = size.saturating_sub(head.len() + tail.len());
    format!("{head}{}{tail}", "x".repeat(pad))
}

fn wrk_script(body: &str) -> String {
    format!(
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"X-Bench-Event\"] = \"invoice.paid\"\nwrk.body = '{body}'\n"
    )
}

fn wrk(url: &str, script: &Path, seconds: u32, connections: u32) -> Result<Load> {
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(url)
        .output()
        .context("cannot run wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse_wrk(&text).with_context(|| format!("cannot read wrk's output:\n{text}"))
}

fn parse_wrk(text: &str) -> Option<Load> {
    let mut load = Load {
        requests: 0,
        per_second: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        errors: 0,
    };
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => load.per_second = n.parse().ok()?,
            ["50%", t] => load.p50_ms = millis(t)?,
            ["99%", t] => load.p99_ms = millis(t)?,
            [n, "requests", "in", ..] => load.requests = n.parse().ok()?,
            ["Non-2xx", "or", "3xx", "responses:", n] => load.errors += n.parse::<u64>().ok()?,
            ["Socket", "errors:", rest @ ..] => {
                load.errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    (load.per_second > 0.0).then_some(load)
}

fn millis(t: &str) -> Option<f64> {
    let (n, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = n.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => return None,
    })
}

/// Resident memory of a process in MB, from /proc.
fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Deliveries in the store: the newest id of a fresh database.
fn stored_count(data_dir: &Path) -> Result<u64> {
    let out = Command::new("target/release/hookscope")
        .args(["list", "--json", "--limit", "1"])
        .env("HOOKSCOPE_DATA_DIR", data_dir)
        .output()?;
    let page: serde_json::Value = serde_json::from_slice(&out.stdout)
        .with_context(|| String::from_utf8_lossy(&out.stderr).into_owned())?;
    Ok(page["items"][0]["id"].as_u64().unwrap_or(0))
}

/// A server started for the benchmark, with the address it printed.
struct Spawned {
    child: Child,
    addr: String,
    /// The control API's `host:port`, when the server printed one.
    api: String,
}

impl Spawned {
    /// Starts `cmd` and reads its output up to the line starting with `last`, taking the
    /// address from the line starting with `marker`.
    fn start(cmd: &mut Command, marker: &str, last: &str) -> Result<Spawned> {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start the server")?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped"));
        let (mut addr, mut api) = (None, String::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line)? == 0 {
                bail!("the server exited before printing its address");
            }
            if let Some(rest) = line.strip_prefix(marker) {
                addr = Some(rest.split_whitespace().next().unwrap_or("").to_owned());
            }
            if let Some(rest) = line.trim_start().strip_prefix("api       http://") {
                api = rest.split('/').next().unwrap_or("").to_owned();
            }
            if line.starts_with(last) {
                break;
            }
        }
        std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
        let addr =
            addr.with_context(|| format!("the server printed no line starting {marker:?}"))?;
        Ok(Spawned { child, addr, api })
    }

    /// Ctrl-C, so the server shuts down as a user's would; killed if it does not stop.
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let text = "Running 10s test @ http://127.0.0.1:1/\n  2 threads and 64 connections\n  Latency Distribution\n     50%  812.00us\n     75%    1.10ms\n     90%    1.50ms\n     99%    3.25ms\n  412345 requests in 10.00s, 50.00MB read\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 4\nRequests/sec:  41234.50\n";
        let l = parse_wrk(text).unwrap();
        assert_eq!(l.requests, 412345);
        assert!((l.per_second - 41234.5).abs() < 1e-9);
        assert!((l.p50_ms - 0.812).abs() < 1e-9);
        assert!((l.p99_ms - 3.25).abs() < 1e-9);
        assert_eq!(l.errors, 7);
    }

    #[test]
    fn sample_body_has_the_asked_size_and_is_json() {
        let body = sample_body(1024);
        assert_eq!(body.len(), 1024);
        serde_json::from_str::<serde_json::Value>(&body).unwrap();
    }
}
