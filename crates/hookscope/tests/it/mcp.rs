//! Hookscope's MCP server driven by the official MCP SDKs, Python's (tests/sdk/mcp_client.py)
//! and TypeScript's (tests/sdk/mcp_client.mjs), over stdio (`hookscope mcp`) and over
//! streamable HTTP (`/mcp` on a running server's API): the
//! tools are listed with their input schemas, a write is refused unless allowed, an agent
//! waiting for a delivery gets the one another process sends with its signature verdict, and
//! with writes allowed it sends a test event and replays a delivery.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_hookscope");

const CONFIG: &str = r#"
[capture]
addr = "127.0.0.1:0"
[api]
addr = "127.0.0.1:0"
[[endpoints]]
path = "/hooks/stripe"
vendor = "stripe"
secrets = ["whsec_mcp_test"]
"#;

fn python() -> String {
    std::env::var("HOOKSCOPE_SDK_PYTHON")
        .expect("HOOKSCOPE_SDK_PYTHON must name a Python with the MCP SDK: run `cargo xtask test`")
}

/// What the Python client saw, driving Hookscope as `args` say.
fn client(args: &[&str]) -> Value {
    client_in(&python(), "mcp_client.py", args)
}

/// What the TypeScript client saw, driving Hookscope as `args` say.
fn ts_client(args: &[&str]) -> Value {
    client_in("node", "mcp_client.mjs", args)
}

fn client_in(program: &str, script: &str, args: &[&str]) -> Value {
    let out = Command::new(program)
        .arg(script)
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sdk"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the MCP client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// What every run must have seen, writes allowed or not.
fn judge(seen: &Value) {
    let tools: Vec<&str> = seen["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for tool in [
        "export_delivery",
        "get_delivery",
        "list_deliveries",
        "list_endpoints",
        "list_vendors",
        "learned_schemas",
        "replay_delivery",
        "send_test_event",
        "wait_for_delivery",
    ] {
        assert!(tools.contains(&tool), "{tool} in {tools:?}");
    }
    // Typed inputs: the filter's fields and the wait's timeout are in the schema.
    let wait = &seen["schemas"]["wait_for_delivery"]["properties"];
    assert!(
        wait["timeout_secs"].is_object() && wait["vendor"].is_object(),
        "{wait}"
    );
    assert_eq!(
        seen["schemas"]["get_delivery"]["required"],
        serde_json::json!(["id"])
    );
    // A delivery compared with itself: nothing differs.
    if let Some(diffed) = seen.get("diffed") {
        assert_eq!(diffed["data"]["same"], true, "{diffed}");
        assert_eq!(diffed["data"]["basis"], "chosen", "{diffed}");
    }
    // Typed outputs: every tool but export_delivery (cURL or HAR) declares its result's schema,
    // and every result seen matches it (the SDKs check it too, as they read it).
    let outputs = seen["output_schemas"].as_object().unwrap();
    let mut typed: Vec<&str> = outputs.keys().map(String::as_str).collect();
    typed.sort_unstable();
    let mut expected: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| *t != "export_delivery")
        .collect();
    expected.sort_unstable();
    assert_eq!(typed, expected);
    for (key, tool) in [
        ("endpoints", "list_endpoints"),
        ("waited", "wait_for_delivery"),
        ("got", "get_delivery"),
        ("listed", "list_deliveries"),
        ("body", "get_body"),
        ("verified", "verify_signature"),
        ("verified_wrong", "verify_signature"),
        ("check", "check_handler"),
        ("test_event", "send_test_event"),
        ("replayed", "replay_delivery"),
        ("diffed", "diff_deliveries"),
        ("learned", "learned_schemas"),
        ("imported_spec", "import_vendor_spec"),
    ] {
        let Some(data) = seen[key]["data"].as_object() else {
            continue;
        };
        let validator = jsonschema::validator_for(&outputs[tool]).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&Value::Object(data.clone()))
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{tool}: {errors:?}");
    }

    // Waiting for what another process sends: it comes back decoded, signed right.
    assert_eq!(seen["send_exit"], 0);
    let waited = &seen["waited"];
    assert_eq!(waited["is_error"], false, "{waited}");
    let d = &waited["data"];
    assert_eq!(d["vendor"], "stripe", "{d}");
    assert_eq!(d["event"]["type"], "invoice.paid", "{d}");
    assert_eq!(d["signature"]["status"], "valid", "{d}");
    assert_eq!(d["path"], "/hooks/stripe");
    assert!(d["body"].as_str().unwrap().contains("invoice.paid"));
    assert!(d.get("body_base64").is_none(), "{d}");
    // Senders' data is marked as data.
    assert!(
        waited["text"]
            .as_str()
            .unwrap()
            .starts_with("The result below holds data captured from webhook senders"),
        "{waited}"
    );
    assert_eq!(seen["got"]["data"]["id"], d["id"]);
    let listed = seen["listed"]["data"]["items"].as_array().unwrap();
    assert!(listed.iter().any(|x| x["id"] == d["id"]), "{listed:?}");
    assert!(
        listed.iter().all(|x| x["signature"]["status"] == "valid"),
        "{listed:?}"
    );

    // Errors say what to do.
    let nothing = &seen["nothing"];
    assert_eq!(nothing["is_error"], true);
    assert!(
        nothing["text"]
            .as_str()
            .unwrap()
            .contains("no matching delivery arrived within 1 s"),
        "{nothing}"
    );
    let bad = &seen["bad_id"];
    assert_eq!(bad["is_error"], true);
    assert!(
        bad["text"]
            .as_str()
            .unwrap()
            .contains("list_deliveries shows them")
    );
    let curl = seen["curl"]["data"]["command"].as_str().unwrap();
    assert!(curl.starts_with("curl"), "{curl}");
    // The event waited for taught its type's schema: fields, JSON Schema and TypeScript.
    let learned = &seen["learned"];
    assert_eq!(learned["is_error"], false, "{learned}");
    let schema = &learned["data"]["items"][0];
    assert_eq!(schema["event_type"], "invoice.paid", "{learned}");
    assert!(
        schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "data.object"),
        "{learned}"
    );
    assert!(
        schema["code"]
            .as_str()
            .unwrap()
            .contains("export type InvoicePaid = {"),
        "{learned}"
    );
    assert!(
        seen["endpoints"]["data"]["capture_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
}

/// What only the Python client asks: the body byte-exact and cut, signatures checked again
/// with the endpoint's secret and another, and (with writes) a handler check.
fn judge_python(seen: &Value, writes: bool) {
    let body = &seen["body"]["data"];
    assert_eq!(body["truncated"], true, "{body}");
    assert_eq!(body["text"].as_str().unwrap().len(), 20, "{body}");
    assert!(body["size"].as_u64().unwrap() > 20);
    assert_eq!(seen["verified"]["data"]["signature"]["status"], "valid");
    let wrong = &seen["verified_wrong"]["data"]["signature"];
    assert_eq!(wrong["status"], "invalid", "{wrong}");
    if writes {
        let check = &seen["check"];
        assert_eq!(check["is_error"], false, "{check}");
        let report = &check["data"]["report"];
        assert_eq!(check["data"]["state"], "failed", "{check}");
        let tampered = report["probes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["probe"] == "tampered-body")
            .unwrap();
        assert_eq!(tampered["grade"], "fail", "{tampered}");
        // A vendor imported from its published description, and its event sent at once.
        let imported = &seen["imported_spec"];
        assert_eq!(imported["is_error"], false, "{imported}");
        assert_eq!(
            imported["data"]["vendor"], "transfer-webhooks",
            "{imported}"
        );
        assert_eq!(imported["data"]["imported"].as_array().unwrap().len(), 2);
        let sent = &seen["spec_event"];
        assert_eq!(sent["is_error"], false, "{sent}");
        assert_eq!(sent["data"]["event"], "balancePlatform.transfer.created");
        assert_eq!(sent["data"]["status"], 200, "{sent}");
    } else {
        assert!(seen.get("check").is_none());
    }
}

#[test]
fn an_agent_over_stdio_waits_for_a_delivery_and_is_refused_a_write() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hookscope.toml"), CONFIG).unwrap();
    let seen = client(&["stdio", BIN, dir.path().to_str().unwrap()]);
    judge(&seen);
    judge_python(&seen, false);
    let refused = &seen["refused"];
    assert_eq!(refused["is_error"], true, "{refused}");
    assert!(
        refused["text"].as_str().unwrap().contains("--allow-writes"),
        "{refused}"
    );
    assert!(seen.get("test_event").is_none());
}

/// `serve --json --mcp-allow-writes` on a data directory of its own; the server and its ready
/// line.
fn serve(dir: &Path) -> (std::process::Child, Value) {
    std::fs::write(dir.join("hookscope.toml"), CONFIG).unwrap();
    crate::common::serve_json(dir, &["--mcp-allow-writes"])
}

use crate::common::interrupt as stop;

/// With writes allowed: a test event went to Hookscope and a delivery was replayed.
fn judge_writes(seen: &Value) {
    let sent = &seen["test_event"];
    assert_eq!(sent["is_error"], false, "{sent}");
    assert_eq!(sent["data"]["event"], "customer.created");
    assert_eq!(sent["data"]["status"], 200, "{sent}");
    let replayed = &seen["replayed"];
    assert_eq!(replayed["is_error"], false, "{replayed}");
    assert_eq!(replayed["data"]["kind"], "replay");
    assert_eq!(replayed["data"]["status"], 200, "{replayed}");
    assert_eq!(replayed["data"]["resigned"], true);
}

/// While a server (or the desktop app) holds the store, `hookscope mcp` attaches to it: the
/// agent's tools work on that server's deliveries, with its writes setting.
#[tokio::test(flavor = "multi_thread")]
async fn an_agent_over_stdio_attaches_to_the_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let (server, ready) = serve(dir.path());
    let data_dir = dir.path().to_str().unwrap().to_owned();
    let seen =
        tokio::task::spawn_blocking(move || client(&["stdio", BIN, &data_dir, "--allow-writes"]))
            .await
            .unwrap();
    judge(&seen);
    judge_writes(&seen);
    judge_python(&seen, true);
    // What the agent sent is in the server's own store.
    let api = ready["api_url"].as_str().unwrap();
    let page: Value = reqwest::Client::new()
        .get(format!("{api}/deliveries"))
        .bearer_auth(ready["api_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["id"])
        .collect();
    assert!(ids.contains(&&seen["waited"]["data"]["id"]), "{page}");
    stop(server);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_over_http_sends_and_replays_with_writes_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let (server, ready) = serve(dir.path());
    let api = ready["api_url"].as_str().unwrap().trim_end_matches("/api");
    let token = ready["api_token"].as_str().unwrap();
    let mcp = format!("{api}/mcp");

    // Without the token, /mcp is as closed as the rest of the API.
    let refused = reqwest::Client::new()
        .post(&mcp)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    let data_dir = dir.path().to_str().unwrap().to_owned();
    let (mcp_url, token) = (mcp.clone(), token.to_owned());
    let seen = tokio::task::spawn_blocking(move || {
        client(&["http", &mcp_url, &token, BIN, &data_dir, "--allow-writes"])
    })
    .await
    .unwrap();
    judge(&seen);
    judge_writes(&seen);
    judge_python(&seen, true);
    stop(server);
}

/// The official TypeScript SDK, as Cursor and VS Code use it: over stdio, read-only (a write is
/// refused); over HTTP to a running server with writes allowed (a test event, a replay).
#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_sees_the_same_over_stdio_and_http() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hookscope.toml"), CONFIG).unwrap();
    let data_dir = dir.path().to_str().unwrap().to_owned();
    let over_stdio = {
        let data_dir = data_dir.clone();
        tokio::task::spawn_blocking(move || ts_client(&["stdio", BIN, &data_dir]))
            .await
            .unwrap()
    };
    judge(&over_stdio);
    assert_eq!(over_stdio["refused"]["is_error"], true, "{over_stdio}");

    let (server, ready) = serve(dir.path());
    let mcp = format!(
        "{}/mcp",
        ready["api_url"].as_str().unwrap().trim_end_matches("/api")
    );
    let token = ready["api_token"].as_str().unwrap().to_owned();
    let over_http =
        tokio::task::spawn_blocking(move || ts_client(&["http", &mcp, &token, BIN, &data_dir]))
            .await
            .unwrap();
    judge(&over_http);
    judge_writes(&over_http);
    stop(server);
}
