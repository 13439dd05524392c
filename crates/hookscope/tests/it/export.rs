//! Export and import through the real `hookscope` command: JSON Lines and HAR round trips of
//! binary bodies, cURL commands run by the real `curl`, and a HAR written by another tool
//! (Chromium, through Playwright's recorder) committed under fixtures/har/.

use std::path::Path;

use crate::common::{hookscope, ok, raw_exchange, start};
use hookscope::store::{ListParams, Store};
use serde_json::Value;

/// A binary delivery with headers in mixed case and a duplicate, and a JSON one.
async fn two_deliveries(t: &crate::common::TestServer) -> (i64, i64, Vec<u8>) {
    let body: Vec<u8> = (0u8..=255).rev().chain([0, 0, 13, 10]).collect();
    let mut request = format!(
        "POST /hooks/bin?x=%41 HTTP/1.1\r\nHost: hooks.example.test\r\nX-Mixed: A\r\nx-dup: 1\r\nX-Dup: 2\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    let bin = t.acked_ids(&raw_exchange(t.capture, &request).await)[0];
    let json = t
        .post(
            "/hooks/text",
            r#"{"id":"evt_1","note":"it's \"quoted\"\n$HOME `x`"}"#,
        )
        .await;
    (bin, json, body)
}

fn stored(dir: &Path) -> Vec<hookscope::model::Delivery> {
    let store = Store::open_existing(&dir.join("hookscope.db")).unwrap();
    let filter = ListParams::from_query("").unwrap();
    store
        .ids_matching(&filter, 100)
        .unwrap()
        .into_iter()
        .map(|id| store.get(id).unwrap().unwrap())
        .collect()
}

#[tokio::test]
async fn json_lines_and_har_round_trip_binary_bodies_byte_exact() {
    let t = start("").await;
    let (_, _, body) = two_deliveries(&t).await;
    let src = t.dir.path().to_owned();
    let originals = stored(&src);

    for format in ["jsonl", "har"] {
        let exported = ok(&hookscope(&src, &["export", "--format", format]));
        let file = src.join(format!("export.{format}"));
        std::fs::write(&file, &exported).unwrap();
        if format == "har" {
            let har: Value = serde_json::from_str(&exported).expect("one JSON document");
            assert_eq!(har["log"]["version"], "1.2");
            let entries = har["log"]["entries"].as_array().unwrap();
            assert_eq!(entries.len(), 2);
            assert_eq!(
                entries[0]["request"]["url"],
                "http://hooks.example.test/hooks/bin?x=%41"
            );
            assert_eq!(entries[0]["request"]["postData"]["encoding"], "base64");
            assert_eq!(
                entries[1]["request"]["postData"]["text"],
                r#"{"id":"evt_1","note":"it's \"quoted\"\n$HOME `x`"}"#
            );
        } else {
            assert_eq!(exported.lines().count(), 2);
        }

        let dest = tempfile::tempdir().unwrap();
        let out = ok(&hookscope(dest.path(), &["import", file.to_str().unwrap()]));
        assert!(out.contains("Imported 2 deliveries"), "{out}");
        let copies = stored(dest.path());
        assert_eq!(copies.len(), 2);
        for (a, b) in originals.iter().zip(&copies) {
            assert_eq!(b.body, a.body, "{format}: body byte-exact");
            assert_eq!(
                b.summary.received_at_us, a.summary.received_at_us,
                "{format}: receive time kept"
            );
            assert_eq!(b.summary.method, a.summary.method);
            assert_eq!(
                (&b.summary.path, &b.summary.query),
                (&a.summary.path, &a.summary.query)
            );
            assert!(b.summary.imported && !a.summary.imported);
            let headers = |d: &hookscope::model::Delivery| hookscope::head::header_pairs(&d.head);
            if format == "jsonl" {
                assert_eq!(b.head, a.head, "jsonl: the head byte-exact");
                assert!(b.head_exact);
            } else {
                assert_eq!(headers(b), headers(a), "har: the headers, in order");
            }
        }
        assert_eq!(copies[0].body, body);
    }
    t.stop().await;
}

// Multi-threaded: curl runs synchronously here while the servers answer it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_commands_run_by_the_real_curl_reproduce_the_request() {
    let from = start("").await;
    let (bin, json, _) = two_deliveries(&from).await;
    let to = start("").await;
    let work = tempfile::tempdir().unwrap();
    let src = from.dir.path().to_owned();
    let commands = ok(&hookscope(
        &src,
        &[
            "export",
            "--format",
            "curl",
            &bin.to_string(),
            &json.to_string(),
            "--to",
            &format!("http://{}", to.capture),
            "--body-dir",
            work.path().to_str().unwrap(),
        ],
    ));
    let lines: Vec<&str> = commands.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].contains(&format!("--data-binary @delivery-{bin}.body")),
        "{}",
        lines[0]
    );
    assert!(work.path().join(format!("delivery-{bin}.body")).is_file());
    for line in &lines {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{line} --silent --show-error"))
            .current_dir(work.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{line}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let originals = stored(&src);
    let copies = stored(to.dir.path());
    assert_eq!(copies.len(), 2);
    for (a, b) in originals.iter().zip(&copies) {
        assert_eq!(b.body, a.body, "body byte-exact");
        assert_eq!(
            (&b.summary.method, &b.summary.path, &b.summary.query),
            (&a.summary.method, &a.summary.path, &a.summary.query)
        );
        // curl writes Host and Content-Length for its connection (first); every other header is
        // the delivery's, in order, and curl adds none of its own.
        let rest = |d: &hookscope::model::Delivery| -> Vec<(String, String)> {
            hookscope::head::header_pairs(&d.head)
                .into_iter()
                .filter(|(n, _)| {
                    !["host", "content-length", "connection"]
                        .contains(&n.to_ascii_lowercase().as_str())
                })
                .collect()
        };
        assert_eq!(rest(b), rest(a));
    }
    from.stop().await;
    to.stop().await;
}

#[test]
fn a_har_written_by_chromium_imports_with_its_times_and_is_decoded() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/har/chromium-playwright.har");
    let har: Value = serde_json::from_slice(&std::fs::read(&fixture).unwrap()).unwrap();
    assert_eq!(
        har["log"]["creator"]["name"], "Playwright",
        "written by another tool"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&hookscope(
        dir.path(),
        &["import", fixture.to_str().unwrap()],
    ));
    assert!(out.contains("Imported 3 deliveries"), "{out}");
    let copies = stored(dir.path());
    let entries = har["log"]["entries"].as_array().unwrap();
    for (d, e) in copies.iter().zip(entries) {
        let when: jiff::Timestamp = e["startedDateTime"].as_str().unwrap().parse().unwrap();
        assert_eq!(d.summary.received_at_us, when.as_microsecond());
        assert_eq!(d.summary.method, e["request"]["method"].as_str().unwrap());
        assert!(d.summary.imported);
    }
    let lead = &copies[1];
    assert_eq!(lead.summary.path, "/hooks/leadron");
    assert_eq!(lead.summary.query.as_deref(), Some("source=devtools"));
    assert_eq!(
        lead.body,
        entries[1]["request"]["postData"]["text"]
            .as_str()
            .unwrap()
            .as_bytes()
    );
    // Decoded as a live Leadron delivery would be.
    assert_eq!(
        lead.summary.vendor.as_deref(),
        Some("leadron"),
        "{:?}",
        lead.summary.detected_by
    );
    let event = lead.summary.event.as_ref().unwrap();
    assert_eq!(event.event_type.as_deref(), Some("lead.created"));
    assert_eq!(event.id.as_deref(), Some("evt_har_1"));

    // Imported twice: the second copy of each event is flagged as a duplicate.
    ok(&hookscope(
        dir.path(),
        &["import", fixture.to_str().unwrap()],
    ));
    // In receive order, oldest first: each copy of the second import next to its original.
    let again = stored(dir.path());
    assert_eq!(again.len(), 6);
    let copy = &again[2..4]
        .iter()
        .find(|d| d.summary.path == "/hooks/leadron" && d.summary.id != lead.summary.id)
        .expect("the copy of the Leadron delivery beside the original");
    assert!(
        copy.summary.id > copies[2].summary.id,
        "imported again later"
    );
    let dup = copy.summary.duplicate.as_ref().expect("a duplicate");
    assert_eq!(dup.first_id, lead.summary.id);

    // A file that is neither says so, and stores nothing.
    let junk = dir.path().join("junk.txt");
    std::fs::write(&junk, "hello\n").unwrap();
    let out = hookscope(dir.path(), &["import", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 1") && err.contains("HAR"), "{err}");
    assert_eq!(stored(dir.path()).len(), 6);
}

#[tokio::test]
async fn the_api_exports_a_filtered_set_and_imports_it_into_another_server() {
    let from = start("").await;
    two_deliveries(&from).await;
    from.post("/other", "not selected").await;
    let download = from
        .http
        .get(from.api_url("/api/export?format=jsonl&path=/hooks/"))
        .bearer_auth(&from.token)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("hookscope-export.jsonl")
    );
    let file = download.bytes().await.unwrap();
    assert_eq!(
        file.split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count(),
        2
    );

    let to = start("").await;
    let answer: Value = to
        .http
        .post(to.api_url("/api/import"))
        .bearer_auth(&to.token)
        .body(file)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["imported"], 2, "{answer}");
    let (_, page) = to.api_get("/api/deliveries").await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["imported"] == true)
    );
    let bad = to
        .http
        .post(to.api_url("/api/import"))
        .bearer_auth(&to.token)
        .body("{\"log\":{}}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let bad = from
        .http
        .get(from.api_url("/api/export?format=xml"))
        .bearer_auth(&from.token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    from.stop().await;
    to.stop().await;
}

// Multi-threaded: the command runs synchronously here while the server answers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_imports_through_the_server_that_holds_the_store() {
    let from = start("").await;
    two_deliveries(&from).await;
    let exported = ok(&hookscope(
        from.dir.path(),
        &["export", "--format", "jsonl"],
    ));
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("export.jsonl");
    std::fs::write(&file, &exported).unwrap();
    let file = file.to_str().unwrap();

    // The server holds the store: the command finds its API in the lock file and its token in
    // the data directory, and the server's own writer stores the deliveries.
    let to = start("").await;
    let out = ok(&hookscope(to.dir.path(), &["import", file]));
    assert!(
        out.contains("Imported 2 deliveries through the running server"),
        "{out}"
    );
    assert!(out.contains(&to.api.to_string()), "{out}");
    let (_, page) = to.api_get("/api/deliveries").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    assert!(items.iter().all(|d| d["imported"] == true), "{page}");

    // A wrong token is named as such, and nothing is stored.
    let refused = hookscope(to.dir.path(), &["import", file, "--api-token", "wrong"]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("refused the API token"), "{err}");
    let (_, page) = to.api_get("/api/deliveries").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    from.stop().await;
    to.stop().await;
}
