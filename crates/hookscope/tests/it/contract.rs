//! The machine contract, for scripts and CI: `serve --ready-file` and `--json` say when the
//! server listens and where, and `endpoints add` makes an endpoint with a known or generated
//! secret (through the running server when there is one) that a script then signs with.

use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::Duration;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_hookscope");

fn hookscope(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("HOOKSCOPE_DATA_DIR", data_dir)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `serve --json --ready-file F` on free ports; its ready line, once it is printed.
fn serve_ready(dir: &Path, ready_file: &Path) -> (Child, Value) {
    let ready_file = ready_file.to_str().unwrap();
    let args = [
        "--capture",
        "127.0.0.1:0",
        "--api",
        "127.0.0.1:0",
        "--ready-file",
        ready_file,
    ];
    crate::common::serve_json(dir, &args)
}

use crate::common::interrupt as stop;

/// The ready line and the ready file say the same, are there as soon as the server listens
/// (no polling), name addresses that answer, and the file goes when the server stops. A file
/// a killed server left is replaced, not read as this one's.
#[tokio::test(flavor = "multi_thread")]
async fn serve_says_when_it_listens_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let ready_file = dir.path().join("ready.json");
    std::fs::write(
        &ready_file,
        r#"{"event":"ready","capture_url":"http://stale"}"#,
    )
    .unwrap();
    let (child, line) = serve_ready(dir.path(), &ready_file);
    let file: Value = serde_json::from_slice(&std::fs::read(&ready_file).unwrap()).unwrap();
    assert_eq!(line, file);
    assert_eq!(line["event"], "ready");
    assert_eq!(line["pid"], child.id());
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let capture = line["capture_url"].as_str().unwrap().trim_end_matches('/');
    let sent = http
        .post(format!("{capture}/hooks/ci"))
        .body(r#"{"hello":"ci"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    let api = line["api_url"].as_str().unwrap();
    let page: Value = http
        .get(format!("{api}/deliveries"))
        .bearer_auth(line["api_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["path"], "/hooks/ci", "{page}");
    assert!(line["database"].as_str().unwrap().ends_with("hookscope.db"));
    stop(child);
    assert!(!ready_file.exists(), "the ready file outlived the server");
}

/// Without a server, `endpoints add` writes the config: a generated secret in the vendor's
/// format, printed whole once and masked in listings unless asked; the same path twice and an
/// unknown vendor are usage errors that say what to do.
#[test]
fn endpoints_add_makes_an_endpoint_with_a_known_secret() {
    let dir = tempfile::tempdir().unwrap();
    let added = hookscope(
        dir.path(),
        &[
            "endpoints",
            "add",
            "/hooks/svix",
            "--vendor",
            "svix",
            "--generate-secret",
            "--json",
        ],
    );
    assert!(added.status.success(), "{added:?}");
    let added = json_of(&added);
    let secret = added["secrets"][0].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 30,
        "{secret}"
    );
    assert_eq!(added["vendor"], "svix");
    assert_eq!(added["applied_by"], Value::Null);
    let mine = hookscope(
        dir.path(),
        &[
            "endpoints",
            "add",
            "/hooks/mine",
            "--secret",
            "my-own-secret-1234",
        ],
    );
    assert!(mine.status.success(), "{mine:?}");

    let listed = json_of(&hookscope(dir.path(), &["endpoints", "--json"]));
    let paths: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/hooks/svix", "/hooks/mine"]);
    let masked = listed["items"][0]["secrets"][0].as_str().unwrap();
    assert_ne!(masked, secret);
    assert!(
        masked.starts_with("whsec_") && masked.contains('…'),
        "{masked}"
    );
    let shown = json_of(&hookscope(
        dir.path(),
        &["endpoints", "--json", "--show-secrets"],
    ));
    assert_eq!(shown["items"][0]["secrets"][0], secret.as_str());
    assert_eq!(shown["items"][1]["secrets"][0], "my-own-secret-1234");
    assert_eq!(shown["items"][1]["vendor"], Value::Null);

    let again = hookscope(
        dir.path(),
        &["endpoints", "add", "/hooks/svix", "--secret", "x"],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already an endpoint at /hooks/svix"),
        "{again:?}"
    );
    let unknown = hookscope(
        dir.path(),
        &["endpoints", "add", "/x", "--vendor", "nobody"],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("these are known: "),
        "{unknown:?}"
    );
}

/// The CI flow: a server starts and says where it is, `endpoints add` with a generated secret
/// goes through it (no restart), and a delivery signed with that secret verifies there.
#[tokio::test(flavor = "multi_thread")]
async fn ci_creates_an_endpoint_on_a_running_server_and_signs_with_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (child, ready) = serve_ready(dir.path(), &dir.path().join("ready.json"));
    let added = hookscope(
        dir.path(),
        &[
            "endpoints",
            "add",
            "/hooks/stripe",
            "--vendor",
            "stripe",
            "--generate-secret",
            "--json",
        ],
    );
    assert!(added.status.success(), "{added:?}");
    let added = json_of(&added);
    let api = ready["api_url"].as_str().unwrap();
    assert_eq!(
        added["applied_by"].as_str().unwrap(),
        api.trim_end_matches("/api")
    );
    let secret = added["secrets"][0].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let capture = ready["capture_url"].as_str().unwrap().trim_end_matches('/');
    let sent = hookscope(
        dir.path(),
        &[
            "send",
            "stripe:invoice.paid",
            "--to",
            &format!("{capture}/hooks/stripe"),
            "--secret",
            secret,
        ],
    );
    assert!(sent.status.success(), "{sent:?}");
    let http = reqwest::Client::new();
    let page: Value = http
        .get(format!("{api}/deliveries"))
        .bearer_auth(ready["api_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let delivery = &page["items"][0];
    assert_eq!(delivery["endpoint"], "/hooks/stripe", "{page}");
    assert_eq!(delivery["signature"]["status"], "valid", "{page}");
    stop(child);
    // The server wrote the endpoint to the config: it is there for the next start.
    let listed = json_of(&hookscope(
        dir.path(),
        &["endpoints", "--json", "--show-secrets"],
    ));
    assert_eq!(listed["items"][0]["secrets"][0], secret);
}
