//! The HTTP client outgoing requests go through: hyper's, over plain TCP or rustls. Not reqwest,
//! which adds an `Accept` header to every request; a replay sends the stored headers and no
//! others. Redirects are not followed (the handler's 3xx is its answer) and no proxy is used.

use std::error::Error as _;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tracing::Instrument;

use super::Outgoing;
use crate::model::{Outcome, now_us};

/// Limits of one outgoing request.
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    /// From sending to the answer's last byte.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// How much of an answer's body is kept; the rest is read and counted.
    pub keep_response: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            keep_response: 64 * 1024,
        }
    }
}

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// Sends [`Outgoing`] requests; cheap to clone (one connection pool).
#[derive(Clone)]
pub struct Client {
    inner: HyperClient<Connector, Full<Bytes>>,
    opts: ClientOptions,
}

impl Client {
    pub fn new(opts: ClientOptions) -> Client {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(opts.connect_timeout));
        http.set_nodelay(true);
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        // Without the system's root certificates, https targets fail with a clear error at
        // connect time; http ones still work.
        let tls = match builder.with_provider_and_native_roots(provider.clone()) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "no system root certificates; https targets will fail");
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map(|b| {
                        b.with_root_certificates(rustls::RootCertStore::empty())
                            .with_no_client_auth()
                    });
                match config {
                    Ok(config) => {
                        hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
                    }
                    Err(_) => hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(
                        rustls::ClientConfig::builder()
                            .with_root_certificates(rustls::RootCertStore::empty())
                            .with_no_client_auth(),
                    ),
                }
            }
        };
        let connector = tls.https_or_http().enable_http1().wrap_connector(http);
        let inner = HyperClient::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Client { inner, opts }
    }

    pub fn options(&self) -> ClientOptions {
        self.opts
    }

    /// Sends `out` and waits for the whole answer (or the reason there is none). Never fails:
    /// every problem is the outcome's `error`, in plain words.
    pub async fn send(&self, out: &Outgoing) -> (i64, Outcome) {
        let span = tracing::info_span!(
            "attempt",
            kind = out.kind.as_str(),
            delivery = out.delivery_id,
            url = %out.url,
        );
        self.send_unlogged(out).instrument(span).await
    }

    async fn send_unlogged(&self, out: &Outgoing) -> (i64, Outcome) {
        let started_at_us = now_us();
        let started = Instant::now();
        let request = match build(out) {
            Ok(r) => r,
            Err(why) => {
                return (
                    started_at_us,
                    Outcome {
                        error: Some(why),
                        ..Outcome::default()
                    },
                );
            }
        };
        let keep = self.opts.keep_response;
        let exchange = async {
            let response = self
                .inner
                .request(request)
                .await
                .map_err(|e| describe(&e, &out.url))?;
            let (parts, mut body) = response.into_parts();
            let mut kept = Vec::new();
            let mut size = 0u64;
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| format!("the answer's body broke off: {e}"))?;
                if let Some(data) = frame.data_ref() {
                    size += data.len() as u64;
                    let room = keep.saturating_sub(kept.len());
                    kept.extend_from_slice(&data[..data.len().min(room)]);
                }
            }
            let headers = parts
                .headers
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), crate::head::value_text(v.as_bytes())))
                .collect();
            Ok::<_, String>((parts.status.as_u16(), headers, kept, size))
        };
        let result = tokio::time::timeout(self.opts.timeout, exchange).await;
        let latency_us = started.elapsed().as_micros() as i64;
        let outcome = match result {
            Ok(Ok((status, headers, body, body_size))) => Outcome {
                status: Some(status),
                headers,
                body,
                body_size,
                latency_us,
                error: None,
            },
            Ok(Err(why)) => Outcome {
                latency_us,
                error: Some(why),
                ..Outcome::default()
            },
            Err(_) => Outcome {
                latency_us,
                error: Some(format!(
                    "timed out: {} gave no complete answer within {}",
                    out.url,
                    humantime::format_duration(self.opts.timeout)
                )),
                ..Outcome::default()
            },
        };
        (started_at_us, outcome)
    }
}

fn build(out: &Outgoing) -> Result<Request<Full<Bytes>>, String> {
    let method = Method::from_bytes(out.method.as_bytes())
        .map_err(|_| format!("{:?} is not an HTTP method", out.method))?;
    let mut request = Request::builder()
        .method(method)
        .uri(&out.url)
        .body(Full::new(out.body.clone()))
        .map_err(|e| format!("cannot send to {}: {e}", out.url))?;
    let headers = request.headers_mut();
    for (name, value) in &out.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("{name:?} is not a valid header name"))?;
        let value = HeaderValue::from_bytes(value)
            .map_err(|_| format!("the value of {name} cannot be sent in a header"))?;
        headers.append(name, value);
    }
    Ok(request)
}

/// A failed exchange in plain words: what the user can check.
fn describe(e: &hyper_util::client::legacy::Error, url: &str) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = e.source();
    let mut io_kind = None;
    let mut tls = None;
    let mut innermost = e.to_string();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        if let Some(t) = s.downcast_ref::<rustls::Error>() {
            tls.get_or_insert_with(|| t.to_string());
        }
        innermost = s.to_string();
        source = s.source();
    }
    let host = url
        .parse::<http::Uri>()
        .ok()
        .and_then(|u| u.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| url.to_owned());
    if let Some(t) = tls {
        return format!("TLS handshake with {host} failed: {t}");
    }
    match io_kind {
        Some(std::io::ErrorKind::ConnectionRefused) => {
            format!("connection refused: nothing is listening on {host}")
        }
        Some(std::io::ErrorKind::ConnectionReset) => {
            format!("connection reset by {host} before it answered")
        }
        Some(std::io::ErrorKind::TimedOut) => format!("could not connect to {host}: timed out"),
        _ if innermost.contains("lookup address") || innermost.contains("resolve") => {
            format!("could not resolve the host of {host}: {innermost}")
        }
        _ if e.is_connect() => format!("could not connect to {host}: {innermost}"),
        _ => format!("{host} closed the connection without a complete answer: {innermost}"),
    }
}
