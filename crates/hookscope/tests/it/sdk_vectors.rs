//! Deliveries signed by the vendors' own SDKs (Python standardwebhooks, svix and stripe; npm
//! @octokit/webhooks-methods), generated during the run so that timestamps are fresh, then
//! posted to a real capture port. `cargo xtask test` installs the SDKs and runs this with
//! `HOOKSCOPE_SDK_PYTHON` pointing at their Python.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn sdk_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/sdk")
}

fn vectors() -> Vec<Value> {
    let python = std::env::var("HOOKSCOPE_SDK_PYTHON").expect(
        "HOOKSCOPE_SDK_PYTHON must name a Python with the vendor SDKs: run `cargo xtask test`",
    );
    let mut lines = Vec::new();
    for (program, script) in [(python.as_str(), "sign.py"), ("node", "sign.mjs")] {
        let out = Command::new(program)
            .arg(script)
            .current_dir(sdk_dir())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program} {script}: {e}"));
        assert!(
            out.status.success(),
            "{script} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            lines.push(serde_json::from_str(line).unwrap());
        }
    }
    lines
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the vendor SDKs: `cargo xtask test` installs them and runs this"]
async fn deliveries_signed_by_vendor_sdks_verify() {
    let vectors = vectors();
    let vendors: Vec<&str> = vectors
        .iter()
        .map(|v| v["vendor"].as_str().unwrap())
        .collect();
    assert_eq!(vendors, ["standard-webhooks", "svix", "stripe", "github"]);

    let mut config = String::new();
    for (i, v) in vectors.iter().enumerate() {
        let secret = v["secret"].as_str().unwrap();
        let wrong = if secret.starts_with("whsec_") {
            "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        } else {
            "not-the-secret"
        };
        config.push_str(&format!(
            "[[endpoints]]\npath = \"/sdk/{i}\"\nsecrets = [{secret:?}]\n\
             [[endpoints]]\npath = \"/wrong/{i}\"\nsecrets = [{wrong:?}]\n"
        ));
    }
    let server = crate::common::start(&config).await;
    let t = &server;
    for (i, v) in vectors.iter().enumerate() {
        let name = v["name"].as_str().unwrap();
        let body = v["body"].as_str().unwrap();
        let send = |path: String, body: String| {
            let mut req = t.http.post(t.capture_url(&path)).body(body);
            for h in v["headers"].as_array().unwrap() {
                req = req.header(h[0].as_str().unwrap(), h[1].as_str().unwrap());
            }
            async move {
                let resp = req.send().await.unwrap();
                let id = t.ack_id(&resp.json::<Value>().await.unwrap()["id"]);
                t.delivery(id).await
            }
        };

        let d = send(format!("/sdk/{i}"), body.to_owned()).await;
        assert_eq!(d["vendor"], v["vendor"], "{name}");
        assert_eq!(
            d["signature"]["status"], "valid",
            "{name}: {}",
            d["signature"]
        );
        assert!(d["event"]["id"].is_string(), "{name}: {}", d["event"]);

        let tampered = send(format!("/sdk/{i}"), format!("{body} ")).await;
        assert_eq!(
            tampered["signature"]["status"], "invalid",
            "{name} tampered"
        );

        let wrong = send(format!("/wrong/{i}"), body.to_owned()).await;
        assert_eq!(
            wrong["signature"]["status"], "invalid",
            "{name} wrong secret"
        );
        assert!(
            wrong["signature"]["reason"]
                .as_str()
                .unwrap()
                .contains("does not match")
        );
    }
    server.stop().await;
}
