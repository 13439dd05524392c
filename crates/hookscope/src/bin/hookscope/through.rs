//! Commands that change what a running server holds (an import, a new endpoint) go through its
//! control API, so that it applies the change at once and writes it itself: the lock file names
//! the API, and the token comes from `--api-token`, the config or the data directory.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result, bail};
use hookscope::store::LockHolder;

/// The server holding a store, reachable through its API.
pub struct Running {
    pub api: SocketAddr,
    token: String,
}

impl Running {
    /// The server holding `db`, when one runs and serves a control API; `None` when none holds
    /// it. `what` says what goes through it, for the error when no token is known.
    pub fn find(
        db: &Path,
        token: Option<String>,
        data_dir: &Path,
        what: &str,
    ) -> Result<Option<Running>> {
        let Some(api) = LockHolder::of(db)?.and_then(|h| h.api) else {
            return Ok(None);
        };
        let token = token
            .or_else(|| hookscope::api::saved_token(data_dir))
            .with_context(|| {
                format!(
                    "a server holds {} and {what} goes through its API at {api}, but no token is known: pass --api-token",
                    db.display()
                )
            })?;
        Ok(Some(Running { api, token }))
    }

    /// `method path` with `body` (of `content_type`); the answer's body when it is a 2xx, else
    /// the API's error message.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>> {
        let url = format!("http://{}/api{path}", self.api);
        // The core's own client: no second HTTP stack for a few requests.
        let client = hookscope::replay::Client::new(hookscope::replay::ClientOptions {
            timeout: std::time::Duration::from_secs(600),
            keep_response: 64 * 1024 * 1024,
            ..Default::default()
        });
        let request = hookscope::replay::Outgoing {
            delivery_id: None,
            kind: hookscope::model::AttemptKind::Send,
            method: method.to_owned(),
            url: url.clone(),
            headers: vec![
                (
                    "Authorization".to_owned(),
                    format!("Bearer {}", self.token).into_bytes(),
                ),
                ("Content-Type".to_owned(), content_type.as_bytes().to_vec()),
            ],
            body: body.into(),
            body_changed: true,
            resigned: false,
            event_id: None,
            stale_signature: None,
        };
        let (_, outcome) = client.send(&request).await;
        let Some(status) = outcome.status else {
            bail!(
                "the server holding the store does not answer at {url}: {}",
                outcome.error.unwrap_or_default()
            );
        };
        if (200..300).contains(&status) {
            return Ok(outcome.body);
        }
        let message = serde_json::from_slice::<serde_json::Value>(&outcome.body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("HTTP {status}"));
        if status == 401 {
            bail!(
                "the server at {} refused the API token: pass --api-token with the one it was started with ({message})",
                self.api
            );
        }
        bail!("the server at {} refused: {message}", self.api)
    }

    /// `method path` with a JSON body (or none), its answer read as `T`.
    pub async fn json<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T> {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let answer = self.call(method, path, "application/json", bytes).await?;
        serde_json::from_slice(&answer).with_context(|| {
            format!(
                "the server at {} answered {method} {path} with something else",
                self.api
            )
        })
    }
}
