//! Installing what a task needs on a fresh Debian/Ubuntu machine: system packages through
//! apt-get (as root, or with passwordless sudo), otherwise the exact command to run, and stop.

use std::process::{Command, Stdio};

use anyhow::{Result, bail};

/// Rust toolchain components (rustfmt, clippy) through rustup, when they are missing.
pub fn ensure_rust_components(components: &[&str]) -> Result<()> {
    let missing: Vec<&str> = components
        .iter()
        .copied()
        .filter(|c| {
            let tool = if *c == "clippy" { "cargo-clippy" } else { c };
            !succeeds(Command::new(tool).arg("--version"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("==> installing Rust components: {}", missing.join(" "));
    if !succeeds(
        Command::new("rustup")
            .args(["component", "add"])
            .args(&missing),
    ) {
        bail!(
            "missing Rust components; run: rustup component add {}",
            missing.join(" ")
        );
    }
    Ok(())
}

/// A Debian package and the command whose presence shows it is installed.
pub struct Package {
    pub deb: &'static str,
    pub provides: &'static str,
}

/// Installs the packages whose command is missing.
pub fn ensure_packages(packages: &[Package]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|p| !on_path(p.provides))
        .map(|p| p.deb)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    install(&missing)
}

/// Installs the Debian packages (libraries, mostly) that dpkg does not list as installed.
pub fn ensure_debs(debs: &[&str]) -> Result<()> {
    let missing: Vec<&str> = debs
        .iter()
        .copied()
        .filter(|deb| {
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", deb])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    install(&missing)
}

/// Installs Debian packages through apt-get, as root or with passwordless sudo; otherwise fails
/// with the command to run.
pub fn install(missing: &[&str]) -> Result<()> {
    let list = missing.join(" ");
    let sudo: &[&str] = if is_root() {
        &[]
    } else if succeeds(Command::new("sudo").args(["-n", "true"])) {
        &["sudo", "-n"]
    } else {
        bail!(
            "missing system packages: {list}\n  install them with: sudo apt-get update && sudo apt-get install -y {list}\n  then run this command again"
        );
    };
    eprintln!("==> installing system packages: {list}");
    let apt = |args: &[&str]| {
        let mut cmd = Command::new(sudo.first().copied().unwrap_or("apt-get"));
        if !sudo.is_empty() {
            cmd.args(&sudo[1..]).arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    if !succeeds(&mut apt(&["update", "-q"])) {
        bail!("apt-get update failed; install by hand: apt-get install -y {list}");
    }
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(missing);
    if !succeeds(&mut install) {
        bail!("apt-get install failed for: {list}");
    }
    Ok(())
}

pub fn on_path(command: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(command).is_file()))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A Python virtual environment at `venv` with `requirements` installed; returns its python.
pub fn python_venv(
    venv: &std::path::Path,
    requirements: &std::path::Path,
) -> Result<std::path::PathBuf> {
    let python = venv.join("bin/python");
    if !python.is_file() {
        if !succeeds(Command::new("python3").args(["-c", "import venv, ensurepip"])) {
            install(&["python3-venv"])?;
        }
        eprintln!("==> creating a Python environment in {}", venv.display());
        let status = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(venv)
            .status()?;
        if !status.success() {
            bail!("python3 -m venv {} failed", venv.display());
        }
    }
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(requirements)
        .status()?;
    if !status.success() {
        bail!("pip install -r {} failed", requirements.display());
    }
    Ok(python)
}

/// `npm ci` in `dir` unless its node_modules is newer than its lock file.
pub fn npm_ci(dir: &std::path::Path) -> Result<()> {
    if !on_path("npm") {
        bail!("npm is missing: install Node.js (which brings npm), then run this command again");
    }
    let modified = |p: std::path::PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = match (
        modified(dir.join("node_modules/.package-lock.json")),
        modified(dir.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    eprintln!("==> npm ci in {}", dir.display());
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .status()?;
    if !status.success() {
        bail!("npm ci failed in {}", dir.display());
    }
    Ok(())
}
