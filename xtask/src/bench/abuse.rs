//! What abuse of the capture port costs, on loopback:
//!
//! - `idle`: capture throughput (the `capture` load) while 10,000 idle connections are held
//!   open, beside the same load without them (the mean of a run before and one after the abuse
//!   runs, as the store grows through them), and the server's memory while they are held.
//! - `unfinished`: memory while 100 connections are each partway through a 16 MiB body (the
//!   in-flight budget admits what fits, the rest are answered 503), and once they are gone.
//! - `hanging_forward`: capture throughput and memory while every delivery is also forwarded to a
//!   handler that accepts connections and never answers, and capture's latency at a steady
//!   1,000 deliveries a second then (`paced`); each beside the same server capturing for an
//!   endpoint alike but for the forward (`not_forwarding`, run before and after).
//! - `slowloris`: capture throughput and latency while 400 connections each send a request head
//!   a byte a second.
//! - `flood`: the control API's latency while capture's connection cap is reached and half as
//!   many connections again are refused.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::tools::{self, Load};
use super::{Plan, print_load, start_hookscope};

pub fn abuse(plan: &Plan) -> Result<Value> {
    eprintln!("\n==> abuse: idle connections, unfinished bodies, a handler that hangs");
    // The benchmark holds as many connections as the server does.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let script = std::path::absolute(plan.out.join("requests.lua"))?;
    tools::write_wrk_script(&script, plan.request_set, None)?;
    let run = |url: &str| -> Result<Load> {
        tools::wrk(url, &script, plan.warmup, plan.connections)?;
        tools::wrk(url, &script, plan.seconds, plan.connections)
    };

    // Idle connections, kept open past the run (the header timeout would close them).
    let idle_count = if plan.quick { 200 } else { 10_000 };
    let dir = data_dir(plan, "data-idle", "")?;
    let mut hs = start_hookscope(&dir)?;
    let url = format!("http://{}/hooks/bench", hs.addr);
    let alone = run(&url)?;
    print_load("hookscope, durable acks", &alone);
    // The rate the hanging handler was first seen at (the soak), open loop.
    let rate = if plan.quick { 200.0 } else { 1000.0 };
    let tool = plan.paced()?;
    let paced =
        |url: &str| tools::paced(tool, url, rate, plan.seconds, plan.connections, &plan.out);
    let (before, _) = tools::rss_mb(hs.child.id());
    let mut idle = Vec::with_capacity(idle_count);
    for _ in 0..idle_count {
        idle.push(TcpStream::connect(&hs.addr).context("cannot open an idle connection")?);
    }
    std::thread::sleep(Duration::from_millis(500));
    let (holding, _) = tools::rss_mb(hs.child.id());
    let beside = run(&url)?;
    print_load(&format!("  while {idle_count} idle connections"), &beside);
    println!(
        "  memory {before:.1} MB, {holding:.1} MB holding {idle_count} idle connections ({:.1} KB each)",
        (holding - before).max(0.0) * 1024.0 / idle_count as f64
    );
    drop(idle);

    // Slow senders: a request head a byte a second on each connection, beside the load.
    let slow_count = if plan.quick { 50 } else { 400 };
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut slow = Vec::with_capacity(slow_count);
    for _ in 0..slow_count {
        let mut conn = TcpStream::connect(&hs.addr)?;
        conn.write_all(b"POST /hooks/slow HTTP/1.1\r\nHost: bench\r\nX-Slow: ")?;
        slow.push(conn);
    }
    let dripping = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for conn in &mut slow {
                    let _ = conn.write_all(b"a");
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let slowloris = run(&url)?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = dripping.join();
    print_load(
        &format!("  while {slow_count} send a byte a second"),
        &slowloris,
    );
    // Alone again: the store has grown through the runs, so each is set against the mean of
    // the runs alone before and after it.
    let alone_after = run(&url)?;
    print_load("  alone, again", &alone_after);
    let alone_mean = (alone.per_second + alone_after.per_second) / 2.0;
    hs.stop();
    let _ = std::fs::remove_dir_all(&dir);

    // A connection flood: the cap reached, half as many again refused, the API timed meanwhile.
    let cap = if plan.quick { 200 } else { 5000 };
    let dir = data_dir(plan, "data-flood", "")?;
    let config = dir.join("hookscope.toml");
    let text = std::fs::read_to_string(&config)?.replacen(
        "[capture]\n",
        &format!("[capture]\nmax_connections = {cap}\n"),
        1,
    );
    std::fs::write(&config, text)?;
    let mut hs = start_hookscope(&dir)?;
    let api_alone = super::api::time_query(&hs.api, "/api", 200)?;
    let mut flood = Vec::with_capacity(cap * 3 / 2);
    for _ in 0..cap * 3 / 2 {
        flood.push(TcpStream::connect(&hs.addr).context("cannot open a flood connection")?);
    }
    std::thread::sleep(Duration::from_millis(500));
    let api_flooded = super::api::time_query(&hs.api, "/api", 200)?;
    // A refused connection reads its 503, or finds itself closed; one held reads nothing yet.
    let mut refused_flood = 0;
    for conn in &mut flood {
        conn.set_read_timeout(Some(Duration::from_millis(1)))?;
        let mut buf = [0u8; 64];
        if std::io::Read::read(conn, &mut buf).is_ok() {
            refused_flood += 1;
        }
    }
    println!(
        "  flood of {} connections at a cap of {cap}: {refused_flood} refused; the API's p50 {:.2} ms, p99 {:.2} ms (alone {:.2} ms, {:.2} ms)",
        flood.len(),
        api_flooded.p50_ms,
        api_flooded.p99_ms,
        api_alone.p50_ms,
        api_alone.p99_ms
    );
    drop(flood);
    hs.stop();
    let _ = std::fs::remove_dir_all(&dir);

    // Unfinished bodies: each connection sends all but the last byte of a large body and waits.
    let (bodies, body_mib) = if plan.quick { (10, 1) } else { (100, 16) };
    let dir = data_dir(plan, "data-unfinished", "")?;
    let mut hs = start_hookscope(&dir)?;
    let (idle_rss, _) = tools::rss_mb(hs.child.id());
    let chunk = vec![b'x'; 1 << 20];
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..bodies {
        let mut conn = TcpStream::connect(&hs.addr)?;
        conn.set_write_timeout(Some(Duration::from_secs(5)))?;
        let len = body_mib << 20;
        let sent = conn
            .write_all(
                format!("POST /hooks/unfinished HTTP/1.1\r\nHost: bench\r\nContent-Length: {len}\r\n\r\n")
                    .as_bytes(),
            )
            .and_then(|()| {
                for _ in 0..body_mib - 1 {
                    conn.write_all(&chunk)?;
                }
                conn.write_all(&chunk[1..])
            });
        match sent {
            Ok(()) => held.push(conn),
            // Answered 503 at the in-flight budget and closed.
            Err(_) => refused += 1,
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let (unfinished_rss, unfinished_peak) = tools::rss_mb(hs.child.id());
    println!(
        "  {bodies} unfinished {body_mib} MiB bodies: {} held, {refused} refused; memory {idle_rss:.1} MB idle, {unfinished_rss:.1} MB with them (peak {unfinished_peak:.1} MB)",
        held.len()
    );
    drop(held);
    std::thread::sleep(Duration::from_millis(500));
    let (after_rss, _) = tools::rss_mb(hs.child.id());
    hs.stop();
    let _ = std::fs::remove_dir_all(&dir);

    // A handler that takes connections and never answers (paused in a debugger).
    let hanging = TcpListener::bind("127.0.0.1:0")?;
    let target = hanging.local_addr()?;
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        for conn in hanging.incoming().flatten() {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            kept.push(conn);
        }
    });
    // One server, two endpoints alike but for the forward: what forwarding costs is measured
    // against capture of the same endpoint shape, before and after (the store grows meanwhile).
    let dir = data_dir(
        plan,
        "data-hanging",
        &format!(
            "\n[[endpoints]]\npath = \"/hooks/bench\"\n\n[[endpoints]]\npath = \"/hooks/forwarded\"\nforward = {{ to = \"http://{target}/webhooks\" }}\n"
        ),
    )?;
    let mut hs = start_hookscope(&dir)?;
    let bound_url = format!("http://{}/hooks/bench", hs.addr);
    let forwarding_url = format!("http://{}/hooks/forwarded", hs.addr);
    let bound_before = run(&bound_url)?;
    let forwarding = run(&forwarding_url)?;
    let bound_after = run(&bound_url)?;
    let bound_per_second = (bound_before.per_second + bound_after.per_second) / 2.0;
    let bound_paced = paced(&bound_url)?;
    // The queue is full by now: every delivery of the paced run arrives to it.
    let forwarding_paced = paced(&forwarding_url)?;
    let (hanging_rss, hanging_peak) = tools::rss_mb(hs.child.id());
    let connections = accepted.load(std::sync::atomic::Ordering::Relaxed);
    print_load("  the same endpoint, not forwarding", &bound_before);
    print_load("  forwarding to a handler that hangs", &forwarding);
    print_load("  not forwarding, again", &bound_after);
    print_load(
        &format!("    at {rate:.0} req/s, not forwarding"),
        &bound_paced,
    );
    print_load(
        &format!("    at {rate:.0} req/s, forwarding"),
        &forwarding_paced,
    );
    println!(
        "  memory {hanging_rss:.1} MB (peak {hanging_peak:.1} MB); the handler got {connections} connections"
    );
    hs.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let ratio = |l: &Load| l.per_second / alone_mean.max(1e-9);
    Ok(json!({
        "alone": super::load_json(&alone, None),
        "alone_after": super::load_json(&alone_after, None),
        "alone_mean_per_second": alone_mean,
        "paced_rate": rate as u64,
        "idle": {
            "connections": idle_count,
            "load": super::merge(super::load_json(&beside, None), json!({ "ratio_to_alone": ratio(&beside) })),
            "rss_before_mb": before,
            "rss_holding_mb": holding,
        },
        "slowloris": {
            "connections": slow_count,
            "load": super::merge(super::load_json(&slowloris, None), json!({ "ratio_to_alone": ratio(&slowloris) })),
        },
        "flood": {
            "cap": cap,
            "connections": cap * 3 / 2,
            "refused": refused_flood,
            "api_alone_p50_ms": api_alone.p50_ms,
            "api_alone_p99_ms": api_alone.p99_ms,
            "api_p50_ms": api_flooded.p50_ms,
            "api_p99_ms": api_flooded.p99_ms,
        },
        "unfinished": {
            "bodies": bodies,
            "body_mib": body_mib,
            "held": bodies - refused,
            "refused": refused,
            "rss_idle_mb": idle_rss,
            "rss_mb": unfinished_rss,
            "peak_rss_mb": unfinished_peak,
            "rss_after_mb": after_rss,
        },
        "hanging_forward": {
            "not_forwarding": [super::load_json(&bound_before, None), super::load_json(&bound_after, None)],
            "not_forwarding_paced": super::load_json(&bound_paced, None),
            "load": super::merge(
                super::load_json(&forwarding, None),
                json!({ "ratio_to_not_forwarding": forwarding.per_second / bound_per_second.max(1e-9) }),
            ),
            "paced": super::merge(
                super::load_json(&forwarding_paced, None),
                json!({ "p99_to_not_forwarding": forwarding_paced.p99_ms / bound_paced.p99_ms.max(1e-9) }),
            ),
            "rss_mb": hanging_rss,
            "peak_rss_mb": hanging_peak,
            "handler_connections": connections,
        },
    }))
}

/// A fresh data directory whose idle connections stay open for the run, with `extra` config.
fn data_dir(plan: &Plan, name: &str, extra: &str) -> Result<std::path::PathBuf> {
    let dir = super::fresh_data_dir(plan, name, false)?;
    let config = dir.join("hookscope.toml");
    let mut text = std::fs::read_to_string(&config)?;
    text.insert_str(0, "[capture]\nheader_read_timeout = \"10m\"\n\n");
    text.push_str(extra);
    std::fs::write(config, text)?;
    Ok(dir)
}
