//! The desktop app's start and memory: `tests/desktop/bench-desktop.mjs` launches it through
//! tauri-driver under Xvfb with an empty store and with many stored deliveries, and measures the
//! time from the process's start to the first screen painted, and the memory of the app and its
//! webview processes. Beside it, in the same run and the same way, a bare Tauri window with an
//! empty page (`crates/bare-tauri`): the limit the app is compared with. The full run measures
//! the release builds (`cargo xtask run`'s); `--quick` the debug builds the desktop test suite
//! already made, so CI does not build the app twice.

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
    let (bin, bare) = if plan.quick {
        step(
            "desktop app and bare window build (debug, the test step's)",
            &mut crate::test_build(),
        )?;
        ("target/debug/hookscope-desktop", "target/debug/bare_tauri")
    } else {
        // One command, so that both get the same Tauri (cargo unifies the features of a build).
        step(
            "desktop app and bare window build (release)",
            cargo().args([
                "build",
                "--release",
                "--package",
                "hookscope-desktop",
                "--package",
                "bare-tauri",
            ]),
        )?;
        (
            "target/release/hookscope-desktop",
            "target/release/bare_tauri",
        )
    };
    crate::setup::npm_ci(std::path::Path::new("tests/desktop"))?;
    let out = Command::new("node")
        .arg("tests/desktop/bench-desktop.mjs")
        .arg(std::path::absolute(bin)?)
        .arg(std::path::absolute(hookscope())?)
        .arg(n.to_string())
        .arg(if plan.quick { "1" } else { "5" })
        .arg(std::path::absolute(bare)?)
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
    let bare = &figures["bare"];
    println!(
        "  bare Tauri window: start to first paint {:.0} ms; memory (PSS, all processes) {:.0} MB",
        f(&bare["start_p50_ms"]),
        f(&bare["memory"]["pss_mb"]),
    );
    // The app against the bare window: its first screen (the empty store's), and its memory then.
    let start = f(&figures["empty"]["start_p50_ms"]) / f(&bare["start_p50_ms"]);
    let memory = f(&figures["empty"]["memory"]["pss_mb"]) / f(&bare["memory"]["pss_mb"]);
    figures["vs_bare"] = serde_json::json!({ "start": start, "pss": memory });
    println!(
        "  start to first screen: empty {:.0} ms, {n} stored {:.0} ms; memory (PSS, all processes): empty {:.0} MB, {n} stored {:.0} MB",
        f(&figures["empty"]["start_p50_ms"]),
        f(&figures["stored"]["start_p50_ms"]),
        f(&figures["empty"]["memory"]["pss_mb"]),
        f(&figures["stored"]["memory"]["pss_mb"]),
    );
    let split = |key: &str| {
        let d = &figures[key];
        format!(
            "{:.0} + {:.0} ms (script run by {:.0})",
            f(&d["to_page_p50_ms"]),
            f(&d["page_p50_ms"]),
            f(&d["script_p50_ms"]),
        )
    };
    println!(
        "  start, to the page's start + the page to first screen: bare {}, empty {}, stored {}",
        split("bare"),
        split("empty"),
        split("stored"),
    );
    println!("  against the bare window: start {start:.2} x, memory {memory:.2} x");
    Ok(figures)
}
