//! `hookscope` as a user runs it: a child process, real signals, the CLI reading the store.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crate::common::hookscope;
use hookscope::store::{Filter, Store};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_hookscope");

/// A `hookscope serve` child on ephemeral ports, with the URLs it printed.
struct Serve {
    child: Child,
    capture: String,
    api: String,
    /// What it printed after its addresses.
    output: Arc<std::sync::Mutex<Vec<String>>>,
    /// What it logged (stderr).
    log: Arc<std::sync::Mutex<String>>,
}

/// A server a test did not stop (or that failed first) is killed, not left running.
impl Drop for Serve {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Serve {
    /// Waits until a printed line contains every one of `parts`; returns it.
    async fn printed(&self, parts: &[&str]) -> String {
        for _ in 0..400 {
            let found = self
                .output
                .lock()
                .unwrap()
                .iter()
                .find(|l| parts.iter().all(|p| l.contains(p)))
                .cloned();
            if let Some(line) = found {
                return line;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "no line with {parts:?} in {:#?}",
            self.output.lock().unwrap()
        );
    }
}

fn serve(data_dir: &Path, extra: &[&str]) -> Serve {
    serve_logging(data_dir, extra, "hookscope=info")
}

/// `serve` logging at `level` (`HOOKSCOPE_LOG`).
fn serve_logging(data_dir: &Path, extra: &[&str], level: &str) -> Serve {
    let mut child = Command::new(BIN)
        .args(["serve", "--capture", "127.0.0.1:0", "--api", "127.0.0.1:0"])
        .args(extra)
        .env("HOOKSCOPE_DATA_DIR", data_dir)
        .env("HOOKSCOPE_LOG", level)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log: Arc<std::sync::Mutex<String>> = Arc::default();
    let mut stderr = child.stderr.take().unwrap();
    let sink = log.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = std::io::Read::read(&mut stderr, &mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut capture, mut api) = (None, None);
    while capture.is_none() || api.is_none() {
        let line = lines.next().expect("serve prints its URLs").unwrap();
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("capture"), Some(url)) => capture = Some(url.trim_end_matches('/').to_owned()),
            (Some("api"), Some(url)) => api = Some(url.to_owned()),
            _ => {}
        }
    }
    // Keep reading so the child never blocks on a full pipe.
    let output: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let sink = output.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    Serve {
        child,
        capture: capture.unwrap(),
        api: api.unwrap(),
        output,
        log,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_deliveries_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(dir.path(), &[]);
    let http = client();
    let capture = Arc::new(server.capture.clone());

    // 400 deliveries over 64 concurrent senders; each body is unique and partly binary.
    let n = 400;
    let mut tasks = tokio::task::JoinSet::new();
    let semaphore = Arc::new(tokio::sync::Semaphore::new(64));
    for i in 0..n {
        let (http, capture, semaphore) = (http.clone(), capture.clone(), semaphore.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire().await.unwrap();
            let mut body = format!("{{\"n\":{i},\"pad\":\"{}\"}}", "x".repeat(i % 97)).into_bytes();
            body.extend_from_slice(&[0xff, 0x00, (i % 256) as u8]);
            let resp = http
                .post(format!("{capture}/hooks/durable/{i}"))
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            let id = resp.json::<Value>().await.unwrap()["id"].clone();
            (id, body)
        });
    }
    let mut sent = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (id, body) = done.unwrap();
        sent.push((ack_of(dir.path(), &id), body));
    }
    // SIGKILL right after the last acknowledgement: no shutdown, no checkpoint.
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let db = dir.path().join("hookscope.db");
    let store = Store::open_existing(&db).unwrap();
    assert_eq!(store.count().unwrap(), n as u64);
    for (id, body) in &sent {
        let stored = store
            .get(*id)
            .unwrap()
            .unwrap_or_else(|| panic!("delivery {id} lost"));
        assert_eq!(&stored.body, body, "delivery {id}");
    }
    drop(store);

    // A restarted server serves them all, and keeps numbering after them.
    let server = serve(dir.path(), &[]);
    let resp = http
        .post(format!("{}/after", server.capture))
        .body("x")
        .send()
        .await
        .unwrap();
    let id = ack_of(dir.path(), &resp.json::<Value>().await.unwrap()["id"]);
    assert!(sent.iter().all(|(acked_id, _)| *acked_id < id));
    stop(server);
}

fn stop(mut server: Serve) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    server.child.wait().unwrap()
}

/// A signal sent the instant the ready line is read stops the server cleanly, even when it was
/// started with SIGINT ignored (as a non-interactive shell starts `cmd &`): the handlers exist
/// before the line is printed, so the signal can neither be lost nor kill it mid-write.
#[test]
fn a_signal_right_after_the_ready_line_stops_it_cleanly() {
    for signal in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let ready_file = dir.path().join("ready.json");
        let mut child = Command::new("sh")
            .args(["-c", r#"trap "" INT; exec "$0" "$@""#, BIN])
            .args([
                "serve",
                "--json",
                "--capture",
                "127.0.0.1:0",
                "--api",
                "127.0.0.1:0",
            ])
            .arg("--ready-file")
            .arg(&ready_file)
            .env("HOOKSCOPE_DATA_DIR", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(ready["event"], "ready");
        Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("SIG{signal} sent right after the ready line was lost");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut log = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut log).unwrap();
        assert!(status.success(), "SIG{signal}: {status}, {log}");
        assert!(
            log.contains("Stopped."),
            "SIG{signal}: a graceful stop: {log}"
        );
        assert!(
            !ready_file.exists(),
            "SIG{signal}: the ready file is removed"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_serve_on_the_same_database_is_refused_and_the_first_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let first = serve(dir.path(), &[]);
    let second = Command::new(BIN)
        .args(["serve", "--capture", "127.0.0.1:0", "--api", "127.0.0.1:0"])
        .env("HOOKSCOPE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains("is in use by another `hookscope serve`"),
        "{err}"
    );
    assert!(
        err.contains(&first.child.id().to_string()),
        "names the pid: {err}"
    );
    assert!(err.contains("--db"), "says what to do: {err}");

    let resp = client()
        .post(format!("{}/still", first.capture))
        .body("ok")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let status = stop(first);
    assert!(status.success(), "Ctrl-C exits cleanly: {status}");

    let list = hookscope(dir.path(), &["list", "--json"]);
    let page: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(page["items"][0]["path"], "/still");
    // Integrity holds after both.
    let store = Store::open_existing(&dir.path().join("hookscope.db")).unwrap();
    assert_eq!(store.list(&Filter::default()).unwrap().items.len(), 1);
}

#[test]
fn a_port_in_use_names_the_port_and_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = Command::new(BIN)
        .args([
            "serve",
            "--capture",
            &format!("127.0.0.1:{port}"),
            "--api",
            "127.0.0.1:0",
        ])
        .env("HOOKSCOPE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("127.0.0.1:{port} is already in use")),
        "{err}"
    );
    assert!(err.contains("--capture"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_and_show_read_what_was_captured_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &[]);
    let http = client();
    let body: Vec<u8> = b"{\"k\":\"v\"}\n\x00\xfe binary tail".to_vec();
    let resp = http
        .post(format!("{}/hooks/cli?x=1", server.capture))
        .header("X-Case-Kept", "Yes")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let ack = resp.json::<Value>().await.unwrap()["id"].clone();
    let id = ack_of(dir.path(), &ack);

    // While the server runs (WAL lets readers in), and through the API with the printed token.
    let raw = hookscope(dir.path(), &["show", &id.to_string(), "--raw"]);
    assert!(raw.status.success());
    assert_eq!(raw.stdout, body);
    // The id the sender was given names it too; one made up names nothing.
    let by_ack = hookscope(dir.path(), &["show", ack.as_str().unwrap(), "--raw"]);
    assert_eq!(by_ack.stdout, body);
    let made_up = hookscope(dir.path(), &["show", "d_00112233445566778899aabbccddeeff"]);
    assert!(!made_up.status.success());
    assert!(
        String::from_utf8_lossy(&made_up.stderr).contains("neither a delivery number"),
        "{}",
        String::from_utf8_lossy(&made_up.stderr)
    );
    let api_body = http
        .get(
            server
                .api
                .replace("/api?token=", &format!("/api/deliveries/{id}/raw?token=")),
        )
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(api_body.as_ref(), &body[..]);

    let table = hookscope(dir.path(), &["list"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("/hooks/cli?x=1"), "{table}");
    assert!(table.contains("POST"), "{table}");

    let shown = hookscope(dir.path(), &["show", &id.to_string()]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("POST /hooks/cli?x=1 HTTP/1.1\r\n"),
        "{shown}"
    );
    // reqwest sends names in lowercase; they come back as sent.
    assert!(shown.contains("x-case-kept: Yes\r\n"), "{shown}");
    assert!(shown.contains("binary body"), "{shown}");

    let json = hookscope(dir.path(), &["show", &id.to_string(), "--json"]);
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["query"], "x=1");

    let missing = hookscope(dir.path(), &["show", "424242"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no delivery with id 424242"));
    let filtered = hookscope(dir.path(), &["list", "--method", "GET"]);
    assert!(String::from_utf8_lossy(&filtered.stdout).contains("No deliveries match"));
    stop(server);
}

/// A sender controls what `serve`, `list` and `show` print: escape sequences (set the title,
/// clear the screen, write the clipboard with OSC 52) and bidi overrides are shown, never
/// reach the terminal.
#[tokio::test(flavor = "multi_thread")]
async fn what_a_sender_wrote_never_drives_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hookscope.toml"),
        "[[endpoints]]\npath = \"/hooks/crm\"\nsecrets = [\"whsec_never_in_a_log_0451\"]\n",
    )
    .unwrap();
    // Every line the server logs, too, at the most detailed level.
    let server = serve_logging(dir.path(), &[], "hookscope=trace");
    let attack = "\u{1b}]0;TITLE\u{7}\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{202e}evil\u{9b}";
    let body = serde_json::json!({
        "event": attack,
        "timestamp": "2026-11-30T10:00:00Z",
        "payload": { "note": attack },
    });
    let resp = client()
        .post(format!("{}/hooks/crm", server.capture))
        .json(&body)
        .send()
        .await
        .unwrap();
    let id = ack_of(dir.path(), &resp.json::<Value>().await.unwrap()["id"]);
    let shown_as = "\\x1b]0;TITLE\\x07\\x1b[2J\\x1b]52;c;aGk=\\x07\\u{202e}evil\\u{009b}";
    let clean = |what: &str, text: &str| {
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}']),
            "{what} passed a control character through: {text:?}"
        );
    };
    let line = server.printed(&["/hooks/crm"]).await;
    clean("serve", &line);
    assert!(line.contains(shown_as), "{line}");

    let list = hookscope(dir.path(), &["list"]);
    let list = String::from_utf8(list.stdout).unwrap();
    clean("list", &list);
    assert!(list.contains("\\x1b]0;TITLE"), "{list}");

    let show = hookscope(dir.path(), &["show", &id.to_string()]);
    let show = String::from_utf8(show.stdout).unwrap();
    clean("show", &show);
    assert!(show.contains("# event      \\x1b]0;TITLE"), "{show}");
    // The body as JSON escapes, and the request's own line breaks stay.
    assert!(show.contains("POST /hooks/crm HTTP/1.1\r\n"), "{show}");

    // The raw body is the bytes as sent, for a file or a pipe.
    let raw = hookscope(dir.path(), &["show", &id.to_string(), "--raw"]);
    assert_eq!(raw.stdout, serde_json::to_vec(&body).unwrap());
    let log = server.log.clone();
    stop(server);
    let log = log.lock().unwrap().clone();
    assert!(
        log.contains("/hooks/crm"),
        "the log names the delivery: {log}"
    );
    clean("the log", &log);
    // Secrets stay out of what is printed and logged.
    for (what, text) in [
        ("serve", &line),
        ("list", &list),
        ("show", &show),
        ("the log", &log),
    ] {
        assert!(
            !text.contains("whsec_never_in_a_log_0451"),
            "{what} shows a secret: {text}"
        );
    }
}

/// `serve --db PATH` without a data directory keeps to the database's folder: its config and
/// token are the ones beside it, and the user's own data directory is not touched.
#[test]
fn a_database_given_alone_brings_its_own_folder() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let db = work.path().join("bench").join("h.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--capture",
            "127.0.0.1:0",
            "--api",
            "127.0.0.1:0",
            "--db",
        ])
        .arg(&db)
        .env_remove("HOOKSCOPE_DATA_DIR")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let done = line.starts_with("Press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let config_line = banner
        .iter()
        .find(|l| l.trim_start().starts_with("config"))
        .unwrap_or_else(|| panic!("no config line in {banner:#?}"));
    let folder = db.parent().unwrap();
    assert!(
        config_line.ends_with(&folder.join("hookscope.toml").display().to_string()),
        "{config_line}"
    );
    assert!(
        folder.join("api-token").exists(),
        "the token beside the database"
    );
    let touched: Vec<_> = walkdir(home.path());
    assert!(
        touched.is_empty(),
        "the user's folders were touched: {touched:?}"
    );
}

/// What holds secrets (the database, the config with endpoint secrets, the API token) and
/// the data directory holding them are the owner's alone; a file that is no database is named.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn secrets_at_rest_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("fresh");
    // `generate` writes endpoints (with their secrets) into the config.
    let out = hookscope(&dir, &["generate", "--count", "5"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One written by hand, as anyone's, is made the owner's when read.
    let config = dir.join("hookscope.toml");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let server = serve(&dir, &[]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "the data directory");
    for file in [
        "hookscope.db",
        "hookscope.db-wal",
        "hookscope.toml",
        "api-token",
        "ack-key",
    ] {
        let path = dir.join(file);
        if path.exists() || file != "hookscope.db-wal" {
            assert_eq!(mode(&path), 0o600, "{file}");
        }
    }
    stop(server);
    // A data directory `serve` creates itself is the owner's alone too.
    let served = parent.path().join("served");
    let server = serve(&served, &[]);
    assert_eq!(mode(&served), 0o700, "a data directory serve creates");
    stop(server);

    let junk = parent.path().join("junk.db");
    std::fs::write(
        &junk,
        b"this is not SQLite, but it is long enough to be read as a header...",
    )
    .unwrap();
    let out = hookscope(&dir, &["list", "--db", junk.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains(junk.to_str().unwrap()), "{err}");
}

/// Every file under `dir`.
fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walkdir(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn list_without_a_database_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = hookscope(dir.path(), &["list"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no database at"), "{err}");
    assert!(err.contains("hookscope serve"), "{err}");
    assert!(
        !dir.path().join("hookscope.db").exists(),
        "list must not create one"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_shows_the_analysis_and_verify_checks_a_saved_request() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hookscope.toml"),
        "[[endpoints]]\npath = \"/gh\"\nsecrets = [\"It's a Secret to Everybody\"]\n",
    )
    .unwrap();
    let server = serve(dir.path(), &[]);
    let resp = client()
        .post(format!("{}/gh", server.capture))
        .header("X-GitHub-Event", "ping")
        .header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
        .header(
            "X-Hub-Signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        )
        .body("Hello, World!")
        .send()
        .await
        .unwrap();
    let id = ack_of(dir.path(), &resp.json::<Value>().await.unwrap()["id"]);
    // The terminal shows it as it arrives.
    server
        .printed(&[
            "--> POST /gh  GitHub ping 72d3162e-cc78-11e3-81ab-4c9367dc0958  signature valid",
            &format!("#{id}"),
        ])
        .await;
    stop(server);

    let table = hookscope(dir.path(), &["list"]);
    let table = String::from_utf8_lossy(&table.stdout);
    let row = table.lines().nth(1).unwrap();
    for word in ["GitHub", "ping", "valid", "first", "/gh"] {
        assert!(row.contains(word), "{word} missing from {row:?}");
    }
    let shown = hookscope(dir.path(), &["show", &id.to_string()]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("# signature  valid (github, secret #1 (…body))"),
        "{shown}"
    );

    let saved = dir.path().join("request.http");
    let request = hookscope(dir.path(), &["show", &id.to_string(), "--request"]);
    std::fs::write(&saved, &request.stdout).unwrap();
    let saved = saved.to_str().unwrap();

    let ok = hookscope(
        dir.path(),
        &["verify", "--secret", "It's a Secret to Everybody", saved],
    );
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{text}");
    assert!(
        text.contains("# vendor     github (header X-GitHub-Event)"),
        "{text}"
    );

    let bad = hookscope(dir.path(), &["verify", "--secret", "wrong", saved]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("signature  invalid"));

    let unknown = hookscope(dir.path(), &["verify", "--vendor", "gitlab", saved]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown vendor \"gitlab\""));

    let body_only = dir.path().join("body.txt");
    std::fs::write(&body_only, "Hello, World!").unwrap();
    let out = hookscope(
        dir.path(),
        &[
            "verify",
            "--body-only",
            "--vendor",
            "github",
            "--secret",
            "It's a Secret to Everybody",
            "-H",
            "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "--json",
            body_only.to_str().unwrap(),
        ],
    );
    let analysis: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(analysis["signature"]["status"], "valid");
}

#[test]
fn a_catalog_import_extends_a_vendor_for_later_runs() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.json");
    std::fs::write(
        &catalog,
        r#"{"success": true, "data": {"invoices": [{"event": "invoice.sent", "description": "Invoice sent", "examplePayload": {"invoiceId": "inv_1"}}]}}"#,
    )
    .unwrap();
    let out = hookscope(
        dir.path(),
        &[
            "vendor",
            "import-catalog",
            "leadron",
            catalog.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("1 events imported (1 new); leadron now has 15 events"),
        "{text}"
    );
    assert!(dir.path().join("vendors/leadron.json").is_file());

    let list = hookscope(dir.path(), &["vendor", "list"]);
    let list = String::from_utf8_lossy(&list.stdout);
    let leadron = list.lines().find(|l| l.starts_with("leadron")).unwrap();
    assert!(leadron.contains("15"), "{leadron}");
    assert!(
        leadron.contains("X-Leadron-Signature (assumed)"),
        "{leadron}"
    );

    let body = dir.path().join("sent.json");
    std::fs::write(
        &body,
        r#"{"id":"evt_9","type":"invoice.sent","createdAt":"2026-05-27T23:34:12.000Z","data":{}}"#,
    )
    .unwrap();
    let out = hookscope(
        dir.path(),
        &["verify", "--body-only", "--json", body.to_str().unwrap()],
    );
    let analysis: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(analysis["vendor"], "leadron");
    let messages: Vec<&str> = analysis["validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("invoiceId")),
        "the imported schema applies: {messages:?}"
    );

    let bad = hookscope(
        dir.path(),
        &[
            "vendor",
            "import-catalog",
            "nope",
            catalog.to_str().unwrap(),
        ],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown vendor \"nope\""));
}

#[test]
fn generate_fills_a_store_that_reads_back_like_captured_traffic() {
    let dir = tempfile::tempdir().unwrap();
    let out = hookscope(dir.path(), &["generate", "--count", "2000", "--seed", "3"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = std::fs::read_to_string(dir.path().join("hookscope.toml")).unwrap();
    assert!(config.contains("path = \"/gen/stripe\""), "{config}");

    let page = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["list", "--json", "--limit", "1000"];
        all.extend_from_slice(args);
        let out = hookscope(dir.path(), &all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let newest = page(&[]);
    let items = newest["items"].as_array().unwrap();
    assert_eq!(
        items.iter().filter_map(|d| d["id"].as_i64()).max(),
        Some(2000)
    );
    assert!(
        items
            .windows(2)
            .all(|w| w[0]["received_at_us"].as_i64() >= w[1]["received_at_us"].as_i64()),
        "listed in receive order"
    );
    // Signed with the endpoints' secrets, mostly valid, some not; some sent twice.
    let count = |args: &[&str]| page(args)["items"].as_array().unwrap().len();
    let valid = count(&["--signature", "valid"]);
    let invalid = count(&["--signature", "invalid"]);
    assert!(
        valid > 500 && invalid > 0,
        "valid {valid}, invalid {invalid}"
    );
    assert!(count(&["--duplicate", "retry"]) > 0);
    assert!(count(&["--vendor", "cooledge"]) > 0);
    assert!(count(&["--vendor", "leadron"]) > 0);
    // The search index covers them when the command returns.
    assert!(count(&["--search", "quetzalcoatl"]) <= count(&["--search", "customer"]));
    assert!(count(&["--search", "customer"]) > 100);

    // A second run adds to the store and keeps the endpoints once.
    let out = hookscope(dir.path(), &["generate", "--count", "10", "--seed", "4"]);
    assert!(out.status.success());
    // Spread over the same days, they list among the first run's, by receive time.
    let both = page(&[]);
    let items = both["items"].as_array().unwrap();
    assert_eq!(
        items.iter().filter_map(|d| d["id"].as_i64()).max(),
        Some(2010)
    );
    assert!(
        items
            .windows(2)
            .all(|w| w[0]["received_at_us"].as_i64() >= w[1]["received_at_us"].as_i64())
    );
    let config = std::fs::read_to_string(dir.path().join("hookscope.toml")).unwrap();
    assert_eq!(config.matches("path = \"/gen/stripe\"").count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_forward_to_sends_every_delivery_on_unless_its_endpoint_forwards_elsewhere() {
    // The handler being built: records each path it is sent, answers 201.
    let seen: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let app = axum::Router::new()
        .fallback(
            |axum::extract::State(seen): axum::extract::State<
                Arc<std::sync::Mutex<Vec<String>>>,
            >,
             uri: http::Uri| async move {
                seen.lock().unwrap().push(uri.to_string());
                (http::StatusCode::CREATED, "handled")
            },
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let handler = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hookscope.toml"),
        format!(
            "[[endpoints]]\npath = \"/hooks/own\"\nforward = {{ to = \"http://{handler}/own\" }}\n"
        ),
    )
    .unwrap();
    let forward_to = format!("http://{handler}/all");
    let server = serve(
        dir.path(),
        &[
            "--forward-to",
            &forward_to,
            "--forward-path",
            "full",
            "--pass-through",
        ],
    );
    let http = client();

    // Any path: forwarded with its whole path, and the handler's answer reaches the sender.
    let resp = http
        .post(format!("{}/anything/x?y=1", server.capture))
        .body("one")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.text().await.unwrap(), "handled");
    // An endpoint with a forward of its own keeps it (and answers at once, not passing through).
    let resp = http
        .post(format!("{}/hooks/own", server.capture))
        .body("two")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    for _ in 0..200 {
        if seen.lock().unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        *seen.lock().unwrap(),
        ["/all/anything/x?y=1", "/own"],
        "each forward went where it should"
    );
    // Each delivery and each forward's answer got a line, as `stripe listen` prints them.
    server.printed(&["--> POST /anything/x?y=1", "#1"]).await;
    server.printed(&["--> POST /hooks/own", "#2"]).await;
    server
        .printed(&[
            &format!("<-- [201] POST http://{handler}/all/anything/x?y=1"),
            "ms  #1",
        ])
        .await;
    server
        .printed(&[&format!("<-- [201] POST http://{handler}/own"), "#2"])
        .await;
    assert!(stop(server).success());

    // A target that is not a URL is refused before anything starts.
    let out = hookscope(dir.path(), &["serve", "--forward-to", "localhost:3000"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--forward-to"), "{err}");
}

/// The delivery a sender's opaque id names, decoded with the key `serve` keeps in `dir`.
fn ack_of(dir: &Path, id: &Value) -> i64 {
    let opaque = id.as_str().unwrap_or_else(|| panic!("an opaque id: {id}"));
    hookscope::ack::AckIds::load_or_create(dir)
        .unwrap()
        .decode(opaque)
        .unwrap_or_else(|| panic!("{opaque} was made by this instance"))
}

/// The API's origin and token, from the URL `serve` printed (`…/api?token=T`).
fn api_parts(server: &Serve) -> (String, String) {
    let (origin, token) = server.api.split_once("/api?token=").unwrap();
    (origin.to_owned(), token.to_owned())
}

/// `PRAGMA integrity_check` of the database a killed server left, and its deliveries' ids.
fn check_after_kill(db: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    // The search index and the facet counts agree with what is stored.
    let facets: i64 = conn
        .query_row("SELECT coalesce(sum(n), 0) FROM facet_counts", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut ids: Vec<i64> = conn
        .prepare("SELECT id FROM deliveries ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(facets, ids.len() as i64, "facet counts match the store");
    ids.dedup();
    ids
}

/// Posts deliveries from 16 senders until `stop` is set; the ids acknowledged.
async fn post_until(
    http: reqwest::Client,
    url: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<String> {
    let mut senders = tokio::task::JoinSet::new();
    for s in 0..16 {
        let (http, url, stop) = (http.clone(), url.clone(), stop.clone());
        senders.spawn(async move {
            let mut acked = Vec::new();
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                i += 1;
                let Ok(resp) = http.post(&url).body(format!("{s}-{i}")).send().await else {
                    break;
                };
                let Ok(answer) = resp.json::<Value>().await else {
                    break;
                };
                if let Some(id) = answer["id"].as_str() {
                    acked.push(id.to_owned());
                }
            }
            acked
        });
    }
    let mut acked = Vec::new();
    while let Some(done) = senders.join_next().await {
        acked.extend(done.unwrap());
    }
    acked
}

/// `kill -9` while retention prunes in every commit (deliveries keep coming past a limit of 40):
/// the file is sound, the newest acknowledged delivery is there, nothing is pruned beyond the
/// limit, and the restarted server counts what is stored.
#[tokio::test(flavor = "multi_thread")]
async fn sigkill_during_retention_pruning_leaves_a_sound_store() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hookscope.toml"),
        "[retention]\nmax_deliveries = 40\n",
    )
    .unwrap();
    let mut server = serve(dir.path(), &["--quiet"]);
    let http = client();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let posting = tokio::spawn(post_until(
        http.clone(),
        format!("{}/prune", server.capture),
        done.clone(),
    ));
    // Well past the limit, so that every commit now prunes.
    tokio::time::sleep(Duration::from_millis(700)).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let acked: Vec<i64> = posting
        .await
        .unwrap()
        .iter()
        .map(|id| ack_of(dir.path(), &Value::from(id.as_str())))
        .collect();
    assert!(
        acked.len() > 60,
        "pruning went on: {} acknowledged",
        acked.len()
    );

    let stored = check_after_kill(&dir.path().join("hookscope.db"));
    let newest = *acked.iter().max().unwrap();
    assert!(
        stored.contains(&newest),
        "the newest acknowledged delivery {newest} is stored"
    );
    assert!(
        stored.len() >= 40,
        "pruned to the limit, never beyond: {}",
        stored.len()
    );
    // Every acknowledged delivery newer than the oldest kept is there.
    let oldest = stored[0];
    for id in acked.iter().filter(|id| **id > oldest) {
        assert!(stored.contains(id), "acknowledged delivery {id} lost");
    }
    let server = serve(dir.path(), &["--quiet"]);
    let (api, token) = api_parts(&server);
    let info: Value = http
        .get(format!("{api}/api"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["deliveries"], stored.len(), "{info}");
    stop(server);
}

/// `kill -9` in the middle of a bulk replay (to the server's own capture port): the file is
/// sound, every delivery replayed from is there, and no attempt names a delivery that is not.
#[tokio::test(flavor = "multi_thread")]
async fn sigkill_during_a_bulk_replay_leaves_a_sound_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(dir.path(), &["--quiet"]);
    let http = client();
    let mut originals = Vec::new();
    for i in 0..300 {
        let resp = http
            .post(format!("{}/orig/{i}", server.capture))
            .body(format!("{{\"n\":{i}}}"))
            .send()
            .await
            .unwrap();
        originals.push(ack_of(
            dir.path(),
            &resp.json::<Value>().await.unwrap()["id"],
        ));
    }
    let (api, token) = api_parts(&server);
    let started = http
        .post(format!("{api}/api/replays?path=/orig/"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "to": format!("{}/replayed", server.capture),
            "concurrency": 8,
            // Slow enough to be killed part of the way through.
            "rate": 200,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 202);
    // Part of the way through.
    let mut replayed = 0;
    for _ in 0..400 {
        let job: Value = http
            .get(format!("{api}/api/replays"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        replayed = job["items"][0]["progress"]["done"].as_u64().unwrap();
        if replayed >= 30 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        (30..300).contains(&replayed),
        "killed mid-replay: {replayed}"
    );
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let db = dir.path().join("hookscope.db");
    let stored = check_after_kill(&db);
    for id in &originals {
        assert!(stored.contains(id), "delivery {id} lost");
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM attempts WHERE delivery_id IS NOT NULL \
             AND delivery_id NOT IN (SELECT id FROM deliveries)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    let (attempts, copies): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM attempts), \
             (SELECT count(*) FROM deliveries WHERE path = '/replayed')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // A replay's copy is stored before its attempt is recorded (the attempt needs the answer).
    assert!(attempts <= copies, "{attempts} attempts, {copies} copies");
    assert!((30..300).contains(&copies), "{copies}");
}

/// `hookscope open` asks the running server for a new one-time UI link, which signs a browser in.
#[tokio::test(flavor = "multi_thread")]
async fn open_prints_a_new_sign_in_link_for_the_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let none = hookscope(dir.path(), &["open"]);
    assert!(!none.status.success());
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("no running `hookscope serve`"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
    let server = serve(dir.path(), &[]);
    let out = hookscope(dir.path(), &["open"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(link.contains("/?code="), "{link}");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = http.get(&link).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert!(
        resp.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );
    stop(server);
}

/// While a handler hangs, `serve` says every few seconds how many forwards its full queue kept
/// from being sent, and how many requests wait for it: not a line per delivery, which at
/// capture's rate would flood the terminal and cost capture the printing.
#[tokio::test(flavor = "multi_thread")]
async fn serve_sums_up_what_a_hanging_handler_could_not_take() {
    let (addr, _accepted, release) = crate::replay::hanging_target().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hookscope.toml"),
        format!(
            "[capture]\nforward_concurrency = 1\nforward_queue = 1\n\
             [[endpoints]]\npath = \"/hooks/paused\"\nforward = {{ to = \"http://{addr}/in\" }}\n"
        ),
    )
    .unwrap();
    let server = serve(dir.path(), &[]);
    let http = client();
    for i in 0..8 {
        let resp = http
            .post(format!("{}/hooks/paused", server.capture))
            .body(format!("{{\"n\":{i}}}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // One in flight and one queued; the six others were not sent, summed up in a line or two
    // (the sum may straddle two summaries).
    let summaries = |output: &[String]| -> Vec<String> {
        output
            .iter()
            .filter(|l| l.contains(" not sent to "))
            .cloned()
            .collect()
    };
    let not_sent = |lines: &[String]| -> u64 {
        lines
            .iter()
            .filter_map(|l| {
                l.split("<-- ")
                    .nth(1)?
                    .split(' ')
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .sum()
    };
    let mut lines = Vec::new();
    for _ in 0..400 {
        lines = summaries(&server.output.lock().unwrap());
        if not_sent(&lines) >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(not_sent(&lines), 6, "{lines:#?}");
    for line in &lines {
        assert!(
            line.contains(&format!("not sent to http://{addr}/in in the last 2 s"))
                && line.contains("the handler has 2 requests waiting (1 unanswered, 1 queued)")
                && line.contains("hookscope list --handler error"),
            "{line}"
        );
    }
    let output = server.output.lock().unwrap().clone();
    assert!(
        !output.iter().any(|l| l.contains("failed: not sent")),
        "no line per delivery not sent: {output:#?}"
    );
    assert_eq!(
        output.iter().filter(|l| l.contains("-->")).count(),
        8,
        "each delivery is still printed: {output:#?}"
    );
    let _ = release.send(true);
    stop(server);
}
