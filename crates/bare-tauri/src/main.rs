//! The limit the desktop app is measured against (`cargo xtask bench --only desktop`): Tauri's
//! own window with an empty page and nothing else, no commands, no server, no store. The page
//! marks its first paint the way the app's does, so both are timed from the process's start to
//! the same kind of mark.

// No console window on Windows release builds, as the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the bare Tauri window failed to start");
}
