//! Project tasks, so a new user needs only `cargo`:
//! `cargo xtask run` opens the desktop app, `cargo xtask serve` runs the headless server,
//! `cargo xtask test` runs every suite, `cargo xtask bench` measures, `cargo xtask bundle`
//! packages the desktop app, `cargo xtask fuzz` runs the fuzzers longer. Each task installs what it needs that is missing, and says how when it cannot.

mod bench;
mod desktop;
mod fuzz;
mod setup;
mod ui;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Hookscope's project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Build the UI and open the desktop app (the window, with capture running inside it).
    /// Extra arguments go to the app.
    Run {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build the UI and run the headless server, `hookscope serve`, with the UI at the address
    /// it prints. Extra arguments go to it.
    Serve {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build the desktop app's Linux packages (deb, rpm) into target/release/bundle.
    Bundle,
    /// Run every test suite: formatting, lints, unit and integration tests, the browser and
    /// desktop end-to-end tests, vendor SDK signatures, and the benchmark harness.
    Test,
    /// Benchmarks beside the machine's limit and a peer: capture, latency, durability, the
    /// store at a million deliveries. `--quick` for a two-minute check of the harness.
    Bench(bench::BenchArgs),
    /// Run the fuzzers (nightly toolchain) for a while each, keeping what they find worth
    /// keeping in fuzz/corpus.
    Fuzz(fuzz::FuzzArgs),
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let root = workspace_root();
    std::env::set_current_dir(&root).context("cannot enter the workspace root")?;
    match cli.task {
        Task::Run { args } => desktop::run(&args),
        Task::Serve { args } => serve(&args),
        Task::Bundle => desktop::bundle(),
        Task::Test => test(),
        Task::Bench(args) => bench::bench(&args),
        Task::Fuzz(args) => fuzz::fuzz(&args),
    }
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_owned()
}

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The test step's build, without running anything: it makes every binary (the integration
/// tests run them) with the features the test step resolved, so it compiles nothing more after
/// that step. Another selection of packages or targets would resolve the shared dependencies'
/// features differently (the desktop app leaves the core's `cli` feature off) and rebuild them.
pub(crate) fn test_build() -> Command {
    let mut cmd = cargo();
    cmd.args(["test", "--workspace", "--all-targets", "--no-run"]);
    linted(&mut cmd);
    cmd
}

/// Set by `cargo xtask test`: its debug builds compile the workspace's own crates through
/// clippy-driver, so that one build both lints them (warnings denied, as `cargo clippy
/// --workspace --all-targets -- -D warnings`) and makes the binaries the suites run, where a
/// separate `cargo clippy` would check every dependency a second time. Every build of the run
/// carries it: cargo keeps crates built with and without the wrapper apart.
static LINTED: AtomicBool = AtomicBool::new(false);

fn linted(cmd: &mut Command) -> &mut Command {
    if LINTED.load(Ordering::Relaxed) {
        // The driver of the toolchain that runs this task (rustup sets CARGO to its cargo).
        let beside_cargo = std::env::var_os("CARGO")
            .map(PathBuf::from)
            .and_then(|cargo| Some(cargo.parent()?.join("clippy-driver")))
            .filter(|driver| driver.is_file());
        cmd.env(
            "RUSTC_WORKSPACE_WRAPPER",
            beside_cargo.unwrap_or_else(|| "clippy-driver".into()),
        )
        // What cargo-clippy hands its driver for `-- -D warnings`.
        .env(
            "CLIPPY_ARGS",
            "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__",
        );
    }
    cmd
}

/// Runs `cmd`, failing with its description when it fails.
pub(crate) fn step(name: &str, cmd: &mut Command) -> Result<()> {
    eprintln!("\n==> {name}");
    let started = Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {name}"))?;
    eprintln!(
        "<== {name}: {} in {:.1?}",
        if status.success() { "ok" } else { "FAILED" },
        started.elapsed()
    );
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}

fn serve(args: &[String]) -> Result<()> {
    ui::build()?;
    let mut cmd = cargo();
    cmd.args([
        "run",
        "--release",
        "--package",
        "hookscope",
        "--bin",
        "hookscope",
        "--",
        "serve",
    ])
    .args(args);
    step("hookscope serve", &mut cmd)
}

fn test() -> Result<()> {
    let started = Instant::now();
    setup::ensure_rust_components(&["rustfmt", "clippy"])?;
    LINTED.store(true, Ordering::Relaxed);
    // The fuzzers build from the start, at the lowest priority, in what the other steps leave
    // of the CPU; each runs briefly at the end, from the committed corpus (which the
    // integration tests also replay).
    let fuzzing = fuzz::start_brief()?;
    step(
        "format check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    )?;
    // The UI first: the desktop crate embeds its build, the Rust suites check the TypeScript
    // bindings it imports, and the browser suite serves it.
    ui::test()?;
    desktop::ensure_build_deps()?;
    step(
        "build every target, linted (clippy, warnings denied)",
        &mut test_build(),
    )?;
    // Deliveries signed by the vendors' own SDKs (Python and Node), posted to a real capture
    // port: the one ignored test, run with the others.
    let python = setup::python_venv(
        &workspace_root().join("target/sdk-venv"),
        Path::new("tests/sdk/requirements.txt"),
    )?;
    setup::npm_ci(Path::new("tests/sdk"))?;
    step(
        "unit and integration tests, and vendor SDK signatures",
        linted(
            cargo()
                .args([
                    "test",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "--include-ignored",
                ])
                .env("HOOKSCOPE_SDK_PYTHON", &python),
        ),
    )?;
    ui::browser_tests()?;
    desktop::e2e()?;

    // The benchmark harness, with tiny sizes, so that it cannot rot: the report must come out
    // complete and well-formed; the figures themselves are not judged here.
    eprintln!("\n==> benchmark harness (cargo xtask bench --quick)");
    bench::bench(&bench::BenchArgs {
        quick: true,
        only: None,
        seconds: None,
        connections: 64,
        deliveries: None,
        repeat: None,
        kills: None,
        redraw: false,
        soak: false,
        soak_minutes: None,
        soak_rate: None,
    })?;
    bench::check_report(Path::new("target/bench"))?;
    eprintln!("<== benchmark harness: report complete");
    fuzz::brief(fuzzing, 10)?;
    eprintln!("\nAll suites passed in {:.0?}.", started.elapsed());
    Ok(())
}
