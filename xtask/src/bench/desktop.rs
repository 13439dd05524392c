//! The desktop app's start and memory: `tests/desktop/bench-desktop.mjs` launches it through
//! tauri-driver under Xvfb with an empty store and with many stored deliveries, and measures the
//! time from the process's start to the first screen painted, and the memory of the app and its
//! webview processes. The full run measures the release build (`cargo xtask run`'s); `--quick`
//! the debug build the desktop test suite already made, so CI does not build the app twice.

use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{Plan, hookscope};
use crate::{cargo, step};

pub fn desktop(plan: &Plan) -> Result<Value> {
    let n = if plan.quick { 2000 } else { 100_000 };
    eprintln!("\n==> the desktop app, empty and at {n} deliveries (Xvfb, tauri-driver)");
    crate::ui::build()?;
    crate::desktop::ensure_build_deps()?;
    let driver = crate::desktop::ensure_e2e_tools()?;
    let bin = if plan.quick {
        step(
            "desktop app build (debug, the test step's)",
            &mut crate::test_build(),
        )?;
        "target/debug/hookscope-desktop"
    } else {
        step(
            "desktop app build (release)",
            cargo().args(["build", "--release", "--package", "hookscope-desktop"]),
        )?;
        "target/release/hookscope-desktop"
    };
    crate::setup::npm_ci(std::path::Path::new("tests/desktop"))?;
    let out = Command::new("node")
        .arg("tests/desktop/bench-desktop.mjs")
        .arg(std::path::absolute(bin)?)
        .arg(std::path::absolute(hookscope())?)
        .arg(n.to_string())
        .arg(if plan.quick { "1" } else { "3" })
        .env("TAURI_DRIVER", driver)
        .output()
        .context("cannot run node")?;
    if !out.status.success() {
        bail!(
            "bench-desktop.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The figures are the last line; WebDriver's client logs its own lines before it.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or("");
    let mut figures: Value =
        serde_json::from_str(last).context("bench-desktop.mjs printed no JSON")?;
    figures["build"] = Value::from(if plan.quick { "debug" } else { "release" });
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    println!(
        "  start to first screen: empty {:.0} ms, {n} stored {:.0} ms; memory (PSS, all processes): empty {:.0} MB, {n} stored {:.0} MB",
        f(&figures["empty"]["start_p50_ms"]),
        f(&figures["stored"]["start_p50_ms"]),
        f(&figures["empty"]["memory"]["pss_mb"]),
        f(&figures["stored"]["memory"]["pss_mb"]),
    );
    Ok(figures)
}
