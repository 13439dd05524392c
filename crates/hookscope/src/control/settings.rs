//! Settings the UI changes while the instance runs (retention), and the desktop window's own
//! settings and start-up state as it shows them.

use bytesize::ByteSize;
use serde::{Deserialize, Serialize};

use super::{Control, blocking};
use crate::config::{RetentionConfig, write_retention};
use crate::error::{Error, Result};

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

impl Control {
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
}
