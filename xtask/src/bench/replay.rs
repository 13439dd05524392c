//! Replay throughput: `hookscope generate` fills a store, a bare axum server is the target, and
//! `hookscope replay --filter ''` sends every delivery to it (and stores every attempt), one at a
//! time and eight at a time. The figure is the command's own count over its own clock.

use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::tools::Spawned;
use super::{Plan, bare_axum, fresh_data_dir, hookscope};

pub fn replay(plan: &Plan) -> Result<Value> {
    let n: u64 = if plan.quick { 2000 } else { 20_000 };
    eprintln!("\n==> replay throughput: {n} stored deliveries to a local target");
    let dir = fresh_data_dir(plan, "data-replay", false)?;
    let status = Command::new(hookscope())
        .args(["generate", "--no-index", "--count"])
        .arg(n.to_string())
        .env("HOOKSCOPE_DATA_DIR", &dir)
        .stdout(Stdio::null())
        .status()
        .context("cannot run hookscope generate")?;
    if !status.success() {
        bail!("hookscope generate failed");
    }
    let mut target = Spawned::start(
        Command::new(bare_axum()).arg("127.0.0.1:0"),
        "listening on ",
        "listening on ",
    )?;
    let mut runs = Vec::new();
    for concurrency in [1, 8] {
        let out = Command::new(hookscope())
            .args(["replay", "--filter", "", "--to"])
            .arg(format!("http://{}/webhooks", target.addr))
            .args(["--concurrency", &concurrency.to_string()])
            .env("HOOKSCOPE_DATA_DIR", &dir)
            .stdout(Stdio::null())
            .output()
            .context("cannot run hookscope replay")?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            bail!("hookscope replay failed: {stderr}");
        }
        let (sent, ok, seconds) = parse_summary(&stderr)
            .with_context(|| format!("no summary in hookscope replay's output: {stderr}"))?;
        let per_second = sent as f64 / seconds.max(1e-9);
        println!(
            "  {concurrency} at a time: {sent} replayed ({ok} answered 2xx) in {seconds:.2} s: {per_second:.0} deliveries/s"
        );
        runs.push(json!({
            "concurrency": concurrency,
            "sent": sent,
            "ok": ok,
            "seconds": seconds,
            "per_second": per_second,
        }));
    }
    target.stop();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(json!({ "deliveries": n, "target": "bare axum (crates/bare-axum)", "runs": runs }))
}

/// `N sent to URL: K ok, F failed in X.Y s (R/s)` → (N, K, seconds).
fn parse_summary(text: &str) -> Option<(u64, u64, f64)> {
    let line = text.lines().rev().find(|l| l.contains(" sent to "))?;
    let sent = line.split_whitespace().next()?.parse().ok()?;
    let after = line.rsplit_once(": ")?.1;
    let ok = after.split_whitespace().next()?.parse().ok()?;
    let secs = after
        .rsplit_once(" in ")?
        .1
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some((sent, ok, secs))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_summary_line() {
        let text =
            "x\n2000 sent to http://127.0.0.1:5/webhooks: 1998 ok, 2 failed in 1.5 s (1333/s)\n";
        assert_eq!(super::parse_summary(text), Some((2000, 1998, 1.5)));
    }
}
