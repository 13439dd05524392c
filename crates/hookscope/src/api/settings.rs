//! `/api/settings`: settings the UI changes while the server runs: retention (how many
//! deliveries, and how many bytes of them, are kept). A change is validated, written to the
//! config file (its other settings kept), and in force from the writer's next commit, which
//! prunes to the new limits.

use axum::Json;
use axum::extract::State;
use bytesize::ByteSize;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiError, ApiState};
use crate::config::{RetentionConfig, write_retention};

/// The smallest byte limit accepted: below it a single large delivery could not be kept.
const MIN_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Settings {
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

pub(super) async fn get(State(state): State<ApiState>) -> Json<Settings> {
    let retention = Retention::from(&*state.retention.read().unwrap_or_else(|e| e.into_inner()));
    Json(Settings { retention })
}

pub(super) async fn put(
    State(state): State<ApiState>,
    body: Result<Json<Settings>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Settings>, ApiError> {
    let Json(settings) = body.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let r = &settings.retention;
    if r.max_deliveries == 0 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "retention.max_deliveries must be at least 1",
        ));
    }
    if r.max_bytes < MIN_BYTES {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("retention.max_bytes must be at least {MIN_BYTES} (1 MiB)"),
        ));
    }
    let retention = RetentionConfig {
        max_deliveries: r.max_deliveries,
        max_bytes: ByteSize::b(r.max_bytes),
    };
    let path = state.config_path.clone();
    let written = retention.clone();
    tokio::task::spawn_blocking(move || write_retention(&path, &written))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot write the config file: {e}"),
            )
        })?;
    state.writer.set_retention(&retention).await?;
    *state.retention.write().unwrap_or_else(|e| e.into_inner()) = retention;
    Ok(Json(settings))
}
