//! `cargo xtask bench`: Hookscope beside the machine's HTTP limit (a bare axum server) and a
//! peer (Mockoon CLI) in one run, so that every figure is also a ratio to a baseline measured
//! minutes earlier on the same machine.
//!
//! - `capture`: closed-loop throughput and latency, 1 KiB signed JSON bodies, 64 connections,
//!   one wrk thread, for the baseline, the peer, Hookscope with durable acks, and Hookscope with
//!   an endpoint bound to the vendor and its secret (decode + verify + dedupe).
//! - `latency`: Hookscope (decode + verify + dedupe) at a fixed rate, half its maximum (oha;
//!   Debian's `hey` in a quick run).
//! - `durability`: `kill -9` under full load, restart, count the acknowledged deliveries present.
//! - `store`: a store filled by `hookscope generate`, then list, filter, search, read and count
//!   through the control API over loopback; memory idle with it all stored.
//! - `abuse`: capture while 10,000 idle connections are held, memory with 100 unfinished 16 MiB
//!   bodies, and capture while every delivery is forwarded to a handler that hangs.
//! - `check`: how long `hookscope check stripe` takes against a local handler.
//! - `soak` (`--soak`, alone): an hour at 1,000 deliveries a second; the memory's slope and the
//!   search index's lag, read every ten seconds.
//! - `ui`: 100,000 generated deliveries in the UI (Chromium): the first page's time to the
//!   screen once the API answered, and a fling to the end of the list, frame by frame.
//!
//! Writes `target/bench/report.json`, `report.md` and `report.svg`.

mod abuse;
mod api;
mod check;
mod desktop;
mod replay;
mod report;
mod soak;
mod tools;
mod ui;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::setup::{self, Package};
use crate::{cargo, step};
use tools::{Load, Spawned};

pub use report::check_report;

#[derive(clap::Args, Clone)]
pub struct BenchArgs {
    /// Every benchmark with tiny sizes and short runs (under two minutes once built): what
    /// `cargo xtask test` runs so that the harness cannot rot.
    #[arg(long)]
    pub quick: bool,
    /// Run only this benchmark.
    #[arg(long, value_enum)]
    pub only: Option<Bench>,
    /// Seconds each load run lasts [default: 10; 2 with --quick].
    #[arg(long)]
    pub seconds: Option<u32>,
    /// Concurrent connections of the load generators.
    #[arg(long, default_value_t = 64)]
    pub connections: u32,
    /// Deliveries in the store benchmark [default: 1000000; 3000 with --quick].
    #[arg(long)]
    pub deliveries: Option<u64>,
    /// Times each store query is repeated [default: 200; 20 with --quick].
    #[arg(long)]
    pub repeat: Option<u32>,
    /// kill -9 runs of the durability benchmark [default: 3; 1 with --quick].
    #[arg(long)]
    pub kills: Option<u32>,
    /// Measure nothing: write report.md and report.svg again from target/bench/report.json.
    #[arg(long)]
    pub redraw: bool,
    /// Run the soak alone: a steady load for `--soak-minutes`, memory and search lag sampled.
    #[arg(long)]
    pub soak: bool,
    /// How long the soak lasts [default: 60; a quarter of a minute with --quick].
    #[arg(long)]
    pub soak_minutes: Option<f64>,
    /// Deliveries a second during the soak [default: 1000; 200 with --quick].
    #[arg(long)]
    pub soak_rate: Option<f64>,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Bench {
    Capture,
    Latency,
    Durability,
    Store,
    Ui,
    Desktop,
    Replay,
    Abuse,
    Check,
    Soak,
}

/// The sizes of one run, from the flags.
struct Plan {
    quick: bool,
    seconds: u32,
    warmup: u32,
    connections: u32,
    deliveries: u64,
    repeat: u32,
    kills: u32,
    /// Distinct signed deliveries the load cycles through.
    request_set: usize,
    out: PathBuf,
    /// What drives a fixed rate (`None` when no benchmark run needs one).
    paced: Option<tools::Paced>,
    mockoon: PathBuf,
}

impl Plan {
    fn runs(&self, only: Option<Bench>, b: Bench) -> bool {
        only.is_none_or(|o| o == b)
    }

    /// The fixed-rate load generator, set up for every run that drives one.
    fn paced(&self) -> Result<&tools::Paced> {
        self.paced
            .as_ref()
            .context("internal: no fixed-rate load generator was set up for this run")
    }
}

const API_TOKEN: &str = "bench";
/// Quick runs (`--quick`, as `cargo xtask test` makes them) use the debug build the test suites
/// already made: their figures are not judged, and CI then builds nothing more.
static QUICK: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn quick() -> bool {
    QUICK.load(std::sync::atomic::Ordering::Relaxed)
}

/// The `hookscope` binary the benchmarks run.
fn hookscope() -> &'static str {
    if quick() {
        "target/debug/hookscope"
    } else {
        "target/release/hookscope"
    }
}

/// The bare axum server, the machine's HTTP limit.
fn bare_axum() -> &'static str {
    if quick() {
        "target/debug/bare_axum"
    } else {
        "target/release/bare_axum"
    }
}

pub fn bench(args: &BenchArgs) -> Result<()> {
    let started = Instant::now();
    let out = PathBuf::from("target/bench");
    if args.redraw {
        let report = report::Report::load(&out)?;
        println!("Written: {}", report.write(&out)?.join(", "));
        return Ok(());
    }
    let q = args.quick;
    setup::ensure_packages(&[Package {
        deb: "wrk",
        provides: "wrk",
    }])?;
    QUICK.store(q, std::sync::atomic::Ordering::Relaxed);
    let mut build = if q { crate::test_build() } else { cargo() };
    if !q {
        build.args([
            "build",
            "--release",
            "--package",
            "hookscope",
            "--package",
            "bare-axum",
            "--bin",
            "hookscope",
            "--bin",
            "bare_axum",
        ]);
    }
    step(
        if q {
            "debug build (quick run)"
        } else {
            "release build"
        },
        &mut build,
    )?;
    std::fs::create_dir_all(&out)?;
    let tools_dir = std::path::absolute(out.join("tools"))?;
    // `--soak` runs the soak alone.
    let only = if args.soak {
        Some(Bench::Soak)
    } else {
        args.only
    };
    let needs_load = only.is_none_or(|o| {
        matches!(
            o,
            Bench::Capture | Bench::Latency | Bench::Durability | Bench::Soak | Bench::Abuse
        )
    });
    let plan = Plan {
        quick: q,
        seconds: args.seconds.unwrap_or(if q { 2 } else { 10 }),
        warmup: if q { 1 } else { 2 },
        connections: args.connections,
        deliveries: args.deliveries.unwrap_or(if q { 3000 } else { 1_000_000 }),
        repeat: args.repeat.unwrap_or(if q { 20 } else { 200 }),
        kills: args.kills.unwrap_or(if q { 1 } else { 3 }),
        request_set: if q { 2000 } else { 20_000 },
        paced: if needs_load {
            Some(tools::Paced::for_run(q, &tools_dir)?)
        } else {
            None
        },
        mockoon: if only.is_none_or(|o| o == Bench::Capture) {
            tools::ensure_mockoon(&tools_dir)?
        } else {
            PathBuf::new()
        },
        out,
    };
    let mut report = report::Report::new(&plan_json(&plan), plan.paced.as_ref(), &plan.mockoon);

    let args = &BenchArgs {
        only,
        ..args.clone()
    };
    let mut max_signed = None;
    if plan.runs(args.only, Bench::Capture) {
        let capture = capture(&plan)?;
        max_signed = capture["hookscope_signed"]["per_second"].as_f64();
        report.set("capture", capture);
    }
    if plan.runs(args.only, Bench::Latency) {
        report.set("latency", latency(&plan, max_signed)?);
    }
    if plan.runs(args.only, Bench::Durability) {
        report.set("durability", durability(&plan)?);
    }
    if plan.runs(args.only, Bench::Store) {
        report.set("store", store(&plan)?);
    }
    if plan.runs(args.only, Bench::Ui) {
        report.set("ui", ui::ui(&plan)?);
    }
    if plan.runs(args.only, Bench::Desktop) {
        report.set("desktop", desktop::desktop(&plan)?);
    }
    if plan.runs(args.only, Bench::Replay) {
        report.set("replay", replay::replay(&plan)?);
    }
    if plan.runs(args.only, Bench::Abuse) {
        report.set("abuse", abuse::abuse(&plan)?);
    }
    if plan.runs(args.only, Bench::Check) {
        report.set("check", check::check(&plan)?);
    }
    // An hour is not part of every run: the soak runs when asked for, and briefly in quick runs.
    if args.only == Some(Bench::Soak) || (q && args.only.is_none()) {
        let minutes = args.soak_minutes.unwrap_or(if q { 0.25 } else { 60.0 });
        let settings = soak::Soak {
            seconds: (minutes * 60.0).round().max(5.0) as u32,
            rate: args.soak_rate.unwrap_or(if q { 200.0 } else { 1000.0 }),
        };
        report.set("soak", soak::soak(&plan, &settings)?);
    }
    report.finish(started.elapsed());
    let written = report.write(&plan.out)?;
    println!("\n{}", report.markdown());
    println!("Written: {}", written.join(", "));
    Ok(())
}

fn plan_json(p: &Plan) -> Value {
    json!({
        "quick": p.quick,
        "seconds": p.seconds,
        "warmup_seconds": p.warmup,
        "connections": p.connections,
        "load_threads": 1,
        "body_bytes": tools::BODY_BYTES,
        "distinct_requests": p.request_set,
        "deliveries": p.deliveries,
        "repeat": p.repeat,
        "kills": p.kills,
    })
}

/// A fresh data directory with a config: durable acks, retention out of the way, and with
/// `signed` an endpoint bound to Cooledge with the benchmark's secret.
fn fresh_data_dir(plan: &Plan, name: &str, signed: bool) -> Result<PathBuf> {
    fresh_data_dir_with(plan, name, signed, true, "")
}

/// [`fresh_data_dir`], with schema learning on or off (`capture.learn_schemas`) and `extra`
/// config at its end.
fn fresh_data_dir_with(
    plan: &Plan,
    name: &str,
    signed: bool,
    learn: bool,
    extra: &str,
) -> Result<PathBuf> {
    let dir = plan.out.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mut config = String::from(
        "[store]\ndurability = \"full\"\n\n[retention]\nmax_deliveries = 100000000\nmax_bytes = \"1 TiB\"\n",
    );
    if !learn {
        config.push_str("\n[capture]\nlearn_schemas = false\n");
    }
    if signed {
        config.push_str(&format!(
            "\n[[endpoints]]\npath = \"/hooks/bench\"\nvendor = \"cooledge\"\nsecrets = [\"{}\"]\n",
            tools::SECRET
        ));
    }
    config.push_str(extra);
    std::fs::write(dir.join("hookscope.toml"), config)?;
    Ok(dir)
}

fn start_hookscope(data_dir: &Path) -> Result<Spawned> {
    Spawned::start(
        Command::new(hookscope())
            .args([
                "serve",
                "--quiet",
                "--capture",
                "127.0.0.1:0",
                "--api",
                "127.0.0.1:0",
            ])
            .args(["--api-token", API_TOKEN])
            .env("HOOKSCOPE_DATA_DIR", data_dir)
            .env("RUST_LOG", "hookscope=warn"),
        "capture   http://",
        "Press Ctrl-C",
    )
}

fn load_json(l: &Load, baseline: Option<&Load>) -> Value {
    let mut v = serde_json::to_value(l).expect("plain figures");
    if let Some(b) = baseline {
        v["ratio_to_baseline"] = json!(l.per_second / b.per_second.max(1e-9));
    }
    v
}

fn print_load(name: &str, l: &Load) {
    println!(
        "  {name:<36} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   p99.9 {:>6.2} ms   errors {}",
        l.per_second, l.p50_ms, l.p99_ms, l.p999_ms, l.errors
    );
}

/// Benchmark 1: the same load against each target.
fn capture(plan: &Plan) -> Result<Value> {
    eprintln!("\n==> capture throughput");
    let script = std::path::absolute(plan.out.join("requests.lua"))?;
    tools::write_wrk_script(&script, plan.request_set, None)?;
    let run = |url: &str| -> Result<Load> {
        tools::wrk(url, &script, plan.warmup, plan.connections)?;
        tools::wrk(url, &script, plan.seconds, plan.connections)
    };

    let mut base = Spawned::start(
        Command::new(bare_axum()).arg("127.0.0.1:0"),
        "listening on ",
        "listening on ",
    )?;
    let baseline = run(&format!("http://{}/hooks/bench", base.addr))?;
    base.stop();
    print_load("bare axum (the machine's limit)", &baseline);

    let port = tools::free_port()?;
    let mockoon_dir = std::path::absolute(plan.out.join("mockoon"))?;
    let _ = std::fs::remove_dir_all(&mockoon_dir);
    std::fs::create_dir_all(&mockoon_dir)?;
    let spec = mockoon_dir.join("openapi.json");
    std::fs::write(
        &spec,
        r#"{"openapi":"3.0.0","info":{"title":"bench","version":"1"},"paths":{"/hooks/bench":{"post":{"responses":{"200":{"description":"OK"}}}}}}"#,
    )?;
    let mut peer = Spawned::start_on(
        Command::new(&plan.mockoon)
            .args(["start", "--repair", "--log-transaction", "--data"])
            .arg(&spec)
            .args(["--port", &port.to_string(), "--hostname", "127.0.0.1"])
            .env("HOME", &mockoon_dir),
        format!("127.0.0.1:{port}"),
    )?;
    let mockoon = run(&format!("http://127.0.0.1:{port}/hooks/bench"))?;
    let (_, mockoon_peak) = tools::rss_mb(peer.child.id());
    peer.stop();
    print_load("Mockoon CLI, transaction log on", &mockoon);

    let measure =
        |name: &str, signed: bool, learn: bool, extra: &str| -> Result<(Load, f64, u64)> {
            let dir = fresh_data_dir_with(plan, name, signed, learn, extra)?;
            let mut hs = start_hookscope(&dir)?;
            let load = run(&format!("http://{}/hooks/bench", hs.addr))?;
            let (_, peak) = tools::rss_mb(hs.child.id());
            let stored = api::api_json(&hs.api, "/api")?["deliveries"]
                .as_u64()
                .unwrap_or(0);
            hs.stop();
            let _ = std::fs::remove_dir_all(&dir);
            Ok((load, peak, stored))
        };
    let (durable, durable_peak, durable_stored) = measure("data-durable", false, true, "")?;
    print_load("hookscope, durable acks", &durable);
    let (signed, signed_peak, signed_stored) = measure("data-signed", true, true, "")?;
    print_load("hookscope, + decode, verify, dedupe", &signed);
    let (unlearned, unlearned_peak, unlearned_stored) =
        measure("data-signed-unlearned", true, false, "")?;
    print_load("hookscope, the same, learning off", &unlearned);
    let (ruled, ruled_peak, ruled_stored) =
        measure("data-signed-rules", true, true, &twenty_rules())?;
    print_load("hookscope, the same, 20 rules", &ruled);

    Ok(json!({
        "baseline": load_json(&baseline, None),
        "mockoon": merge(load_json(&mockoon, Some(&baseline)), json!({ "peak_rss_mb": mockoon_peak })),
        "hookscope_durable": merge(load_json(&durable, Some(&baseline)), json!({
            "peak_rss_mb": durable_peak, "stored": durable_stored,
        })),
        "hookscope_signed": merge(load_json(&signed, Some(&baseline)), json!({
            "peak_rss_mb": signed_peak, "stored": signed_stored,
            "times_mockoon": signed.per_second / mockoon.per_second.max(1e-9),
            "vs_learning_off": signed.per_second / unlearned.per_second.max(1e-9),
        })),
        "hookscope_signed_learning_off": merge(load_json(&unlearned, Some(&baseline)), json!({
            "peak_rss_mb": unlearned_peak, "stored": unlearned_stored,
        })),
        "hookscope_signed_rules": merge(load_json(&ruled, Some(&baseline)), json!({
            "peak_rss_mb": ruled_peak, "stored": ruled_stored, "rules": 20,
            "vs_no_rules": ruled.per_second / signed.per_second.max(1e-9),
        })),
    }))
}

/// Twenty rules as a user with several services might write them: nineteen that the load never
/// matches (event types, headers, body values, paths), each tried in turn, and a last one that
/// matches every delivery and answers with a templated header.
fn twenty_rules() -> String {
    let mut rules = String::new();
    for i in 0..19 {
        let when = match i % 4 {
            0 => format!("event = \"never.{i}.*\""),
            1 => format!("headers = {{ \"X-Route-{i}\" = \"*\" }}"),
            2 => format!("body = {{ \"/never/{i}\" = {i} }}"),
            _ => format!("path = \"/other/{i}/*\""),
        };
        rules.push_str(&format!(
            "\n[[rules]]\nname = \"route {i}\"\nmatch = {{ {when} }}\ndo = {{ forward = \"http://127.0.0.1:9/service-{i}\" }}\n"
        ));
    }
    rules.push_str(
        "\n[[rules]]\nname = \"answer\"\nmatch = { vendor = \"cooledge\" }\ndo = { status = 200, headers = { \"X-Event\" = \"{{ event.type }}\" } }\n",
    );
    rules
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// Benchmark 1, continued: latency at half of Hookscope's own maximum rate, open loop.
fn latency(plan: &Plan, max: Option<f64>) -> Result<Value> {
    eprintln!("\n==> latency at a fixed rate");
    let dir = fresh_data_dir(plan, "data-latency", true)?;
    let mut hs = start_hookscope(&dir)?;
    let url = format!("http://{}/hooks/bench", hs.addr);
    let max = match max {
        Some(m) => m,
        None => {
            let script = std::path::absolute(plan.out.join("requests.lua"))?;
            tools::write_wrk_script(&script, plan.request_set, None)?;
            tools::wrk(&url, &script, plan.seconds, plan.connections)?.per_second
        }
    };
    let rate = max / 2.0;
    let tool = plan.paced()?;
    let load = tools::paced(tool, &url, rate, plan.seconds, plan.connections, &plan.out)?;
    hs.stop();
    let _ = std::fs::remove_dir_all(&dir);
    print_load(&format!("hookscope at {rate:.0} req/s"), &load);
    Ok(merge(
        load_json(&load, None),
        json!({ "target_rate": rate, "max_rate": max, "driven_by": tool.describe() }),
    ))
}

/// Benchmark 2: kill -9 under full load, restart, and look for every acknowledged delivery.
fn durability(plan: &Plan) -> Result<Value> {
    eprintln!("\n==> durability under load");
    let mut runs = Vec::new();
    for run in 1..=plan.kills {
        let dir = fresh_data_dir(plan, "data-durability", false)?;
        let acks = std::path::absolute(plan.out.join("acks.txt"))?;
        let _ = std::fs::remove_file(&acks);
        let script = std::path::absolute(plan.out.join("requests-acks.lua"))?;
        tools::write_wrk_script(&script, plan.request_set, Some(&acks))?;
        let mut hs = start_hookscope(&dir)?;
        let url = format!("http://{}/hooks/bench", hs.addr);
        let seconds = plan.seconds.max(2);
        let (connections, load_script) = (plan.connections, script.clone());
        let load = std::thread::spawn(move || tools::wrk(&url, &load_script, seconds, connections));
        std::thread::sleep(Duration::from_millis(u64::from(seconds) * 500));
        hs.child.kill().context("cannot kill the server")?;
        hs.child.wait()?;
        let _ = load.join();
        // Senders are given opaque ids; the API takes them where it takes a number.
        let acked: Vec<String> = std::fs::read_to_string(&acks)
            .unwrap_or_default()
            .lines()
            .map(|l| l.trim().to_owned())
            .filter(|l| l.starts_with("d_"))
            .collect();
        let mut hs = start_hookscope(&dir)?;
        let stored = api::all_ids(&hs.api)?;
        let present = api::present(&hs.api, &acked)?;
        hs.stop();
        println!(
            "  run {run}: killed mid-load; {present} of {} acknowledged deliveries present after restart ({} stored)",
            acked.len(),
            stored.len()
        );
        if acked.is_empty() {
            bail!("no delivery was acknowledged before the kill; the run measured nothing");
        }
        runs.push(json!({
            "acknowledged": acked.len(),
            "present": present,
            "stored": stored.len(),
        }));
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(json!({ "runs": runs }))
}

/// Benchmark 3 and 4: a generated store, queried through the API; memory idle.
fn store(plan: &Plan) -> Result<Value> {
    eprintln!("\n==> the store at {} deliveries", plan.deliveries);
    let dir = fresh_data_dir(plan, "data-store", false)?;
    let started = Instant::now();
    let out = Command::new(hookscope())
        .args(["generate", "--json", "--no-index", "--count"])
        .arg(plan.deliveries.to_string())
        .env("HOOKSCOPE_DATA_DIR", &dir)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot run hookscope generate")?;
    if !out.status.success() {
        bail!("hookscope generate failed");
    }
    let fill_secs = started.elapsed().as_secs_f64();
    let generated: Value =
        serde_json::from_slice(&out.stdout).context("hookscope generate --json printed no JSON")?;

    let started = Instant::now();
    let mut hs = start_hookscope(&dir)?;
    loop {
        let s = api::api_json(&hs.api, "/api")?;
        if s["search"]["indexed_through"].as_i64() >= s["search"]["newest"].as_i64() {
            break;
        }
        if started.elapsed() > Duration::from_secs(3600) {
            bail!("the search index did not catch up within an hour");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let index_secs = started.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_secs(2));
    let (idle_rss, _) = tools::rss_mb(hs.child.id());
    let file_bytes: u64 = ["hookscope.db", "hookscope.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum();

    let n = plan.deliveries;
    // The busiest tenant of the generated store, for the tenant facet's figures.
    let tenant = api::api_json(&hs.api, "/api/facets")?["tenants"][0]["value"]
        .as_str()
        .unwrap_or("none")
        .to_owned();
    // Tenants are ids (UUIDs, `octo-org/repo`, shop domains); only what a query value cannot hold
    // is escaped.
    let tenant_query = tenant
        .replace('%', "%25")
        .replace('&', "%26")
        .replace('+', "%2B")
        .replace('#', "%23")
        .replace(' ', "%20");
    let queries: Vec<(&str, String)> = vec![
        ("newest page of 50", "/api/deliveries?limit=50".into()),
        (
            "page after a deep cursor",
            format!("/api/deliveries?limit=50&before={}", (n / 10).max(2)),
        ),
        (
            "filtered page (vendor, type, signature, last 7 days)",
            "/api/deliveries?limit=50&vendor=stripe&event_type=invoice.paid&signature=valid&since=7d"
                .into(),
        ),
        (
            "filtered page (same, 20 to 10 days ago)",
            "/api/deliveries?limit=50&vendor=stripe&event_type=invoice.paid&signature=valid&since=20d&until=10d"
                .into(),
        ),
        ("search, rare word", "/api/deliveries?limit=50&q=quetzalcoatl".into()),
        ("search, common word", "/api/deliveries?limit=50&q=customer".into()),
        (
            "search, common word, with its count (capped)",
            "/api/deliveries?limit=50&q=customer&total=true".into(),
        ),
        (
            "sidebar counts under a common word (capped)",
            "/api/facets?q=customer".into(),
        ),
        ("one delivery by id", format!("/api/deliveries/{}", (n / 2).max(1))),
        ("sidebar counts", "/api/facets".into()),
        ("sidebar counts for one vendor", "/api/facets?vendor=stripe".into()),
        (
            "sidebar counts for one tenant",
            format!("/api/facets?tenant={tenant_query}"),
        ),
        (
            "sidebar counts, last 24 hours (kept hours)",
            "/api/facets?since=24h".into(),
        ),
        (
            "sidebar counts, 20 to 10 days ago (kept hours)",
            "/api/facets?since=20d&until=10d".into(),
        ),
        (
            "sidebar counts, last 24 hours under a path filter (counted)",
            "/api/facets?since=24h&path=/".into(),
        ),
        (
            "failed handler answers (handler=failed)",
            "/api/deliveries?limit=50&handler=failed".into(),
        ),
    ];
    let mut results = Vec::new();
    for (name, path) in &queries {
        let timing = api::time_query(&hs.api, path, plan.repeat)?;
        println!(
            "  {name:<52} p50 {:>7.2} ms   p99 {:>7.2} ms   ({} rows)",
            timing.p50_ms, timing.p99_ms, timing.rows
        );
        results.push(json!({
            "name": name, "path": path, "p50_ms": timing.p50_ms, "p99_ms": timing.p99_ms,
            "rows": timing.rows, "repeat": plan.repeat,
        }));
    }
    let (after_rss, peak_rss) = tools::rss_mb(hs.child.id());
    let stored = api::api_json(&hs.api, "/api")?["deliveries"]
        .as_u64()
        .unwrap_or(0);
    hs.stop();
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "  filled {n} in {fill_secs:.1} s, indexed in {index_secs:.1} s, {:.2} GB on disk; RSS idle {idle_rss:.1} MB, after the queries {after_rss:.1} MB",
        file_bytes as f64 / 1e9
    );
    Ok(json!({
        "deliveries": stored,
        "fill_secs": fill_secs,
        "fill_per_second": n as f64 / fill_secs.max(1e-9),
        "index_secs": index_secs,
        "file_bytes": file_bytes,
        "idle_rss_mb": idle_rss,
        "learn_us_per_delivery": generated["learn_us_per_delivery"],
        "learn_us_per_delivery_last_tenth": generated["learn_us_per_delivery_last_tenth"],
        "rss_after_queries_mb": after_rss,
        "peak_rss_mb": peak_rss,
        "queries": results,
    }))
}
