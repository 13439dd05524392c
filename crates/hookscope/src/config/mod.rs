//! Settings: where the data lives, what the listeners bind, limits, retention and per-endpoint
//! responses. Read from `hookscope.toml` in the data directory (or `--config FILE`); command-line
//! flags and `HOOKSCOPE_*` variables override the file. This file holds the file's schema and
//! its validation; [`endpoints`] routes a path to its endpoint while the server runs, and
//! [`file`] writes changes back into the file, keeping the user's comments. It never opens
//! sockets or the database.

mod endpoints;
mod file;
pub mod private;
mod rules;
mod values;

pub use endpoints::{
    Endpoints, LiveEndpoints, MAX_RETIRED_SECRETS, prefix_matches, retire_secrets,
};
pub use file::{write_capture_addr, write_desktop, write_endpoints, write_retention, write_rules};
pub use rules::{Arrival, RuleConfig, RuleDo, RuleFault, RuleMatch, check_rule, check_rules};

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytesize::ByteSize;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const DEFAULT_CAPTURE_ADDR: &str = "127.0.0.1:8787";
pub const DEFAULT_API_ADDR: &str = "127.0.0.1:8788";
pub const DB_FILE: &str = "hookscope.db";
pub const CONFIG_FILE: &str = "hookscope.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub capture: CaptureConfig,
    pub api: ApiConfig,
    pub store: StoreConfig,
    pub retention: RetentionConfig,
    pub endpoints: Vec<EndpointConfig>,
    /// What is answered and where deliveries are forwarded, by what they say; tried in order
    /// after an endpoint's own.
    pub rules: Vec<RuleConfig>,
    pub desktop: DesktopConfig,
}

/// The desktop app's own settings; `hookscope serve` reads and ignores them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DesktopConfig {
    /// Keep capturing with an icon in the system tray when the window is closed.
    pub tray: bool,
    /// Also serve the control API (loopback, with its token) for scripts while the app runs.
    pub api: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaptureConfig {
    pub addr: SocketAddr,
    /// Largest body stored whole; a larger one is answered 413 and kept truncated.
    #[serde(deserialize_with = "values::size")]
    pub max_body: ByteSize,
    /// How much of a refused (too large, or timed-out) body is kept.
    #[serde(deserialize_with = "values::size")]
    pub keep_truncated: ByteSize,
    /// Time allowed for a request head to arrive once the connection is open.
    #[serde(deserialize_with = "values::duration")]
    pub header_read_timeout: Duration,
    /// Time allowed for the whole body to arrive once the head has.
    #[serde(deserialize_with = "values::duration")]
    pub body_read_timeout: Duration,
    /// Forward every delivery whose endpoint has no forward of its own (or that reaches no
    /// endpoint) to this target: what `hookscope serve --forward-to URL` sets.
    pub forward: Option<ForwardConfig>,
    /// Most body bytes held in memory at once over every capture connection (bodies arriving
    /// and not yet stored); a body that would pass it is answered 503 with `Retry-After`. By
    /// default 256 MiB, or `max_body` when that is larger.
    #[serde(deserialize_with = "values::optional_size")]
    pub max_in_flight: Option<ByteSize>,
    /// Most capture connections open at once; more are answered 503 and closed at once. By
    /// default what the process's descriptor limit leaves after a reserve for the control API
    /// and the store.
    pub max_connections: Option<usize>,
    /// Most forwards in flight to one target at once; more wait in its queue, in order.
    pub forward_concurrency: usize,
    /// Most forwards waiting for one target (beside those in flight); one more is not sent, and
    /// its attempt says why. A handler that hangs costs a bounded queue, not a connection per
    /// delivery.
    pub forward_queue: usize,
    /// Learn each vendor and event type's schema from its deliveries, and note on a delivery
    /// how its payload differs from the earlier ones (a new field, type or value).
    pub learn_schemas: bool,
}

impl CaptureConfig {
    /// The in-flight body budget in force: `max_in_flight`, else 256 MiB or `max_body`.
    pub fn in_flight_budget(&self) -> ByteSize {
        self.max_in_flight
            .unwrap_or_else(|| ByteSize::mib(256).max(self.max_body))
    }
}

impl Default for CaptureConfig {
    fn default() -> Self {
        CaptureConfig {
            addr: DEFAULT_CAPTURE_ADDR.parse().expect("valid default address"),
            max_body: ByteSize::mib(16),
            keep_truncated: ByteSize::kib(64),
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(60),
            forward: None,
            max_in_flight: None,
            max_connections: None,
            forward_concurrency: 16,
            forward_queue: 1000,
            learn_schemas: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    pub addr: SocketAddr,
    /// Fixed API token; by default a random one is kept in the data directory.
    pub token: Option<String>,
    /// The built UI to serve at `/` (by default the repository's `ui/dist` when it is built).
    pub ui: Option<std::path::PathBuf>,
    /// Let MCP clients at `/mcp` send and change things (test events, replays); by default
    /// they only read.
    pub mcp_allow_writes: bool,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            addr: DEFAULT_API_ADDR.parse().expect("valid default address"),
            token: None,
            ui: None,
            mcp_allow_writes: false,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// Every commit is fsynced before deliveries are acknowledged: survives power loss.
    #[default]
    Full,
    /// Commits reach the OS before acknowledgement: survives a killed process, not power loss.
    Normal,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    pub durability: Durability,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// Oldest deliveries are pruned beyond this many.
    pub max_deliveries: u64,
    /// Oldest deliveries are pruned while stored heads and bodies (compressed, as stored)
    /// exceed this.
    #[serde(deserialize_with = "values::size")]
    pub max_bytes: ByteSize,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            max_deliveries: 1_000_000,
            max_bytes: ByteSize::gib(2),
        }
    }
}

/// A path prefix with its own settings. The longest matching prefix wins; a prefix matches whole
/// path segments (`/hooks/a` matches `/hooks/a` and `/hooks/a/b`, not `/hooks/ab`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EndpointConfig {
    /// Path prefix on the capture port.
    pub path: String,
    /// Vendor profile id; when absent the vendor is detected per delivery.
    #[serde(default)]
    pub vendor: Option<String>,
    /// Signing secrets, tried in order (rotation): the check names the one that matched.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Secrets this endpoint no longer accepts, newest first. Not used to verify; the signature
    /// doctor names one when a sender still signs with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_secrets: Vec<String>,
    /// Replaces the vendor profile's signature scheme on this endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(type = "Record<string, unknown>", optional))]
    pub signature: Option<crate::signature::SignatureScheme>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseConfig>,
    /// Also send every delivery to this target as it arrives (what `stripe listen --forward-to`
    /// does); each forward is stored as an attempt of the delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub forward: Option<ForwardConfig>,
    /// This endpoint's rules (`[[endpoints.rules]]`), tried before the global ones for its
    /// deliveries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(type = "Array<RuleConfig>", optional))]
    pub rules: Vec<RuleConfig>,
}

/// Live forwarding of an endpoint's deliveries to the handler being built.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ForwardConfig {
    /// Target URL, `http://localhost:3000/webhooks` say.
    pub to: String,
    /// How the delivery's path maps onto the target.
    #[serde(default)]
    pub path: crate::target::PathMode,
    /// Answer the sender with the target's status, headers and body (after storing the
    /// delivery), so the real handler's answer reaches the vendor. Otherwise the capture
    /// listener answers at once and the forward runs beside it.
    #[serde(default)]
    pub pass_through: bool,
}

/// What the capture listener answers on an endpoint, once the delivery is stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ResponseConfig {
    #[serde(default = "default_status")]
    pub status: u16,
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// Body to answer with; when absent the default JSON naming the stored id is sent.
    #[serde(default)]
    pub body: Option<String>,
    /// Added before answering, to make a sender time out and retry.
    #[serde(
        default,
        serialize_with = "humantime_serde::serialize",
        deserialize_with = "values::optional_duration",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(test, ts(type = "string", optional))]
    pub delay: Option<Duration>,
}

fn default_status() -> u16 {
    200
}

impl Config {
    /// Reads `path`; a missing file gives the defaults unless `required`.
    pub fn load(path: &Path, required: bool) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Config::default());
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        // It may hold endpoint secrets: the owner's alone, also when written by hand.
        if let Err(e) = private::restrict(path) {
            tracing::warn!(file = %path.display(), error = %e, "cannot make the config the owner's alone");
        }
        let config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        config.validate().map_err(|message| Error::Config {
            path: path.to_owned(),
            message,
        })?;
        Ok(config)
    }

    fn validate(&self) -> std::result::Result<(), String> {
        validate_endpoints(&self.endpoints)?;
        check_rules("rules", &self.rules)?;
        if let Some(fwd) = &self.capture.forward {
            crate::target::check_target(&fwd.to).map_err(|e| format!("capture.forward: {e}"))?;
        }
        if self.capture.max_body < ByteSize::kib(1) || self.capture.max_body > ByteSize::gib(1) {
            return Err(format!(
                "capture.max_body = \"{}\" is out of range: it must be from 1 KiB to 1 GiB (for example \"16 MiB\")",
                self.capture.max_body.display().iec()
            ));
        }
        if self.capture.keep_truncated > self.capture.max_body {
            return Err("capture.keep_truncated must not exceed capture.max_body".into());
        }
        let (shortest, longest) = (Duration::from_millis(10), Duration::from_secs(86_400));
        values::check_duration(
            "capture.header_read_timeout",
            self.capture.header_read_timeout,
            shortest,
            longest,
        )?;
        values::check_duration(
            "capture.body_read_timeout",
            self.capture.body_read_timeout,
            shortest,
            longest,
        )?;
        if let Some(budget) = self.capture.max_in_flight
            && budget < self.capture.max_body
        {
            return Err(format!(
                "capture.max_in_flight = \"{}\" must be at least capture.max_body (\"{}\"), or no body of that size could arrive (for example \"256 MiB\")",
                budget.display().iec(),
                self.capture.max_body.display().iec()
            ));
        }
        if self.capture.forward_concurrency == 0 {
            return Err("capture.forward_concurrency must be at least 1 (for example 16)".into());
        }
        if self.capture.max_connections == Some(0) {
            return Err("capture.max_connections must be at least 1 (for example 1024)".into());
        }
        if self.retention.max_bytes.as_u64() == 0 {
            return Err("retention.max_bytes must be more than 0 (for example \"2 GiB\")".into());
        }
        if self.retention.max_deliveries == 0 {
            return Err("retention.max_deliveries must be at least 1".into());
        }
        Ok(())
    }
}

/// Checks endpoints as written by a user, naming the first problem.
pub fn validate_endpoints(endpoints: &[EndpointConfig]) -> std::result::Result<(), String> {
    {
        for ep in endpoints {
            if ep.secrets.iter().any(|s| s.trim().is_empty()) {
                return Err(format!("endpoint {}: a secret is empty", ep.path));
            }
            if !ep.path.starts_with('/') {
                return Err(format!("endpoint path {:?} must start with '/'", ep.path));
            }
            if let Some(fwd) = &ep.forward {
                crate::target::check_target(&fwd.to)
                    .map_err(|e| format!("endpoint {}: forward: {e}", ep.path))?;
            }
            check_rules(&format!("endpoint {}: rules", ep.path), &ep.rules)?;
            let Some(resp) = &ep.response else { continue };
            // HTTP status codes are three digits, but only 200-599 are final answers a sender
            // knows (999 would go out as `HTTP/1.1 999 <none>`).
            if !(200..=599).contains(&resp.status) {
                return Err(format!(
                    "endpoint {}: response status {} is not a final HTTP status (200-599)",
                    ep.path, resp.status
                ));
            }
            if let Some(delay) = resp.delay {
                // A sender gives up within a minute or so; longer holds a connection for nothing.
                values::check_duration(
                    &format!("endpoint {}: response.delay", ep.path),
                    delay,
                    Duration::ZERO,
                    Duration::from_secs(600),
                )?;
            }
            for (name, value) in &resp.headers {
                http::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("endpoint {}: invalid header name {name:?}", ep.path))?;
                http::HeaderValue::from_str(value).map_err(|_| {
                    format!(
                        "endpoint {}: invalid value for header {name}: {value:?}",
                        ep.path
                    )
                })?;
            }
        }
        let mut seen = std::collections::HashSet::new();
        for ep in endpoints {
            if !seen.insert(ep.path.as_str()) {
                return Err(format!("endpoint path {} is configured twice", ep.path));
            }
        }
        Ok(())
    }
}

impl Config {
    /// The endpoint whose prefix is the longest match for `path`.
    pub fn endpoint_for(&self, path: &str) -> Option<&EndpointConfig> {
        self.endpoints
            .iter()
            .filter(|ep| endpoints::prefix_matches(&ep.path, path))
            .max_by_key(|ep| ep.path.len())
    }
}

/// The data directory: `HOOKSCOPE_DATA_DIR`, else the platform's (for example
/// `~/.local/share/hookscope` on Linux).
pub fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("HOOKSCOPE_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "hookscope", "hookscope")
        .map(|dirs| dirs.data_dir().to_owned())
        .ok_or_else(|| Error::Config {
            path: PathBuf::from("$HOME"),
            message: "no home directory found; set HOOKSCOPE_DATA_DIR".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> std::result::Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    #[test]
    fn the_in_flight_budget_follows_a_large_body_limit_unless_set() {
        let c = parse("[capture]\nmax_body = \"512 MiB\"\n").unwrap();
        assert_eq!(c.capture.in_flight_budget(), ByteSize::mib(512));
        let c = parse("[capture]\nmax_body = \"1 MiB\"\n").unwrap();
        assert_eq!(c.capture.in_flight_budget(), ByteSize::mib(256));
        let c = parse("[capture]\nmax_in_flight = \"64 MiB\"\n").unwrap();
        assert_eq!(c.capture.in_flight_budget(), ByteSize::mib(64));
        let e = parse("[capture]\nmax_body = \"8 MiB\"\nmax_in_flight = \"1 MiB\"\n").unwrap_err();
        assert!(e.contains("capture.max_in_flight"), "{e}");
    }

    #[test]
    fn a_wrong_value_is_named_with_its_file_key_and_a_right_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        let error = |text: &str| {
            std::fs::write(&path, text).unwrap();
            Config::load(&path, true).unwrap_err().to_string()
        };
        let e = error("[capture]\nmax_body = \"lots\"\n");
        assert!(e.contains(&path.display().to_string()), "{e}");
        assert!(e.contains("max_body = \"lots\""), "{e}");
        assert!(e.contains("\"16 MiB\""), "{e}");
        let e = error("[capture]\nheader_read_timeout = \"30\"\n");
        assert!(
            e.contains("header_read_timeout") && e.contains("\"30s\""),
            "{e}"
        );
        for (text, key) in [
            (
                "[capture]\nheader_read_timeout = \"0s\"\n",
                "capture.header_read_timeout",
            ),
            (
                "[capture]\nbody_read_timeout = \"100years\"\n",
                "capture.body_read_timeout",
            ),
            ("[capture]\nmax_body = \"0 B\"\n", "capture.max_body"),
            ("[retention]\nmax_bytes = 0\n", "retention.max_bytes"),
            (
                "[[endpoints]]\npath = \"/a\"\nresponse = { delay = \"100years\" }\n",
                "response.delay",
            ),
        ] {
            let e = error(text);
            assert!(e.contains(key) && e.contains("for example"), "{text}: {e}");
        }
    }

    #[test]
    fn capture_addr_and_desktop_settings_are_written_into_the_file_keeping_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(
            &path,
            "[capture]\nmax_body = \"2 MiB\"\n[retention]\nmax_deliveries = 5\n",
        )
        .unwrap();
        write_capture_addr(&path, "127.0.0.1:9797".parse().unwrap()).unwrap();
        write_desktop(
            &path,
            &DesktopConfig {
                tray: true,
                api: false,
            },
        )
        .unwrap();
        let config = Config::load(&path, true).unwrap();
        assert_eq!(config.capture.addr.to_string(), "127.0.0.1:9797");
        assert_eq!(config.capture.max_body, ByteSize::mib(2));
        assert_eq!(config.retention.max_deliveries, 5);
        assert_eq!(
            config.desktop,
            DesktopConfig {
                tray: true,
                api: false
            }
        );
    }

    #[test]
    fn defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.capture.addr.to_string(), "127.0.0.1:8787");
        assert_eq!(c.api.addr.to_string(), "127.0.0.1:8788");
        assert_eq!(c.capture.max_body, ByteSize::mib(16));
        assert_eq!(c.store.durability, Durability::Full);
    }

    #[test]
    fn full_file() {
        let c = parse(
            r#"
            [capture]
            max_body = "1 MiB"
            body_read_timeout = "5s"
            [retention]
            max_deliveries = 10
            [[endpoints]]
            path = "/hooks/stripe"
            response = { status = 503, delay = "250ms", headers = { "Retry-After" = "5", "X-B" = "2" } }
            "#,
        )
        .unwrap();
        assert_eq!(c.capture.max_body, ByteSize::mib(1));
        assert_eq!(c.capture.body_read_timeout, Duration::from_secs(5));
        let resp = c.endpoints[0].response.as_ref().unwrap();
        assert_eq!(resp.status, 503);
        assert_eq!(resp.delay, Some(Duration::from_millis(250)));
        let names: Vec<_> = resp.headers.keys().collect();
        assert_eq!(names, ["Retry-After", "X-B"]);
    }

    #[test]
    fn rejects_bad_values_with_the_reason() {
        let err = parse("[[endpoints]]\npath = \"hooks\"").unwrap_err();
        assert!(err.contains("must start with '/'"), "{err}");
        let err = parse("[[endpoints]]\npath = \"/a\"\nresponse = { status = 99 }").unwrap_err();
        assert!(err.contains("not a final HTTP status"), "{err}");
        let err = parse("[[endpoints]]\npath = \"/a\"\nresponse = { status = 999 }").unwrap_err();
        assert!(
            err.contains("999 is not a final HTTP status (200-599)"),
            "{err}"
        );
        let err = parse("[capture]\nmax_bodyy = 1").unwrap_err();
        assert!(err.contains("unknown field"), "{err}");
    }

    #[test]
    fn longest_segment_prefix_wins() {
        let c = parse("[[endpoints]]\npath = \"/hooks\"\n[[endpoints]]\npath = \"/hooks/stripe/\"")
            .unwrap();
        let ep = |p| c.endpoint_for(p).map(|e| e.path.as_str());
        assert_eq!(ep("/hooks/stripe/evt"), Some("/hooks/stripe/"));
        assert_eq!(ep("/hooks/stripe"), Some("/hooks/stripe/"));
        assert_eq!(ep("/hooks/stripey"), Some("/hooks"));
        assert_eq!(ep("/hooksy"), None);
    }
}
