//! The machine contract, for scripts and CI: `serve --ready-file` and `--json` say when the
//! server listens and where, and `endpoints add` makes an endpoint with a known or generated
//! secret (through the running server when there is one) that a script then signs with.

use std::path::Path;
use std::process::{Child, Output};
use std::time::Duration;

use serde_json::Value;

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

use crate::common::hookscope;
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

/// The schema a command's `--json` output is documented with (docs/schema/).
fn documented(slug: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/schema")
        .join(format!("{slug}.json"));
    let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Checks `value` against the documented schema of `slug`; the failures, if any, name where.
fn conforms(slug: &str, value: &Value) {
    let errors: Vec<String> = documented(slug)
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "`{slug}` printed what docs/schema/{slug}.json does not allow: {errors:#?}\n{value:#}"
    );
}

/// Runs a command that succeeds and prints one JSON document; checks it against its schema.
fn document(dir: &Path, slug: &str, args: &[&str]) -> Value {
    let out = hookscope(dir, args);
    assert!(out.status.success(), "{args:?}: {out:?}");
    let value = json_of(&out);
    conforms(slug, &value);
    value
}

/// The same for a command that prints JSON Lines; the lines.
fn lines(out: &Output, slug: &str) -> Vec<Value> {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let values: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!values.is_empty(), "`{slug}` printed nothing: {out:?}");
    for v in &values {
        conforms(slug, v);
    }
    values
}

/// Every command that prints JSON prints what its documented schema says, in a real session:
/// a server that says it is ready, an endpoint made for CI, signed sends, the list, a delivery,
/// its attempts, a replay, an export and its import, a handler check, a verify, the vendors, a
/// sign-in link and a generated store. And every documented schema is exercised here.
#[tokio::test(flavor = "multi_thread")]
async fn every_command_prints_what_its_schema_says() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut seen = std::collections::BTreeSet::new();
    // The schemas hold something back: a page whose items are not a list is refused.
    assert!(!documented("list").is_valid(&serde_json::json!({ "items": 1, "next_cursor": null })));
    let (child, ready) = serve_ready(d, &d.join("ready.json"));
    conforms("serve", &ready);
    seen.insert("serve");
    let capture = ready["capture_url"].as_str().unwrap().trim_end_matches('/');
    let to = format!("{capture}/hooks/stripe");

    let added = document(
        d,
        "endpoints-add",
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
    let secret = added["secrets"][0].as_str().unwrap().to_owned();
    document(d, "endpoints", &["endpoints", "--json"]);
    seen.extend(["endpoints-add", "endpoints"]);

    let sent = document(
        d,
        "send",
        &[
            "send",
            "stripe:invoice.paid",
            "--to",
            &to,
            "--secret",
            &secret,
            "--dup",
            "--json",
        ],
    );
    let sends = sent["sends"].as_array().unwrap();
    assert_eq!(sends.len(), 2, "{sent}");
    assert_eq!(sends[0]["status"], 200, "{sent}");
    assert_eq!(sends[0]["event_id"], sends[1]["event_id"], "{sent}");
    assert!(
        sends[0]["event_id"].as_str().unwrap().starts_with("evt_"),
        "{sent}"
    );
    assert!(sends[1]["attempt_id"].as_i64().is_some(), "{sent}");
    assert_eq!(sent["vendor"], "stripe");
    let listed = document(d, "send-list", &["send", "--list", "--json"]);
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["vendor"] == "cooledge"),
        "{listed}"
    );
    seen.extend(["send", "send-list"]);

    let page = document(d, "list", &["list", "--json"]);
    let id = page["items"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(page["items"][0]["signature"]["status"], "valid", "{page}");
    assert_eq!(page["items"][0]["duplicate"]["kind"], "retry", "{page}");
    let shown = document(d, "show", &["show", &id, "--json"]);
    assert_eq!(shown["vendor"], "stripe");
    // The second send repeats the first: nothing differs but what Stripe varies by design.
    let diff = document(d, "diff", &["diff", &id, "--json"]);
    assert_eq!(diff["basis"], "first_of_event", "{diff}");
    assert_eq!(diff["same"], true, "{diff}");
    seen.extend(["list", "show", "diff"]);

    // What the two sends taught, saved by the server a moment after they came.
    let mut learned = Value::Null;
    for _ in 0..100 {
        learned = document(d, "learned", &["learned", "stripe", "--json"]);
        if learned["items"][0]["seen"] == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let schema = &learned["items"][0];
    assert_eq!(schema["vendor"], "stripe", "{learned}");
    assert!(
        schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "data.object" && f["types"] == serde_json::json!(["object"])),
        "{learned}"
    );
    assert_eq!(schema["json_schema"]["type"], "object", "{learned}");
    seen.insert("learned");

    let replayed = hookscope(d, &["replay", &id, "--to", &to, "--json"]);
    assert!(replayed.status.success(), "{replayed:?}");
    let replay_lines = lines(&replayed, "replay");
    assert_eq!(replay_lines.len(), 2, "{replay_lines:?}");
    assert_eq!(replay_lines[0]["status"], 200);
    assert_eq!(replay_lines[1]["report"]["ok"], 1);
    let attempts = hookscope(d, &["attempts", "--json"]);
    assert!(attempts.status.success(), "{attempts:?}");
    assert_eq!(
        lines(&attempts, "attempts").len(),
        3,
        "two sends and a replay"
    );
    seen.extend(["replay", "attempts"]);

    let exported = hookscope(d, &["export", "--format", "jsonl"]);
    assert!(exported.status.success(), "{exported:?}");
    assert_eq!(lines(&exported, "export").len(), 3);
    std::fs::write(d.join("export.jsonl"), &exported.stdout).unwrap();
    seen.insert("export");

    let request = hookscope(d, &["show", &id, "--request"]);
    std::fs::write(d.join("request.http"), &request.stdout).unwrap();
    let verified = hookscope(
        d,
        &[
            "verify",
            d.join("request.http").to_str().unwrap(),
            "--secret",
            &secret,
            "--at",
            "1m",
            "--json",
        ],
    );
    assert!(verified.status.success(), "{verified:?}");
    let verdict = json_of(&verified);
    conforms("verify", &verdict);
    assert_eq!(verdict["signature"]["status"], "valid");
    seen.insert("verify");

    // The rules a request would meet, from the saved request and from the stored delivery, with
    // a config of its own (the running server's is left as it is).
    let with_rules = format!(
        "{}\n[[rules]]\nname = \"stripe events\"\nmatch = {{ vendor = \"stripe\", arrival = \"2..\" }}\ndo = {{ status = 503, headers = {{ \"X-Event\" = \"{{{{ event.type }}}}\" }} }}\n",
        std::fs::read_to_string(d.join("hookscope.toml")).unwrap()
    );
    std::fs::write(d.join("rules.toml"), with_rules).unwrap();
    let rules_config = d.join("rules.toml");
    let rules_config = rules_config.to_str().unwrap();
    let request_file = d.join("request.http");
    let request_file = request_file.to_str().unwrap();
    let first = document(
        d,
        "rules-test",
        &[
            "rules",
            "test",
            request_file,
            "--config",
            rules_config,
            "--json",
        ],
    );
    assert_eq!(first["facts"]["vendor"], "stripe");
    assert_eq!(first["facts"]["arrival"], 1);
    assert_eq!(
        first["considered"],
        serde_json::json!(["rules[0] (\"stripe events\")"])
    );
    assert_eq!(first["applied"], serde_json::json!([]));
    let again = document(
        d,
        "rules-test",
        &[
            "rules",
            "test",
            &id,
            "--arrival",
            "2",
            "--config",
            rules_config,
            "--json",
        ],
    );
    assert_eq!(
        again["applied"],
        serde_json::json!(["rules[0] (\"stripe events\")"])
    );
    assert_eq!(again["status"], 503);
    let event_type = again["facts"]["event_type"].as_str().unwrap();
    assert_eq!(again["headers"]["x-event"], event_type);
    let read = hookscope(
        d,
        &[
            "rules",
            "test",
            request_file,
            "--arrival",
            "2",
            "--config",
            rules_config,
        ],
    );
    let text = String::from_utf8_lossy(&read.stdout);
    assert!(read.status.success(), "{read:?}");
    assert!(
        text.contains("applies: rules[0] (\"stripe events\")"),
        "{text}"
    );
    assert!(text.contains("answer 503"), "{text}");
    assert!(text.contains(&format!("x-event: {event_type}")), "{text}");
    seen.insert("rules-test");

    // Hookscope's own capture port as the handler: it takes everything, forgeries too, so the
    // check fails (status 1) and still prints its whole report.
    let checked = hookscope(
        d,
        &[
            "check",
            "github",
            "--to",
            &format!("{capture}/as-handler"),
            "--json",
        ],
    );
    assert_eq!(checked.status.code(), Some(1), "{checked:?}");
    let report = json_of(&checked);
    conforms("check", &report);
    assert!(report["probes"].as_array().unwrap().len() > 5, "{report}");
    seen.insert("check");

    let link = document(d, "open", &["open", "--json"]);
    assert!(link["url"].as_str().unwrap().contains("code="), "{link}");
    seen.insert("open");
    stop(child);

    let imported = document(
        d,
        "import",
        &["import", d.join("export.jsonl").to_str().unwrap(), "--json"],
    );
    assert_eq!(imported["imported"], 3);
    assert_eq!(imported["ids"].as_array().unwrap().len(), 3);
    seen.insert("import");

    let vendors = document(d, "vendor-list", &["vendor", "list", "--json"]);
    let leadron = vendors["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "leadron")
        .unwrap();
    assert!(leadron["signs"].as_bool().unwrap(), "{leadron}");
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/catalogs/leadron.json");
    let imported = document(
        d,
        "vendor-import-catalog",
        &[
            "vendor",
            "import-catalog",
            "leadron",
            catalog.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(imported["imported"].as_u64().unwrap() > 0, "{imported}");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/specs/adyen-transfer-webhooks.openapi.json");
    let from_spec = document(
        d,
        "vendor-import-spec",
        &["vendor", "import-spec", spec.to_str().unwrap(), "--json"],
    );
    assert_eq!(from_spec["vendor"], "transfer-webhooks", "{from_spec}");
    assert_eq!(from_spec["imported"].as_array().unwrap().len(), 2);
    let removed = document(
        d,
        "vendor-remove",
        &["vendor", "remove", "transfer-webhooks", "--json"],
    );
    assert_eq!(removed["builtin_restored"], false, "{removed}");
    seen.extend([
        "vendor-list",
        "vendor-import-catalog",
        "vendor-import-spec",
        "vendor-remove",
    ]);

    let other = tempfile::tempdir().unwrap();
    let db = other.path().join("gen.db");
    let generated = document(
        d,
        "generate",
        &[
            "generate",
            "--count",
            "200",
            "--no-index",
            "--db",
            db.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(generated["deliveries"], 200);
    assert_eq!(generated["stored"], 200);
    seen.insert("generate");

    let documented: std::collections::BTreeSet<String> = hookscope::contract::commands()
        .iter()
        .map(|c| c.slug())
        .collect();
    let seen: std::collections::BTreeSet<String> = seen.into_iter().map(str::to_owned).collect();
    assert_eq!(seen, documented, "a documented command was not run here");
    // `hookscope schema` prints the documented file.
    let printed = hookscope(d, &["schema", "endpoints", "add"]);
    let file = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema/endpoints-add.json"),
    )
    .unwrap();
    assert_eq!(printed.stdout, file);
}

/// Exit statuses are uniform: 0 done, 1 the command ran and found failures, 2 it could not run
/// as asked (and says what to change).
#[test]
fn exit_status_says_usage_error_or_failure() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = |args: &[&str], status: i32, says: &str| {
        let out = hookscope(d, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(status), "{args:?}: {stderr}");
        assert!(
            stderr.contains(says),
            "{args:?} should say {says:?}: {stderr}"
        );
        assert!(
            out.stdout.is_empty() || status != 2,
            "{args:?} printed a result: {out:?}"
        );
    };
    // No store yet.
    code(&["list", "--json"], 2, "no database at");
    let fill = hookscope(d, &["generate", "--count", "20", "--no-index"]);
    assert!(fill.status.success(), "{fill:?}");
    code(&["list", "--nonsense"], 2, "unexpected argument");
    code(&["list", "--signature", "purple"], 2, "invalid filter");
    code(&["show", "999999"], 2, "no delivery with id 999999");
    code(&["attempts", "999999"], 2, "no delivery with id 999999");
    code(
        &["replay", "999999", "--to", "http://127.0.0.1:9/"],
        2,
        "no delivery with id 999999",
    );
    code(
        &["replay", "1", "--to", "ftp://x"],
        2,
        "must start with http:// or https://",
    );
    code(
        &["send", "nobody:nothing", "--to", "http://127.0.0.1:9/"],
        2,
        "nobody",
    );
    code(&["send", "stripe", "--to", "not a url"], 2, "not a URL");
    code(&["verify", "/no/such/file"], 2, "cannot read /no/such/file");
    code(&["import", "/no/such/file"], 2, "reading /no/such/file");
    code(
        &["vendor", "import-catalog", "nobody", "/no/such/file"],
        2,
        "unknown vendor",
    );
    code(
        &["vendor", "import-spec", "/no/such/file"],
        2,
        "cannot read /no/such/file",
    );
    code(
        &["vendor", "remove", "stripe"],
        2,
        "built-in profiles cannot be removed",
    );
    code(&["schema", "nothing"], 2, "prints no JSON");
    code(
        &["check", "nobody", "--to", "http://127.0.0.1:9/"],
        2,
        "nobody",
    );
    // Ran, and failed.
    code(
        &["send", "stripe", "--to", "http://127.0.0.1:9/"],
        1,
        "no answer from",
    );
    code(
        &["replay", "1", "--to", "http://127.0.0.1:9/"],
        1,
        "first failure",
    );
    std::fs::write(
        d.join("body.json"),
        r#"{"id":"evt_1","type":"invoice.paid"}"#,
    )
    .unwrap();
    let body = d.join("body.json");
    code(
        &[
            "verify",
            body.to_str().unwrap(),
            "--body-only",
            "--vendor",
            "stripe",
            "-H",
            "Stripe-Signature: t=1,v1=00",
            "--secret",
            "whsec_x",
        ],
        1,
        "",
    );
}
