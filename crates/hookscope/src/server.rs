//! Runs the capture listener and the control API together over one store: what `hookscope serve`
//! and the desktop app start. Shutdown lets requests in flight finish, so every delivery that was
//! acknowledged is committed, then stops the writer.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::{self, AllowedHosts, ApiState};
use crate::capture::{self, CaptureState};
use crate::config::{Config, LiveEndpoints};
use crate::error::Result;
use crate::net;
use crate::store::{ServeLock, Store, Writer, WriterThread};
use crate::vendor::Registry;

/// Folder of the data directory holding the user's vendor profiles (`*.json`).
pub const VENDORS_DIR: &str = "vendors";

/// How long the API's open connections (event streams) get once shutdown starts.
const API_GRACE: Duration = Duration::from_secs(3);

/// Where a server keeps its data and how it is configured.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    /// The database file.
    pub db: PathBuf,
    /// Holds the API token file when no token is given.
    pub data_dir: PathBuf,
    /// The config file endpoint changes are written to.
    pub config_path: PathBuf,
}

/// A running server. Dropping it without [`Server::shutdown`] leaves its tasks running until the
/// runtime stops.
pub struct Server {
    pub capture_addr: SocketAddr,
    pub api_addr: SocketAddr,
    pub token: String,
    pub store: Store,
    pub writer: Writer,
    stop: watch::Sender<bool>,
    capture_task: JoinHandle<()>,
    api_task: JoinHandle<()>,
    writer_thread: Option<WriterThread>,
    _lock: ServeLock,
}

impl Server {
    /// Opens the store, binds both listeners and starts serving.
    pub async fn start(settings: Settings) -> Result<Server> {
        let Settings {
            config,
            db,
            data_dir,
            config_path,
        } = settings;
        let lock = ServeLock::acquire(&db)?;
        let store = {
            let db = db.clone();
            tokio::task::spawn_blocking(move || Store::open(&db))
                .await
                .expect("store open does not panic")?
        };
        let capture_listener = net::bind(config.capture.addr, "capture", "--capture").await?;
        let api_listener = net::bind(config.api.addr, "API", "--api").await?;
        let capture_addr = capture_listener
            .local_addr()
            .map_err(|source| crate::Error::Bind {
                addr: config.capture.addr,
                source,
            })?;
        let api_addr = api_listener
            .local_addr()
            .map_err(|source| crate::Error::Bind {
                addr: config.api.addr,
                source,
            })?;
        let token = match &config.api.token {
            Some(token) => token.clone(),
            None => api::load_or_create_token(&data_dir)?,
        };
        let (writer, writer_thread) =
            store.start_writer(config.store.durability, &config.retention)?;

        let (stop, stopped) = watch::channel(false);
        let wait = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let registry = Arc::new(Registry::load(&data_dir.join(VENDORS_DIR))?);
        for ep in &config.endpoints {
            if let Some(vendor) = &ep.vendor
                && registry.get(vendor).is_none()
            {
                let known: Vec<&str> = registry.profiles().map(|p| p.id.as_str()).collect();
                return Err(crate::Error::Config {
                    path: data_dir.join(crate::config::CONFIG_FILE),
                    message: format!(
                        "endpoint {} names vendor {vendor:?}, which is not a known profile ({})",
                        ep.path,
                        known.join(", ")
                    ),
                });
            }
        }
        let endpoints = Arc::new(LiveEndpoints::new(config.endpoints.clone()));
        let config = Arc::new(config);
        let capture_state = Arc::new(CaptureState {
            config: config.clone(),
            endpoints: endpoints.clone(),
            writer: writer.clone(),
            registry: registry.clone(),
        });
        let capture_task = tokio::spawn(capture::serve(
            capture_listener,
            capture_state,
            wait(stopped.clone()),
        ));

        let api_state = ApiState {
            store: store.clone(),
            writer: writer.clone(),
            token: token.as_str().into(),
            allowed: AllowedHosts::for_addr(api_addr),
            capture_url: capture_url(capture_addr).into(),
            registry,
            endpoints,
            config_path,
            ui_dir: config.api.ui.clone().or_else(api::ui::default_dir),
            retention: Arc::new(std::sync::RwLock::new(config.retention.clone())),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap_or_default(),
        };
        let api_stopped = stopped.clone();
        let api_task = tokio::spawn(async move {
            let serve = axum::serve(api_listener, api::router(api_state))
                .with_graceful_shutdown(wait(api_stopped.clone()));
            let deadline = async move {
                wait(api_stopped).await;
                tokio::time::sleep(API_GRACE).await;
            };
            tokio::select! {
                result = serve => if let Err(e) = result {
                    tracing::error!(error = %e, "the API listener failed");
                },
                () = deadline => {}
            }
        });

        Ok(Server {
            capture_addr,
            api_addr,
            token,
            store,
            writer,
            stop,
            capture_task,
            api_task,
            writer_thread: Some(writer_thread),
            _lock: lock,
        })
    }

    /// The capture listener's base URL.
    pub fn capture_url(&self) -> String {
        capture_url(self.capture_addr)
    }

    /// The control API's base URL, with the token, for a browser.
    pub fn api_url(&self) -> String {
        format!(
            "http://{}/api/?token={}",
            loopback_view(self.api_addr),
            self.token
        )
    }

    /// The UI's address, with the token, for a browser.
    pub fn ui_url(&self) -> String {
        format!(
            "http://{}/?token={}",
            loopback_view(self.api_addr),
            self.token
        )
    }

    /// Stops accepting, lets requests in flight finish and be stored, then stops the writer.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Err(e) = (&mut self.capture_task).await {
            tracing::error!(error = %e, "the capture listener task failed");
        }
        self.writer.close().await;
        if let Some(thread) = self.writer_thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        let _ = (&mut self.api_task).await;
    }
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
