//! The native menu: the usual File, Edit, View and Help items. Items that act on the UI (copy
//! the capture URL, send a sample, open the rules or settings) are sent to the window as a `menu` event
//! carrying the item's id.

use tauri::menu::{AboutMetadataBuilder, Menu, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Runtime};

/// Menu items the UI handles, by id.
const UI_ITEMS: &[&str] = &[
    "copy-capture-url",
    "send-sample",
    "rules",
    "settings",
    "reload",
];

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let file = SubmenuBuilder::new(app, "File")
        .item(
            &MenuItemBuilder::with_id("copy-capture-url", "Copy Capture URL")
                .accelerator("CmdOrCtrl+Shift+U")
                .build(app)?,
        )
        .item(&MenuItemBuilder::with_id("send-sample", "Send a Sample Delivery").build(app)?)
        .separator()
        .item(&MenuItemBuilder::with_id("rules", "Rules…").build(app)?)
        .item(
            &MenuItemBuilder::with_id("settings", "Settings…")
                .accelerator("CmdOrCtrl+,")
                .build(app)?,
        )
        .separator()
        .close_window()
        .quit()
        .build()?;
    let edit = SubmenuBuilder::new(app, "Edit")
        .undo()
        .redo()
        .separator()
        .cut()
        .copy()
        .paste()
        .select_all()
        .build()?;
    let view = SubmenuBuilder::new(app, "View")
        .item(
            &MenuItemBuilder::with_id("reload", "Reload")
                .accelerator("CmdOrCtrl+R")
                .build(app)?,
        )
        .separator()
        .fullscreen()
        .build()?;
    let about = AboutMetadataBuilder::new()
        .name(Some("Hookscope"))
        .version(Some(env!("CARGO_PKG_VERSION")))
        .comments(Some("A local webhook inspector"))
        .license(Some("MIT OR Apache-2.0"))
        .build();
    let help = SubmenuBuilder::new(app, "Help")
        .about(Some(about))
        .build()?;
    Menu::with_items(app, &[&file, &edit, &view, &help])
}

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    if UI_ITEMS.contains(&id) {
        let _ = app.emit_to(crate::MAIN_WINDOW, "menu", id);
    }
}
