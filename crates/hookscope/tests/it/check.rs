//! `hookscope check` against real handlers written the ways people write them
//! (tests/sdk/check_handler.py): a correct one that verifies with the vendor's own library
//! (Stripe's `stripe.Webhook`, `standardwebhooks`), and one for each classic bug. Each must get
//! exactly its grades, with the sentence that names its bug; the JUnit report is read back by
//! Python's `junitparser`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const STRIPE_SECRET: &str = "whsec_checktest";
/// `whsec_` and base64, as Standard Webhooks secrets are.
const STANDARD_SECRET: &str = "whsec_aG9va3Njb3BlIGNoZWNrIHRlc3Q=";

fn python() -> String {
    std::env::var("HOOKSCOPE_SDK_PYTHON").expect(
        "HOOKSCOPE_SDK_PYTHON must name a Python with the vendor SDKs: run `cargo xtask test`",
    )
}

fn sdk_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sdk")
}

/// A reference handler; killed when dropped.
struct Handler {
    child: Child,
    url: String,
    /// One line per event it did the work for.
    effects: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Handler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn handler(vendor: &str, mode: &str, secret: &str, extra: &[&str]) -> Handler {
    handler_on(None, vendor, mode, secret, extra)
}

/// A reference handler on `port` (a free one when `None`).
fn handler_on(
    port: Option<u16>,
    vendor: &str,
    mode: &str,
    secret: &str,
    extra: &[&str],
) -> Handler {
    let dir = tempfile::tempdir().unwrap();
    let effects = dir.path().join("effects.txt");
    // GitHub's reference handler is Node (GitHub's own @octokit/webhooks-methods); the others
    // are Python with the vendors' libraries.
    let mut command = if vendor == "github" {
        let mut c = Command::new("node");
        c.args(["check_handler.mjs", mode, secret]);
        c
    } else {
        let mut c = Command::new(python());
        c.args(["check_handler.py", vendor, mode, secret]);
        c
    };
    let mut child = command
        .arg(&effects)
        .args(extra)
        .current_dir(sdk_dir())
        .env("CHECK_HANDLER_PORT", port.unwrap_or(0).to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the reference handler starts");
    let mut port = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let port: u16 = port.trim().parse().expect("the handler prints its port");
    Handler {
        child,
        url: format!("http://127.0.0.1:{port}/webhooks"),
        effects,
        _dir: dir,
    }
}

/// Runs `hookscope check` with a data directory of its own; its exit code and standard output.
async fn check(args: Vec<String>) -> (i32, String, String) {
    let out = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_hookscope"))
            .arg("check")
            .args(&args)
            .env("HOOKSCOPE_DATA_DIR", dir.path())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A JSON report of `vendor` checked against `h`, with the effects command on its work.
async fn report(vendor: &str, h: &Handler, secret: &str, extra: &[&str]) -> (i32, Value) {
    let mut args: Vec<String> = vec![
        vendor.into(),
        "--to".into(),
        h.url.clone(),
        "--secret".into(),
        secret.into(),
        "--json".into(),
        "--effects-cmd".into(),
        format!("cat {} 2>/dev/null | wc -l", h.effects.display()),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let (code, out, err) = check(args).await;
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, json)
}

/// Every probe that did not pass, as `probe → grade` (a probe run several ways, as the
/// malformed signatures are, is listed with its worst grade).
fn not_passed(report: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for p in report["probes"].as_array().unwrap() {
        let grade = p["grade"].as_str().unwrap().to_owned();
        if grade != "pass" {
            let slot = out
                .entry(p["probe"].as_str().unwrap().to_owned())
                .or_insert(grade.clone());
            if grade == "fail" {
                *slot = grade;
            }
        }
    }
    out
}

fn verdict<'a>(report: &'a Value, probe: &str) -> &'a str {
    report["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["probe"] == probe && p["grade"] != "pass")
        .and_then(|p| p["verdict"].as_str())
        .unwrap_or_else(|| panic!("no verdict for {probe}: {report}"))
}

fn grades(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(p, g)| (p.to_string(), g.to_string()))
        .collect()
}

/// A handler that verifies with Stripe's own library and dedupes by event id passes every
/// probe; the only note is that Stripe's library accepts timestamps from the future.
#[tokio::test(flavor = "multi_thread")]
async fn a_correct_stripe_handler_passes() {
    let h = handler("stripe", "correct", STRIPE_SECRET, &[]);
    let (code, r) = report("stripe", &h, STRIPE_SECRET, &[]).await;
    assert_eq!(
        not_passed(&r),
        grades(&[("future-timestamp", "warn")]),
        "{r:#}"
    );
    assert_eq!(code, 0);
    assert_eq!(r["vendor"], "stripe");
    let probe = |id: &str| {
        r["probes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["probe"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no {id} probe"))
    };
    // Accepted inside the tolerance, refused when sent again as it was, past it; an older
    // event after a newer one is taken.
    let replay = probe("replay-as-sent");
    let statuses: Vec<&Value> = replay["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["status"])
        .collect();
    assert_eq!(statuses, [200, 400], "{replay}");
    assert_eq!(probe("out-of-order")["grade"], "pass");
    assert_eq!(r["failed"], 0);
    assert_eq!(r["scheme_assumed"], false);
    // Every documented Stripe example was sent, signed right, and the duplicate's work was
    // done once.
    let valid: Vec<&Value> = r["probes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["probe"] == "valid")
        .collect();
    assert_eq!(valid.len(), 4, "{r:#}");
    let dup = r["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["probe"] == "duplicate")
        .unwrap();
    assert!(
        dup["verdict"]
            .as_str()
            .unwrap()
            .contains("the work was done once"),
        "{dup}"
    );
    assert_eq!(dup["sent"][0]["event_id"], dup["sent"][1]["event_id"]);
}

/// The same with Standard Webhooks' own library, which also refuses timestamps from the
/// future: nothing but passes.
#[tokio::test(flavor = "multi_thread")]
async fn a_correct_standard_webhooks_handler_passes_everything() {
    let h = handler("standard-webhooks", "correct", STANDARD_SECRET, &[]);
    let (code, r) = report("standard-webhooks", &h, STANDARD_SECRET, &[]).await;
    assert_eq!(not_passed(&r), grades(&[]), "{r:#}");
    assert_eq!(code, 0);
}

/// A handler that never verifies accepts every forgery, each said plainly.
#[tokio::test(flavor = "multi_thread")]
async fn a_handler_that_skips_verification_fails_every_forgery() {
    for (vendor, secret) in [
        ("stripe", STRIPE_SECRET),
        ("standard-webhooks", STANDARD_SECRET),
    ] {
        let h = handler(vendor, "no-verify", secret, &[]);
        let (code, r) = report(vendor, &h, secret, &[]).await;
        assert_eq!(
            not_passed(&r),
            grades(&[
                ("future-timestamp", "warn"),
                ("malformed-signature", "fail"),
                ("missing-signature", "fail"),
                ("replay-as-sent", "fail"),
                ("stale-timestamp", "fail"),
                ("tampered-body", "fail"),
                ("wrong-secret", "fail"),
            ]),
            "{vendor}: {r:#}"
        );
        assert_eq!(code, 1, "a failed probe fails the command");
        assert!(
            verdict(&r, "tampered-body").starts_with("Accepted a forged delivery"),
            "{r:#}"
        );
        assert!(verdict(&r, "missing-signature").contains("no signature"));
        let malformed = r["probes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["probe"] == "malformed-signature" && p["grade"] == "fail")
            .count();
        assert_eq!(
            malformed, 4,
            "garbage, empty, a wrong prefix, the wrong encoding"
        );
    }
}

/// Verifying a re-serialized body passes the compact deliveries and fails the exact bytes,
/// with the verdict that names the bug.
#[tokio::test(flavor = "multi_thread")]
async fn a_handler_that_verifies_a_reserialized_body_is_named() {
    let h = handler("stripe", "reserialize", STRIPE_SECRET, &[]);
    let (_, r) = report("stripe", &h, STRIPE_SECRET, &[]).await;
    assert_eq!(
        not_passed(&r),
        grades(&[("future-timestamp", "warn"), ("raw-bytes", "fail")]),
        "{r:#}"
    );
    let v = verdict(&r, "raw-bytes");
    assert!(
        v.contains("verifies a re-serialized body") && v.contains("raw body"),
        "{v}"
    );
}

/// A handler without a timestamp tolerance takes a delivery signed long ago, and the same
/// delivery replayed as it was once past the tolerance.
#[tokio::test(flavor = "multi_thread")]
async fn a_handler_without_a_tolerance_fails_the_stale_probe() {
    for (vendor, secret) in [
        ("stripe", STRIPE_SECRET),
        ("standard-webhooks", STANDARD_SECRET),
    ] {
        let h = handler(vendor, "no-tolerance", secret, &[]);
        let (_, r) = report(vendor, &h, secret, &[]).await;
        assert_eq!(
            not_passed(&r),
            grades(&[
                ("future-timestamp", "warn"),
                ("replay-as-sent", "fail"),
                ("stale-timestamp", "fail")
            ]),
            "{vendor}: {r:#}"
        );
        assert!(verdict(&r, "stale-timestamp").contains("no replay window"));
        assert!(verdict(&r, "replay-as-sent").starts_with("Accepted a replay"));
    }
}

/// A dedupe that answers 409 makes the vendor retry forever; a handler that does the work
/// twice is seen through the effects command.
#[tokio::test(flavor = "multi_thread")]
async fn dedupe_that_refuses_and_work_done_twice_are_caught() {
    let h = handler("stripe", "dedupe-409", STRIPE_SECRET, &[]);
    let (_, r) = report("stripe", &h, STRIPE_SECRET, &[]).await;
    assert_eq!(
        not_passed(&r),
        grades(&[
            ("duplicate", "fail"),
            ("future-timestamp", "warn"),
            ("retry", "fail")
        ]),
        "{r:#}"
    );
    assert!(verdict(&r, "duplicate").contains("Answered 409"), "{r:#}");

    let h = handler("stripe", "double-work", STRIPE_SECRET, &[]);
    let (_, r) = report("stripe", &h, STRIPE_SECRET, &[]).await;
    assert_eq!(
        not_passed(&r),
        grades(&[("duplicate", "fail"), ("future-timestamp", "warn")]),
        "{r:#}"
    );
    let v = verdict(&r, "duplicate");
    assert!(v.starts_with("Did the work twice"), "{v}");
}

/// A handler slower than the vendor waits, and one with Express's 100 kB body limit.
#[tokio::test(flavor = "multi_thread")]
async fn slow_answers_and_small_body_limits_fail() {
    let h = handler("stripe", "slow", STRIPE_SECRET, &["1.5"]);
    let (_, r) = report("stripe", &h, STRIPE_SECRET, &["--timeout", "1s"]).await;
    let slow: Vec<&Value> = r["probes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["grade"] == "fail")
        .collect();
    assert_eq!(slow.len(), 1, "the first delivery, a cold start: {r:#}");
    assert_eq!(slow[0]["probe"], "valid");
    let v = slow[0]["verdict"].as_str().unwrap();
    assert!(v.starts_with("Took 1.") && v.contains("waits 1 s"), "{v}");
    assert_eq!(r["timeout_ms"], 1000);

    let h = handler("stripe", "small-limit", STRIPE_SECRET, &[]);
    let (_, r) = report("stripe", &h, STRIPE_SECRET, &[]).await;
    assert_eq!(
        not_passed(&r),
        grades(&[("future-timestamp", "warn"), ("large-body", "fail")]),
        "{r:#}"
    );
    assert!(verdict(&r, "large-body").contains("body limit"));
}

/// The JUnit report, as CI reads it: read back by Python's junitparser, a test case per
/// probe, the failures with their verdicts.
#[tokio::test(flavor = "multi_thread")]
async fn the_junit_report_reads_back_with_a_real_parser() {
    let h = handler("stripe", "no-verify", STRIPE_SECRET, &[]);
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("check.xml");
    let (code, table, _) = check(vec![
        "stripe".into(),
        "--to".into(),
        h.url.clone(),
        "--secret".into(),
        STRIPE_SECRET.into(),
        "--junit".into(),
        xml.display().to_string(),
    ])
    .await;
    assert_eq!(code, 1);
    assert!(
        table.contains("FAIL") && table.contains("failed"),
        "{table}"
    );
    let script = r#"
import json, sys
from junitparser import JUnitXml, Failure, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
cases = []
for suite in xml:
    for case in suite:
        failed = [r.message for r in case.result if isinstance(r, Failure)]
        cases.append({"name": case.name, "classname": case.classname, "failed": failed})
print(json.dumps(cases))
"#;
    let out = Command::new(python())
        .args(["-c", script])
        .arg(&xml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cases: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cases.len(), 21, "{cases:#?}");
    let failed: Vec<&Value> = cases
        .iter()
        .filter(|c| !c["failed"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(failed.len(), 9, "{failed:#?}");
    assert!(
        failed
            .iter()
            .all(|c| c["classname"] == "hookscope.check.stripe")
    );
    assert!(
        failed.iter().any(|c| c["failed"][0]
            .as_str()
            .unwrap()
            .starts_with("Accepted a forged delivery")),
        "{failed:#?}"
    );
}

/// A GitHub handler that verifies with GitHub's own `@octokit/webhooks-methods` over the raw
/// body and does its work once per delivery id passes every probe; GitHub signs no timestamp,
/// so the stale, future and replay probes do not apply. One that never verifies fails every
/// forgery.
#[tokio::test(flavor = "multi_thread")]
async fn a_correct_github_handler_passes_and_one_that_never_verifies_fails() {
    const SECRET: &str = "octokit-check-secret";
    let h = handler("github", "correct", SECRET, &[]);
    let (code, r) = report("github", &h, SECRET, &[]).await;
    assert_eq!(
        not_passed(&r),
        grades(&[
            ("future-timestamp", "skip"),
            ("replay-as-sent", "skip"),
            ("stale-timestamp", "skip"),
        ]),
        "{r:#}"
    );
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["timeout_ms"], 10_000);
    // GitHub's documented 25 MB cap, less a little: taken.
    let largest = r["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["probe"] == "largest-body")
        .expect("GitHub documents its largest body");
    assert_eq!(largest["grade"], "pass", "{largest}");
    assert!(largest["sent"][0]["request_bytes"].as_u64().unwrap() > 24_000_000);
    // The repeated delivery id did the work once, as --effects-cmd counts it.
    let dup = r["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["probe"] == "duplicate")
        .unwrap();
    assert!(
        dup["verdict"]
            .as_str()
            .unwrap()
            .contains("the work was done once"),
        "{dup}"
    );

    let open = handler("github", "no-verify", SECRET, &[]);
    let (code, r) = report("github", &open, SECRET, &[]).await;
    assert_eq!(code, 1);
    let failed = not_passed(&r);
    for probe in [
        "tampered-body",
        "wrong-secret",
        "missing-signature",
        "malformed-signature",
    ] {
        assert_eq!(
            failed.get(probe).map(String::as_str),
            Some("fail"),
            "{probe}: {r:#}"
        );
    }
    assert!(
        verdict(&r, "tampered-body").contains("Accepted a forged delivery"),
        "{r:#}"
    );
}

/// What cannot be checked is a usage error (exit status 2) that says what can.
#[tokio::test(flavor = "multi_thread")]
async fn what_cannot_be_checked_says_what_can() {
    let (code, _, err) = check(vec![
        "nobody".into(),
        "--to".into(),
        "http://127.0.0.1:9/".into(),
    ])
    .await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no vendor \"nobody\"") && err.contains("stripe"),
        "{err}"
    );
    let (code, _, err) = check(vec![
        "cloudevents".into(),
        "--to".into(),
        "http://127.0.0.1:9/".into(),
    ])
    .await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not sign"), "{err}");
    let (code, _, err) = check(vec!["stripe".into(), "--to".into(), "not a url".into()]).await;
    assert_eq!(code, 2, "{err}");
}

/// `POST /api/checks` on a running server, then waits for the run to end; the run as read back.
async fn api_check(t: &crate::common::TestServer, body: Value) -> Value {
    let started = t
        .http
        .post(t.api_url("/api/checks"))
        .bearer_auth(&t.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 202);
    let started: Value = started.json().await.unwrap();
    assert_eq!(started["state"], "running", "{started}");
    let id = started["id"].as_i64().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        let (status, run) = t.api_get(&format!("/api/checks/{id}")).await;
        assert_eq!(status, 200, "{run}");
        if run["state"] != "running" {
            return run;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the check never ended: {run}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

fn probe_of<'a>(run: &'a Value, id: &str) -> &'a Value {
    run["report"]["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["probe"] == id)
        .unwrap_or_else(|| panic!("no {id} probe: {run}"))
}

/// Through the API a check is a stored run: refused with a reason when it cannot run, graded as
/// the CLI grades, listed, each probe's request opened as an attempt, compared with the run
/// before against the same handler (the handler fixed: the forgeries now pass), and deleted
/// with its attempts.
#[tokio::test(flavor = "multi_thread")]
async fn a_check_through_the_api_is_stored_compared_and_deleted() {
    let t = crate::common::start("").await;
    let refused = t
        .http
        .post(t.api_url("/api/checks"))
        .bearer_auth(&t.token)
        .json(&serde_json::json!({"vendor": "nobody", "to": "http://127.0.0.1:9/"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let refused: Value = refused.json().await.unwrap();
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("these can be checked: "),
        "{refused}"
    );

    let broken = handler("stripe", "no-verify", STRIPE_SECRET, &[]);
    let port: u16 = broken.url.rsplit(':').next().unwrap()[..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let body = serde_json::json!({"vendor": "stripe", "to": broken.url, "secret": STRIPE_SECRET});
    let first = api_check(&t, body.clone()).await;
    assert_eq!(first["state"], "failed", "{first}");
    assert_eq!(probe_of(&first, "tampered-body")["grade"], "fail");
    assert_eq!(first["done"], first["total"]);
    assert!(first["failed"].as_u64().unwrap() >= 3, "{first}");
    assert_eq!(first["previous"], Value::Null);
    // The forged request, as an attempt of kind check: what was sent, and the 2xx that fails it.
    let attempt_id = probe_of(&first, "tampered-body")["sent"][0]["attempt_id"]
        .as_i64()
        .expect("the probe's request was recorded");
    let (status, attempt) = t.api_get(&format!("/api/attempts/{attempt_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(attempt["kind"], "check");
    assert_eq!(attempt["url"], broken.url);
    assert_eq!(attempt["status"], 200, "{attempt}");
    assert!(
        attempt["request_headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h[0]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("stripe-signature")),
        "{attempt}"
    );
    drop(broken);

    // The handler fixed, at the same address: the run says what changed.
    let _fixed = handler_on(Some(port), "stripe", "correct", STRIPE_SECRET, &[]);
    let second = api_check(&t, body).await;
    assert_eq!(second["state"], "passed", "{second}");
    assert_eq!(second["previous"], first["id"]);
    let changed: BTreeMap<String, (Value, Value)> = second["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["probe"].as_str().unwrap().to_owned(),
                (c["before"].clone(), c["after"].clone()),
            )
        })
        .collect();
    assert_eq!(
        changed.get("tampered-body"),
        Some(&(Value::from("fail"), Value::from("pass"))),
        "{second}"
    );
    assert!(!changed.contains_key("valid"), "{second}");

    // Listed newest first, without their reports.
    let (_, list) = t.api_get("/api/checks").await;
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    assert_eq!(ids, [&second["id"], &first["id"]]);
    assert!(list["items"][0].get("report").is_none(), "{list}");

    // Deleting a run deletes the attempts its probes made.
    let gone = t
        .http
        .delete(t.api_url(&format!("/api/checks/{}", first["id"])))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 204);
    assert_eq!(
        t.api_get(&format!("/api/checks/{}", first["id"])).await.0,
        404
    );
    assert_eq!(
        t.api_get(&format!("/api/attempts/{attempt_id}")).await.0,
        404
    );
    t.stop().await;
}

/// A run cancelled while its handler takes its time ends at once, `cancelled`, with the probes
/// graded before it.
#[tokio::test(flavor = "multi_thread")]
async fn a_check_cancelled_through_the_api_stops_at_once() {
    let t = crate::common::start("").await;
    // Its first delivery is answered after 6 s.
    let slow = handler("stripe", "slow", STRIPE_SECRET, &["6"]);
    let started: Value = t
        .http
        .post(t.api_url("/api/checks"))
        .bearer_auth(&t.token)
        .json(&serde_json::json!({"vendor": "stripe", "to": slow.url, "secret": STRIPE_SECRET}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["id"].as_i64().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let at = std::time::Instant::now();
    let cancelled = t
        .http
        .post(t.api_url(&format!("/api/checks/{id}/cancel")))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 200);
    let run = loop {
        let (_, run) = t.api_get(&format!("/api/checks/{id}")).await;
        if run["state"] != "running" {
            break run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(
        at.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        at.elapsed()
    );
    assert_eq!(run["state"], "cancelled", "{run}");
    assert_eq!(run["report"]["cancelled"], true);
    assert!(
        run["done"].as_u64().unwrap() < run["total"].as_u64().unwrap(),
        "{run}"
    );
    // A run that has ended cannot be cancelled again.
    let again = t
        .http
        .post(t.api_url(&format!("/api/checks/{id}/cancel")))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
    t.stop().await;
}
