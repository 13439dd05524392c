//! The fuzzers (`fuzz/`): each target is one of `hookscope::fuzz`'s properties, run by libFuzzer
//! through cargo fuzz on the nightly toolchain. `cargo xtask fuzz` runs them longer and keeps
//! what they find worth keeping in `fuzz/corpus` (commit it); `cargo xtask test` runs each one
//! briefly, from the committed corpus, keeping nothing. The suite builds them (an instrumented
//! build of the core, unoptimised: its runs are seconds long) in the background at the lowest
//! priority from its start, in what the other steps leave of the CPU.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Result, bail};

use crate::{setup, step};

const CARGO_FUZZ_VERSION: &str = "0.13.2";

#[derive(clap::Args, Clone, Debug)]
pub struct FuzzArgs {
    /// Seconds each target runs.
    #[arg(long, default_value_t = 300)]
    pub seconds: u32,
    /// The targets to run (all by default): head, chunked, content_coding, analysis, signature,
    /// visible.
    pub targets: Vec<String>,
}

/// The long run: new inputs go into the committed corpus.
pub fn fuzz(args: &FuzzArgs) -> Result<()> {
    let Some(fuzz) = cargo_fuzz()? else {
        bail!("the fuzzers need the nightly toolchain: rustup toolchain install nightly");
    };
    let targets = if args.targets.is_empty() {
        targets()?
    } else {
        args.targets.clone()
    };
    build(&fuzz)?;
    for target in &targets {
        run(&fuzz, Profile::Release, target, args.seconds, None)?;
    }
    eprintln!(
        "New inputs are in fuzz/corpus: `cargo fuzz cmin` keeps the fewest that cover as much, then commit them."
    );
    Ok(())
}

/// The suite's fuzzers being built in the background: cargo-fuzz installed when missing, then
/// every target, niced, their output in `target/fuzz-build.log`.
pub struct Background {
    build: Option<std::thread::JoinHandle<Result<PathBuf>>>,
}

/// Starts building the suite's fuzzers. Without the nightly toolchain there is nothing to build,
/// and [`brief`] says so.
pub fn start_brief() -> Result<Background> {
    if !nightly() {
        return Ok(Background { build: None });
    }
    eprintln!("\n==> fuzzers: building in the background (target/fuzz-build.log)");
    let log_path = std::path::absolute("target/fuzz-build.log")?;
    let build = std::thread::spawn(move || -> Result<PathBuf> {
        let log = std::fs::File::create(&log_path)?;
        let quiet = |cmd: &mut Command| -> Result<()> {
            cmd.stdout(log.try_clone()?).stderr(log.try_clone()?);
            let status = cmd.status()?;
            if !status.success() {
                bail!("{status}; see {}", log_path.display());
            }
            Ok(())
        };
        let fuzz = match installed() {
            Some(fuzz) => fuzz,
            None => {
                let root = std::path::absolute("target/tools")?;
                quiet(niced(crate::cargo()).args(install_args(&root)))?;
                root.join("bin/cargo-fuzz")
            }
        };
        quiet(niced(command(&fuzz)).args(build_args(Profile::Dev)))?;
        Ok(fuzz)
    });
    Ok(Background { build: Some(build) })
}

/// The suite's run: once the background build is done, every target for `seconds`, from the
/// committed corpus, whatever it adds kept in `target/` only. Skipped, and said so, on a machine
/// without the nightly toolchain.
pub fn brief(background: Background, seconds: u32) -> Result<()> {
    let Some(build) = background.build else {
        eprintln!(
            "\n==> fuzzers: skipped, no nightly toolchain (rustup toolchain install nightly); the corpus was replayed by the integration tests"
        );
        return Ok(());
    };
    let started = std::time::Instant::now();
    let fuzz = build
        .join()
        .map_err(|_| anyhow::anyhow!("the fuzzers' build panicked"))?
        .map_err(|e| anyhow::anyhow!("the fuzzers' build failed: {e}"))?;
    eprintln!(
        "<== fuzzers: built (waited {:.1?} for the background build)",
        started.elapsed()
    );
    let scratch = std::path::absolute("target/fuzz-corpus")?;
    for target in targets()? {
        let dir = scratch.join(&target);
        std::fs::create_dir_all(&dir)?;
        run(&fuzz, Profile::Dev, &target, seconds, Some(&dir))?;
    }
    Ok(())
}

/// The suite's runs start from one seed, so that two runs of one commit try the same inputs
/// (as far as each gets in its time).
const SUITE_SEED: &str = "-seed=20261202";

/// The target names, from `fuzz/fuzz_targets/`.
fn targets() -> Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir("fuzz/fuzz_targets")?
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    names.sort();
    Ok(names)
}

fn nightly() -> bool {
    Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// cargo-fuzz on the PATH, or the one installed into `target/tools` before.
fn installed() -> Option<PathBuf> {
    if setup::on_path("cargo-fuzz") {
        return Some(PathBuf::from("cargo-fuzz"));
    }
    let bin = std::path::absolute("target/tools/bin/cargo-fuzz").ok()?;
    bin.is_file().then_some(bin)
}

fn install_args(root: &Path) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = [
        "install",
        "cargo-fuzz",
        "--locked",
        "--version",
        CARGO_FUZZ_VERSION,
        "--root",
    ]
    .map(Into::into)
    .to_vec();
    args.push(root.into());
    args
}

/// cargo-fuzz, installed once into `target/tools` when it is missing; `None` without the nightly
/// toolchain, which it needs.
fn cargo_fuzz() -> Result<Option<PathBuf>> {
    if !nightly() {
        return Ok(None);
    }
    if let Some(fuzz) = installed() {
        return Ok(Some(fuzz));
    }
    let root = std::path::absolute("target/tools")?;
    step(
        &format!(
            "cargo install cargo-fuzz {CARGO_FUZZ_VERSION} (once, into {})",
            root.display()
        ),
        crate::cargo().args(install_args(&root)),
    )?;
    Ok(Some(root.join("bin/cargo-fuzz")))
}

/// `cmd` at the lowest CPU priority, so that what runs beside it keeps its pace.
fn niced(cmd: Command) -> Command {
    let mut nice = Command::new("nice");
    nice.args(["-n", "19"])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => nice.env(key, value),
            None => nice.env_remove(key),
        };
    }
    nice
}

/// cargo-fuzz with the nightly toolchain, whichever cargo started this task.
fn command(fuzz: &Path) -> Command {
    let mut cmd = Command::new(fuzz);
    cmd.arg("fuzz")
        .env("RUSTUP_TOOLCHAIN", "nightly")
        .env_remove("CARGO")
        .env_remove("RUSTC");
    cmd
}

/// Every target, instrumented, with debug assertions on. No sanitizer: the core forbids unsafe
/// code, so what the fuzzers look for is a property that fails or a panic.
fn build(fuzz: &Path) -> Result<()> {
    step(
        "fuzzers: build (nightly, instrumented)",
        command(fuzz).args(build_args(Profile::Release)),
    )
}

/// How the fuzzers are compiled: optimised for the long runs; unoptimised for the suite's runs
/// of seconds, where the build is most of the time (about half the release build's).
#[derive(Clone, Copy)]
enum Profile {
    Release,
    Dev,
}

/// What `cargo fuzz build` and `cargo fuzz run` share: the profile, no sanitizer, assertions on.
fn profile_args(profile: Profile) -> Vec<&'static str> {
    let mut args = vec!["--sanitizer", "none", "--debug-assertions"];
    if let Profile::Dev = profile {
        args.push("--dev");
    }
    args
}

fn build_args(profile: Profile) -> Vec<&'static str> {
    let mut args = vec!["build"];
    args.extend(profile_args(profile));
    args
}

/// One target for `seconds`, its new inputs written to `scratch` (or the committed corpus). A
/// failing input is kept in `fuzz/artifacts/<target>/`, which libFuzzer names.
fn run(
    fuzz: &Path,
    profile: Profile,
    target: &str,
    seconds: u32,
    scratch: Option<&Path>,
) -> Result<()> {
    let corpus = Path::new("fuzz/corpus").join(target);
    let mut cmd = command(fuzz);
    cmd.arg("run").args(profile_args(profile)).arg(target);
    if let Some(scratch) = scratch {
        cmd.arg(scratch);
    }
    cmd.arg(std::path::absolute(&corpus)?).args([
        "--",
        &format!("-max_total_time={seconds}"),
        "-rss_limit_mb=1024",
        "-max_len=65536",
        "-print_final_stats=1",
    ]);
    if scratch.is_some() {
        cmd.arg(SUITE_SEED);
    }
    step(&format!("fuzzer {target}, {seconds} s"), &mut cmd)
}
