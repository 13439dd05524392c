//! The endpoints in force while the server runs: which endpoint a path belongs to (the longest
//! segment prefix), swapped whole when the user edits them, and the secrets an edit retires.

use std::sync::{Arc, RwLock};

use super::EndpointConfig;

impl EndpointConfig {
    /// Whether a delivery's signature check or decoding could differ between the two.
    pub fn inspects_like(a: Option<&EndpointConfig>, b: Option<&EndpointConfig>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.path == b.path
                    && a.vendor == b.vendor
                    && a.secrets == b.secrets
                    && a.signature == b.signature
            }
            _ => false,
        }
    }
}

/// Most retired secrets kept per endpoint.
pub const MAX_RETIRED_SECRETS: usize = 5;

/// `new` with the secrets `old` had and `new` dropped added to its retired ones, newest first.
pub fn retire_secrets(old: &[EndpointConfig], mut new: Vec<EndpointConfig>) -> Vec<EndpointConfig> {
    for ep in &mut new {
        let Some(before) = old.iter().find(|o| o.path == ep.path) else {
            continue;
        };
        let dropped = before.secrets.iter().filter(|s| !ep.secrets.contains(s));
        let mut retired: Vec<String> = Vec::new();
        for s in dropped
            .chain(&ep.retired_secrets)
            .chain(&before.retired_secrets)
        {
            if !ep.secrets.contains(s) && !retired.contains(s) {
                retired.push(s.clone());
            }
        }
        retired.truncate(MAX_RETIRED_SECRETS);
        ep.retired_secrets = retired;
    }
    new
}

/// The endpoints in force, swapped whole when the user edits them while the server runs.
#[derive(Debug, Default)]
pub struct Endpoints {
    pub list: Vec<EndpointConfig>,
    /// Every configured secret with the endpoint it belongs to, for the signature doctor.
    pub all_secrets: Vec<(String, String)>,
}

impl Endpoints {
    pub fn new(list: Vec<EndpointConfig>) -> Self {
        let all_secrets = list
            .iter()
            .flat_map(|ep| {
                let current = ep
                    .secrets
                    .iter()
                    .map(move |s| (format!("endpoint {}", ep.path), s.clone()));
                let retired = ep.retired_secrets.iter().map(move |s| {
                    (
                        format!("endpoint {} before it was rotated out", ep.path),
                        s.clone(),
                    )
                });
                current.chain(retired)
            })
            .collect();
        Endpoints { list, all_secrets }
    }

    /// The endpoint whose prefix is the longest match for `path`.
    pub fn matching(&self, path: &str) -> Option<&EndpointConfig> {
        self.index(path).map(|i| &self.list[i])
    }

    /// Position in `list` of the longest prefix matching `path`.
    pub fn index(&self, path: &str) -> Option<usize> {
        self.list
            .iter()
            .enumerate()
            .filter(|(_, ep)| prefix_matches(&ep.path, path))
            .max_by_key(|(_, ep)| ep.path.len())
            .map(|(i, _)| i)
    }

    /// The endpoint with exactly this prefix.
    pub fn by_path(&self, prefix: &str) -> Option<&EndpointConfig> {
        self.list.iter().find(|ep| ep.path == prefix)
    }
}

/// The current [`Endpoints`], readable from every request and replaceable as a whole.
#[derive(Debug, Default)]
pub struct LiveEndpoints(RwLock<Arc<Endpoints>>);

impl LiveEndpoints {
    pub fn new(list: Vec<EndpointConfig>) -> Self {
        LiveEndpoints(RwLock::new(Arc::new(Endpoints::new(list))))
    }

    pub fn get(&self) -> Arc<Endpoints> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Installs `list`; returns what was in force before.
    pub fn replace(&self, list: Vec<EndpointConfig>) -> Arc<Endpoints> {
        let new = Arc::new(Endpoints::new(list));
        std::mem::replace(&mut *self.0.write().unwrap_or_else(|e| e.into_inner()), new)
    }
}

/// Whether `prefix` matches `path` by whole segments (`/hooks/a` matches `/hooks/a/b`, not
/// `/hooks/ab`).
pub fn prefix_matches(prefix: &str, path: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return true;
    }
    match path.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}
