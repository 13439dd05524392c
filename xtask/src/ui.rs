//! The UI in `ui/`: installing its packages, building it, and its test suites (Vitest units, and
//! the browser end-to-end suite in `tests/browser` against a real `hookscope serve`).

use std::path::Path;
use std::process::Command;

use anyhow::Result;

use crate::setup::{self, Package};
use crate::step;

/// `npm ci` (when the lock file changed) and a production build into `ui/dist`.
pub fn build() -> Result<()> {
    setup::npm_ci(Path::new("ui"))?;
    step("UI build", &mut npm(&["run", "build"], "ui"))
}

/// Format and lint check, type check, unit tests and build.
pub fn test() -> Result<()> {
    setup::npm_ci(Path::new("ui"))?;
    step(
        "UI format and lint (Biome)",
        &mut npm(&["run", "lint"], "ui"),
    )?;
    step("UI type check", &mut npm(&["run", "typecheck"], "ui"))?;
    step("UI unit tests (Vitest)", &mut npm(&["test"], "ui"))?;
    step("UI build", &mut npm(&["run", "build"], "ui"))
}

/// The browser suite: Debian's Chromium, driven by playwright-core, against the debug
/// `hookscope` binary that `cargo test` built.
pub fn browser_tests() -> Result<()> {
    setup::ensure_packages(&[Package {
        deb: "chromium",
        provides: "chromium",
    }])?;
    setup::npm_ci(Path::new("tests/browser"))?;
    let mut cmd = Command::new("node");
    cmd.args([
        "--test",
        "--test-concurrency=1",
        "--test-reporter=spec",
        "tests/browser/",
    ])
    .env("HOOKSCOPE_BIN", "target/debug/hookscope");
    step("browser end-to-end tests (Chromium)", &mut cmd)
}

fn npm(args: &[&str], dir: &str) -> Command {
    let mut cmd = Command::new("npm");
    cmd.args(args).current_dir(dir);
    cmd
}
