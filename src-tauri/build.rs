//! The Tauri config is the repository root's `tauri.conf.json` (the CLI reads the same file through
//! the `src-tauri/tauri.conf.json` link). The UI it embeds must be built first.

fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    println!("cargo:rerun-if-changed=../ui/dist");
    if !dist.exists() {
        panic!(
            "the UI is not built ({} is missing). Run `cargo xtask run`, or build it with \
             `npm ci --prefix ui && npm run build --prefix ui`, then build this crate again.",
            dist.display()
        );
    }
    // Each command gets an `allow-…` permission, and only the capabilities grant them: the window
    // may call these and nothing else (no file system, shell or HTTP from the page).
    let manifest = tauri_build::AppManifest::new().commands(&[
        "startup",
        "info",
        "list",
        "facets",
        "get_delivery",
        "raw_body",
        "delete_delivery",
        "clear",
        "set_pinned",
        "vendors",
        "endpoints",
        "save_endpoints",
        "settings",
        "save_settings",
        "send_sample",
        "sample_catalog",
        "replay_delivery",
        "attempts",
        "start_replay",
        "replay_jobs",
        "cancel_replay",
        "export_to_downloads",
        "import_file",
        "move_capture",
        "desktop_settings",
        "save_desktop_settings",
    ]);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(manifest),
    )
    .expect("tauri-build");
}
