//! The operations the UI uses, as plain async functions over one running instance: list, read,
//! pin and delete deliveries, replay them, change endpoints and settings, send a sample, export
//! and import, follow the event stream, and see the capture listener's state. The control API
//! ([`crate::api`]) and the desktop shell's Tauri commands are thin adapters over [`Control`],
//! so the browser build and the desktop build cannot drift. Its files mirror `api/`'s. Nothing
//! here knows HTTP routing or windows.

mod capture;
mod checks;
mod deliveries;
mod endpoints;
mod export;
mod replay;
mod rules;
mod samples;
pub mod schemas;
mod settings;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

pub use capture::CaptureWatch;
pub use deliveries::resolve_filter;
pub use endpoints::{EndpointsSaved, Reverify};
pub use rules::{RulesChecked, RulesInForce, TryRules, try_on_delivery};
pub use samples::{SampleAnswer, SampleRequest, SampleSent};
pub use schemas::{LearnedSchema, SchemaFormat, SchemaSummary};
pub use settings::{DesktopSettings, Retention, Startup, UiSettings};

use crate::config::{LiveEndpoints, RetentionConfig};
use crate::error::{Error, Result};
use crate::events::Subscription;
use crate::model::{SearchProgress, ServerInfo};
use crate::profile::{LiveRegistry, Registry};
use crate::sample;
use crate::store::{Store, Writer};

/// One running instance's operations. Cheap to clone.
#[derive(Clone)]
pub struct Control {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    writer: Writer,
    registry: Arc<LiveRegistry>,
    /// Where imported vendor profiles are written; one import at a time.
    vendors_dir: PathBuf,
    importing: tokio::sync::Mutex<()>,
    endpoints: Arc<LiveEndpoints>,
    /// Where endpoint and settings changes are written.
    config_path: PathBuf,
    retention: RwLock<RetentionConfig>,
    forward: Option<crate::config::ForwardConfig>,
    capture: CaptureWatch,
    /// For replays and test sends: one connection pool to the user's targets.
    client: crate::replay::Client,
    /// Bulk replays started here, running or recently finished.
    jobs: crate::replay::jobs::Jobs,
    /// Handler checks running here, by run id: what stops each.
    checks: std::sync::Mutex<std::collections::HashMap<i64, tokio_util::sync::CancellationToken>>,
    /// The last body whose content coding a detail read undid (by delivery id), and the lock
    /// that lets one decoding run at a time.
    decoded: DecodedCache,
    /// Senders' opaque ids for deliveries, and back.
    ack: crate::ack::AckIds,
    /// The rules in force, shared with capture; one save or reload at a time.
    rules: Arc<crate::rules::LiveRules>,
    rules_saving: tokio::sync::Mutex<()>,
}

/// A [`Control`] that does not keep its instance open.
#[derive(Clone)]
pub struct WeakControl(std::sync::Weak<Inner>);

impl WeakControl {
    /// The control, while its instance is open.
    pub fn upgrade(&self) -> Option<Control> {
        self.0.upgrade().map(|inner| Control { inner })
    }
}

type DecodedCache =
    Arc<std::sync::Mutex<Option<(i64, Option<Arc<crate::content_coding::DecodedBody>>)>>>;

/// What [`Control::new`] is built from.
pub struct Parts {
    pub store: Store,
    pub writer: Writer,
    pub registry: Arc<LiveRegistry>,
    /// The data directory's `vendors/`: where imported profiles are written.
    pub vendors_dir: PathBuf,
    pub endpoints: Arc<LiveEndpoints>,
    pub config_path: PathBuf,
    pub retention: RetentionConfig,
    /// The forward for every delivery (`serve --forward-to`), fixed while the server runs.
    pub forward: Option<crate::config::ForwardConfig>,
    /// What the capture port tells senders their deliveries are.
    pub ack: crate::ack::AckIds,
    /// The rules in force, as capture decides with them.
    pub rules: Arc<crate::rules::LiveRules>,
}

impl Control {
    pub fn new(parts: Parts) -> Control {
        Control {
            inner: Arc::new(Inner {
                store: parts.store,
                writer: parts.writer,
                registry: parts.registry,
                vendors_dir: parts.vendors_dir,
                importing: tokio::sync::Mutex::new(()),
                endpoints: parts.endpoints,
                config_path: parts.config_path,
                retention: RwLock::new(parts.retention),
                forward: parts.forward,
                capture: CaptureWatch::default(),
                client: crate::replay::Client::new(crate::replay::ClientOptions::default()),
                jobs: crate::replay::jobs::Jobs::default(),
                checks: std::sync::Mutex::default(),
                decoded: DecodedCache::default(),
                ack: parts.ack,
                rules: parts.rules,
                rules_saving: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// A handle that does not keep the instance open: for background tasks that end with it.
    pub fn downgrade(&self) -> WeakControl {
        WeakControl(Arc::downgrade(&self.inner))
    }

    /// Senders' opaque ids: a delivery's, or the delivery one names.
    pub fn ack_ids(&self) -> &crate::ack::AckIds {
        &self.inner.ack
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
            samples: sample::vendors(&self.registry()),
            forwards: self.forwards(),
            disk: self.disk(),
        })
    }

    /// Room on the store's disk, read now.
    pub fn disk(&self) -> crate::model::DiskInfo {
        let disk = self.inner.writer.disk();
        let free_bytes = disk.available();
        crate::model::DiskInfo {
            full: disk.is_full(),
            free_bytes,
            search_paused: disk.is_full()
                || free_bytes.is_some_and(|free| free < crate::store::INDEX_ROOM),
            dir: disk
                .dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
        }
    }

    /// Every forward in force now: the one for every delivery, then each endpoint's own.
    pub fn forwards(&self) -> Vec<crate::model::ForwardInForce> {
        use crate::model::ForwardInForce;
        let global = self.inner.forward.clone();
        let endpoints = self.inner.endpoints.get();
        global
            .into_iter()
            .map(|f| ForwardInForce {
                endpoint: None,
                to: f.to,
                pass_through: f.pass_through,
            })
            .chain(endpoints.list.iter().filter_map(|e| {
                e.forward.as_ref().map(|f| ForwardInForce {
                    endpoint: Some(e.path.clone()),
                    to: f.to.clone(),
                    pass_through: f.pass_through,
                })
            }))
            .collect()
    }

    /// Each change as the store commits it, and background tasks' progress. A subscriber that
    /// falls behind gets [`StreamEvent::Lagged`] and should re-read the list.
    pub fn subscribe(&self) -> Subscription {
        self.inner.writer.bus().subscribe()
    }

    /// What sends stored deliveries again, with the endpoints in force now.
    fn replayer(&self) -> crate::replay::bulk::Replayer {
        crate::replay::bulk::Replayer {
            client: self.inner.client.clone(),
            store: self.inner.store.clone(),
            registry: self.registry(),
            endpoints: self.inner.endpoints.get(),
            events: Some(self.inner.writer.bus().clone()),
        }
    }
}

impl Control {
    /// The vendor profiles in force now.
    fn registry(&self) -> Arc<Registry> {
        self.inner.registry.current()
    }
}

/// Most deliveries one bulk replay or export takes.
pub const MAX_BULK: u64 = 100_000;

/// Runs a store read (or a file write) off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Task(e.to_string()))?
}
