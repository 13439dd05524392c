//! The Tauri commands the UI's desktop transport calls: thin adapters over the core's
//! [`Control`](hookscope::control::Control), with the same inputs and outputs as the control
//! API's routes (list filters arrive as the same query string), so both builds behave alike.
//! Errors reach the UI as `{status, message}`.

use std::sync::Arc;

use hookscope::check::{CheckRun, StartCheck};
use hookscope::config::{DesktopConfig, EndpointConfig};
use hookscope::contract::SpecImported;
use hookscope::control::{
    DesktopSettings, EndpointsSaved, LearnedSchema, RulesChecked, RulesInForce, SampleRequest,
    SampleSent, SchemaFormat, SchemaSummary, Startup, TryRules, UiSettings,
};
use hookscope::model::{
    Attempt, CaptureStatus, CheckSummary, CurlCommand, Deleted, DeliveryDetail, Facets,
    ImportResult, Items, Page, ReplayJob, SampleEvent, ServerInfo,
};
use hookscope::profile::VendorProfile;
use hookscope::profile::spec::{ImportRequest, VendorRemoved};
use hookscope::replay::jobs::StartReplay;
use hookscope::replay::{EditedRequest, ReplayOptions};
use hookscope::rules::{ReloadSource, RuleSources, RuleTrial};
use hookscope::store::ListParams;
use hookscope::target::PathMode;
use hookscope::{Error, Result};
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
    state.get()?.control.get_delivery(id).await
}

/// The body bytes as received, as an `ArrayBuffer` on the UI side (no JSON round trip).
#[tauri::command]
pub async fn raw_body(state: State<'_, Started>, id: i64) -> Result<tauri::ipc::Response> {
    let (_, body) = state.get()?.control.raw_body(id).await?;
    Ok(tauri::ipc::Response::new(body.to_vec()))
}

/// The cURL command that sends a delivery again, to `to` under `path` (to the URL it reached
/// without `to`).
#[tauri::command]
pub async fn curl(
    state: State<'_, Started>,
    id: i64,
    to: Option<String>,
    path: Option<PathMode>,
) -> Result<CurlCommand> {
    let mode = path.unwrap_or(PathMode::Full);
    state.get()?.control.curl(id, to, mode).await
}

/// What changed from the delivery `with` names (an id, `previous`, `first`; by default the
/// first of its event when it repeats one, else the previous of its type) to `id`.
#[tauri::command]
pub async fn diff(
    state: State<'_, Started>,
    id: i64,
    with: Option<String>,
    volatile: bool,
) -> Result<hookscope::diff::DeliveryDiff> {
    let with = hookscope::diff::With::parse(with.as_deref().unwrap_or(""))?;
    state.get()?.control.diff(id, with, volatile).await
}

/// Every event type whose schema was learned from the deliveries.
#[tauri::command]
pub async fn schemas(state: State<'_, Started>) -> Result<Items<SchemaSummary>> {
    Ok(state.get()?.control.schemas().into())
}

/// One event type's learned schema: its fields and JSON Schema.
#[tauri::command]
pub async fn schema(
    state: State<'_, Started>,
    vendor: String,
    event_type: String,
) -> Result<LearnedSchema> {
    state.get()?.control.schema(&vendor, &event_type)
}

/// One event type's learned schema written as `format` (`json-schema`, `typescript`, `zod`).
#[tauri::command]
pub async fn schema_as(
    state: State<'_, Started>,
    vendor: String,
    event_type: String,
    format: String,
) -> Result<String> {
    let format = SchemaFormat::parse(&format)?;
    state.get()?.control.schema_as(&vendor, &event_type, format)
}

#[tauri::command]
pub async fn delete_delivery(state: State<'_, Started>, id: i64) -> Result<()> {
    state.get()?.control.delete_delivery(id).await
}

/// Deletes every delivery; how many there were.
#[tauri::command]
pub async fn delete_all(state: State<'_, Started>) -> Result<Deleted> {
    state.get()?.control.delete_all().await
}

#[tauri::command]
pub async fn set_pinned(state: State<'_, Started>, id: i64, pinned: bool) -> Result<()> {
    state.get()?.control.set_pinned(id, pinned).await
}

#[tauri::command]
pub fn vendors(state: State<'_, Started>) -> Result<Items<VendorProfile>> {
    Ok(state.get()?.control.vendors().into())
}

#[tauri::command]
pub fn endpoints(state: State<'_, Started>) -> Result<Items<EndpointConfig>> {
    Ok(state.get()?.control.endpoints().into())
}

#[tauri::command]
pub async fn save_endpoints(
    state: State<'_, Started>,
    items: Vec<EndpointConfig>,
) -> Result<EndpointsSaved> {
    state.get()?.control.save_endpoints(items).await
}

/// The rules in force, as `GET /api/rules` gives them.
#[tauri::command]
pub async fn rules(state: State<'_, Started>) -> Result<RulesInForce> {
    Ok(state.get()?.control.rules())
}

/// Saves the rules and puts them in force, as `PUT /api/rules` does.
#[tauri::command]
pub async fn save_rules(state: State<'_, Started>, rules: RuleSources) -> Result<RulesInForce> {
    state.get()?.control.save_rules(rules).await
}

/// Each rule's problem, as `POST /api/rules/check` gives them.
#[tauri::command]
pub async fn check_rules(state: State<'_, Started>, rules: RuleSources) -> Result<RulesChecked> {
    Ok(state.get()?.control.check_rules(&rules))
}

/// Reads the config file's rules again, as `POST /api/rules/reload` does.
#[tauri::command]
pub async fn reload_rules(state: State<'_, Started>) -> Result<RulesInForce> {
    state.get()?.control.reload_rules(ReloadSource::Ui).await
}

/// What the rules would do with a stored delivery, as `POST /api/rules/try` says.
#[tauri::command]
pub async fn try_rules(state: State<'_, Started>, request: TryRules) -> Result<RuleTrial> {
    state.get()?.control.try_rules(request).await
}

/// Makes a vendor profile from its OpenAPI or AsyncAPI description (`text`), as
/// `POST /api/vendors/import-spec` does: in force at once.
#[tauri::command]
pub async fn import_spec(
    state: State<'_, Started>,
    text: String,
    request: ImportRequest,
) -> Result<SpecImported> {
    state.get()?.control.import_spec(text, request).await
}

/// Removes the user's profile `vendor`, as `DELETE /api/vendors/{id}` does.
#[tauri::command]
pub async fn remove_vendor(state: State<'_, Started>, vendor: String) -> Result<VendorRemoved> {
    state.get()?.control.remove_vendor(vendor).await
}

#[tauri::command]
pub fn settings(state: State<'_, Started>) -> Result<UiSettings> {
    Ok(state.get()?.control.settings())
}

#[tauri::command]
pub async fn save_settings(state: State<'_, Started>, settings: UiSettings) -> Result<UiSettings> {
    state.get()?.control.save_settings(settings).await
}

/// A sample to the app's own capture listener, or a signed test event to `request.to`.
#[tauri::command]
pub async fn send_sample(state: State<'_, Started>, request: SampleRequest) -> Result<SampleSent> {
    state.get()?.control.send_sample(request).await
}

/// Every vendor and event a sample can be made of.
#[tauri::command]
pub fn sample_catalog(state: State<'_, Started>) -> Result<Items<SampleEvent>> {
    Ok(state.get()?.control.sample_catalog().into())
}

/// Sends a stored delivery again (edited first when `edited` is given); the stored attempt.
#[tauri::command]
pub async fn replay_delivery(
    state: State<'_, Started>,
    id: i64,
    options: ReplayOptions,
    edited: Option<EditedRequest>,
) -> Result<Attempt> {
    state
        .get()?
        .control
        .replay_delivery(id, options, edited)
        .await
}

/// The attempts made from one delivery, newest first.
#[tauri::command]
pub async fn attempts(state: State<'_, Started>, id: i64) -> Result<Items<Attempt>> {
    Ok(state.get()?.control.attempts(id).await?.into())
}

/// Starts replaying the deliveries the list filters select (or `start.ids`), oldest first; the
/// job's progress reaches the window as `replay` stream events.
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
pub fn replay_jobs(state: State<'_, Started>) -> Result<Items<ReplayJob>> {
    Ok(state.get()?.control.replay_jobs().into())
}

#[tauri::command]
pub fn cancel_replay(state: State<'_, Started>, job: u64) -> Result<ReplayJob> {
    state.get()?.control.cancel_replay(job)
}

/// Starts grading a webhook handler; the run's progress reaches the window as `check` stream
/// events.
#[tauri::command]
pub async fn start_check(state: State<'_, Started>, start: StartCheck) -> Result<CheckSummary> {
    state.get()?.control.start_check(start).await
}

#[tauri::command]
pub async fn check_runs(
    state: State<'_, Started>,
    before: Option<i64>,
    limit: Option<u32>,
) -> Result<Items<CheckSummary>> {
    Ok(state
        .get()?
        .control
        .check_runs(before, limit.unwrap_or(50))
        .await?
        .into())
}

#[tauri::command]
pub async fn check_run(state: State<'_, Started>, id: i64) -> Result<CheckRun> {
    state.get()?.control.check_run(id).await
}

#[tauri::command]
pub async fn cancel_check(state: State<'_, Started>, id: i64) -> Result<CheckSummary> {
    state.get()?.control.cancel_check(id).await
}

#[tauri::command]
pub async fn delete_check(state: State<'_, Started>, id: i64) -> Result<()> {
    state.get()?.control.delete_check(id).await
}

/// One stored attempt: what a check report's rows open.
#[tauri::command]
pub async fn attempt(state: State<'_, Started>, id: i64) -> Result<Attempt> {
    state.get()?.control.attempt(id).await
}

/// Writes the deliveries the list filters select (oldest first) as HAR or JSON Lines into the
/// user's Downloads folder; returns the file's path. (The webview has no download manager.)
#[tauri::command]
pub async fn export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Started>,
    query: String,
    format: String,
) -> Result<String> {
    use tauri::Manager;
    let format = hookscope::export::Format::parse(&format)
        .ok_or_else(|| Error::Invalid(format!("{format:?}: expected har, jsonl or curl")))?;
    // The same query as `GET /api/export` takes: the list filters, or `ids`, and cURL's `to`.
    let request = hookscope::export::ExportQuery::parse(&query)?;
    let desktop = state.get()?;
    let bytes = desktop
        .control
        .export(
            request.filter,
            request.ids,
            format,
            hookscope::export::ExportOptions {
                curl_target: request.to,
            },
        )
        .await?;
    let dir = app
        .path()
        .download_dir()
        .map_err(|e| Error::Invalid(format!("no Downloads folder to save to: {e}")))?;
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S");
    let path = dir.join(format!("hookscope-{stamp}.{}", format.extension()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    Ok(path.display().to_string())
}

/// Imports the HAR or JSON Lines file sent as the raw request body.
#[tauri::command]
pub async fn import(
    state: State<'_, Started>,
    request: tauri::ipc::Request<'_>,
) -> Result<ImportResult> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(Error::Invalid(
            "import takes the file's bytes as the request body".to_owned(),
        ));
    };
    state.get()?.control.import(bytes.clone()).await
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
