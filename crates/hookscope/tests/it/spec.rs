//! `hookscope vendor import-spec` on real published descriptions (fixtures/specs/): the profiles
//! it writes are used by a real server, whose capture decodes, validates and verifies what
//! `hookscope send` makes of the imported examples.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{hookscope, ok, start_in};

fn spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/specs")
        .join(name)
}

// Multi-threaded: the commands run synchronously here while the server answers them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_openapi_and_asyncapi_profiles_decode_validate_and_send() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let adyen = spec("adyen-transfer-webhooks.openapi.json");
    let text = ok(&hookscope(
        d,
        &["vendor", "import-spec", adyen.to_str().unwrap()],
    ));
    assert!(
        text.contains(
            "2 events from Transfer webhooks 4 (OpenAPI 3.1.0) make the new profile transfer-webhooks:"
        ),
        "{text}"
    );
    assert!(
        text.contains("The event type is read from body /type."),
        "{text}"
    );
    assert!(
        text.contains("The description does not say how transfer-webhooks signs"),
        "{text}"
    );
    assert!(d.join("vendors/transfer-webhooks.json").is_file());
    assert!(!text.contains("Note:"), "recognised as itself: {text}");
    // Signed like a vendor recognised by its signature's headers, its deliveries are taken for
    // that vendor's unless an endpoint says otherwise: the import says so.
    let other = tempfile::tempdir().unwrap();
    let signed: Value = serde_json::from_str(&ok(&hookscope(
        other.path(),
        &[
            "vendor",
            "import-spec",
            adyen.to_str().unwrap(),
            "--id",
            "adyen-signed",
            "--signature-like",
            "standard-webhooks",
            "--json",
        ],
    )))
    .unwrap();
    assert_eq!(signed["signs"], true);
    let note = signed["notes"][0].as_str().unwrap_or_default();
    assert!(
        note.contains("recognised as standard-webhooks") && note.contains("--vendor adyen-signed"),
        "{signed}"
    );
    // Imported again, it replaces its own profile; a built-in one is only extended.
    ok(&hookscope(
        d,
        &["vendor", "import-spec", adyen.to_str().unwrap()],
    ));
    let taken = hookscope(
        d,
        &[
            "vendor",
            "import-spec",
            adyen.to_str().unwrap(),
            "--id",
            "stripe",
        ],
    );
    assert_eq!(taken.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&taken.stderr).contains("(--into stripe)"),
        "{taken:?}"
    );

    // A server on this data directory reads the profiles.
    let t = start_in(
        dir,
        "[[endpoints]]\npath = \"/hooks/slack\"\nvendor = \"slack\"\nsecrets = [\"slack-secret\"]\n",
    )
    .await;
    let d = t.dir.path();

    // Imported through the API while it runs, a description is in force at once.
    let slack = spec("slack-events.asyncapi.json");
    let answer = t
        .http
        .post(t.api_url("/api/vendors/import-spec?into=slack"))
        .bearer_auth(&t.token)
        .body(std::fs::read(&slack).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let report: Value = answer.json().await.unwrap();
    assert_eq!(report["vendor"], "slack");
    assert_eq!(report["created"], false);
    assert_eq!(report["newly_catalogued"], true);
    assert_eq!(report["format"], "AsyncAPI 2.0.0");
    let mention = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event_type"] == "app_mention")
        .unwrap();
    assert_eq!(mention["example_made"], true, "{mention}");
    let (_, vendors) = t.api_get("/api/vendors").await;
    let slack_profile = vendors["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "slack")
        .unwrap();
    assert!(slack_profile["events"]["app_mention"].is_object());
    // What the API cannot import is a 400 that says why, and changes nothing.
    let refused = t
        .http
        .post(t.api_url("/api/vendors/import-spec?into=nobody"))
        .bearer_auth(&t.token)
        .body(std::fs::read(&slack).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let why: Value = refused.json().await.unwrap();
    assert!(
        why["error"]
            .as_str()
            .unwrap()
            .contains("unknown vendor \"nobody\""),
        "{why}"
    );
    // The command line goes through the running server too.
    let text = ok(&hookscope(
        d,
        &["vendor", "import-spec", adyen.to_str().unwrap()],
    ));
    assert!(text.contains("by the running server"), "{text}");

    // Both can be sent.
    let list: Value =
        serde_json::from_str(&ok(&hookscope(d, &["send", "--list", "--json"]))).unwrap();
    let listed: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}:{}",
                i["vendor"].as_str().unwrap(),
                i["event"].as_str().unwrap()
            )
        })
        .collect();
    for wanted in [
        "transfer-webhooks:balancePlatform.transfer.updated",
        "slack:app_mention",
        "slack:reaction_added",
    ] {
        assert!(listed.iter().any(|l| l == wanted), "{wanted}: {listed:?}");
    }
    ok(&hookscope(
        d,
        &[
            "send",
            "transfer-webhooks:balancePlatform.transfer.updated",
            "--to",
            &t.capture_url("/hooks/adyen"),
        ],
    ));
    ok(&hookscope(
        d,
        &[
            "send",
            "slack:app_mention",
            "--to",
            &t.capture_url("/hooks/slack"),
            "--secret",
            "slack-secret",
        ],
    ));
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/adyen").await;
    let adyen = &page["items"][0];
    assert_eq!(adyen["vendor"], "transfer-webhooks", "{adyen}");
    assert_eq!(adyen["event"]["type"], "balancePlatform.transfer.updated");
    assert_eq!(adyen["validation"], serde_json::json!([]), "{adyen}");
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/slack").await;
    let slack = &page["items"][0];
    assert_eq!(slack["vendor"], "slack", "{slack}");
    assert_eq!(slack["event"]["type"], "app_mention");
    assert_eq!(slack["signature"]["status"], "valid", "{slack}");
    assert_eq!(slack["validation"], serde_json::json!([]), "{slack}");

    // The imported schema is in force: a Slack event without its event_id is told so.
    let profile: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("vendors/slack.json")).unwrap())
            .unwrap();
    let mut body = profile["events"]["app_mention"]["example"].clone();
    body.as_object_mut().unwrap().remove("event_id");
    let sent = t
        .http
        .post(t.capture_url("/hooks/slack-unsigned"))
        .header("X-Slack-Request-Timestamp", "1800000000")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success());
    let (_, page) = t
        .api_get("/api/deliveries?path=/hooks/slack-unsigned")
        .await;
    let missing = &page["items"][0];
    assert_eq!(missing["event"]["type"], "app_mention", "{missing}");
    assert!(
        missing["validation"].to_string().contains("event_id"),
        "{missing}"
    );

    // What the vendor's schema does not allow is named on the delivery.
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("vendors/transfer-webhooks.json")).unwrap(),
    )
    .unwrap();
    let mut body = example["events"]["balancePlatform.transfer.created"]["example"].clone();
    body["data"]["amount"]["value"] = Value::from("a lot");
    let sent = t
        .http
        .post(t.capture_url("/hooks/adyen"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success());
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/adyen").await;
    let wrong = &page["items"][0];
    assert_eq!(wrong["event"]["type"], "balancePlatform.transfer.created");
    let paths: Vec<&str> = wrong["validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/data/amount/value"), "{wrong}");

    // Removing what was imported: the built-in Slack profile is in force again, the new profile
    // is gone; a built-in profile cannot be removed.
    let removed: Value = t
        .http
        .delete(t.api_url("/api/vendors/slack"))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(removed["builtin_restored"], true, "{removed}");
    let (_, vendors) = t.api_get("/api/vendors").await;
    let slack = vendors["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "slack")
        .unwrap();
    assert_eq!(slack["events"], serde_json::json!({}), "{slack}");
    let refused = t
        .http
        .delete(t.api_url("/api/vendors/stripe"))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let text = ok(&hookscope(d, &["vendor", "remove", "transfer-webhooks"]));
    assert!(text.starts_with("Removed transfer-webhooks"), "{text}");
    assert!(!d.join("vendors/transfer-webhooks.json").exists());
    let (_, vendors) = t.api_get("/api/vendors").await;
    assert!(
        !vendors.to_string().contains("\"transfer-webhooks\""),
        "removed at once"
    );
}

/// A document that cannot be imported is a usage error that says why.
#[test]
fn what_cannot_be_imported_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.json");
    std::fs::write(
        &file,
        r#"{"openapi": "3.0.3", "info": {"title": "Old", "version": "1"}, "paths": {}}"#,
    )
    .unwrap();
    let out = hookscope(
        dir.path(),
        &["vendor", "import-spec", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("they came with OpenAPI 3.1"), "{err}");
    let slack = spec("slack-events.asyncapi.json");
    let out = hookscope(
        dir.path(),
        &["vendor", "import-spec", slack.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--type-pointer"), "{err}");
    assert!(!dir.path().join("vendors").exists(), "nothing written");
}
