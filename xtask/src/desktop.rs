//! The desktop app in `src-tauri/`: the system libraries it builds against (WebKitGTK), running
//! it, its end-to-end test (the real window through tauri-driver and WebKitWebDriver under Xvfb),
//! and the Linux bundles.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use crate::setup::{self, Package};
use crate::{cargo, step, ui, workspace_root};

/// What Tauri builds against on Debian/Ubuntu, and the tray's runtime library.
const BUILD_DEBS: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libsoup-3.0-dev",
    "libjavascriptcoregtk-4.1-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-1",
];

/// tauri-driver 3 is an alpha; 2.1.0 is the release that drives WebKitWebDriver here.
const TAURI_DRIVER_VERSION: &str = "2.1.0";

pub fn ensure_build_deps() -> Result<()> {
    setup::ensure_debs(BUILD_DEBS)
}

/// Builds the UI, then builds and opens the desktop app (release).
pub fn run(args: &[String]) -> Result<()> {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!(
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset).\n  \
             On a desktop, run this from its terminal. Without one, start a virtual display \
             first (Xvfb :99 & DISPLAY=:99 cargo xtask run), or run the headless server: \
             cargo xtask serve"
        );
    }
    ui::build()?;
    ensure_build_deps()?;
    let mut cmd = cargo();
    cmd.args(["run", "--release", "--package", "hookscope-desktop", "--"])
        .args(args);
    step("Hookscope (desktop)", &mut cmd)
}

/// What driving the real window needs: Xvfb, WebKitWebDriver, ImageMagick's `import` for
/// screenshots of the whole screen, and tauri-driver (returned).
pub fn ensure_e2e_tools() -> Result<std::path::PathBuf> {
    setup::ensure_packages(&[
        Package {
            deb: "xvfb",
            provides: "Xvfb",
        },
        Package {
            deb: "webkit2gtk-driver",
            provides: "WebKitWebDriver",
        },
        Package {
            deb: "imagemagick",
            provides: "import",
        },
    ])?;
    setup::ensure_debs(&["xauth"])?;
    tauri_driver()
}

/// The end-to-end test of the real window, against the debug binary.
pub fn e2e() -> Result<()> {
    let driver = ensure_e2e_tools()?;
    step(
        "desktop app build (the test step's)",
        &mut crate::test_build(),
    )?;
    setup::npm_ci(Path::new("tests/desktop"))?;
    let mut cmd = Command::new("node");
    cmd.args([
        "--test",
        "--test-concurrency=1",
        "--test-reporter=spec",
        "tests/desktop/",
    ])
    .env("TAURI_DRIVER", driver)
    .env("HOOKSCOPE_DESKTOP_BIN", "target/debug/hookscope-desktop");
    step(
        "desktop end-to-end tests (tauri-driver, WebKitWebDriver, Xvfb)",
        &mut cmd,
    )
}

/// tauri-driver from PATH or cargo's bin folder, installed with cargo when missing.
fn tauri_driver() -> Result<std::path::PathBuf> {
    if setup::on_path("tauri-driver") {
        return Ok("tauri-driver".into());
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let installed = home.map(|h| h.join("bin/tauri-driver"));
    if let Some(path) = installed.as_ref().filter(|p| p.is_file()) {
        return Ok(path.clone());
    }
    step(
        "installing tauri-driver",
        cargo().args([
            "install",
            "tauri-driver",
            "--version",
            TAURI_DRIVER_VERSION,
            "--locked",
        ]),
    )?;
    match installed.filter(|p| p.is_file()) {
        Some(path) => Ok(path),
        None => Ok("tauri-driver".into()),
    }
}

/// The Tauri CLI's npm release, which carries its prebuilt binary.
const TAURI_CLI: &str = "@tauri-apps/cli@2.12.5";

/// Linux bundles (deb, rpm) through the Tauri CLI (npm, installed under target/). The CLI reads the
/// root `tauri.conf.json` through the `src-tauri/tauri.conf.json` link; paths in the config are
/// given again as absolute ones, since the CLI resolves them from `src-tauri/`.
pub fn bundle() -> Result<()> {
    ui::build()?;
    ensure_build_deps()?;
    // The bundler finds the tray's appindicator library through its development files, to name
    // it among the deb's dependencies; without them it stops ("Can't detect any appindicator").
    setup::ensure_debs(&["libayatana-appindicator3-dev"])?;
    let root = workspace_root();
    let icons = [
        "32x32.png",
        "128x128.png",
        "128x128@2x.png",
        "icon.png",
        "icon.icns",
        "icon.ico",
    ]
    .map(|name| {
        root.join("src-tauri/icons")
            .join(name)
            .display()
            .to_string()
    });
    let overrides = serde_json::json!({
        "build": { "frontendDist": root.join("ui/dist").display().to_string() },
        "bundle": { "icon": icons },
    });
    // Not in ui/package.json: the CLI's packages for other platforms are optional dependencies a
    // lock file has to list, and `npm ci` refuses a lock that lacks them.
    let cli_dir = root.join("target/tauri-cli");
    let cli = cli_dir.join("node_modules/.bin/tauri");
    if !cli.is_file() {
        std::fs::create_dir_all(&cli_dir)?;
        step(
            "installing the Tauri CLI",
            Command::new("npm")
                .args([
                    "install",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                ])
                .arg(&cli_dir)
                .arg(TAURI_CLI),
        )?;
    }
    let mut cmd = Command::new(&cli);
    cmd.args(["build", "--bundles", "deb,rpm", "--config"])
        .arg(overrides.to_string())
        .env("TAURI_APP_PATH", root.join("src-tauri"))
        .current_dir(&root);
    step("Linux bundles (deb, rpm)", &mut cmd)?;
    eprintln!(
        "Bundles are in target/release/bundle/{{deb,rpm}}/.\n\
         AppImage is configured too, but its tools (AppRun, linuxdeploy) are downloaded from \
         GitHub when it is built, so it is built on a release machine with network access: \
         TAURI_APP_PATH=src-tauri target/tauri-cli/node_modules/.bin/tauri build --bundles appimage. \
         dmg and msi are built on macOS and Windows."
    );
    Ok(())
}
