//! The Tauri config is the repository root's `tauri.conf.json` (the CLI reads the same file through
//! the `src-tauri/tauri.conf.json` link). The window's commands come from `commands.txt`, the one
//! list: each gets its `allow-…` permission here, and `src/lib.rs` includes the handler list
//! written from it.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dist = root.join("../ui/dist");
    println!("cargo:rerun-if-changed=../ui/dist");
    if !dist.join("index.html").exists() {
        // `cargo check` and rust-analyzer work on a fresh clone; the window says what to do.
        println!(
            "cargo:warning=the UI is not built ({} is missing): this build shows a page saying so. \
             Run `cargo xtask run`, or `npm ci --prefix ui && npm run build --prefix ui`.",
            dist.join("index.html").display()
        );
        std::fs::create_dir_all(&dist).expect("cannot create ui/dist");
        std::fs::write(dist.join("index.html"), PLACEHOLDER).expect("cannot write ui/dist");
    }

    println!("cargo:rerun-if-changed=commands.txt");
    let list = std::fs::read_to_string(root.join("commands.txt")).expect("src-tauri/commands.txt");
    // tauri-build keeps the names for the rest of the build.
    let list: &'static str = Box::leak(list.into_boxed_str());
    let commands: &'static [&'static str] = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect::<Vec<_>>()
        .leak();
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let handlers = commands
        .iter()
        .map(|c| format!("commands::{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(
        out.join("handlers.rs"),
        format!("tauri::generate_handler![{handlers}]\n"),
    )
    .expect("cannot write the handler list");
    std::fs::write(out.join("command_names.rs"), format!("&{commands:?}\n"))
        .expect("cannot write the command names");

    // Each command gets an `allow-…` permission, and only the capabilities grant them: the window
    // may call these and nothing else (no file system, shell or HTTP from the page).
    let manifest = tauri_build::AppManifest::new().commands(commands);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(manifest),
    )
    .expect("tauri-build");
}

const PLACEHOLDER: &str = "<!doctype html><meta charset=utf-8><title>Hookscope</title>\
<p>The UI is not built. Run <code>cargo xtask run</code>, or <code>npm ci --prefix ui &amp;&amp; \
npm run build --prefix ui</code>, then build the app again.</p>\n";
