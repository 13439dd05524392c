//! The Tauri commands the UI's desktop transport calls: thin adapters over the core's
//! [`Control`](hookscope::control::Control), with the same inputs and outputs as the control
//! API's routes (list filters arrive as the same query string), so both builds behave alike.
//! Errors reach the UI as `{status, message}`.

use std::sync::Arc;

use hookscope::config::{DesktopConfig, EndpointConfig};
use hookscope::control::{CaptureStatus, DesktopSettings, SampleRequest, SampleSent, Settings};
use hookscope::model::{Attempt, DeliveryDetail, Facets, Page, ServerInfo};
use hookscope::replay::jobs::{ReplayJob, StartReplay};
use hookscope::replay::{EditedRequest, ReplayOptions};
use hookscope::store::ListParams;
use hookscope::vendor::VendorProfile;
use hookscope::{Error, Result};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::desktop::{Desktop, parse_addr};

/// The instance, or why it did not start (the database is in use, the config is invalid…).
pub struct Started(pub std::result::Result<Arc<Desktop>, String>);

impl Started {
    fn get(&self) -> Result<Arc<Desktop>> {
        self.0
            .clone()
            .map_err(|m| Error::Unreachable(format!("Hookscope did not start: {m}")))
    }
}

/// What the window needs before it shows anything.
#[derive(Debug, Serialize)]
pub struct Startup {
    /// Why the instance did not start; the window shows only this.
    pub error: Option<String>,
}

#[tauri::command]
pub fn startup(state: State<'_, Started>) -> Startup {
    Startup {
        error: state.0.as_ref().err().cloned(),
    }
}

#[tauri::command]
pub async fn info(state: State<'_, Started>) -> Result<ServerInfo> {
    state.get()?.control.info().await
}

#[tauri::command]
pub async fn list(state: State<'_, Started>, query: String) -> Result<Page> {
    let filter = ListParams::from_query(&query)?;
    state.get()?.control.list(filter).await
}

#[tauri::command]
pub async fn facets(state: State<'_, Started>, query: String) -> Result<Facets> {
    let filter = ListParams::from_query(&query)?;
    state.get()?.control.facets(filter).await
}

#[tauri::command]
pub async fn get_delivery(state: State<'_, Started>, id: i64) -> Result<DeliveryDetail> {
    state.get()?.control.get(id).await
}

/// The body bytes as received, as an `ArrayBuffer` on the UI side (no JSON round trip).
#[tauri::command]
pub async fn raw_body(state: State<'_, Started>, id: i64) -> Result<tauri::ipc::Response> {
    let (_, body) = state.get()?.control.raw(id).await?;
    Ok(tauri::ipc::Response::new(body.to_vec()))
}

#[tauri::command]
pub async fn delete_delivery(state: State<'_, Started>, id: i64) -> Result<()> {
    state.get()?.control.delete(id).await
}

#[tauri::command]
pub async fn clear(state: State<'_, Started>) -> Result<u64> {
    state.get()?.control.delete_all().await
}

#[tauri::command]
pub async fn set_pinned(state: State<'_, Started>, id: i64, pinned: bool) -> Result<()> {
    state.get()?.control.set_pinned(id, pinned).await
}

#[tauri::command]
pub fn vendors(state: State<'_, Started>) -> Result<Vec<VendorProfile>> {
    Ok(state
        .get()?
        .control
        .vendors()
        .into_iter()
        .cloned()
        .collect())
}

#[tauri::command]
pub fn endpoints(state: State<'_, Started>) -> Result<Vec<EndpointConfig>> {
    Ok(state.get()?.control.endpoints())
}

#[tauri::command]
pub async fn save_endpoints(
    state: State<'_, Started>,
    items: Vec<EndpointConfig>,
) -> Result<Vec<EndpointConfig>> {
    Ok(state.get()?.control.save_endpoints(items).await?.items)
}

#[tauri::command]
pub fn settings(state: State<'_, Started>) -> Result<Settings> {
    Ok(state.get()?.control.settings())
}

#[tauri::command]
pub async fn save_settings(state: State<'_, Started>, settings: Settings) -> Result<Settings> {
    state.get()?.control.save_settings(settings).await
}

/// A sample to the app's own capture listener, or a signed test event to `request.to`.
#[tauri::command]
pub async fn send_sample(state: State<'_, Started>, request: SampleRequest) -> Result<SampleSent> {
    state.get()?.control.send_sample(request).await
}

/// Every vendor and event a sample can be made of.
#[derive(Debug, Serialize)]
pub struct SampleEvent {
    vendor: String,
    event: String,
}

#[tauri::command]
pub fn sample_catalog(state: State<'_, Started>) -> Result<Vec<SampleEvent>> {
    Ok(state
        .get()?
        .control
        .sample_catalog()
        .into_iter()
        .map(|(vendor, event)| SampleEvent { vendor, event })
        .collect())
}

/// Sends a stored delivery again (edited first when `edited` is given); the stored attempt.
#[tauri::command]
pub async fn replay_delivery(
    state: State<'_, Started>,
    id: i64,
    options: ReplayOptions,
    edited: Option<EditedRequest>,
) -> Result<Attempt> {
    state.get()?.control.replay(id, options, edited).await
}

/// The attempts made from one delivery, newest first.
#[tauri::command]
pub async fn attempts(state: State<'_, Started>, id: i64) -> Result<Vec<Attempt>> {
    state.get()?.control.attempts(id).await
}

/// Starts replaying the deliveries the list filters select (or `start.ids`), oldest first; the
/// job's progress reaches the window as `replay` store events.
#[tauri::command]
pub async fn start_replay(
    state: State<'_, Started>,
    query: String,
    start: StartReplay,
) -> Result<ReplayJob> {
    let filter = ListParams::from_query(&query)?;
    state.get()?.control.start_replay(filter, start).await
}

#[tauri::command]
pub fn replay_jobs(state: State<'_, Started>) -> Result<Vec<ReplayJob>> {
    Ok(state.get()?.control.replay_jobs())
}

#[tauri::command]
pub fn cancel_replay(state: State<'_, Started>, job: u64) -> Result<ReplayJob> {
    state.get()?.control.cancel_replay(job)
}

/// Writes the deliveries the list filters select (oldest first) as HAR or JSON Lines into the
/// user's Downloads folder; returns the file's path. (The webview has no download manager.)
#[tauri::command]
pub async fn export_to_downloads<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Started>,
    query: String,
    format: String,
) -> Result<String> {
    use tauri::Manager;
    let format = hookscope::export::Format::parse(&format)
        .filter(|f| *f != hookscope::export::Format::Curl)
        .ok_or_else(|| Error::Invalid(format!("{format:?}: expected har or jsonl")))?;
    let filter = ListParams::from_query(&query)?;
    let desktop = state.get()?;
    let bytes = desktop
        .control
        .export(filter, None, format, Default::default())
        .await?;
    let dir = app
        .path()
        .download_dir()
        .map_err(|e| Error::Invalid(format!("no Downloads folder to save to: {e}")))?;
    let stamp = hookscope::model::format_time_us(hookscope::model::now_us())
        .replace([':', '-'], "")
        .chars()
        .take(15)
        .collect::<String>();
    let path = dir.join(format!("hookscope-{stamp}.{}", format.extension()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    Ok(path.display().to_string())
}

/// Imports the HAR or JSON Lines file sent as the raw request body.
#[tauri::command]
pub async fn import_file(
    state: State<'_, Started>,
    request: tauri::ipc::Request<'_>,
) -> Result<serde_json::Value> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(Error::Invalid(
            "import_file takes the file's bytes as the request body".to_owned(),
        ));
    };
    let ids = state.get()?.control.import(bytes.clone()).await?;
    Ok(serde_json::json!({ "imported": ids.len(), "ids": ids }))
}

/// Moves the capture listener to `addr` (a port, or IP:PORT) and remembers it.
#[tauri::command]
pub async fn move_capture(state: State<'_, Started>, addr: String) -> Result<CaptureStatus> {
    let addr = parse_addr(&addr)?;
    state.get()?.move_capture(addr).await
}

#[tauri::command]
pub async fn desktop_settings(state: State<'_, Started>) -> Result<DesktopSettings> {
    Ok(state.get()?.describe().await)
}

#[tauri::command]
pub async fn save_desktop_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Started>,
    settings: DesktopConfig,
) -> Result<DesktopSettings> {
    let saved = state.get()?.save_settings(settings).await?;
    crate::tray::apply(&app, saved.tray);
    Ok(saved)
}
