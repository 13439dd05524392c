//! Rules on real HTTP: deliveries routed by event type to two recording handlers, fanned out to
//! three targets with one down, answered from templates, answered 503 twice and then 200 to a
//! sender that retries, and a template that fails; each delivery says which rule matched.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

const POST: Method = Method::POST;
const PUT: Method = Method::PUT;

use crate::common::{TestServer, start};
use crate::replay::{attempts, target};

/// A Stripe-shaped event (the endpoint binds Stripe; no secret, so its signature is unchecked).
fn event(id: &str, kind: &str) -> String {
    json!({
        "id": id, "object": "event", "type": kind, "created": 1_700_000_000,
        "data": { "object": { "id": format!("obj_{id}"), "amount": 1200 } }
    })
    .to_string()
}

async fn send(t: &TestServer, body: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = t
        .http
        .post(t.capture_url("/hooks/stripe"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    req.send().await.unwrap()
}

/// The newest stored delivery, as the API lists it.
async fn newest(t: &TestServer) -> Value {
    let (_, page) = t.api_get("/api/deliveries?limit=1").await;
    page["items"][0].clone()
}

/// A request to the control API with the token and a JSON body: its status and JSON answer (or
/// text, as a JSON string, when it is not JSON).
async fn call(t: &TestServer, method: Method, path: &str, body: &Value) -> (u16, Value) {
    let resp = t
        .http
        .request(method, t.api_url(path))
        .bearer_auth(&t.token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn closed_port() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

#[tokio::test]
async fn rules_route_by_event_type_and_fan_out_with_one_target_down() {
    let (orders, orders_log) = target().await;
    let (invoices, invoices_log) = target().await;
    let (audit, audit_log) = target().await;
    let down = closed_port();
    let t = start(&format!(
        r#"
[[endpoints]]
path = "/hooks/stripe"
vendor = "stripe"

[[rules]]
name = "invoices"
match = {{ event = "invoice.*" }}
do = {{ forward = "http://{invoices}/invoices" }}

[[rules]]
name = "orders everywhere"
match = {{ event = ["order.*", "charge.*"] }}
do = {{ forward = ["http://{orders}/orders", "http://{down}/gone", "http://{audit}/audit"] }}
"#
    ))
    .await;

    let resp = send(&t, &event("evt_1", "invoice.paid"), &[]).await;
    assert_eq!(resp.status(), 200);
    let invoice = newest(&t).await;
    assert_eq!(invoice["rule"]["rules"], json!(["rules[0] (\"invoices\")"]));
    let id = invoice["id"].as_i64().unwrap();
    assert_eq!(attempts(&t, id, 1).await[0]["status"], 201);
    assert_eq!(invoices_log.lock().unwrap().len(), 1);

    let resp = send(&t, &event("evt_2", "order.created"), &[]).await;
    assert_eq!(
        resp.status(),
        200,
        "the sender is answered whatever the targets do"
    );
    let order = newest(&t).await;
    assert_eq!(
        order["rule"]["did"], "forwarded to 3 targets",
        "{}",
        order["rule"]
    );
    let id = order["id"].as_i64().unwrap();
    let tries = attempts(&t, id, 3).await;
    let by_url = |part: &str| {
        tries
            .iter()
            .find(|a| a["url"].as_str().unwrap().contains(part))
            .unwrap_or_else(|| panic!("no attempt to {part}: {tries:?}"))
            .clone()
    };
    assert_eq!(by_url("/orders")["status"], 201);
    assert_eq!(by_url("/audit")["status"], 201);
    let gone = by_url("/gone");
    assert_eq!(gone["status"], Value::Null);
    assert!(
        gone["error"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{gone}"
    );
    assert_eq!(orders_log.lock().unwrap().len(), 1);
    assert_eq!(audit_log.lock().unwrap().len(), 1);
    assert_eq!(
        invoices_log.lock().unwrap().len(),
        1,
        "an order is no invoice"
    );
    assert_eq!(
        orders_log.lock().unwrap()[0].body.as_ref(),
        event("evt_2", "order.created").as_bytes(),
        "the bytes as sent"
    );

    // No rule matches: stored, answered as the endpoint says, forwarded nowhere.
    send(&t, &event("evt_3", "customer.created"), &[]).await;
    let other = newest(&t).await;
    assert_eq!(other["rule"], Value::Null);
    t.stop().await;
}

#[tokio::test]
async fn templated_answers_take_values_from_the_request() {
    let t = start(
        r#"
[[endpoints]]
path = "/hooks/stripe"
vendor = "stripe"

[[rules]]
name = "echo"
match = { method = "POST", headers = { "X-Request-Id" = "*" }, body = { "/data/object/amount" = 1200 } }
do = { status = 202, headers = { "X-Echo" = "{{ headers['X-Request-Id'] }}" }, body = '{"received": "{{ body.data.object.id }}", "type": "{{ event.type }}"}' }
"#,
    )
    .await;
    let resp = send(
        &t,
        &event("evt_9", "invoice.paid"),
        &[("X-Request-Id", "req-77")],
    )
    .await;
    assert_eq!(resp.status(), 202);
    assert_eq!(resp.headers()["x-echo"], "req-77");
    assert_eq!(resp.headers()["content-type"], "application/json");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "received": "obj_evt_9", "type": "invoice.paid" })
    );
    let stored = newest(&t).await;
    assert_eq!(
        stored["response_status"], 202,
        "the status stored is the one sent"
    );
    assert_eq!(
        stored["rule"]["did"],
        "answered 202; with its own body; set x-echo"
    );
    // The command line says it too (the store is shared; the server holds no lock on reads).
    let shown = crate::common::ok(&crate::common::hookscope(
        t.dir.path(),
        &["show", &stored["id"].to_string()],
    ));
    assert!(
        shown.contains("# rule rules[0] (\"echo\"): answered 202; with its own body; set x-echo"),
        "{shown}"
    );

    // Without the header the rule does not match: the usual acknowledgement.
    let resp = send(&t, &event("evt_10", "invoice.paid"), &[]).await;
    assert_eq!(resp.status(), 200);
    let ack: Value = resp.json().await.unwrap();
    assert!(ack["id"].is_string(), "{ack}");
    t.stop().await;
}

#[tokio::test]
async fn answering_503_twice_then_200_shows_the_senders_retries() {
    let t = start(
        r#"
[[endpoints]]
path = "/hooks/stripe"
vendor = "stripe"

[[rules]]
name = "fail twice"
match = { arrival = "1..2" }
do = { status = 503, headers = { "Retry-After" = "0" } }
"#,
    )
    .await;
    // A sender that retries until it gets a 2xx, as a vendor does.
    let body = event("evt_retry", "invoice.paid");
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let resp = send(&t, &body, &[]).await;
        statuses.push(resp.status().as_u16());
        if resp.status().is_success() {
            break;
        }
        assert_eq!(resp.headers()["retry-after"], "0");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(statuses, [503, 503, 200]);
    let (_, page) = t.api_get("/api/deliveries?limit=10").await;
    let items = page["items"].as_array().unwrap();
    let stored: Vec<(Value, Value, Value)> = items
        .iter()
        .rev()
        .map(|d| {
            (
                d["response_status"].clone(),
                d["duplicate"]["attempt"].clone(),
                d["rule"]["rules"].clone(),
            )
        })
        .collect();
    assert_eq!(
        stored,
        [
            (json!(503), json!(1), json!(["rules[0] (\"fail twice\")"])),
            (json!(503), json!(2), json!(["rules[0] (\"fail twice\")"])),
            (json!(200), json!(3), Value::Null),
        ]
    );
    // Another event starts its own count.
    assert_eq!(
        send(&t, &event("evt_other", "invoice.paid"), &[])
            .await
            .status(),
        503
    );
    t.stop().await;
}

#[tokio::test]
async fn a_template_that_fails_falls_back_to_the_endpoint_answer_and_says_why() {
    let t = start(
        r#"
[[endpoints]]
path = "/hooks/stripe"
vendor = "stripe"
response = { status = 200, body = "endpoint answer" }

[[rules]]
name = "broken"
do = { status = 201, body = "{{ body.data | no_such_filter }}" }
"#,
    )
    .await;
    let resp = send(&t, &event("evt_b", "invoice.paid"), &[]).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "endpoint answer");
    let stored = newest(&t).await;
    let error = stored["rule"]["error"].as_str().unwrap();
    assert!(
        error.starts_with("rules[0] (\"broken\"): do.body: ") && error.contains("no_such_filter"),
        "{error}"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_rule_that_cannot_be_compiled_or_never_match_stops_the_start() {
    for (rules, says) in [
        (
            "[[rules]]\ndo = { body = \"{{ body.id \" }\n",
            "rules[0]: do.body: syntax error",
        ),
        (
            "[[rules]]\nmatch = { vendor = \"strype\" }\n",
            "rules[0]: match.vendor: \"strype\" is not a known profile",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let config: hookscope::config::Config = toml::from_str(rules).unwrap();
        let err = hookscope::server::Server::start(hookscope::server::InstanceSetup {
            config,
            db: dir.path().join("hookscope.db"),
            data_dir: dir.path().to_owned(),
            config_path: dir.path().join("hookscope.toml"),
        })
        .await
        .err()
        .expect("refused");
        let text = err.to_string();
        assert!(text.contains(says), "{text}");
        assert!(text.contains("hookscope.toml"), "names the file: {text}");
    }
}

#[tokio::test]
async fn pass_through_relays_the_first_targets_answer_and_stores_it() {
    let (handler, log) = target().await;
    let down = closed_port();
    let t = start(&format!(
        r#"
[[endpoints]]
path = "/hooks/stripe"
vendor = "stripe"

[[rules]]
match = {{ event = "invoice.*" }}
do = {{ forward = "http://{handler}/in", pass_through = true }}

[[rules]]
match = {{ event = "order.*" }}
do = {{ forward = "http://{down}/in", pass_through = true }}
"#
    ))
    .await;
    let resp = send(&t, &event("evt_p", "invoice.paid"), &[]).await;
    assert_eq!(resp.status(), 201, "the handler's answer");
    assert_eq!(resp.text().await.unwrap(), "handled");
    assert_eq!(log.lock().unwrap().len(), 1);
    let stored = newest(&t).await;
    assert_eq!(stored["response_status"], 201);

    let resp = send(&t, &event("evt_q", "order.created"), &[]).await;
    assert_eq!(resp.status(), 502, "no answer came from the target");
    let stored = newest(&t).await;
    assert_eq!(stored["response_status"], 502, "{stored}");
    assert_eq!(stored["handler"]["status"], Value::Null);
    t.stop().await;
}

#[tokio::test]
async fn rules_reload_when_the_config_file_changes_with_no_delivery_lost_or_half_decided() {
    const ENDPOINT: &str = "[[endpoints]]\npath = \"/hooks/stripe\"\nvendor = \"stripe\"\n";
    let t = start(ENDPOINT).await;
    let file = t.dir.path().join("hookscope.toml");
    // Two rules that change together: a delivery answered by the new set has both.
    let new_set = format!(
        "{ENDPOINT}\n[[rules]]\nname = \"teapot\"\ndo = {{ status = 418, continue = true }}\n\n\
         [[rules]]\nname = \"marked\"\ndo = {{ headers = {{ \"X-Set\" = \"new\" }} }}\n"
    );
    let sender = {
        let http = t.http.clone();
        let url = t.capture_url("/hooks/stripe");
        tokio::spawn(async move {
            let mut seen = Vec::new();
            for i in 0..400 {
                let resp = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(event(&format!("evt_r{i}"), "invoice.paid"))
                    .send()
                    .await
                    .unwrap();
                let marked = resp.headers().get("x-set").is_some();
                seen.push((resp.status().as_u16(), marked));
                if resp.status() == 418 && seen.len() > 20 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            seen
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    std::fs::write(&file, &new_set).unwrap();
    let seen = sender.await.unwrap();
    assert!(
        seen.iter()
            .all(|&(status, marked)| (status == 418) == marked),
        "every answer is from one whole set: {seen:?}"
    );
    assert_eq!(seen.first(), Some(&(200, false)), "the old set first");
    assert_eq!(
        seen.last(),
        Some(&(418, true)),
        "then the new one, without a restart"
    );
    let (_, info) = t.api_get("/api").await;
    assert_eq!(
        info["deliveries"].as_u64(),
        Some(seen.len() as u64),
        "every delivery stored: {info}"
    );

    // A file whose rules do not compile leaves the rules in force.
    std::fs::write(
        &file,
        format!("{ENDPOINT}\n[[rules]]\ndo = {{ body = \"{{{{ body.id \" }}\n"),
    )
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        send(&t, &event("evt_z", "invoice.paid"), &[])
            .await
            .status(),
        418
    );
    // And the API says so: what is in force, and why the file was not put in force.
    let (_, rules) = t.api_get("/api/rules").await;
    assert_eq!(rules["reload"]["source"], "file", "{rules}");
    assert_eq!(rules["reload"]["rules"], 2, "{rules}");
    assert_eq!(rules["reload"]["failed"]["source"], "file", "{rules}");
    let error = rules["reload"]["failed"]["error"].as_str().unwrap();
    assert!(error.contains("rules[0]: do.body: syntax error"), "{error}");
    t.stop().await;
}

#[tokio::test]
async fn rules_are_edited_per_endpoint_through_the_api_and_tried_on_a_stored_delivery() {
    let t = start(
        "[[endpoints]]\npath = \"/hooks/stripe\"\nvendor = \"stripe\"\n\n\
         [[endpoints]]\npath = \"/hooks/other\"\n",
    )
    .await;
    let file = t.dir.path().join("hookscope.toml");

    // Each rule's problem, where it is, while it is edited.
    let broken = json!({
        "global": [{ "match": {}, "do": { "body": "{{ body.id " } }],
        "endpoints": [
            { "path": "/hooks/stripe", "rules": [{ "match": { "event": ["["] }, "do": {} }] },
            { "path": "/hooks/nowhere", "rules": [] }
        ]
    });
    let (_, checked) = call(&t, POST, "/api/rules/check", &broken).await;
    let at: Vec<(Value, Value, Value)> = checked["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["endpoint"].clone(), p["index"].clone(), p["key"].clone()))
        .collect();
    assert_eq!(
        at,
        [
            (json!("/hooks/stripe"), json!(0), json!("match.event")),
            (json!(null), json!(0), json!("do.body")),
            (json!("/hooks/nowhere"), json!(0), json!("")),
        ],
        "{checked}"
    );
    let (status, _) = call(&t, PUT, "/api/rules", &broken).await;
    assert_eq!(status, 400);
    assert!(
        !std::fs::read_to_string(&file)
            .unwrap_or_default()
            .contains("rules")
    );

    // Saved: in force for the next delivery, and in the file.
    let rules = json!({
        "global": [{ "name": "teapot", "match": {}, "do": { "status": 418 } }],
        "endpoints": [{ "path": "/hooks/stripe", "rules": [{
            "name": "invoices",
            "match": { "event": ["invoice.*"] },
            "do": { "status": 202, "body": "{{ body.id }}" }
        }] }]
    });
    let (status, saved) = call(&t, PUT, "/api/rules", &rules).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["reload"]["source"], "ui");
    assert_eq!(saved["reload"]["rules"], 2);
    assert_eq!(
        saved["endpoints"][1],
        json!({ "path": "/hooks/other", "rules": [] })
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("[[endpoints.rules]]"), "{text}");
    assert!(text.contains("[[rules]]"), "{text}");

    let resp = send(&t, &event("evt_e1", "invoice.paid"), &[]).await;
    assert_eq!(resp.status(), 202);
    assert_eq!(resp.text().await.unwrap(), "evt_e1");
    let first = newest(&t).await;
    assert_eq!(
        first["rule"]["rules"],
        json!(["endpoint /hooks/stripe: rules[0] (\"invoices\")"])
    );
    let other = t
        .http
        .post(t.capture_url("/hooks/other/x"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        other.status(),
        418,
        "the global rule for the other endpoint"
    );

    // Tried on the stored delivery: with the rules in force, and with a draft.
    let id = first["id"].as_i64().unwrap();
    let (_, tried) = call(&t, POST, "/api/rules/try", &json!({ "delivery": id })).await;
    assert_eq!(tried["status"], 202, "{tried}");
    assert_eq!(tried["body"], "evt_e1");
    assert_eq!(tried["facts"]["arrival"], 1);
    let (_, drafted) = call(
        &t,
        POST,
        "/api/rules/try",
        &json!({ "delivery": id, "rules": { "global": [], "endpoints": [] } }),
    )
    .await;
    assert_eq!(drafted["applied"], json!([]), "{drafted}");
    assert_eq!(drafted["status"], 200);

    // Endpoints saved as the API lists them keep their rules; an endpoint removed takes its own.
    let (_, listed) = t.api_get("/api/endpoints").await;
    assert_eq!(call(&t, PUT, "/api/endpoints", &listed).await.0, 200);
    let resp = send(&t, &event("evt_e2", "invoice.paid"), &[]).await;
    assert_eq!(resp.status(), 202);
    let only_other = json!({ "items": [listed["items"][1].clone()] });
    assert_eq!(call(&t, PUT, "/api/endpoints", &only_other).await.0, 200);
    let resp = send(&t, &event("evt_e3", "invoice.paid"), &[]).await;
    assert_eq!(resp.status(), 418, "only the global rule is left");

    // Reloaded from the UI: a file that does not compile is refused, and the status says so.
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n[[rules]]\ndo = { status = 700 }\n");
    std::fs::write(&file, text).unwrap();
    let (status, refused) = call(&t, POST, "/api/rules/reload", &Value::Null).await;
    assert_eq!(status, 400);
    assert!(refused.to_string().contains("do.status 700"), "{refused}");
    let (_, status) = t.api_get("/api/rules").await;
    assert!(
        status["reload"]["failed"]["source"] == "ui"
            || status["reload"]["failed"]["source"] == "file",
        "{status}"
    );
    assert_eq!(status["global"].as_array().unwrap().len(), 1);
    t.stop().await;
}
