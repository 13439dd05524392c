//! The running instance the window talks to: the core's [`Instance`], its capture listener
//! (which the user can move to another port), the optional control API, and the desktop
//! settings. Everything it does goes through the core; this only holds the pieces.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use hookscope::config::{self, Config, DesktopConfig};
use hookscope::control::{Control, DesktopSettings};
use hookscope::model::CaptureStatus;
use hookscope::server::{ApiListener, CaptureListener, Instance, InstanceSetup};
use hookscope::{Error, Result};
use tokio::sync::Mutex;

/// Where the instance keeps its data, and the config read from it.
pub struct Boot {
    pub data_dir: PathBuf,
    pub config_path: PathBuf,
    pub config: Config,
}

impl Boot {
    /// The data directory (`HOOKSCOPE_DATA_DIR`, else the platform's, shared with `hookscope
    /// serve`), its config file, and `HOOKSCOPE_CAPTURE_ADDR` over the file's capture address.
    pub fn prepare() -> Result<Boot> {
        let data_dir = config::data_dir()?;
        std::fs::create_dir_all(&data_dir).map_err(|source| Error::Io {
            path: data_dir.clone(),
            source,
        })?;
        let config_path = data_dir.join(config::CONFIG_FILE);
        let mut config = Config::load(&config_path, false)?;
        if let Some(addr) = std::env::var("HOOKSCOPE_CAPTURE_ADDR")
            .ok()
            .filter(|a| !a.is_empty())
        {
            config.capture.addr = parse_addr(&addr)?;
        }
        Ok(Boot {
            data_dir,
            config_path,
            config,
        })
    }
}

/// An address as a person types it: `127.0.0.1:8789`, `0.0.0.0:8787`, or just a port.
pub fn parse_addr(text: &str) -> Result<SocketAddr> {
    let text = text.trim();
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    text.parse().map_err(|_| {
        Error::Invalid(format!(
            "{text:?} is not an address; give a port (8789) or IP:PORT (127.0.0.1:8789)"
        ))
    })
}

/// A name for the single-instance lock that differs per data directory, so an instance run
/// beside the user's own (tests, scripts with `HOOKSCOPE_DATA_DIR`) is not taken for it.
pub fn instance_id(identifier: &str, data_dir: &Path) -> String {
    use sha2::Digest;
    let canonical = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_owned());
    let digest = sha2::Sha256::digest(canonical.to_string_lossy().as_bytes());
    // D-Bus name elements may not start with a digit.
    format!("{identifier}.d{}", &hex::encode(digest)[..16])
}

pub struct Desktop {
    pub control: Control,
    boot: Boot,
    instance: Mutex<Option<Instance>>,
    capture: Mutex<Option<CaptureListener>>,
    api: Mutex<Option<ApiListener>>,
    api_error: std::sync::Mutex<Option<String>>,
    settings: std::sync::Mutex<DesktopConfig>,
}

impl Desktop {
    /// Opens the store and starts the capture listener. A capture port that is taken does not
    /// stop the app: the window shows why and offers another (see [`Control::capture`]).
    pub async fn start(boot: Boot) -> Result<Desktop> {
        let instance = Instance::open(InstanceSetup {
            config: boot.config.clone(),
            db: boot.data_dir.join(config::DB_FILE),
            data_dir: boot.data_dir.clone(),
            config_path: boot.config_path.clone(),
        })
        .await?;
        let capture = match instance.listen_capture(boot.config.capture.addr).await {
            Ok(listener) => Some(listener),
            Err(e) => {
                tracing::warn!(error = %e, "the capture listener did not start; the window offers another address");
                None
            }
        };
        let desktop = Desktop {
            control: instance.control.clone(),
            settings: std::sync::Mutex::new(boot.config.desktop.clone()),
            boot,
            instance: Mutex::new(Some(instance)),
            capture: Mutex::new(capture),
            api: Mutex::new(None),
            api_error: std::sync::Mutex::new(None),
        };
        if desktop.settings().api {
            desktop.apply_api(true).await;
        }
        Ok(desktop)
    }

    pub fn settings(&self) -> DesktopConfig {
        self.settings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Moves the capture listener: binds `addr` first (the old one keeps serving if that fails),
    /// then stops the old one and remembers the address in the config file.
    pub async fn move_capture(&self, addr: SocketAddr) -> Result<CaptureStatus> {
        let mut current = self.capture.lock().await;
        if let Some(old) = current.as_ref()
            && old.addr == addr
        {
            return Ok(self.control.capture().status());
        }
        let new = {
            let instance = self.instance.lock().await;
            let instance = instance.as_ref().ok_or(Error::WriterGone)?;
            instance.listen_capture(addr).await?
        };
        if let Some(old) = current.replace(new) {
            old.stop().await;
        }
        let status = self.control.capture().status();
        let path = self.boot.config_path.clone();
        tokio::task::spawn_blocking(move || config::write_capture_addr(&path, addr))
            .await
            .map_err(|e| Error::Task(e.to_string()))??;
        Ok(status)
    }

    /// Saves the desktop settings and applies the API one (the tray is the window's business).
    pub async fn save_settings(&self, new: DesktopConfig) -> Result<DesktopSettings> {
        let path = self.boot.config_path.clone();
        let written = new.clone();
        tokio::task::spawn_blocking(move || config::write_desktop(&path, &written))
            .await
            .map_err(|e| Error::Task(e.to_string()))??;
        *self.settings.lock().unwrap_or_else(|e| e.into_inner()) = new.clone();
        self.apply_api(new.api).await;
        Ok(self.describe().await)
    }

    /// Starts or stops the control API to match `on`; a failure to start is kept for the UI.
    async fn apply_api(&self, on: bool) {
        let mut api = self.api.lock().await;
        let mut error = None;
        match (on, api.is_some()) {
            (true, false) => {
                let instance = self.instance.lock().await;
                if let Some(instance) = instance.as_ref() {
                    let config = &self.boot.config.api;
                    match instance
                        .listen_api(
                            config.addr,
                            config.token.clone(),
                            None,
                            config.mcp_allow_writes,
                        )
                        .await
                    {
                        Ok(listener) => *api = Some(listener),
                        Err(e) => error = Some(e.to_string()),
                    }
                }
            }
            (false, true) => {
                if let Some(listener) = api.take() {
                    listener.stop().await;
                }
            }
            _ => {}
        }
        *self.api_error.lock().unwrap_or_else(|e| e.into_inner()) = error;
    }

    pub async fn describe(&self) -> DesktopSettings {
        let settings = self.settings();
        let api_url = self.api.lock().await.as_ref().map(ApiListener::api_url);
        DesktopSettings {
            tray: settings.tray,
            api: settings.api,
            api_url,
            api_error: self
                .api_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            data_dir: self.boot.data_dir.display().to_string(),
        }
    }

    /// Stops the listeners, letting requests in flight be acknowledged, then the writer once
    /// every delivery is committed.
    pub async fn shutdown(&self) {
        if let Some(api) = self.api.lock().await.take() {
            api.stop().await;
        }
        if let Some(capture) = self.capture.lock().await.take() {
            capture.stop().await;
        }
        if let Some(instance) = self.instance.lock().await.take() {
            instance.shutdown().await;
        }
    }
}
