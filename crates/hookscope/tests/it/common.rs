//! Starts a real server (real SQLite file, real listeners on ephemeral loopback ports) for a test,
//! and talks to it over real HTTP.

use std::net::SocketAddr;
use std::time::Duration;

use hookscope::config::Config;
use hookscope::server::{InstanceSetup, Server};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct TestServer {
    pub server: Server,
    pub capture: SocketAddr,
    pub api: SocketAddr,
    pub token: String,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
}

/// A server with the given TOML config (ports are always ephemeral).
pub async fn start(config_toml: &str) -> TestServer {
    start_in(tempfile::tempdir().unwrap(), config_toml).await
}

/// A server on the data directory `dir` (a store left by an earlier one, to restart it).
pub async fn start_in(dir: tempfile::TempDir, config_toml: &str) -> TestServer {
    let mut config: Config = toml::from_str(config_toml).expect("test config parses");
    config.capture.addr = "127.0.0.1:0".parse().unwrap();
    config.api.addr = "127.0.0.1:0".parse().unwrap();
    let server = Server::start(InstanceSetup {
        config,
        db: dir.path().join("hookscope.db"),
        data_dir: dir.path().to_owned(),
        config_path: dir.path().join("hookscope.toml"),
    })
    .await
    .expect("server starts");
    TestServer {
        capture: server.capture_addr,
        api: server.api_addr,
        token: server.token.clone(),
        server,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
        dir,
    }
}

impl TestServer {
    pub fn capture_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.capture)
    }

    pub fn api_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.api)
    }

    /// GET on the API with the token; returns status and JSON.
    pub async fn api_get(&self, path: &str) -> (u16, Value) {
        let resp = self
            .http
            .get(self.api_url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// The stored delivery with this id, as the API returns it.
    pub async fn delivery(&self, id: i64) -> Value {
        let (status, body) = self.api_get(&format!("/api/deliveries/{id}")).await;
        assert_eq!(status, 200, "GET delivery {id}: {body}");
        body
    }

    /// POSTs `body` to the capture port; returns the stored id from the acknowledgement.
    pub async fn post(&self, path: &str, body: impl Into<reqwest::Body>) -> i64 {
        let resp = self
            .http
            .post(self.capture_url(path))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let ack: Value = resp.json().await.unwrap();
        self.ack_id(&ack["id"])
    }

    pub async fn stop(self) {
        self.server.shutdown().await;
    }

    /// Stops the server and starts another on its data directory with `config_toml`.
    pub async fn restart(self, config_toml: &str) -> TestServer {
        self.server.shutdown().await;
        start_in(self.dir, config_toml).await
    }
}

/// Sends raw bytes on one connection and reads until the server closes it.
pub async fn raw_exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut out))
        .await
        .expect("server answers and closes")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// The delivery an `id` names, whether a number (the API's) or an opaque id (a sender's).
pub trait DeliveryId {
    fn delivery_id(&self, t: &TestServer) -> i64;
}

impl DeliveryId for Value {
    fn delivery_id(&self, t: &TestServer) -> i64 {
        self.as_i64().unwrap_or_else(|| t.ack_id(self))
    }
}

impl TestServer {
    /// The deliveries the acknowledgements in one or more raw responses name (by the opaque ids
    /// senders are given).
    pub fn acked_ids(&self, responses: &str) -> Vec<i64> {
        responses
            .match_indices("\"id\":\"")
            .map(|(i, m)| {
                let rest = &responses[i + m.len()..];
                let end = rest.find('"').unwrap();
                self.ack_id(&Value::from(&rest[..end]))
            })
            .collect()
    }

    /// The delivery an acknowledgement's `id` names.
    pub fn ack_id(&self, id: &Value) -> i64 {
        let opaque = id.as_str().unwrap_or_else(|| panic!("an opaque id: {id}"));
        assert!(opaque.starts_with("d_"), "{opaque}");
        self.server
            .control()
            .ack_ids()
            .decode(opaque)
            .unwrap_or_else(|| panic!("{opaque} is an id this instance gave"))
    }
}

pub fn header_pairs(delivery: &Value) -> Vec<(String, String)> {
    delivery["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn body_bytes(delivery: &Value) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(delivery["body_base64"].as_str().unwrap())
        .unwrap()
}

/// The handler facet of a `/api/facets` answer, as (value, count) pairs.
pub fn handler_facet(facets: &Value) -> Vec<(Value, Value)> {
    facets["handlers"]
        .as_array()
        .expect("facets count handler answers")
        .iter()
        .map(|f| (f["value"].clone(), f["count"].clone()))
        .collect()
}

/// The ids of a list page's items, in order.
pub fn page_ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("a page has items")
        .iter()
        .map(|d| d["id"].as_i64().expect("items have ids"))
        .collect()
}

/// A `hookscope serve --json` child on the data directory `dir` with `extra` flags, and the
/// ready line it printed once its listeners were up.
pub fn serve_json(dir: &std::path::Path, extra: &[&str]) -> (std::process::Child, Value) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hookscope"))
        .args(["serve", "--json"])
        .args(extra)
        .env("HOOKSCOPE_DATA_DIR", dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    (child, ready)
}

/// Stops a `serve` child as Ctrl-C would, and waits for it.
pub fn interrupt(mut child: std::process::Child) {
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
}

/// Runs `hookscope ARGS` with the data directory `data_dir`: its status and what it printed.
pub fn hookscope(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_hookscope"))
        .args(args)
        .env("HOOKSCOPE_DATA_DIR", data_dir)
        .output()
        .unwrap()
}

/// The standard output of a command that must succeed; else both outputs are the failure.
pub fn ok(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
