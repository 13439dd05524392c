//! `hookscope send` against a real capture port, whose signature check and duplicate detection
//! judge what it sent.

use std::path::Path;

use crate::common::{ok, start};
use serde_json::Value;

fn send(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_hookscope"))
        .args(["send"])
        .args(args)
        .env("HOOKSCOPE_DATA_DIR", dir.path())
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .unwrap()
}

// Multi-threaded: the command runs synchronously here while the server answers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_sends_are_valid_duplicates_are_flagged_and_tampering_is_caught() {
    let t = start(
        "[[endpoints]]\npath = \"/hooks/leadron\"\nvendor = \"leadron\"\nsecrets = [\"ld-test\"]\n\
         [[endpoints]]\npath = \"/hooks/github\"\nvendor = \"github\"\nsecrets = [\"It's a Secret to Everybody\"]\n",
    )
    .await;
    let to = t.capture_url("/hooks/leadron");
    let out = ok(&send(&[
        "leadron:opportunity.won",
        "--to",
        &to,
        "--secret",
        "ld-test",
        "--dup",
    ]));
    assert!(
        out.contains("leadron:opportunity.won") && out.matches("→ 200").count() == 2,
        "{out}"
    );
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/leadron").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let (second, first) = (&items[0], &items[1]);
    assert_eq!(
        first["signature"]["status"], "valid",
        "{}",
        first["signature"]
    );
    assert_eq!(first["event"]["type"], "opportunity.won");
    assert_eq!(second["duplicate"]["kind"], "retry", "the same id twice");
    assert_eq!(second["event"]["id"], first["event"]["id"]);

    // A fresh id each time without --dup.
    ok(&send(&[
        "leadron:opportunity.won",
        "--to",
        &to,
        "--secret",
        "ld-test",
    ]));
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/leadron").await;
    let newest: &Value = &page["items"][0];
    assert_ne!(newest["event"]["id"], first["event"]["id"]);
    assert!(
        newest["duplicate"].is_null() || newest["duplicate"]["attempt"] == 1,
        "{newest}"
    );

    let out = ok(&send(&[
        "leadron", "--to", &to, "--secret", "ld-test", "--tamper",
    ]));
    assert!(out.contains("altered after signing"), "{out}");
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/leadron").await;
    assert_eq!(page["items"][0]["signature"]["status"], "invalid");

    // A recorded fixture goes as recorded: GitHub's documented example verifies.
    ok(&send(&[
        "fixtures/signed/github-documented.json",
        "--to",
        &t.capture_url("/hooks/github"),
    ]));
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/github").await;
    assert_eq!(
        page["items"][0]["signature"]["status"], "valid",
        "{}",
        page["items"][0]
    );

    // A body fixture is built and signed like VENDOR:EVENT.
    let out = ok(&send(&[
        "fixtures/leadron/task.created.json",
        "--to",
        &to,
        "--secret",
        "ld-test",
    ]));
    assert!(out.contains("leadron:task.created"), "{out}");
    // Shopify's topic has a `/`; its file name a `-`. The fixture's headers go with it.
    let out = ok(&send(&[
        "fixtures/shopify/orders-create.json",
        "--to",
        &t.capture_url("/hooks/shopify"),
    ]));
    assert!(out.contains("shopify:orders/create"), "{out}");
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/shopify").await;
    let sent = t.delivery(page["items"][0]["id"].as_i64().unwrap()).await;
    let headers = crate::common::header_pairs(&sent);
    assert!(
        headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("X-Shopify-Topic") && v == "orders/create"),
        "{headers:?}"
    );
    assert!(
        headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("User-Agent") && v == "Shopify-Captain-Hook"),
        "{headers:?}"
    );

    // Mistakes say what to do.
    let out = send(&["leadron:no.such.event", "--to", &to]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("opportunity.won"));
    let out = send(&["leadron", "--to", "http://127.0.0.1:9/"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("connection refused"));
    let list = ok(&send(&["--list"]));
    assert!(
        list.contains("event-timestamp-payload:deal.created"),
        "{list}"
    );
    // Every event of the three first-class vendors' documents: 3 + 14 + 26.
    for (vendor, events) in [
        ("cooledge", 3),
        ("leadron", 14),
        ("event-timestamp-payload", 26),
    ] {
        let prefix = format!("{vendor}:");
        assert_eq!(
            list.lines().filter(|l| l.starts_with(&prefix)).count(),
            events,
            "{list}"
        );
    }
    t.stop().await;
}
