//! Hookscope's desktop shell: a thin Tauri 2 app that wires the core ([`hookscope`]) to a
//! window. It opens the store in the data directory, starts the capture listener on Tauri's async
//! runtime, answers the UI's commands through the core's `Control`, and forwards each committed
//! change to the window as an event. No capture, storage, decoding or verification lives here.

mod commands;
mod desktop;
mod menu;
mod tray;

use std::sync::Arc;

use tauri::{AppHandle, Emitter, Manager, RunEvent, Runtime, WindowEvent};

pub use commands::Started;
pub use desktop::{Boot, Desktop, instance_id};

/// The one window's label.
pub const MAIN_WINDOW: &str = "main";

/// The window event that carries the core's [`hookscope::events::StreamEvent`]s.
pub const STREAM_EVENT: &str = "stream";

/// Starts the app and blocks until it quits.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(hookscope::log::directives(
                "hookscope=info,hookscope_desktop=info,warn",
            ))
            .unwrap_or_else(|_| "hookscope=info,hookscope_desktop=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        // A log that cannot be written (its disk full) is given up, quietly: reporting that on
        // stderr would panic the thread that logged, the store's writer among them.
        .log_internal_errors(false)
        .init();

    let context = tauri::generate_context!("../tauri.conf.json");
    let boot = Boot::prepare();
    let identifier = context.config().identifier.clone();
    let mut builder = tauri::Builder::default();
    if let Ok(boot) = &boot {
        builder = builder
            .plugin(
                tauri_plugin_single_instance::Builder::new()
                    .dbus_id(desktop::instance_id(&identifier, &boot.data_dir))
                    .callback(|app, _args, _cwd| show_main_window(app))
                    .build(),
            )
            .plugin(
                tauri_plugin_window_state::Builder::new()
                    .with_filename(
                        boot.data_dir
                            .join("window-state.json")
                            .to_string_lossy()
                            .into_owned(),
                    )
                    .build(),
            );
    }
    let app = builder
        .invoke_handler(handlers())
        .menu(menu::build)
        .on_menu_event(menu::on_event)
        .setup(move |app| {
            let started = match boot {
                Ok(boot) => tauri::async_runtime::block_on(Desktop::start(boot))
                    .map(Arc::new)
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match &started {
                Ok(desktop) => {
                    forward_events(app.handle(), desktop);
                    tray::apply(app.handle(), desktop.settings().tray);
                }
                Err(e) => tracing::error!(error = %e, "Hookscope did not start"),
            }
            app.manage(Started(started));
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event
                && tray::keeps_running(window.app_handle())
            {
                api.prevent_close();
                let _ = window.hide();
            }
        })
        .build(context)
        .expect("the Hookscope window could not be created");

    app.run(|app, event| {
        if let RunEvent::Exit = event
            && let Some(Started(Ok(desktop))) = app.try_state::<Started>().as_deref()
        {
            // Every delivery the listener acknowledged is committed before the process ends.
            tauri::async_runtime::block_on(desktop.shutdown());
        }
    });
}

/// Every command the UI may call, as `commands.txt` lists them.
pub const COMMANDS: &[&str] = include!(concat!(env!("OUT_DIR"), "/command_names.rs"));

/// The handler of every command in `commands.txt` (build.rs writes the list).
pub fn handlers<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    include!(concat!(env!("OUT_DIR"), "/handlers.rs"))
}

/// Sends each event of the core's stream to the window as a `stream` event, the same JSON the
/// control API's SSE stream carries (`lagged` when the window fell behind and should re-read),
/// and each capture listener change as a `capture` event.
pub fn forward_events<R: Runtime>(app: &AppHandle<R>, desktop: &Desktop) {
    let mut events = desktop.control.subscribe();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.next().await {
            let _ = handle.emit_to(MAIN_WINDOW, STREAM_EVENT, &event);
        }
    });
    let mut capture = desktop.control.capture().watch();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        while capture.changed().await.is_ok() {
            let status = capture.borrow_and_update().clone();
            let _ = handle.emit_to(MAIN_WINDOW, "capture", &status);
        }
    });
}

/// Shows, unminimises and focuses the window (a second launch, the tray).
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}
