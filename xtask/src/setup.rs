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
    install.args(&missing);
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
