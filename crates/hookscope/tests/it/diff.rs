//! Diffs of stored deliveries, over the API and the command line: a retry differs in nothing
//! but what its vendor varies on purpose, a conflicting duplicate shows what changed against the
//! first delivery of its event, two events of one type compare field by field, and what cannot
//! be compared says why.

use serde_json::{Value, json};

use crate::common::{TestServer, start};

const CONFIG: &str = r#"
[[endpoints]]
path = "/hooks/stripe"
vendor = "stripe"
"#;

fn invoice(id: &str, created: i64, amount: i64) -> String {
    json!({
        "id": id,
        "object": "event",
        "type": "invoice.paid",
        "created": created,
        "pending_webhooks": 1,
        "data": {"object": {"id": "in_1", "amount_paid": amount, "lines": ["a", "b", "c"]}}
    })
    .to_string()
}

async fn send(t: &TestServer, body: String, signature: &str) -> i64 {
    let resp = t
        .http
        .post(t.capture_url("/hooks/stripe"))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let ack: Value = resp.json().await.unwrap();
    t.ack_id(&ack["id"])
}

fn paths(changes: &Value) -> Vec<(String, String)> {
    changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn diffs_show_real_changes_and_hide_volatile_ones() {
    let t = start(CONFIG).await;
    let first = send(&t, invoice("evt_1", 1_800_000_000, 4200), "t=1,v1=aa").await;
    // Stripe retries: the same bytes, signed again at another time.
    let retry = send(&t, invoice("evt_1", 1_800_000_000, 4200), "t=2,v1=bb").await;
    // A sender bug: the same event id with another body.
    let conflict = send(&t, invoice("evt_1", 1_800_000_000, 9900), "t=3,v1=cc").await;
    // The next event of that type.
    let next = send(&t, invoice("evt_2", 1_800_000_100, 9900), "t=4,v1=dd").await;

    let (status, d) = t.api_get(&format!("/api/deliveries/{retry}/diff")).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["basis"], "first_of_event");
    assert_eq!(d["left"]["id"], first);
    assert_eq!(d["same"], true, "{d}");
    assert_eq!(d["headers"], json!([]), "{d}");
    assert_eq!(d["body"], json!([]), "{d}");
    assert_eq!(d["volatile_hidden"], 1, "the signature: {d}");
    let (_, shown) = t
        .api_get(&format!("/api/deliveries/{retry}/diff?volatile=true"))
        .await;
    assert_eq!(
        paths(&shown["headers"]),
        [("changed".to_owned(), "stripe-signature".to_owned())]
    );
    assert_eq!(shown["headers"][0]["volatile"], true);
    assert_eq!(shown["headers"][0]["left"], "t=1,v1=aa");

    let (_, d) = t.api_get(&format!("/api/deliveries/{conflict}/diff")).await;
    assert_eq!(d["basis"], "first_of_event", "{d}");
    assert_eq!(d["same"], false);
    assert_eq!(d["body_kind"], "json");
    assert_eq!(
        paths(&d["body"]),
        [("changed".to_owned(), "/data/object/amount_paid".to_owned())]
    );
    assert_eq!(d["body"][0]["left"], 4200);
    assert_eq!(d["body"][0]["right"], 9900);

    // The previous of its type (the conflict): the event id and time vary by design.
    let (_, d) = t.api_get(&format!("/api/deliveries/{next}/diff")).await;
    assert_eq!(d["basis"], "previous", "{d}");
    assert_eq!(d["left"]["id"], conflict);
    assert_eq!(d["same"], true, "{d}");
    assert_eq!(d["volatile_hidden"], 3, "id, created, signature: {d}");
    // Chosen: the first and the next; the amount and the hidden three.
    let (_, d) = t
        .api_get(&format!("/api/deliveries/{next}/diff?with={first}"))
        .await;
    assert_eq!(d["basis"], "chosen");
    assert_eq!(
        paths(&d["body"]),
        [("changed".to_owned(), "/data/object/amount_paid".to_owned())]
    );

    // What cannot be compared says why.
    let (status, e) = t
        .api_get(&format!("/api/deliveries/{first}/diff?with=first"))
        .await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("repeats no earlier delivery"),
        "{e}"
    );
    let (status, e) = t.api_get(&format!("/api/deliveries/{first}/diff")).await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("earliest stored invoice.paid"),
        "{e}"
    );
    let (status, _) = t
        .api_get(&format!("/api/deliveries/{first}/diff?with=abc"))
        .await;
    assert_eq!(status, 400);
    let (status, _) = t.api_get("/api/deliveries/99999/diff?with=1").await;
    assert_eq!(status, 404);

    // The command line reads the same store.
    let db = t.dir.path().join("hookscope.db");
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hookscope"))
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap()
    };
    let text = cli(&["diff", &first.to_string(), &next.to_string()]);
    assert!(text.status.success(), "{text:?}");
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("~ /data/object/amount_paid: 4200 → 9900"),
        "{text}"
    );
    assert!(text.contains("3 volatile changes hidden"), "{text}");
    let same = cli(&["diff", &retry.to_string(), "--exit-code"]);
    assert_eq!(same.status.code(), Some(0), "{same:?}");
    assert!(String::from_utf8_lossy(&same.stdout).contains("No differences but volatile ones."));
    let differs = cli(&["diff", &conflict.to_string(), "--exit-code", "--json"]);
    assert_eq!(differs.status.code(), Some(1), "{differs:?}");
    let d: Value = serde_json::from_slice(&differs.stdout).unwrap();
    assert_eq!(d["left"]["id"], first);
    let moved = cli(&["diff", "1", "99999"]);
    assert_eq!(
        moved.status.code(),
        Some(2),
        "an unknown id is an input error"
    );
    t.stop().await;
}
