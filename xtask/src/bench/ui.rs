//! The UI with many stored deliveries: `hookscope generate` fills a store, `hookscope serve`
//! serves it with the built UI, and `tests/browser/bench-ui.mjs` measures in Chromium how long
//! the first page takes to reach the screen once the API answered, and how scrolling to the end
//! (a fling, then scrollbar jumps) behaves.

use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::tools::Spawned;
use super::{API_TOKEN, Plan, fresh_data_dir, hookscope};

pub fn ui(plan: &Plan) -> Result<Value> {
    let n = if plan.quick { 2000 } else { 100_000 };
    eprintln!("\n==> the UI at {n} deliveries (Chromium)");
    crate::ui::build()?;
    crate::setup::ensure_packages(&[crate::setup::Package {
        deb: "chromium",
        provides: "chromium",
    }])?;
    crate::setup::npm_ci(std::path::Path::new("tests/browser"))?;
    let dir = fresh_data_dir(plan, "data-ui", false)?;
    let status = Command::new(hookscope())
        .args(["generate", "--count"])
        .arg(n.to_string())
        .env("HOOKSCOPE_DATA_DIR", &dir)
        .status()
        .context("cannot run hookscope generate")?;
    if !status.success() {
        bail!("hookscope generate failed");
    }
    let ui_dir = std::path::absolute("ui/dist")?;
    let mut hs = Spawned::start(
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
            .arg("--ui")
            .arg(&ui_dir)
            .env("HOOKSCOPE_DATA_DIR", &dir)
            .env("RUST_LOG", "hookscope=warn"),
        "capture   http://",
        "Press Ctrl-C",
    )?;
    let url = format!("http://{}/?token={API_TOKEN}", hs.api);
    let out = Command::new("node")
        .arg("tests/browser/bench-ui.mjs")
        .arg(&url)
        .output()
        .context("cannot run node")?;
    hs.stop();
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        bail!(
            "bench-ui.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let figures: Value =
        serde_json::from_slice(&out.stdout).context("bench-ui.mjs printed no JSON")?;
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let s = &figures["scroll"];
    println!(
        "  first page on screen {:.0} ms after the API answered (p50 of {} loads, max {:.0}); fling to the end: {} frames, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, last rows filled {:.0} ms after",
        f(&figures["render_p50_ms"]),
        figures["loads"].as_array().map_or(0, Vec::len),
        f(&figures["render_max_ms"]),
        s["frames"],
        f(&s["frame_p50_ms"]),
        f(&s["frame_p95_ms"]),
        f(&s["frame_max_ms"]),
        f(&s["end_filled_ms"]),
    );
    Ok(figures)
}
