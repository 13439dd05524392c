//! The operations the UI uses, as plain async functions over one running instance: list, read,
//! pin and delete deliveries, change endpoints and settings, send a sample, follow the store's
//! events, and see the capture listener's state. The control API ([`crate::api`]) and the
//! desktop shell's Tauri commands are thin adapters over [`Control`], so the browser build and the
//! desktop build cannot drift. Nothing here knows HTTP routing or windows.

mod capture;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use bytesize::ByteSize;
use serde::{Deserialize, Serialize};

pub use capture::CaptureWatch;

use crate::config::{
    EndpointConfig, LiveEndpoints, RetentionConfig, retire_secrets, validate_endpoints,
    write_retention,
};
use crate::error::{Error, Result};
use crate::events::{StreamEvent, Subscription};
use crate::model::{
    Attempt, CurlCommand, Deleted, DeliveryDetail, Facets, ImportResult, Page, ReplayJob,
    SampleEvent, SearchProgress, ServerInfo,
};
use crate::profile::{Registry, VendorProfile};
use crate::replay::{self, EditedRequest, ReplayOptions};
use crate::sample::{self, send};
use crate::store::{Filter, Store, Writer};
use crate::target::PathMode;

/// The smallest retention byte limit accepted: below it a single large delivery could not be kept.
const MIN_RETENTION_BYTES: u64 = 1024 * 1024;

/// Settings the UI changes while the instance runs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UiSettings {
    pub retention: Retention,
}

/// Retention limits: the oldest deliveries (pinned ones spared) are pruned beyond either.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Retention {
    pub max_deliveries: u64,
    /// Bytes of stored heads and bodies.
    pub max_bytes: u64,
}

impl From<&RetentionConfig> for Retention {
    fn from(r: &RetentionConfig) -> Self {
        Retention {
            max_deliveries: r.max_deliveries,
            max_bytes: r.max_bytes.as_u64(),
        }
    }
}

/// Which sample delivery to send, and where: by default a documented example of the first vendor,
/// to this instance's own capture listener; with `to`, a signed test event to the user's handler
/// (what `hookscope send` does).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SampleRequest {
    /// Vendor profile id; by default the first of [`sample::vendors`].
    #[cfg_attr(test, ts(optional))]
    pub vendor: Option<String>,
    /// Which of the vendor's examples (wraps around), when `event` is not given.
    #[cfg_attr(test, ts(as = "Option<usize>", optional))]
    pub pick: usize,
    /// The event type (`lead.created`); see `GET /api/samples`.
    #[cfg_attr(test, ts(optional))]
    pub event: Option<String>,
    /// Where to send it; by default this instance's capture listener, on the endpoint bound to
    /// the vendor.
    #[cfg_attr(test, ts(optional))]
    pub to: Option<String>,
    /// Sign with this instead of the bound endpoint's secret.
    #[cfg_attr(test, ts(optional))]
    pub secret: Option<String>,
    /// Send it twice with the same id and signature: the receiver should process it once.
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub dup: bool,
    /// Alter the body after signing: the receiver's signature check should refuse it.
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub tamper: bool,
}

/// A sample or test event, as it was answered.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SampleSent {
    /// The stored delivery's id, when it went to this instance's capture listener.
    pub id: Option<i64>,
    pub vendor: String,
    pub event: String,
    /// Where it was posted on the capture listener (its path), or the target URL.
    pub path: String,
    pub url: String,
    /// The first answer's status; 0 when none came.
    pub status: u16,
    /// Which secret signed it, in words.
    pub signed_with: String,
    pub tampered: bool,
    /// One per request sent (two with `dup`).
    pub answers: Vec<SampleAnswer>,
}

/// What one request of a test send got back.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SampleAnswer {
    pub status: Option<u16>,
    pub latency_ms: f64,
    /// The answer's first 500 bytes, as text.
    pub body: String,
    /// Why no answer came, in plain words.
    pub error: Option<String>,
}

/// The endpoints after a change, and the re-verification of the stored deliveries they affect.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EndpointsSaved {
    pub items: Vec<EndpointConfig>,
    pub reverify: Reverify,
}

/// A background re-verification: its task name in `progress` stream events.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Reverify {
    pub task: String,
    pub started: bool,
}

/// What the desktop window needs before it shows anything.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Startup {
    /// Why the instance did not start; the window shows only this.
    pub error: Option<String>,
}

/// The desktop app's settings as its window shows them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DesktopSettings {
    /// Keep capturing in the system tray when the window is closed.
    pub tray: bool,
    /// Serve the control API for scripts while the app runs.
    pub api: bool,
    /// The control API's address with its token, while it runs.
    pub api_url: Option<String>,
    /// Why the API is not running although it is turned on.
    pub api_error: Option<String>,
    /// Where the store and config live.
    pub data_dir: String,
}

/// One running instance's operations. Cheap to clone.
#[derive(Clone)]
pub struct Control {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    writer: Writer,
    registry: Arc<Registry>,
    endpoints: Arc<LiveEndpoints>,
    /// Where endpoint and settings changes are written.
    config_path: PathBuf,
    retention: RwLock<RetentionConfig>,
    capture: CaptureWatch,
    /// For replays and forwards: one connection pool to the user's targets.
    replay: replay::Client,
    /// Bulk replays started here, running or recently finished.
    jobs: replay::jobs::Jobs,
}

/// What [`Control::new`] is built from.
pub struct Parts {
    pub store: Store,
    pub writer: Writer,
    pub registry: Arc<Registry>,
    pub endpoints: Arc<LiveEndpoints>,
    pub config_path: PathBuf,
    pub retention: RetentionConfig,
}

impl Control {
    pub fn new(parts: Parts) -> Control {
        Control {
            inner: Arc::new(Inner {
                store: parts.store,
                writer: parts.writer,
                registry: parts.registry,
                endpoints: parts.endpoints,
                config_path: parts.config_path,
                retention: RwLock::new(parts.retention),
                capture: CaptureWatch::default(),
                replay: replay::Client::new(replay::ClientOptions::default()),
                jobs: replay::jobs::Jobs::default(),
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Where the capture listener is, and whether it is up.
    pub fn capture(&self) -> &CaptureWatch {
        &self.inner.capture
    }

    /// Name, version, capture listener, counts.
    pub async fn info(&self) -> Result<ServerInfo> {
        let store = self.inner.store.clone();
        let (deliveries, (indexed_through, newest)) =
            blocking(move || Ok((store.count()?, store.search_progress()?))).await?;
        let capture = self.inner.capture.status();
        Ok(ServerInfo {
            name: "hookscope".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            capture_url: capture.url.clone().unwrap_or_default(),
            capture,
            deliveries,
            search: SearchProgress {
                indexed_through,
                newest,
            },
            samples: sample::vendors(&self.inner.registry),
        })
    }

    /// A page of deliveries, newest first.
    pub async fn list(&self, filter: Filter) -> Result<Page> {
        let store = self.inner.store.clone();
        blocking(move || store.list(&filter)).await
    }

    /// Counts for the filter sidebar, over the deliveries the same filters select.
    pub async fn facets(&self, filter: Filter) -> Result<Facets> {
        let store = self.inner.store.clone();
        blocking(move || store.facets(&filter)).await
    }

    pub async fn get_delivery(&self, id: i64) -> Result<DeliveryDetail> {
        let store = self.inner.store.clone();
        let delivery = blocking(move || store.get(id))
            .await?
            .ok_or(Error::NotFound(id))?;
        Ok(delivery.into())
    }

    /// The body bytes as received, with the sender's content type.
    pub async fn raw_body(&self, id: i64) -> Result<(Option<String>, bytes::Bytes)> {
        let store = self.inner.store.clone();
        let (content_type, body) = blocking(move || store.body(id))
            .await?
            .ok_or(Error::NotFound(id))?;
        Ok((content_type, body.into()))
    }

    pub async fn delete_delivery(&self, id: i64) -> Result<()> {
        if self.inner.writer.delete(id).await? {
            Ok(())
        } else {
            Err(Error::NotFound(id))
        }
    }

    /// Deletes every delivery; returns how many there were.
    pub async fn delete_all(&self) -> Result<Deleted> {
        let deleted = self.inner.writer.delete_all().await?;
        Ok(Deleted { deleted })
    }

    /// Pins or unpins a delivery (retention spares pinned ones).
    pub async fn set_pinned(&self, id: i64, pinned: bool) -> Result<()> {
        if self.inner.writer.set_pinned(id, pinned).await? {
            Ok(())
        } else {
            Err(Error::NotFound(id))
        }
    }

    /// Sends a stored delivery to `opts.to` again (edited first, when `edited` is given) and
    /// stores the attempt.
    pub async fn replay_delivery(
        &self,
        id: i64,
        opts: ReplayOptions,
        edited: Option<EditedRequest>,
    ) -> Result<Attempt> {
        let endpoints = self.inner.endpoints.get();
        let ctx = replay::Context {
            endpoints: &endpoints,
            registry: &self.inner.registry,
        };
        replay::bulk::replay_one(
            &self.inner.replay,
            &self.inner.store,
            &ctx,
            id,
            &opts,
            edited.as_ref(),
        )
        .await
    }

    /// Replays the deliveries `filter` selects, oldest first, reporting progress to `progress`
    /// after each one.
    pub async fn replay_many(
        &self,
        filter: Filter,
        opts: ReplayOptions,
        bulk: replay::bulk::BulkOptions,
        cancel: &tokio_util::sync::CancellationToken,
        progress: impl FnMut(&crate::model::ReplayProgress, &replay::bulk::Item),
    ) -> Result<crate::model::ReplayProgress> {
        let store = self.inner.store.clone();
        let ids = blocking(move || store.ids_matching(&filter, MAX_BULK)).await?;
        let endpoints = self.inner.endpoints.get();
        let ctx = replay::Context {
            endpoints: &endpoints,
            registry: &self.inner.registry,
        };
        Ok(replay::bulk::replay_many(
            &self.inner.replay,
            &self.inner.store,
            &ctx,
            &ids,
            &opts,
            bulk,
            cancel,
            progress,
        )
        .await)
    }

    /// Starts replaying the deliveries `filter` selects (or `start.ids`), oldest first, as a
    /// task of its own; its progress goes out as [`StreamEvent::Replay`] and through
    /// [`Control::replay_job`]. Must be called within a Tokio runtime.
    pub async fn start_replay(
        &self,
        filter: Filter,
        start: replay::jobs::StartReplay,
    ) -> Result<ReplayJob> {
        use replay::jobs::{MAX_CONCURRENCY, Throttle};
        crate::target::check_target(&start.options.to)?;
        let bulk = start.bulk;
        if bulk.concurrency == 0 || bulk.concurrency > MAX_CONCURRENCY {
            return Err(Error::Invalid(format!(
                "concurrency must be 1 to {MAX_CONCURRENCY}, not {}",
                bulk.concurrency
            )));
        }
        if let Some(rate) = bulk.rate
            && !(rate.is_finite() && rate > 0.0)
        {
            return Err(Error::Invalid(format!(
                "rate must be a number of deliveries a second above 0, not {rate}"
            )));
        }
        let store = self.inner.store.clone();
        let ids = match start.ids {
            Some(mut ids) => {
                if ids.len() as u64 > MAX_BULK {
                    return Err(Error::Invalid(format!(
                        "at most {MAX_BULK} deliveries at once"
                    )));
                }
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            None => blocking(move || store.ids_matching(&filter, MAX_BULK)).await?,
        };
        if ids.is_empty() {
            return Err(Error::Invalid(
                "no delivery matches; nothing to replay".into(),
            ));
        }
        let (job, cancel) = self.inner.jobs.create(&start.options.to, ids.len() as u64);
        self.inner
            .writer
            .bus()
            .publish(StreamEvent::Replay { job: job.clone() });
        let control = self.clone();
        let id = job.id;
        let opts = start.options;
        tokio::spawn(async move {
            let inner = &control.inner;
            let endpoints = inner.endpoints.get();
            let ctx = replay::Context {
                endpoints: &endpoints,
                registry: &inner.registry,
            };
            let mut throttle = Throttle::new();
            let report = replay::bulk::replay_many(
                &inner.replay,
                &inner.store,
                &ctx,
                &ids,
                &opts,
                bulk,
                &cancel,
                |p, _| {
                    let job = inner.jobs.update(id, p, false);
                    if throttle.ready()
                        && let Some(job) = job
                    {
                        inner.writer.bus().publish(StreamEvent::Replay { job });
                    }
                },
            )
            .await;
            if let Some(job) = inner.jobs.update(id, &report, true) {
                tracing::info!(
                    job = id,
                    to = %job.to,
                    ok = report.ok,
                    failed = report.failed,
                    skipped = report.skipped,
                    "bulk replay ended"
                );
                inner.writer.bus().publish(StreamEvent::Replay { job });
            }
        });
        Ok(job)
    }

    /// A bulk replay as it stands.
    pub fn replay_job(&self, id: u64) -> Result<ReplayJob> {
        self.inner.jobs.get(id).ok_or(Error::NoReplayJob(id))
    }

    /// The bulk replays running or recently finished, newest first.
    pub fn replay_jobs(&self) -> Vec<ReplayJob> {
        self.inner.jobs.list()
    }

    /// Stops a bulk replay from starting more requests; those in flight finish.
    pub fn cancel_replay(&self, id: u64) -> Result<ReplayJob> {
        self.inner.jobs.cancel(id).ok_or(Error::NoReplayJob(id))
    }

    /// The deliveries `filter` selects (or `ids`), oldest first, written as `format`.
    pub async fn export(
        &self,
        filter: Filter,
        ids: Option<Vec<i64>>,
        format: crate::export::Format,
        opts: crate::export::Options,
    ) -> Result<Vec<u8>> {
        let store = self.inner.store.clone();
        blocking(move || {
            let ids = match ids {
                Some(ids) => ids,
                None => store.ids_matching(&filter, MAX_BULK)?,
            };
            let mut out = Vec::new();
            crate::export::write(&store, &ids, format, &opts, &mut out)?;
            Ok(out)
        })
        .await
    }

    /// Reads a HAR document or Hookscope JSON Lines and stores its deliveries as imported,
    /// decoded and verified with the endpoints in force; returns their ids.
    pub async fn import(&self, bytes: Vec<u8>) -> Result<ImportResult> {
        let items = blocking(move || crate::export::import::parse(&bytes)).await?;
        if items.is_empty() {
            return Err(Error::Invalid("the file holds no deliveries".to_owned()));
        }
        let endpoints = self.inner.endpoints.get();
        let ids = crate::export::import::store(
            items,
            &self.inner.writer,
            &self.inner.registry,
            &endpoints,
        )
        .await?;
        Ok(ImportResult {
            imported: ids.len(),
            ids,
        })
    }

    /// A cURL command that sends delivery `id` again to `to` under `path` (without `to`, to the
    /// URL it reached), byte-exact: the one `hookscope export --format curl` writes.
    pub async fn curl(&self, id: i64, to: Option<String>, path: PathMode) -> Result<CurlCommand> {
        let store = self.inner.store.clone();
        let delivery = blocking(move || store.get(id))
            .await?
            .ok_or(Error::NotFound(id))?;
        let curl = crate::export::curl::command(&delivery, to.as_deref(), path)?;
        Ok(CurlCommand {
            command: curl.command,
            body_file: curl.body_file.map(|(name, _)| name),
        })
    }

    /// The attempts made from one delivery, newest first.
    pub async fn attempts(&self, id: i64) -> Result<Vec<Attempt>> {
        let store = self.inner.store.clone();
        blocking(move || {
            if store.get(id)?.is_none() {
                return Err(Error::NotFound(id));
            }
            store.attempts_for(id, 200)
        })
        .await
    }

    /// The vendor profiles in detection order, with their catalogs.
    pub fn vendors(&self) -> Vec<VendorProfile> {
        self.inner.registry.profiles().cloned().collect()
    }

    /// The endpoints in force.
    pub fn endpoints(&self) -> Vec<EndpointConfig> {
        self.inner.endpoints.get().list.clone()
    }

    /// Replaces the endpoints: validated, written to the config file, in force for the next
    /// delivery, then the stored deliveries they affect are verified again in the background
    /// (`progress` events).
    pub async fn save_endpoints(&self, items: Vec<EndpointConfig>) -> Result<EndpointsSaved> {
        validate_endpoints(&items).map_err(Error::Invalid)?;
        for ep in &items {
            if let Some(vendor) = &ep.vendor
                && self.inner.registry.get(vendor).is_none()
            {
                return Err(Error::Invalid(format!(
                    "endpoint {} names vendor {vendor:?}, which is not a known profile ({})",
                    ep.path,
                    self.known_vendors()
                )));
            }
        }
        let items = retire_secrets(&self.inner.endpoints.get().list, items);
        let path = self.inner.config_path.clone();
        let to_write = items.clone();
        blocking(move || crate::config::write_endpoints(&path, &to_write)).await?;

        let old = self.inner.endpoints.replace(items);
        let new = self.inner.endpoints.get();
        let task = crate::reverify::run(
            self.inner.store.clone(),
            self.inner.writer.clone(),
            self.inner.registry.clone(),
            old,
            new.clone(),
        );
        tokio::spawn(async move {
            match task.await {
                Ok(n) => tracing::info!(updated = n, "stored deliveries re-verified"),
                Err(e) => tracing::error!(error = %e, "re-verification stopped"),
            }
        });
        Ok(EndpointsSaved {
            items: new.list.clone(),
            reverify: Reverify {
                task: crate::reverify::TASK.to_owned(),
                started: true,
            },
        })
    }

    fn known_vendors(&self) -> String {
        let ids: Vec<&str> = self
            .inner
            .registry
            .profiles()
            .map(|p| p.id.as_str())
            .collect();
        ids.join(", ")
    }

    pub fn settings(&self) -> UiSettings {
        let retention = self
            .inner
            .retention
            .read()
            .unwrap_or_else(|e| e.into_inner());
        UiSettings {
            retention: Retention::from(&*retention),
        }
    }

    /// Validates the settings, writes them to the config file (its other settings kept) and puts
    /// them in force from the writer's next commit, which prunes to the new limits.
    pub async fn save_settings(&self, settings: UiSettings) -> Result<UiSettings> {
        let r = &settings.retention;
        if r.max_deliveries == 0 {
            return Err(Error::Invalid(
                "retention.max_deliveries must be at least 1".into(),
            ));
        }
        if r.max_bytes < MIN_RETENTION_BYTES {
            return Err(Error::Invalid(format!(
                "retention.max_bytes must be at least {MIN_RETENTION_BYTES} (1 MiB)"
            )));
        }
        let retention = RetentionConfig {
            max_deliveries: r.max_deliveries,
            max_bytes: ByteSize::b(r.max_bytes),
        };
        let path = self.inner.config_path.clone();
        let written = retention.clone();
        blocking(move || write_retention(&path, &written)).await?;
        self.inner.writer.set_retention(&retention).await?;
        *self
            .inner
            .retention
            .write()
            .unwrap_or_else(|e| e.into_inner()) = retention;
        Ok(settings)
    }

    /// Signs a documented example of the vendor with the secret of the endpoint bound to it (or,
    /// when there is none, a sample secret, so the signature shows as not checked) and posts it
    /// to this instance's own capture listener over HTTP, like any sender's delivery: it goes
    /// through the whole capture path.
    pub async fn send_sample(&self, request: SampleRequest) -> Result<SampleSent> {
        let vendor = match request.vendor {
            Some(v) => v,
            None => sample::vendors(&self.inner.registry)
                .into_iter()
                .next()
                .unwrap_or_default(),
        };
        let endpoints = self.inner.endpoints.get();
        let event = match request.event {
            Some(e) => Some(e),
            None => {
                let events = sample::sample_events(&self.inner.registry, &vendor);
                (!events.is_empty()).then(|| events[request.pick % events.len()].1.clone())
            }
        };
        let built = send::build(
            &self.inner.registry,
            &endpoints.list,
            &send::Wanted {
                vendor: &vendor,
                event: event.as_deref(),
                secret: request.secret.as_deref(),
                tamper: request.tamper,
            },
        )?;
        let (url, path) = match &request.to {
            Some(to) => {
                crate::target::check_target(to)?;
                (to.clone(), to.clone())
            }
            None => {
                let Some(capture_url) = self.inner.capture.status().url else {
                    return Err(Error::Unreachable(
                        "the capture listener is not running, so the sample has nowhere to go"
                            .into(),
                    ));
                };
                let path = endpoints
                    .list
                    .iter()
                    .find(|ep| ep.vendor.as_deref() == Some(vendor.as_str()))
                    .map_or_else(|| format!("/sample/{vendor}"), |ep| ep.path.clone());
                (format!("{}{path}", capture_url.trim_end_matches('/')), path)
            }
        };
        let outgoing = replay::Outgoing {
            delivery_id: None,
            kind: crate::model::AttemptKind::Send,
            method: "POST".to_owned(),
            url: url.clone(),
            headers: built
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
                .collect(),
            body: bytes::Bytes::from(built.body),
            body_changed: true,
            resigned: false,
            event_id: None,
        };
        let mut answers = Vec::new();
        let mut id = None;
        for _ in 0..if request.dup { 2 } else { 1 } {
            let (_, outcome) = self.inner.replay.send(&outgoing).await;
            if request.to.is_none() {
                if let Some(error) = &outcome.error {
                    return Err(Error::Unreachable(format!(
                        "could not post the sample to the capture listener: {error}"
                    )));
                }
                id = id.or_else(|| {
                    serde_json::from_slice::<serde_json::Value>(&outcome.body)
                        .ok()
                        .and_then(|v| v.get("id").and_then(serde_json::Value::as_i64))
                });
            }
            answers.push(SampleAnswer {
                status: outcome.status,
                latency_ms: outcome.latency_us as f64 / 1000.0,
                body: String::from_utf8_lossy(&outcome.body[..outcome.body.len().min(500)])
                    .into_owned(),
                error: outcome.error,
            });
        }
        Ok(SampleSent {
            id,
            vendor: built.vendor,
            event: built.event,
            path,
            url,
            status: answers.first().and_then(|a| a.status).unwrap_or(0),
            signed_with: built.signed_with,
            tampered: request.tamper,
            answers,
        })
    }

    /// Every `(vendor, event)` a sample or test event can be made of.
    pub fn sample_catalog(&self) -> Vec<SampleEvent> {
        send::catalog(&self.inner.registry)
            .into_iter()
            .map(|(vendor, event)| SampleEvent { vendor, event })
            .collect()
    }

    /// Each change as the store commits it, and background tasks' progress. A subscriber that
    /// falls behind gets [`StreamEvent::Lagged`] and should re-read the list.
    pub fn subscribe(&self) -> Subscription {
        self.inner.writer.bus().subscribe()
    }
}

/// Runs a store read (or a file write) off the async threads.
/// Most deliveries one bulk replay sends.
pub const MAX_BULK: u64 = 100_000;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Task(e.to_string()))?
}
