//! Decoding, signatures and duplicates through the real capture port and control API.

use crate::common::DeliveryId as _;
use crate::common::start;
use hmac::{KeyInit, Mac};
use serde_json::Value;

const SECRET: &str = "cooledge-test-secret";

fn sign_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

async fn post(
    t: &crate::common::TestServer,
    path: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> Value {
    let mut req = t.http.post(t.capture_url(path)).body(body);
    for (n, v) in headers {
        req = req.header(*n, v);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let id = t.ack_id(&resp.json::<Value>().await.unwrap()["id"]);
    t.delivery(id).await
}

use crate::common::page_ids as ids;

#[tokio::test(flavor = "multi_thread")]
async fn cooledge_deliveries_are_decoded_verified_and_deduplicated() {
    let t = start(&format!(
        "[[endpoints]]\npath = \"/cooledge\"\nvendor = \"cooledge\"\nsecrets = [\"old-secret\", \"{SECRET}\"]"
    ))
    .await;
    let body = fixture("cooledge/lead.won.json");
    let event_id = "9d2f6b81-4c07-4e3a-8b15-2a7e0c9d3b51";
    let headers = |body: &[u8]| {
        vec![
            ("X-Cooledge-Event-Id", event_id.to_owned()),
            (
                "X-Cooledge-Signature",
                format!("sha256={}", sign_hex(SECRET, body)),
            ),
        ]
    };

    let first = post(&t, "/cooledge/hooks", &headers(&body), body.clone()).await;
    assert_eq!(first["vendor"], "cooledge");
    assert_eq!(
        first["detected_by"],
        "endpoint /cooledge is bound to cooledge"
    );
    assert_eq!(first["event"]["type"], "lead.won");
    assert_eq!(first["event"]["id"], event_id);
    assert_eq!(first["event"]["id_source"], "header X-Cooledge-Event-Id");
    assert_eq!(
        first["event"]["tenant"],
        "a7f3c9d1-2e84-4b6f-8c01-5d9e2a1f7b30"
    );
    assert_eq!(first["event"]["occurred_at"], "2026-06-23T05:18:42.733Z");
    assert_eq!(
        first["signature"]["status"], "valid",
        "{}",
        first["signature"]
    );
    assert_eq!(first["signature"]["secret"], "#2 of 2 (…cret)");
    assert_eq!(first["signature"]["documented"], false);
    assert_eq!(first["duplicate"]["kind"], "first");
    assert_eq!(first["validation"], serde_json::json!([]));

    let retry = post(&t, "/cooledge/hooks", &headers(&body), body.clone()).await;
    assert_eq!(retry["duplicate"]["kind"], "retry");
    assert_eq!(retry["duplicate"]["first_id"], first["id"]);
    assert_eq!(retry["duplicate"]["attempt"], 2);
    let gap = retry["duplicate"]["since_previous_secs"].as_f64().unwrap();
    assert!(gap > 0.0 && gap < 30.0, "{gap}");
    assert_eq!(
        retry["duplicate"]["since_first_secs"],
        retry["duplicate"]["since_previous_secs"]
    );
    assert!(first["duplicate"]["since_first_secs"].is_null());

    let mut changed: Value = serde_json::from_slice(&body).unwrap();
    changed["won_via"] = "manual".into();
    changed["quote_id"] = Value::Null;
    let changed = serde_json::to_vec(&changed).unwrap();
    let conflict = post(&t, "/cooledge/hooks", &headers(&changed), changed).await;
    assert_eq!(conflict["duplicate"]["kind"], "conflict");
    assert_eq!(conflict["duplicate"]["count"], 3);
    let (since_first, since_previous) = (
        conflict["duplicate"]["since_first_secs"].as_f64().unwrap(),
        conflict["duplicate"]["since_previous_secs"]
            .as_f64()
            .unwrap(),
    );
    assert!(
        since_first > since_previous,
        "{since_first} vs {since_previous}"
    );
    assert_eq!(conflict["signature"]["status"], "valid");

    // The first delivery now knows its event arrived three times.
    let first_again = t.delivery(first["id"].delivery_id(&t)).await;
    assert_eq!(first_again["duplicate"]["count"], 3);

    let tampered = post(
        &t,
        "/cooledge/hooks",
        &headers(&body),
        [&body[..], b"\n"].concat(),
    )
    .await;
    assert_eq!(tampered["signature"]["status"], "invalid");
    assert!(
        tampered["signature"]["reason"]
            .as_str()
            .unwrap()
            .contains("any of the 2 configured secrets")
    );
    assert_eq!(
        tampered["signature"]["doctor"],
        "this signature matches the body without its trailing newline: something added one after signing"
    );

    let unsigned = post(
        &t,
        "/cooledge/hooks",
        &[],
        fixture("cooledge/job.completed.json"),
    )
    .await;
    assert_eq!(unsigned["signature"]["status"], "missing");
    assert_eq!(unsigned["duplicate"]["kind"], "first");
    assert_eq!(unsigned["event"]["id_source"], "body /event_id");

    let t = &t;
    let f = |q: &str| {
        let path = format!("/api/deliveries?{q}");
        async move { t.api_get(&path).await }
    };
    let (_, page) = f("duplicate=any").await;
    assert_eq!(
        ids(&page).len(),
        3,
        "retry, conflict, tampered retry-or-conflict"
    );
    let (_, page) = f("duplicate=conflict").await;
    assert!(ids(&page).contains(&conflict["id"].delivery_id(t)));
    let (_, page) = f("signature=valid&vendor=cooledge").await;
    assert_eq!(ids(&page).len(), 3);
    let (_, page) = f("event_type=job.completed").await;
    assert_eq!(ids(&page), [unsigned["id"].delivery_id(t)]);
    let (_, page) = f(&format!("event_id={event_id}")).await;
    assert_eq!(ids(&page).len(), 4);
    let (status, err) = f("signature=bogus").await;
    assert_eq!(status, 400);
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("valid, invalid, missing")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn leadron_examples_reuse_one_event_id_and_are_flagged_as_conflicts() {
    let t = start("").await;
    let a = post(&t, "/leadron", &[], fixture("leadron/lead.created.json")).await;
    let b = post(&t, "/leadron", &[], fixture("leadron/lead.deleted.json")).await;
    assert_eq!(a["vendor"], "leadron");
    assert_eq!(a["signature"]["status"], "missing");
    assert_eq!(b["event"]["type"], "lead.deleted");
    assert_eq!(b["duplicate"]["kind"], "conflict");
    assert_eq!(b["duplicate"]["first_id"], a["id"]);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn warnings_and_unsigned_vendors_show_in_the_list() {
    let t =
        start("[[endpoints]]\npath = \"/gh\"\nsecrets = [\"It's a Secret to Everybody\"]").await;
    let gh = post(
        &t,
        "/gh",
        &[
            ("X-GitHub-Event", "ping".into()),
            ("X-GitHub-Delivery", "d-1".into()),
            (
                "X-Hub-Signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17".into(),
            ),
        ],
        b"Hello, World!".to_vec(),
    )
    .await;
    assert_eq!(gh["vendor"], "github");
    assert_eq!(gh["detected_by"], "header X-GitHub-Event");
    assert_eq!(gh["signature"]["status"], "valid");

    let mut bad: Value = serde_json::from_slice(&fixture("cooledge/lead.won.json")).unwrap();
    bad["version"] = "v9".into();
    let bad = post(&t, "/x", &[], serde_json::to_vec(&bad).unwrap()).await;
    assert_eq!(bad["signature"]["status"], "missing");
    assert_eq!(bad["validation"][0]["level"], "warning");
    assert_eq!(bad["validation"][0]["path"], "/version");

    let (_, page) = t.api_get("/api/deliveries?validation=warning").await;
    assert_eq!(ids(&page), [bad["id"].delivery_id(&t)]);
    let (_, page) = t.api_get("/api/deliveries?limit=5").await;
    assert_eq!(
        page["items"][1]["vendor"], "github",
        "list items carry the analysis"
    );

    let (status, vendors) = t.api_get("/api/vendors").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = vendors["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"event-timestamp-payload"));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_a_secret_re_verifies_stored_deliveries_in_the_background() {
    let t = start("[[endpoints]]\npath = \"/gh\"\n").await;
    let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let headers = [
        ("X-GitHub-Event", "ping".to_owned()),
        ("X-Hub-Signature-256", signature.to_owned()),
    ];
    let before = post(&t, "/gh/x", &headers, b"Hello, World!".to_vec()).await;
    assert_eq!(before["signature"]["status"], "unchecked");
    let other = post(&t, "/elsewhere", &headers, b"Hello, World!".to_vec()).await;

    let resp = t
        .http
        .put(t.api_url("/api/endpoints"))
        .bearer_auth(&t.token)
        .json(&serde_json::json!({"items": [
            {"path": "/gh", "secrets": ["It's a Secret to Everybody"]}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["reverify"]["started"], true);

    let mut after = Value::Null;
    for _ in 0..200 {
        after = t.delivery(before["id"].delivery_id(&t)).await;
        if after["signature"]["status"] == "valid" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        after["signature"]["status"], "valid",
        "{}",
        after["signature"]
    );
    assert_eq!(after["signature"]["secret"], "#1 (…body)");
    // A delivery on no endpoint is left as it was.
    let untouched = t.delivery(other["id"].delivery_id(&t)).await;
    assert_eq!(untouched["signature"]["status"], "unchecked");
    // New deliveries use the new secret at once, and the filter sees the update.
    let (_, page) = t.api_get("/api/deliveries?signature=valid").await;
    assert_eq!(ids(&page), [before["id"].delivery_id(&t)]);

    // Rotating the secret out: the old signature no longer holds, and the doctor says why.
    let resp = t
        .http
        .put(t.api_url("/api/endpoints"))
        .bearer_auth(&t.token)
        .json(&serde_json::json!({"items": [{"path": "/gh", "secrets": ["the-new-one"]}]}))
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["items"][0]["retired_secrets"][0],
        "It's a Secret to Everybody"
    );
    let late = post(&t, "/gh/x", &headers, b"Hello, World!".to_vec()).await;
    assert_eq!(late["signature"]["status"], "invalid");
    assert!(
        late["signature"]["doctor"]
            .as_str()
            .unwrap()
            .contains("before it was rotated out"),
        "{}",
        late["signature"]
    );

    let saved = std::fs::read_to_string(t.dir.path().join("hookscope.toml")).unwrap();
    assert!(saved.contains("It's a Secret to Everybody"), "{saved}");
    let (_, current) = t.api_get("/api/endpoints").await;
    assert_eq!(current["items"][0]["path"], "/gh");

    let bad = t
        .http
        .put(t.api_url("/api/endpoints"))
        .bearer_auth(&t.token)
        .json(&serde_json::json!({"items": [{"path": "/a", "vendor": "gitlab"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let err: Value = bad.json().await.unwrap();
    assert!(err["error"].as_str().unwrap().contains("gitlab"));
    t.stop().await;
}
