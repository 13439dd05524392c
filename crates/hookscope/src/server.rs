//! Runs one instance: the store and its writer, the capture listener and, when asked, the control
//! API. `hookscope serve` starts all three ([`Server`]); the desktop app opens an [`Instance`],
//! starts the capture listener (moving it when its port is taken) and talks to [`Control`]
//! directly, with no API listener unless the user turns it on. Shutdown lets requests in flight
//! finish, so every delivery that was acknowledged is committed, then stops the writer.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::{self, AllowedHosts, ApiState};
use crate::capture::{self, CaptureState};
use crate::config::{Config, LiveEndpoints};
use crate::control::{Control, Parts, WeakControl};
use crate::error::{Error, Result};
use crate::model::CaptureStatus;
use crate::net;
use crate::profile::{LiveRegistry, Registry};
use crate::replay::forward::{Backlog, ForwardLimits, Forwarded, Forwarder};
use crate::rules::{LiveRules, ReloadSource, RuleSet, RuleSources};
use crate::store::{ServeLock, Store, Writer, WriterThread};

/// Folder of the data directory holding the user's vendor profiles (`*.json`).
pub const VENDORS_DIR: &str = "vendors";

/// How long the API's open connections (event streams) get once shutdown starts.
const API_GRACE: Duration = Duration::from_secs(3);

/// How often the config file is looked at for changed rules.
const RULES_POLL: Duration = Duration::from_millis(500);

/// The config's rules compiled, or why they cannot be: a pattern or template that does not
/// compile, or a vendor no profile has (the rule could never match).
fn compile_rules(config: &Config, profiles: &Registry) -> std::result::Result<RuleSet, String> {
    let vendors: Vec<String> = profiles.profiles().map(|p| p.id.clone()).collect();
    RuleSet::compile(&RuleSources::of(&config.rules, &config.endpoints), &vendors)
        .map_err(|e| e.to_string())
}

/// Puts the rules of `path` in force whenever the file changes, until the instance's control is
/// dropped. Each delivery is decided by one whole set, the old or the new; a file that does not
/// load or compile leaves the rules in force, and the reload status and the log say why.
async fn watch_rules(path: PathBuf, control: WeakControl) {
    let stamp = |p: &std::path::Path| {
        std::fs::metadata(p)
            .ok()
            .map(|m| (m.modified().ok(), m.len()))
    };
    let mut seen = stamp(&path);
    let mut tick = tokio::time::interval(RULES_POLL);
    loop {
        tick.tick().await;
        let Some(control) = control.upgrade() else {
            return;
        };
        let now = stamp(&path);
        if now == seen || now.is_none() {
            seen = now;
            continue;
        }
        seen = now;
        // A failure is recorded (and logged) by the reload itself.
        let _ = control.reload_rules(ReloadSource::File).await;
    }
}

/// Where an instance keeps its data and how it is configured.
#[derive(Debug, Clone)]
pub struct InstanceSetup {
    pub config: Config,
    /// The database file.
    pub db: PathBuf,
    /// Holds the API token file when no token is given, and the vendor profiles.
    pub data_dir: PathBuf,
    /// The config file endpoint and settings changes are written to.
    pub config_path: PathBuf,
}

/// The store, its writer and the operations over them, without listeners.
pub struct Instance {
    pub control: Control,
    pub config: Arc<Config>,
    data_dir: PathBuf,
    capture_state: Arc<CaptureState>,
    /// The live forwards' sender, watched for their results.
    forwarder: Forwarder,
    writer: Writer,
    writer_thread: Option<WriterThread>,
    lock: Arc<ServeLock>,
}

impl Instance {
    /// Takes the database's lock (one instance per database), opens the store, starts its writer
    /// and loads the vendor profiles.
    pub async fn open(setup: InstanceSetup) -> Result<Instance> {
        let InstanceSetup {
            config,
            db,
            data_dir,
            config_path,
        } = setup;
        let lock = ServeLock::acquire(&db)?;
        let store = {
            let db = db.clone();
            tokio::task::spawn_blocking(move || Store::open(&db))
                .await
                .map_err(|e| Error::Task(e.to_string()))??
        };
        let vendors_dir = data_dir.join(VENDORS_DIR);
        let loaded = Registry::load(&vendors_dir)?;
        for ep in &config.endpoints {
            if let Some(vendor) = &ep.vendor
                && loaded.get(vendor).is_none()
            {
                let known: Vec<&str> = loaded.profiles().map(|p| p.id.as_str()).collect();
                return Err(Error::Config {
                    path: config_path,
                    message: format!(
                        "endpoint {} names vendor {vendor:?}, which is not a known profile ({})",
                        ep.path,
                        known.join(", ")
                    ),
                });
            }
        }
        let rules = compile_rules(&config, &loaded).map_err(|message| Error::Config {
            path: config_path.clone(),
            message,
        })?;
        let registry = Arc::new(LiveRegistry::new(loaded));
        let ack = crate::ack::AckIds::load_or_create(&data_dir)?;
        let (writer, writer_thread) =
            store.start_writer(config.store.durability, &config.retention)?;
        let endpoints = Arc::new(LiveEndpoints::new(config.endpoints.clone()));
        let config = Arc::new(config);
        let forwarder = Forwarder::new(
            store.clone(),
            writer.bus().clone(),
            ForwardLimits {
                concurrency: config.capture.forward_concurrency,
                queue: config.capture.forward_queue,
            },
        );
        let capture_state = Arc::new(CaptureState {
            config: config.clone(),
            endpoints: endpoints.clone(),
            writer: writer.clone(),
            registry: registry.clone(),
            forwarder: Arc::new(forwarder.clone()),
            in_flight: Arc::default(),
            ack: ack.clone(),
            rules: Arc::new(LiveRules::new(rules)),
        });
        let control = Control::new(Parts {
            store,
            writer: writer.clone(),
            registry,
            vendors_dir,
            endpoints,
            config_path: config_path.clone(),
            retention: config.retention.clone(),
            forward: config.capture.forward.clone(),
            ack,
            rules: capture_state.rules.clone(),
        });
        tokio::spawn(watch_rules(config_path.clone(), control.downgrade()));
        Ok(Instance {
            control,
            config,
            data_dir,
            capture_state,
            forwarder,
            writer,
            writer_thread: Some(writer_thread),
            lock: Arc::new(lock),
        })
    }

    /// Binds the capture listener on `addr` and starts serving. The outcome is also recorded in
    /// [`Control::capture`]: listening, or the reason it is not and a free address to offer.
    pub async fn listen_capture(&self, addr: SocketAddr) -> Result<CaptureListener> {
        let listener = match net::bind(addr, "capture", "--capture").await {
            Ok(listener) => listener,
            Err(e) => {
                let (error, suggestion) = match &e {
                    Error::AddrInUse { .. } => (
                        format!(
                            "{addr} is already in use by another program (or another Hookscope)"
                        ),
                        net::free_near(addr).await.map(|a| a.to_string()),
                    ),
                    other => (other.to_string(), None),
                };
                self.control.capture().set(CaptureStatus {
                    addr: addr.to_string(),
                    url: None,
                    listening: false,
                    error: Some(error),
                    suggestion,
                    forward: None,
                });
                return Err(e);
            }
        };
        let bound = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(capture::serve(
            listener,
            self.capture_state.clone(),
            wait(stopped),
        ));
        self.control.capture().set(CaptureStatus {
            addr: bound.to_string(),
            url: Some(capture_url(bound)),
            listening: true,
            error: None,
            suggestion: None,
            forward: self.config.capture.forward.as_ref().map(|f| f.to.clone()),
        });
        Ok(CaptureListener {
            addr: bound,
            stop,
            task,
            control: self.control.clone(),
        })
    }

    /// Binds the control API on `addr` (with `token`, or the one kept in the data directory)
    /// and serves it, with the UI from `ui_dir` at `/`.
    pub async fn listen_api(
        &self,
        addr: SocketAddr,
        token: Option<String>,
        ui_dir: Option<PathBuf>,
        mcp_writes: bool,
    ) -> Result<ApiListener> {
        let listener = net::bind(addr, "API", "--api").await?;
        let bound = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        let token = match token {
            Some(token) => token,
            None => api::load_or_create_token(&self.data_dir)?,
        };
        let sessions = Arc::new(crate::api::session::Sessions::new(&token));
        let state = ApiState {
            control: self.control.clone(),
            token: token.as_str().into(),
            allowed: AllowedHosts::for_addr(bound),
            ui_dir,
            sessions: sessions.clone(),
            mcp_writes,
        };
        // Commands that write (`hookscope import`) find the API here and go through it.
        if let Err(e) = self.lock.advertise_api(bound) {
            tracing::warn!(error = %e, "the lock file cannot name the API");
        }
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, api::router(state))
                .with_graceful_shutdown(wait(stopped.clone()));
            let deadline = async move {
                wait(stopped).await;
                tokio::time::sleep(API_GRACE).await;
            };
            tokio::select! {
                result = serve => if let Err(e) = result {
                    tracing::error!(error = %e, "the API listener failed");
                },
                () = deadline => {}
            }
        });
        Ok(ApiListener {
            addr: bound,
            token,
            sessions,
            stop,
            task,
            lock: self.lock.clone(),
        })
    }

    /// Stops the writer once every queued delivery is committed. Stop the listeners first.
    pub async fn shutdown(mut self) {
        self.writer.close().await;
        if let Some(thread) = self.writer_thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

/// A running capture listener.
pub struct CaptureListener {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    control: Control,
}

impl CaptureListener {
    /// Stops accepting and waits for the requests in flight to be acknowledged.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "the capture listener task failed");
        }
        let mut status = self.control.capture().status();
        if status.addr == self.addr.to_string() {
            status.url = None;
            status.listening = false;
            self.control.capture().set(status);
        }
    }
}

/// A running control API listener.
pub struct ApiListener {
    pub addr: SocketAddr,
    pub token: String,
    sessions: Arc<crate::api::session::Sessions>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    lock: Arc<ServeLock>,
}

impl ApiListener {
    /// The API's base URL, with the token, for a browser.
    pub fn api_url(&self) -> String {
        format!(
            "http://{}/api?token={}",
            loopback_view(self.addr),
            self.token
        )
    }

    /// The UI's address for a browser, with a one-time code that signs it in (good for ten
    /// minutes, once): the token itself never reaches the browser.
    pub fn ui_url(&self) -> String {
        format!(
            "http://{}/?code={}",
            loopback_view(self.addr),
            self.sessions.mint()
        )
    }

    /// Stops accepting; open event streams get a short grace period.
    pub async fn stop(self) {
        if let Err(e) = self.lock.withdraw_api() {
            tracing::warn!(error = %e, "the lock file still names the stopped API");
        }
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// What `hookscope serve` runs: an instance with both listeners.
pub struct Server {
    pub capture_addr: SocketAddr,
    pub api_addr: SocketAddr,
    pub token: String,
    pub store: Store,
    pub writer: Writer,
    instance: Instance,
    capture: CaptureListener,
    api: ApiListener,
}

impl Server {
    /// Opens the store, binds both listeners and starts serving.
    pub async fn start(setup: InstanceSetup) -> Result<Server> {
        let instance = Instance::open(setup).await?;
        let config = instance.config.clone();
        let capture = instance.listen_capture(config.capture.addr).await?;
        let ui_dir = config.api.ui.clone().or_else(api::ui::default_dir);
        let api = instance
            .listen_api(
                config.api.addr,
                config.api.token.clone(),
                ui_dir,
                config.api.mcp_allow_writes,
            )
            .await?;
        Ok(Server {
            capture_addr: capture.addr,
            api_addr: api.addr,
            token: api.token.clone(),
            store: instance.control.store().clone(),
            writer: instance.writer.clone(),
            instance,
            capture,
            api,
        })
    }

    /// The instance's operations (what the control API calls).
    pub fn control(&self) -> &Control {
        &self.instance.control
    }

    /// Each live forward's result from now on.
    pub fn forwards(&self) -> tokio::sync::broadcast::Receiver<Forwarded> {
        self.instance.forwarder.watch()
    }

    /// Tells, each time it is called, the forward targets whose full queue kept forwards from
    /// being sent since the last call (one watcher takes the counts).
    pub fn forward_backlog(&self) -> impl Fn() -> Vec<Backlog> + Send + 'static {
        let forwarder = self.instance.forwarder.clone();
        move || forwarder.take_backlog()
    }

    /// The capture listener's base URL.
    pub fn capture_url(&self) -> String {
        capture_url(self.capture_addr)
    }

    /// The control API's base URL, with the token, for a browser.
    pub fn api_url(&self) -> String {
        self.api.api_url()
    }

    /// The UI's address, with the token, for a browser.
    pub fn ui_url(&self) -> String {
        self.api.ui_url()
    }

    /// Stops accepting, lets requests in flight finish and be stored, then stops the writer.
    pub async fn shutdown(self) {
        // Event streams start their grace period while the capture drains.
        let _ = self.api.stop.send(true);
        self.capture.stop().await;
        self.instance.shutdown().await;
        self.api.stop().await;
    }
}

async fn wait(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

fn capture_url(addr: SocketAddr) -> String {
    format!("http://{}/", loopback_view(addr))
}

/// An address as a local client reaches it: 0.0.0.0 and [::] become loopback.
fn loopback_view(addr: SocketAddr) -> SocketAddr {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    addr
}
