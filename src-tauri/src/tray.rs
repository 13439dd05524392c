//! The optional system-tray icon: with it, closing the window hides it and capture goes on;
//! "Show Hookscope" brings the window back and "Quit" stops the app.

use tauri::menu::{MenuBuilder, MenuItemBuilder};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Runtime};

const TRAY_ID: &str = "main";

/// Adds or removes the tray icon to match the setting.
pub fn apply<R: Runtime>(app: &AppHandle<R>, on: bool) {
    let present = app.tray_by_id(TRAY_ID).is_some();
    if on && !present {
        if let Err(e) = build(app) {
            tracing::warn!(error = %e, "no system tray icon; closing the window will quit");
        }
    } else if !on && present {
        app.remove_tray_by_id(TRAY_ID);
    }
}

/// Whether closing the window should hide it rather than quit.
pub fn keeps_running<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let menu = MenuBuilder::new(app)
        .item(&MenuItemBuilder::with_id("tray-show", "Show Hookscope").build(app)?)
        .separator()
        .item(&MenuItemBuilder::with_id("tray-quit", "Quit Hookscope").build(app)?)
        .build()?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Hookscope: capturing webhooks")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "tray-show" => crate::show_main_window(app),
            "tray-quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}
