//! Replay against real local HTTP targets: a recording handler started by the test, a closed
//! port, and the server's own capture listener (whose signature check is the real one).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::DeliveryId as _;
use crate::common::{TestServer, raw_exchange, start};
use axum::body::Bytes;
use axum::extract::{Request, State};
use hookscope::profile::Registry;
use hookscope::replay::ReplayOptions;
use hookscope::replay::bulk::BulkOptions;
use hookscope::signature::{SignParams, sign};
use hookscope::store::ListParams;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

/// What the target received: method, path and query, headers in order, body.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub method: String,
    pub uri: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Bytes,
    pub at: Instant,
}

pub(crate) type Log = Arc<Mutex<Vec<Received>>>;

/// A handler that records every request; `/fail` answers 500, everything else 201.
pub(crate) async fn target() -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    async fn record(State(log): State<Log>, req: Request) -> (http::StatusCode, &'static str) {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        let failing = parts.uri.path() == "/fail";
        log.lock().unwrap().push(Received {
            method: parts.method.to_string(),
            uri: parts.uri.to_string(),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect(),
            body,
            at: Instant::now(),
        });
        if failing {
            (http::StatusCode::INTERNAL_SERVER_ERROR, "handler broke")
        } else {
            (http::StatusCode::CREATED, "handled")
        }
    }
    let app = axum::Router::new().fallback(record).with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, log)
}

async fn replay(t: &TestServer, id: i64, body: Value) -> (u16, Value) {
    let resp = t
        .http
        .post(t.api_url(&format!("/api/deliveries/{id}/replay")))
        .bearer_auth(&t.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn header<'a>(headers: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
}

#[tokio::test]
async fn a_replay_sends_the_stored_request_byte_exact_and_records_the_answer() {
    let t = start("").await;
    let (addr, log) = target().await;
    // Binary body, mixed-case and repeated headers, obs-text, hop-by-hop headers.
    let body: Vec<u8> = (0u8..=255).chain([0, 13, 10, 0xff]).collect();
    let mut request = format!(
        "PUT /hooks/bin/x?a=1&b=%20 HTTP/1.1\r\nHost: example.test\r\nX-Mixed-Case: One\r\nx-dup: 1\r\nX-Dup: 2\r\nConnection: close, X-Hop\r\nX-Hop: drop me\r\nKeep-Alive: timeout=5\r\nContent-Type: application/octet-stream\r\nX-Latin: caf@\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    // A Latin-1 byte (obs-text) in a header value.
    let at = request.windows(4).position(|w| w == b"caf@").unwrap();
    request[at + 3] = 0xe9;
    request.extend_from_slice(&body);
    let answer = raw_exchange(t.capture, &request).await;
    let id = t.acked_ids(&answer)[0];

    let (status, attempt) =
        replay(&t, id, json!({ "to": format!("http://{addr}/webhooks") })).await;
    assert_eq!(status, 200, "{attempt}");
    assert_eq!(attempt["status"], 201, "{attempt}");
    assert_eq!(attempt["ok"], true);
    assert_eq!(attempt["response_body"], "handled");
    assert_eq!(attempt["kind"], "replay");
    assert_eq!(attempt["delivery_id"], id);
    assert!(attempt["latency_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(
        attempt["request_body"],
        Value::Null,
        "the body is the delivery's own"
    );

    let got = log.lock().unwrap()[0].clone();
    assert_eq!(got.method, "PUT");
    assert_eq!(got.uri, "/webhooks");
    assert_eq!(got.body.as_ref(), body.as_slice(), "body byte-exact");
    let sent: Vec<(String, Vec<u8>)> = got
        .headers
        .iter()
        .filter(|(n, _)| n != "host" && n != "content-length")
        .cloned()
        .collect();
    let expected: Vec<(String, Vec<u8>)> = vec![
        ("x-mixed-case".into(), b"One".to_vec()),
        ("x-dup".into(), b"1".to_vec()),
        ("x-dup".into(), b"2".to_vec()),
        ("content-type".into(), b"application/octet-stream".to_vec()),
        ("x-latin".into(), b"caf\xe9".to_vec()),
    ];
    assert_eq!(
        sent, expected,
        "the stored headers, less the hop-by-hop ones, and nothing else"
    );
    assert_eq!(
        header(&got.headers, "content-length"),
        Some(body.len().to_string().as_bytes())
    );

    // The path suffix and query follow when asked.
    let (_, a) = replay(
        &t,
        id,
        json!({ "to": format!("http://{addr}/base/?k=v"), "path": "full" }),
    )
    .await;
    assert_eq!(a["status"], 201);
    assert_eq!(
        log.lock().unwrap()[1].uri,
        "/base/hooks/bin/x?k=v&a=1&b=%20"
    );

    // The history, newest first.
    let (status, history) = t.api_get(&format!("/api/deliveries/{id}/attempts")).await;
    assert_eq!(status, 200);
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items[0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/base/hooks/bin/x?k=v&a=1&b=%20")
    );
    assert_eq!(items[1]["url"], format!("http://{addr}/webhooks"));
    t.stop().await;
}

#[tokio::test]
async fn a_target_that_is_down_or_failing_is_recorded_in_plain_words() {
    let t = start("").await;
    let id = t.post("/hooks/x", "payload").await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let (status, a) = replay(&t, id, json!({ "to": format!("http://{closed}/webhooks") })).await;
    assert_eq!(
        status, 200,
        "a failed send is still a recorded attempt: {a}"
    );
    assert_eq!(a["status"], Value::Null, "{a}");
    assert_eq!(a["ok"], false);
    let error = a["error"].as_str().expect("an error");
    assert!(error.contains("connection refused"), "{error}");
    assert!(error.contains(&closed.to_string()), "{error}");

    let (addr, _log) = target().await;
    let (_, a) = replay(&t, id, json!({ "to": format!("http://{addr}/fail") })).await;
    assert_eq!(a["status"], 500);
    assert_eq!(a["ok"], false);
    assert_eq!(a["response_body"], "handler broke");

    // Bad requests are refused with the reason.
    let (status, e) = replay(&t, id, json!({ "to": "localhost:3000" })).await;
    assert_eq!(status, 400, "{e}");
    assert!(e["error"].as_str().unwrap().contains("http://"), "{e}");
    let (status, _) = replay(&t, 999_999, json!({ "to": format!("http://{addr}/") })).await;
    assert_eq!(status, 404);
    let (status, e) = replay(
        &t,
        id,
        json!({ "to": format!("http://{addr}/"), "resign": true }),
    )
    .await;
    assert_eq!(status, 400, "no scheme to re-sign with: {e}");
    assert!(
        e["error"].as_str().unwrap().contains("cannot be re-signed"),
        "{e}"
    );
    t.stop().await;
}

/// A Stripe delivery signed an hour ago: stale for Stripe's five-minute tolerance.
pub(crate) fn stale_stripe(event_id: &str, secret: &str) -> (Vec<u8>, String) {
    let body = format!(
        r#"{{"id":"{event_id}","object":"event","type":"invoice.paid","created":1700000000,"data":{{"object":{{"id":"in_1"}}}}}}"#
    )
    .into_bytes();
    let registry = Registry::builtin();
    let scheme = registry.get("stripe").unwrap().signature.clone().unwrap();
    let then = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 3600;
    let headers = sign(
        &scheme,
        &body,
        SignParams {
            secret,
            id: Some(event_id),
            timestamp: then,
        },
    )
    .unwrap();
    (body, headers[0].1.clone())
}

#[tokio::test]
async fn a_resigned_replay_passes_the_real_signature_check_and_a_fresh_one_is_a_new_event() {
    let t = start(
        "[[endpoints]]\npath = \"/hooks/stripe\"\nvendor = \"stripe\"\nsecrets = [\"whsec_replaytest\"]\n",
    )
    .await;
    let (body, signature) = stale_stripe("evt_0123456789abcdefABCDEF01", "whsec_replaytest");
    let resp = t
        .http
        .post(t.capture_url("/hooks/stripe"))
        .header("Stripe-Signature", &signature)
        .header("Content-Type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let id = t.ack_id(&resp.json::<Value>().await.unwrap()["id"]);
    let original = t.delivery(id).await;
    assert_eq!(
        original["signature"]["status"], "stale",
        "{}",
        original["signature"]
    );

    // The replays go to this server's own capture port: its check is the real one.
    let to = t.capture_url("/hooks/stripe");
    let (_, plain) = replay(&t, id, json!({ "to": to })).await;
    let (_, resigned) = replay(&t, id, json!({ "to": to, "resign": true })).await;
    let (_, fresh) = replay(&t, id, json!({ "to": to, "fresh_id": true })).await;
    for a in [&plain, &resigned, &fresh] {
        assert_eq!(a["status"], 200, "{a}");
    }
    assert_eq!(resigned["resigned"], true);
    let stored = |a: &Value| {
        let ack: Value = serde_json::from_str(a["response_body"].as_str().unwrap()).unwrap();
        ack["id"].delivery_id(&t)
    };

    let plain = t.delivery(stored(&plain)).await;
    assert_eq!(
        plain["signature"]["status"], "stale",
        "sent untouched: {}",
        plain["signature"]
    );
    assert_eq!(crate::common::body_bytes(&plain), body);

    let resigned = t.delivery(stored(&resigned)).await;
    assert_eq!(
        resigned["signature"]["status"], "valid",
        "{}",
        resigned["signature"]
    );
    assert_eq!(
        crate::common::body_bytes(&resigned),
        body,
        "re-signing leaves the body alone"
    );
    assert_eq!(
        resigned["duplicate"]["kind"], "retry",
        "same event id: a retry"
    );

    let fresh = t.delivery(stored(&fresh)).await;
    assert_eq!(
        fresh["signature"]["status"], "valid",
        "{}",
        fresh["signature"]
    );
    let new_id = fresh["event"]["id"].as_str().unwrap();
    assert_ne!(new_id, "evt_0123456789abcdefABCDEF01");
    assert!(new_id.starts_with("evt_") && new_id.len() == "evt_0123456789abcdefABCDEF01".len());
    assert_eq!(
        fresh["duplicate"]["attempt"], 1,
        "a new event: {}",
        fresh["duplicate"]
    );
    let fresh_body = String::from_utf8(crate::common::body_bytes(&fresh)).unwrap();
    assert_eq!(
        fresh_body,
        String::from_utf8(body.clone())
            .unwrap()
            .replace("evt_0123456789abcdefABCDEF01", new_id),
        "only the id changed in the body"
    );

    // An edited send carries the id its edited body holds, and the attempt says which.
    let edited_body = String::from_utf8(body.clone())
        .unwrap()
        .replace("evt_0123456789abcdefABCDEF01", "evt_edited_by_hand");
    let (_, edited) = replay(
        &t,
        id,
        json!({ "to": to, "resign": true, "edited": {
            "method": "POST",
            "headers": [["Content-Type", "application/json"]],
            "body": edited_body,
        }}),
    )
    .await;
    assert_eq!(edited["kind"], "edit", "{edited}");
    assert_eq!(edited["event_id"], "evt_edited_by_hand", "{edited}");
    let received = t.delivery(stored(&edited)).await;
    assert_eq!(received["event"]["id"], "evt_edited_by_hand");
    t.stop().await;
}

#[tokio::test]
async fn a_bulk_replay_keeps_receive_order_and_its_rate_and_stops_on_failure_when_asked() {
    let t = start("").await;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(
            t.post(&format!("/hooks/bulk/{n}"), format!("delivery {n}"))
                .await,
        );
    }
    let (addr, log) = target().await;
    let control = t.server.control().clone();
    let opts = ReplayOptions {
        to: format!("http://{addr}/in"),
        path: hookscope::target::PathMode::Suffix,
        ..ReplayOptions::default()
    };
    let mut seen = Vec::new();
    let report = control
        .replay_many(
            ListParams::from_query("path=/hooks/bulk").unwrap(),
            opts.clone(),
            BulkOptions {
                concurrency: 1,
                rate: Some(20.0),
                stop_on_failure: false,
            },
            &CancellationToken::new(),
            |p, _| seen.push(p.done),
        )
        .await
        .unwrap();
    assert_eq!(
        (report.total, report.ok, report.failed),
        (6, 6, 0),
        "{report:?}"
    );
    assert_eq!(seen, vec![1, 2, 3, 4, 5, 6], "progress after each");
    let got = log.lock().unwrap().clone();
    let bodies: Vec<String> = got
        .iter()
        .map(|r| String::from_utf8(r.body.to_vec()).unwrap())
        .collect();
    assert_eq!(
        bodies,
        (0..6).map(|n| format!("delivery {n}")).collect::<Vec<_>>(),
        "oldest first"
    );
    assert_eq!(
        got[0].uri, "/in/hooks/bulk/0",
        "no endpoint: the whole path follows"
    );
    // 20 a second: starts at least 50 ms apart. Measured from the second arrival, as the first
    // also waited for its connection to open (tens of ms on a busy machine).
    let span = got[5].at - got[1].at;
    assert!(span >= Duration::from_millis(190), "{span:?}");

    // Stop at the first failure: the target fails every request on /fail.
    let failing = ReplayOptions {
        to: format!("http://{addr}/fail"),
        ..ReplayOptions::default()
    };
    let report = control
        .replay_many(
            ListParams::from_query("path=/hooks/bulk").unwrap(),
            failing,
            BulkOptions {
                concurrency: 1,
                rate: None,
                stop_on_failure: true,
            },
            &CancellationToken::new(),
            |_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(
        (report.done, report.failed, report.skipped),
        (1, 1, 5),
        "{report:?}"
    );
    assert!(report.stopped);
    assert!(
        report
            .first_failure
            .as_deref()
            .unwrap()
            .contains("answered 500"),
        "{report:?}"
    );
    t.stop().await;
}

/// A bulk replay through the API: started for a filter, followed on the stream and by id to its
/// end; a second, slow one cancelled part way; bad requests refused with the reason.
#[tokio::test]
async fn the_api_runs_bulk_replays_with_progress_and_cancel() {
    let t = start("").await;
    for n in 0..8 {
        t.post(&format!("/hooks/jobs/{n}"), format!("job {n}"))
            .await;
    }
    t.post("/other", "not selected").await;
    let (addr, log) = target().await;
    let start_job = |query: &'static str, body: Value| {
        let req = t
            .http
            .post(t.api_url(&format!("/api/replays?{query}")))
            .bearer_auth(&t.token)
            .json(&body);
        async move {
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.unwrap())
        }
    };
    // The stream, read from before the start, must carry the job's progress to its end.
    let mut stream = t
        .http
        .get(t.api_url("/api/stream"))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    let (status, job) = start_job(
        "path=/hooks/jobs",
        json!({ "to": format!("http://{addr}/in"), "path": "suffix", "concurrency": 2 }),
    )
    .await;
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["progress"]["total"], 8);
    let id = job["id"].as_u64().unwrap();
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !text.contains("\"finished\":true") {
        assert!(Instant::now() < deadline, "no final replay event in {text}");
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.contains(r#"data: {"type":"replay""#), "{text}");
    let (_, done) = t.api_get(&format!("/api/replays/{id}")).await;
    assert_eq!(done["finished"], true, "{done}");
    assert_eq!(
        (&done["progress"]["done"], &done["progress"]["ok"]),
        (&json!(8), &json!(8)),
        "{done}"
    );
    let mut bodies: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .map(|r| String::from_utf8(r.body.to_vec()).unwrap())
        .collect();
    bodies.sort();
    assert_eq!(
        bodies,
        (0..8).map(|n| format!("job {n}")).collect::<Vec<_>>()
    );
    let (_, history) = t.api_get("/api/replays").await;
    assert_eq!(history["items"][0]["id"].as_u64(), Some(id));

    // Two a second: cancelled after the first, the rest are skipped.
    let (status, slow) = start_job(
        "path=/hooks/jobs",
        json!({ "to": format!("http://{addr}/slow"), "rate": 2.0 }),
    )
    .await;
    assert_eq!(status, 202, "{slow}");
    let slow_id = slow["id"].as_u64().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let resp = t
        .http
        .delete(t.api_url(&format!("/api/replays/{slow_id}")))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let deadline = Instant::now() + Duration::from_secs(5);
    let ended = loop {
        let (_, j) = t.api_get(&format!("/api/replays/{slow_id}")).await;
        if j["finished"] == true {
            break j;
        }
        assert!(Instant::now() < deadline, "not finished after cancel: {j}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(ended["progress"]["cancelled"], true, "{ended}");
    assert!(ended["progress"]["done"].as_u64().unwrap() < 8, "{ended}");
    assert_eq!(
        ended["progress"]["done"].as_u64().unwrap()
            + ended["progress"]["skipped"].as_u64().unwrap(),
        8
    );

    // Refused with the reason: nothing selected, a bad target, a bad pace, an unknown job.
    let (status, e) = start_job("path=/nothing", json!({ "to": format!("http://{addr}/") })).await;
    assert_eq!(status, 400);
    assert!(
        e["error"].as_str().unwrap().contains("no delivery matches"),
        "{e}"
    );
    let (status, e) = start_job("", json!({ "to": "ftp://x/" })).await;
    assert_eq!(status, 400);
    assert!(e["error"].as_str().unwrap().contains("http://"), "{e}");
    let (status, e) = start_job(
        "",
        json!({ "to": format!("http://{addr}/"), "concurrency": 0 }),
    )
    .await;
    assert_eq!(status, 400);
    assert!(e["error"].as_str().unwrap().contains("concurrency"), "{e}");
    let (status, _) = t.api_get("/api/replays/999").await;
    assert_eq!(status, 404);
    t.stop().await;
}

/// `hookscope replay` beside a running server, then with none.
#[tokio::test]
async fn the_cli_replays_with_or_without_a_running_server() {
    let t = start("").await;
    let first = t.post("/hooks/cli", "one").await;
    let second = t.post("/hooks/cli", "two").await;
    let (addr, log) = target().await;
    let dir = t.dir.path().to_owned();
    let run = |args: Vec<String>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_hookscope"))
                .args(args)
                .env("HOOKSCOPE_DATA_DIR", &dir)
                .output()
                .unwrap()
        })
    };
    let to = format!("http://{addr}/cli");
    let out = run(vec![
        "replay".into(),
        second.to_string(),
        first.to_string(),
        "--to".into(),
        to.clone(),
    ])
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("#{second}")) && stdout.contains("→ answered 201"),
        "{stdout}"
    );
    assert!(stderr.contains("2 ok, 0 failed"), "{stderr}");
    let bodies: Vec<Bytes> = log.lock().unwrap().iter().map(|r| r.body.clone()).collect();
    assert_eq!(
        bodies,
        vec![Bytes::from("two"), Bytes::from("one")],
        "in the order given"
    );
    // The running server sees the attempts the CLI stored.
    let (_, history) = t
        .api_get(&format!("/api/deliveries/{first}/attempts"))
        .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 1, "{history}");

    t.server.shutdown().await;
    // No server: a filter, JSON lines, and a failure that sets the exit status.
    let out = run(vec![
        "replay".into(),
        "--filter".into(),
        "path=/hooks/cli".into(),
        "--to".into(),
        format!("http://{addr}/fail"),
        "--json".into(),
    ])
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "failures found");
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "two attempts and the summary");
    assert_eq!(lines[0]["delivery_id"], first, "oldest first");
    assert_eq!(lines[0]["status"], 500);
    assert_eq!(lines[2]["report"]["failed"], 2, "{lines:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("answered 500"), "{stderr}");

    let out = run(vec!["replay".into(), "--to".into(), to]).await.unwrap();
    assert_eq!(out.status.code(), Some(2), "ids or --filter are required");

    // The history, newest first: the failed replay, then the one that was answered 201.
    let out = run(vec!["attempts".into(), first.to_string()])
        .await
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let answered: Vec<&str> = text
        .lines()
        .filter(|l| l.contains('→'))
        .map(|l| {
            if l.contains("→ answered 500: handler broke") {
                "500"
            } else {
                "201"
            }
        })
        .collect();
    assert_eq!(answered, vec!["500", "201"], "{text}");
    assert!(text.contains("replay  POST http://"), "{text}");
    let out = run(vec!["attempts".into(), "--json".into()]).await.unwrap();
    let all: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(all.len(), 4, "every delivery's attempts");
    let out = run(vec!["attempts".into(), "999".into()]).await.unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no delivery with id 999"));
}

/// The attempts of a delivery, once `n` are recorded (forwards are recorded beside the answer).
pub(crate) async fn attempts(t: &TestServer, id: i64, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let (_, history) = t.api_get(&format!("/api/deliveries/{id}/attempts")).await;
        let items = history["items"].as_array().cloned().unwrap_or_default();
        if items.len() >= n {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("delivery {id} never had {n} attempts");
}

#[tokio::test]
async fn live_forwarding_sends_each_delivery_on_and_a_target_that_is_down_costs_nothing() {
    let (addr, log) = target().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let t = start(&format!(
        "[[endpoints]]\npath = \"/hooks/fwd\"\nforward = {{ to = \"http://{addr}/in\", path = \"suffix\" }}\n\
         [[endpoints]]\npath = \"/hooks/down\"\nforward = {{ to = \"http://{closed}/in\" }}\n"
    ))
    .await;

    let id = t.post("/hooks/fwd/orders?x=1", "forward me").await;
    let items = attempts(&t, id, 1).await;
    assert_eq!(items[0]["kind"], "forward");
    assert_eq!(items[0]["status"], 201, "{}", items[0]);
    let got = log.lock().unwrap()[0].clone();
    assert_eq!(got.uri, "/in/orders?x=1");
    assert_eq!(got.body.as_ref(), b"forward me");

    // The target is down: the capture still answers 200 and stores it; the failure is recorded.
    let id = t.post("/hooks/down", "nobody home").await;
    let items = attempts(&t, id, 1).await;
    assert_eq!(items[0]["status"], Value::Null);
    let error = items[0]["error"].as_str().unwrap();
    assert!(error.contains("connection refused"), "{error}");
    assert_eq!(
        crate::common::body_bytes(&t.delivery(id).await),
        b"nobody home"
    );
    t.stop().await;
}

/// A handler paused in a debugger: it takes connections and answers none until released.
pub(crate) async fn hanging_target() -> (
    SocketAddr,
    Arc<std::sync::atomic::AtomicUsize>,
    tokio::sync::watch::Sender<bool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (release, released) = tokio::sync::watch::channel(false);
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut released = released.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf).await;
                let _ = released.wait_for(|r| *r).await;
                let _ = conn
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (addr, accepted, release)
}

/// A forward target that hangs gets `forward_concurrency` connections and a queue of
/// `forward_queue`, in order; what does not fit is not sent, and its attempt says why. Capture
/// acknowledges every delivery meanwhile, and the queue drains once the handler answers.
#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_handler_gets_a_bounded_queue_and_capture_goes_on() {
    let (addr, accepted, release) = hanging_target().await;
    let t = start(&format!(
        "[capture]\nforward_concurrency = 2\nforward_queue = 3\n\
         [[endpoints]]\npath = \"/hooks/paused\"\nforward = {{ to = \"http://{addr}/in\" }}\n\
         [[endpoints]]\npath = \"/hooks/relayed\"\n\
         forward = {{ to = \"http://{addr}/in\", pass_through = true }}\n"
    ))
    .await;
    let mut ids = Vec::new();
    for i in 0..10 {
        let started = Instant::now();
        ids.push(t.post("/hooks/paused", format!("{{\"n\":{i}}}")).await);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "acknowledged while the handler hangs"
        );
        // Each forward takes its place before the next delivery comes.
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "two connections at most to the hanging handler"
    );
    // Two in flight and three queued; the other five are not sent, each saying why.
    for id in &ids[5..] {
        let items = attempts(&t, *id, 1).await;
        let error = items[0]["error"].as_str().unwrap_or_default();
        assert!(
            error.starts_with("not sent: the handler has 5 requests waiting"),
            "{id}: {error}"
        );
        assert_eq!(items[0]["status"], Value::Null);
    }
    // Each one not sent says so as its handler answer from the moment it is acknowledged:
    // listed, filtered and counted.
    let (_, page) = t.api_get("/api/deliveries?handler=error").await;
    let mut listed = crate::common::page_ids(&page);
    listed.sort_unstable();
    assert_eq!(listed, ids[5..], "{page}");
    for d in page["items"].as_array().unwrap() {
        let note = d["handler"]["note"].as_str().unwrap_or_default();
        assert!(note.starts_with("not sent: the handler has 5"), "{d}");
        assert_eq!(d["handler"]["kind"], "forward", "{d}");
        assert_eq!(d["handler"]["status"], Value::Null, "{d}");
        let id = d["id"].as_i64().unwrap();
        assert_eq!(
            d["handler"]["attempt_id"],
            attempts(&t, id, 1).await[0]["id"]
        );
    }
    let (_, facets) = t.api_get("/api/facets").await;
    assert_eq!(
        crate::common::handler_facet(&facets),
        [(Value::Null, 5.into()), ("error".into(), 5.into())],
        "five wait for the handler, five were not sent"
    );
    // A pass-through sender behind the same full queue is told at once, and what it was told
    // is what is stored.
    let resp = t
        .http
        .post(t.capture_url("/hooks/relayed"))
        .body("relay me")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 502);
    let answer: Value = resp.json().await.unwrap();
    let error = answer["error"].as_str().unwrap_or_default();
    assert!(error.contains("not sent: the handler has 5"), "{answer}");
    let relayed = t.delivery(t.ack_id(&answer["id"])).await;
    assert_eq!(relayed["response_status"], 502, "{relayed}");
    assert_eq!(relayed["handler"]["status"], Value::Null, "{relayed}");
    for id in &ids[..5] {
        let (_, history) = t.api_get(&format!("/api/deliveries/{id}/attempts")).await;
        assert_eq!(history["items"], json!([]), "{id} waits for the handler");
    }
    // The handler answers again: the queue drains, in order, and nothing is sent twice.
    release.send(true).unwrap();
    for id in &ids[..5] {
        let items = attempts(&t, *id, 1).await;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["status"], 200, "{id}: {}", items[0]);
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 5);
    for id in ids[5..].iter().chain([&relayed["id"].as_i64().unwrap()]) {
        let (_, history) = t.api_get(&format!("/api/deliveries/{id}/attempts")).await;
        assert_eq!(history["items"].as_array().unwrap().len(), 1);
    }
    t.stop().await;
}

#[tokio::test]
async fn pass_through_answers_the_sender_with_the_handlers_answer() {
    let (addr, _log) = target().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let t = start(&format!(
        "[[endpoints]]\npath = \"/hooks/pass\"\nforward = {{ to = \"http://{addr}/fail\", pass_through = true }}\n\
         [[endpoints]]\npath = \"/hooks/ok\"\nforward = {{ to = \"http://{addr}/ok\", pass_through = true }}\n\
         [[endpoints]]\npath = \"/hooks/gone\"\nforward = {{ to = \"http://{closed}/\", pass_through = true }}\n"
    ))
    .await;
    let send = |path: &str, body: &'static str| t.http.post(t.capture_url(path)).body(body).send();
    let resp = send("/hooks/pass", "to a broken handler").await.unwrap();
    assert_eq!(
        resp.status(),
        500,
        "the handler's status reaches the sender"
    );
    assert_eq!(resp.text().await.unwrap(), "handler broke");
    let resp = send("/hooks/ok", "to a working handler").await.unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(
        resp.headers()["content-type"],
        "text/plain; charset=utf-8",
        "its headers too"
    );
    assert_eq!(resp.text().await.unwrap(), "handled");
    let resp = send("/hooks/gone", "to nobody").await.unwrap();
    assert_eq!(resp.status(), 502);
    let answer: Value = resp.json().await.unwrap();
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{answer}"
    );
    // All three are stored, each with its forward.
    let id = t.ack_id(&answer["id"]);
    assert_eq!(
        crate::common::body_bytes(&t.delivery(id).await),
        b"to nobody"
    );
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/").await;
    for id in crate::common::page_ids(&page) {
        assert_eq!(attempts(&t, id, 1).await[0]["kind"], "forward");
    }
    // What is stored as the answer is what each sender got, and the handler's answer is shown.
    let (_, page) = t.api_get("/api/deliveries?path=/hooks/").await;
    let answers: Vec<(String, Value, Value, Value)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["response_status"].clone(),
                d["handler"]["status"].clone(),
                d["handler"]["note"].clone(),
            )
        })
        .collect();
    assert_eq!(answers[0].0, "/hooks/gone");
    assert_eq!(answers[0].1, 502);
    assert_eq!(answers[0].2, Value::Null);
    assert!(
        answers[0]
            .3
            .as_str()
            .unwrap()
            .contains("connection refused")
    );
    assert_eq!(
        answers[1..],
        [
            (
                "/hooks/ok".to_owned(),
                201.into(),
                201.into(),
                "handled".into()
            ),
            (
                "/hooks/pass".to_owned(),
                500.into(),
                500.into(),
                "handler broke".into()
            ),
        ]
    );
    let (_, failed) = t.api_get("/api/deliveries?handler=failed").await;
    assert_eq!(crate::common::page_ids(&failed).len(), 2, "{failed}");
    let (_, facets) = t.api_get("/api/facets").await;
    let handlers = crate::common::handler_facet(&facets);
    assert_eq!(
        handlers,
        [
            ("2xx".into(), 1.into()),
            ("5xx".into(), 1.into()),
            ("error".into(), 1.into())
        ]
    );
    t.stop().await;
}

#[tokio::test]
async fn a_forward_for_every_delivery_is_shown_and_yields_to_an_endpoints_own() {
    let (addr, log) = target().await;
    let t = start(&format!(
        "[capture]\nforward = {{ to = \"http://{addr}/all\" }}\n\
         [[endpoints]]\npath = \"/hooks/own\"\nforward = {{ to = \"http://{addr}/own\" }}\n\
         [[endpoints]]\npath = \"/hooks/plain\"\n"
    ))
    .await;
    let (_, info) = t.api_get("/api").await;
    assert_eq!(info["capture"]["forward"], format!("http://{addr}/all"));
    // Every forward in force is named: the one for every delivery, then each endpoint's.
    assert_eq!(
        info["forwards"],
        serde_json::json!([
            { "endpoint": null, "to": format!("http://{addr}/all"), "pass_through": false },
            { "endpoint": "/hooks/own", "to": format!("http://{addr}/own"), "pass_through": false },
        ])
    );

    for path in ["/hooks/plain", "/hooks/own", "/elsewhere"] {
        let id = t.post(path, path).await;
        assert_eq!(attempts(&t, id, 1).await[0]["kind"], "forward");
    }
    let mut got: Vec<(String, String)> = log
        .lock()
        .unwrap()
        .iter()
        .map(|r| (r.uri.clone(), String::from_utf8_lossy(&r.body).into_owned()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("/all".to_owned(), "/elsewhere".to_owned()),
            ("/all".to_owned(), "/hooks/plain".to_owned()),
            ("/own".to_owned(), "/hooks/own".to_owned()),
        ]
    );
    t.stop().await;
}
