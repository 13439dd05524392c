//! A real webhook handler behind Hookscope: a Python server that verifies Stripe signatures with
//! Stripe's own library (tests/sdk/stripe_handler.py) and answers 400 with the library's words
//! when they do not hold. What it answers must be what Hookscope stores, lists and prints.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::common::start;

const SECRET: &str = "whsec_handlertest";

/// The handler process; killed when dropped.
struct Handler {
    child: Child,
    url: String,
}

impl Drop for Handler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stripe_handler() -> Handler {
    let python = std::env::var("HOOKSCOPE_SDK_PYTHON").expect(
        "HOOKSCOPE_SDK_PYTHON must name a Python with the vendor SDKs: run `cargo xtask test`",
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sdk");
    let mut child = Command::new(python)
        .args(["stripe_handler.py", SECRET])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the Stripe handler starts");
    let mut port = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let port: u16 = port.trim().parse().expect("the handler prints its port");
    Handler {
        child,
        url: format!("http://127.0.0.1:{port}/webhook"),
    }
}

/// Runs the `hookscope` binary on the test server's data directory.
async fn hookscope(dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let dir = dir.to_owned();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_hookscope"))
            .args(&args)
            .env("HOOKSCOPE_DATA_DIR", &dir)
            .current_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The newest delivery, as the list shows it, once its handler answer is in.
async fn newest(t: &crate::common::TestServer) -> Value {
    let (_, page) = t.api_get("/api/deliveries?limit=1").await;
    page["items"][0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the vendor SDKs: `cargo xtask test` installs them and runs this"]
async fn a_real_stripe_handlers_answers_are_what_hookscope_stores_lists_and_prints() {
    let handler = stripe_handler();
    let t = start(&format!(
        "[[endpoints]]\npath = \"/hooks/stripe\"\nvendor = \"stripe\"\nsecrets = [\"{SECRET}\"]\n\
         forward = {{ to = \"{}\", pass_through = true }}\n",
        handler.url
    ))
    .await;
    let dir = t.dir.path().to_owned();
    let to = t.capture_url("/hooks/stripe");

    // A fresh signed event: the handler takes it, and the sender hears its 200.
    let (ok, out) = hookscope(
        &dir,
        &[
            "send",
            "stripe:invoice.paid",
            "--to",
            &to,
            "--secret",
            SECRET,
        ],
    )
    .await;
    assert!(ok && out.contains("→ 200"), "{out}");
    let d = newest(&t).await;
    assert_eq!(d["response_status"], 200, "{d}");
    assert_eq!(d["handler"]["status"], 200, "{d}");

    // Altered after signing: Stripe's library refuses it with 400, and that is the answer the
    // sender got, so it is the answer stored: in the list, the detail and the handler column.
    let (_, out) = hookscope(
        &dir,
        &[
            "send",
            "stripe:invoice.paid",
            "--to",
            &to,
            "--secret",
            SECRET,
            "--tamper",
        ],
    )
    .await;
    assert!(out.contains("→ 400"), "{out}");
    let d = newest(&t).await;
    assert_eq!(d["response_status"], 400, "the sender got 400: {d}");
    assert_eq!(d["signature"]["status"], "invalid");
    assert_eq!(d["handler"]["status"], 400);
    let note = d["handler"]["note"].as_str().unwrap();
    assert!(note.contains("No signatures found matching"), "{note}");
    let detail = t.delivery(d["id"].as_i64().unwrap()).await;
    assert_eq!(detail["response_status"], 400);

    // `send` records what it sent, for `hookscope attempts`.
    let (ok, out) = hookscope(&dir, &["attempts"]).await;
    assert!(ok, "{out}");
    assert_eq!(out.matches("send    POST").count(), 2, "{out}");
    assert!(out.contains("forward POST"), "{out}");

    // Signed an hour ago: past Stripe's tolerance. A replay as it came is refused, and the CLI
    // says what the handler said and what would help; re-signed, it is taken.
    let (body, signature) = crate::replay::stale_stripe("evt_handler_stale_1", SECRET);
    let resp = t
        .http
        .post(&to)
        .header("Stripe-Signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let said = resp.text().await.unwrap();
    assert!(
        said.contains("Timestamp outside the tolerance zone"),
        "{said}"
    );
    let id = newest(&t).await["id"].as_i64().unwrap();
    let (ok, out) = hookscope(&dir, &["replay", &id.to_string(), "--to", &handler.url]).await;
    assert!(!ok, "{out}");
    assert!(
        out.contains("answered 400: Timestamp outside the tolerance zone"),
        "{out}"
    );
    assert!(
        out.contains("hint: the original signature was made 1h"),
        "{out}"
    );
    assert!(out.contains("--resign"), "{out}");
    let (ok, out) = hookscope(
        &dir,
        // The CLI reads no config here (the test server's is in memory): the secret is given.
        &[
            "replay",
            &id.to_string(),
            "--to",
            &handler.url,
            "--resign",
            "--secret",
            SECRET,
        ],
    )
    .await;
    assert!(ok && out.contains("answered 200"), "{out}");
    assert!(!out.contains("hint:"), "{out}");

    // The handler column follows the latest attempt; its filter and facet count it.
    let d = t.delivery(id).await;
    assert_eq!(d["handler"]["status"], 200, "{d}");
    assert_eq!(d["handler"]["kind"], "replay");
    assert_eq!(d["response_status"], 400, "what the sender got stays");
    let (_, refused) = t.api_get("/api/deliveries?handler=400").await;
    assert_eq!(crate::common::page_ids(&refused).len(), 1, "{refused}");
    let (_, facets) = t.api_get("/api/facets?vendor=stripe").await;
    let handlers = crate::common::handler_facet(&facets);
    assert_eq!(
        handlers,
        [("2xx".into(), 2.into()), ("4xx".into(), 1.into())]
    );
    t.stop().await;
}
