//! Files that hold secrets (the config's endpoint secrets, the database's payloads, the API
//! token) and their folder are the owner's alone: `0600` files in a `0700` folder on Unix.

use std::io;
use std::path::Path;

/// Creates `dir` (and its parents) when missing; a folder created here is the owner's alone.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Makes `file` readable and writable by its owner only.
pub fn restrict(file: &Path) -> io::Result<()> {
    set_mode(file, 0o600)
}

/// Writes `text` to `path`, readable by its owner only from the start.
pub fn write(path: &Path, text: &str) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // An existing file keeps its mode through `open`: set it.
    restrict(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> io::Result<()> {
    Ok(())
}
