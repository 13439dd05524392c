//! Where an outgoing request goes: a target URL checked once, and how a delivery's path and
//! query map onto it (replay, live forwarding, `hookscope send`, cURL export). A leaf: it knows
//! URLs and nothing of deliveries, endpoints or the store.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a delivery's path maps onto the target URL.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PathMode {
    /// The target URL as given (a handler listens on one URL).
    #[default]
    Target,
    /// The target URL followed by the part of the delivery's path after its endpoint's prefix,
    /// and its query.
    Suffix,
    /// The target URL followed by the delivery's whole path and query.
    Full,
}

impl PathMode {
    pub fn parse(text: &str) -> Option<PathMode> {
        Some(match text {
            "target" => PathMode::Target,
            "suffix" => PathMode::Suffix,
            "full" => PathMode::Full,
            _ => return None,
        })
    }
}

/// Checks that `to` is an absolute http(s) URL with a host.
pub fn check_target(to: &str) -> Result<()> {
    let base: http::Uri = to
        .parse()
        .map_err(|e| Error::Invalid(format!("the target {to:?} is not a URL: {e}")))?;
    match base.scheme_str() {
        Some("http" | "https") => {}
        _ => {
            return Err(Error::Invalid(format!(
                "the target {to:?} must start with http:// or https://"
            )));
        }
    }
    if base.host().is_none() {
        return Err(Error::Invalid(format!("the target {to:?} has no host")));
    }
    Ok(())
}

/// The path and query a request came with, and the endpoint prefix it matched.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub endpoint: Option<&'a str>,
}

/// The URL a request with `origin`'s path and query goes to under `mode`.
pub fn target_url_for(to: &str, mode: PathMode, origin: Origin<'_>) -> Result<String> {
    check_target(to)?;
    let path = match mode {
        PathMode::Target => return Ok(to.to_owned()),
        PathMode::Full => origin.path,
        PathMode::Suffix => origin
            .endpoint
            .and_then(|prefix| origin.path.strip_prefix(prefix.trim_end_matches('/')))
            .unwrap_or(origin.path),
    };
    // The path goes before the target's own query; the two queries are joined.
    let (base, target_query) = match to.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (to, None),
    };
    let mut url = base.trim_end_matches('/').to_owned();
    if !path.is_empty() && !path.starts_with('/') {
        url.push('/');
    }
    url.push_str(path);
    let queries: Vec<&str> = [target_query, origin.query]
        .into_iter()
        .flatten()
        .filter(|q| !q.is_empty())
        .collect();
    if !queries.is_empty() {
        url.push('?');
        url.push_str(&queries.join("&"));
    }
    Ok(url)
}
