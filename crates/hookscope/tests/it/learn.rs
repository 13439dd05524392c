//! Schemas learned from traffic, through a real server: drift is noted on the delivery that
//! differs from the earlier ones of its event type, what was learned outlives a restart, and
//! deleting every delivery (or turning learning off) leaves nothing learned.

use serde_json::{Value, json};

use crate::common::{TestServer, start};

const CONFIG: &str = r#"
[[endpoints]]
path = "/hooks/cooledge"
vendor = "cooledge"
"#;

/// Cooledge's documented `lead.won` (fixtures/cooledge), event `i`, won via `via`.
fn won(i: usize, via: &str) -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/cooledge/lead.won.json"
    ))
    .unwrap();
    let mut body: Value = serde_json::from_str(&text).unwrap();
    body["event_id"] = json!(format!("9d2f6b81-4c07-4e3a-8b15-{i:012x}"));
    body["won_via"] = json!(via);
    body
}

async fn send(t: &TestServer, body: &Value) -> i64 {
    t.post("/hooks/cooledge", body.to_string()).await
}

/// The drift notes on delivery `id`: (JSON pointer, message).
async fn drift(t: &TestServer, id: i64) -> Vec<(String, String)> {
    let delivery = t.delivery(id).await;
    delivery["validation"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["drift"] == true)
        .map(|f| {
            assert_eq!(f["level"], "info", "drift is an info, never a warning: {f}");
            (
                f["path"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Twelve ordinary `lead.won`, won by quote or by call.
async fn twelve(t: &TestServer) {
    for i in 0..12 {
        let id = send(t, &won(i, ["quote_accepted", "call"][i % 2])).await;
        assert!(
            drift(t, id).await.is_empty(),
            "delivery {i} is like the others"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_payload_unlike_the_earlier_ones_of_its_type_gets_drift_notes_and_learning_outlives_a_restart()
 {
    let t = start(CONFIG).await;
    twelve(&t).await;
    let mut odd = won(12, "coin_toss");
    odd["referrer"] = json!("a friend");
    odd["job_id"] = json!(42);
    let id = send(&t, &odd).await;
    let mut notes = drift(&t, id).await;
    notes.sort();
    assert_eq!(
        notes,
        [
            (
                "/job_id".to_owned(),
                "`job_id` is integer: it was null in 12 earlier `lead.won`".to_owned()
            ),
            (
                "/referrer".to_owned(),
                "`referrer`: a field not seen in 12 earlier `lead.won`".to_owned()
            ),
            (
                "/won_via".to_owned(),
                "`won_via` = `coin_toss`: not seen in 12 earlier `lead.won`".to_owned()
            ),
        ]
    );
    // Learned once, said once: the same novelty again is no longer new.
    let again = send(&t, &odd).await;
    assert!(drift(&t, again).await.is_empty());

    // The API lists it and shows it: fields with their presence, types and examples.
    let (status, list) = t.api_get("/api/schemas").await;
    assert_eq!(status, 200);
    assert_eq!(list["items"][0]["event_type"], "lead.won", "{list}");
    assert_eq!(list["items"][0]["seen"], 14, "{list}");
    let (status, schema) = t.api_get("/api/schemas/cooledge/lead.won").await;
    assert_eq!(status, 200, "{schema}");
    let field = |path: &str| {
        schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("no {path} in {schema}"))
            .clone()
    };
    let referrer = field("referrer");
    assert_eq!(
        (&referrer["seen"], &referrer["within"]),
        (&json!(2), &json!(14))
    );
    assert_eq!(field("event_id")["formats"], json!(["uuid"]));
    assert_eq!(field("occurred_at")["formats"], json!(["date-time"]));
    let job = field("job_id");
    assert_eq!(
        (&job["nulls"], &job["types"]),
        (&json!(12), &json!(["integer"]))
    );
    assert_eq!(
        schema["json_schema"]["required"]
            .as_array()
            .map(|r| r.contains(&json!("lead_id"))),
        Some(true),
        "{schema}"
    );
    let ts = t
        .http
        .get(t.api_url("/api/schemas/cooledge/lead.won?format=typescript"))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(ts.status(), 200);
    assert!(
        ts.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("lead.won.ts")
    );
    let ts = ts.text().await.unwrap();
    assert!(ts.contains("export type LeadWon = {"), "{ts}");
    assert!(ts.contains("referrer?: string;"), "{ts}");
    let (status, missing) = t.api_get("/api/schemas/cooledge/lead.lost").await;
    assert_eq!(status, 404);
    assert!(
        missing["error"]
            .as_str()
            .unwrap()
            .contains("no schema learned"),
        "{missing}"
    );
    let (status, bad) = t.api_get("/api/schemas/cooledge/lead.won?format=xml").await;
    assert_eq!(status, 400, "{bad}");

    // What was learned is saved with the store: after a restart, counting goes on.
    let t = t.restart(CONFIG).await;
    let mut extra = won(13, "call");
    extra["discount"] = json!({"percent": 10});
    let id = send(&t, &extra).await;
    assert_eq!(
        drift(&t, id).await,
        [(
            "/discount".to_owned(),
            "`discount`: a field not seen in 14 earlier `lead.won`".to_owned()
        )]
    );

    // Deleting every delivery forgets what they taught, now and after a restart.
    let resp = t
        .http
        .delete(t.api_url("/api/deliveries"))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let t = t.restart(CONFIG).await;
    twelve(&t).await;
    let id = send(&t, &extra).await;
    assert_eq!(
        drift(&t, id).await,
        [(
            "/discount".to_owned(),
            "`discount`: a field not seen in 12 earlier `lead.won`".to_owned()
        )]
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_learning_turned_off_no_drift_is_noted() {
    let t = start(&format!("[capture]\nlearn_schemas = false\n{CONFIG}")).await;
    for i in 0..12 {
        send(&t, &won(i, "call")).await;
    }
    let mut odd = won(12, "call");
    odd["referrer"] = json!("a friend");
    let id = send(&t, &odd).await;
    assert!(drift(&t, id).await.is_empty());
    assert!(
        t.server.writer.learner().list().is_empty(),
        "nothing learned"
    );
    t.stop().await;
}

/// `hookscope learned` on the store at `t`, once the server has saved what it learned of
/// `seen` deliveries.
fn learned_cli(t: &TestServer, args: &[&str], seen: u64) -> String {
    let db = t.dir.path().join("hookscope.db");
    for _ in 0..100 {
        let list = std::process::Command::new(env!("CARGO_BIN_EXE_hookscope"))
            .args(["learned", "--json", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        let list: Value = serde_json::from_slice(&list.stdout).unwrap();
        if list["items"][0]["seen"] == seen {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookscope"))
                .arg("learned")
                .args(args)
                .arg("--db")
                .arg(&db)
                .output()
                .unwrap();
            assert!(out.status.success(), "{args:?}: {out:?}");
            return String::from_utf8(out.stdout).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the server did not save what it learned");
}

/// What is written for a handler holds for the payloads it was learned from, checked by the
/// tools a handler uses: `tsc` assigns each payload to the TypeScript type, Zod parses each,
/// Ajv validates each against the JSON Schema; and Zod and Ajv refuse payloads unlike them.
#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_zod_and_json_schema_written_hold_for_the_payloads_learned_from() {
    let t = start(CONFIG).await;
    let mut sent = Vec::new();
    for i in 0..14 {
        let mut body = won(i, ["quote_accepted", "call", "job_completed"][i % 3]);
        if i % 4 == 0 {
            body["job_id"] = json!(format!("6a2c9e74-1d38-4b05-8f72-{i:012x}"));
            body["notes"] = json!(["first", "second"]);
        }
        send(&t, &body).await;
        sent.push(body);
    }
    let text = learned_cli(&t, &["cooledge", "lead.won"], 14);
    assert!(
        text.contains("cooledge lead.won: learned from 14 deliveries"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("notes ") && l.contains("29%") && l.contains("array")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("won_via ")
                && l.contains("call | job_completed | quote_accepted")),
        "{text}"
    );
    let dir = t.dir.path();
    for (flag, file) in [
        ("--typescript", "types.ts"),
        ("--zod", "zod.ts"),
        ("--json-schema", "schema.json"),
    ] {
        let text = learned_cli(&t, &["cooledge", "lead.won", flag], 14);
        std::fs::write(dir.join(file), text).unwrap();
    }
    let mut wrong_type = sent[1].clone();
    wrong_type["lead_id"] = json!(7);
    let mut missing = sent[1].clone();
    missing.as_object_mut().unwrap().remove("customer_id");
    let mut other_choice = sent[1].clone();
    other_choice["won_via"] = json!("coin_toss");
    std::fs::write(dir.join("payloads.json"), Value::from(sent).to_string()).unwrap();
    std::fs::write(
        dir.join("rejected.json"),
        json!([wrong_type, missing, other_choice]).to_string(),
    )
    .unwrap();
    let sdk = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sdk");
    let out = std::process::Command::new("node")
        .arg("learned_types.mjs")
        .args(
            ["types.ts", "zod.ts", "schema.json"]
                .iter()
                .map(|f| dir.join(f)),
        )
        .arg("LeadWon")
        .arg(dir.join("payloads.json"))
        .arg(dir.join("rejected.json"))
        .current_dir(&sdk)
        .output()
        .expect("node runs (cargo xtask test installs tests/sdk)");
    let verdict = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && verdict.trim() == r#"{"ok":true}"#,
        "{verdict}{}\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(dir.join("types.ts")).unwrap(),
        std::fs::read_to_string(dir.join("zod.ts")).unwrap(),
    );
    t.stop().await;
}
