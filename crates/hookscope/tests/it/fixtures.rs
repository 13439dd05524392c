//! Every signed fixture (fixtures/signed/*.json: a delivery, its secret, when it arrived and the
//! verdict expected) decoded and verified as the capture listener would.

use hookscope::config::EndpointConfig;
use hookscope::profile::{Inspect, Registry};
use serde_json::Value;

#[test]
fn every_signed_fixture_gets_its_expected_verdict() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/signed");
    let registry = Registry::builtin();
    let mut checked = 0;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let f: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let headers: Vec<(String, String)> = f["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_owned(),
                    h[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let endpoint = EndpointConfig {
            path: "/".into(),
            vendor: None,
            secrets: vec![f["secret"].as_str().unwrap().to_owned()],
            retired_secrets: Vec::new(),
            signature: None,
            response: None,
            forward: None,
            rules: Vec::new(),
        };
        let a = registry.analyze(&Inspect {
            headers: &headers,
            body: f["body"].as_str().unwrap().as_bytes(),
            received_at_us: f["received_at"].as_i64().unwrap() * 1_000_000,
            endpoint: Some(&endpoint),
            all_secrets: &[],
        });
        let got = serde_json::json!({
            "vendor": a.vendor,
            "type": a.event.event_type,
            "id": a.event.id,
            "tenant": a.event.tenant,
            "signature": a.signature.status,
            "doctor": a.signature.doctor,
        });
        for (key, want) in f["expect"].as_object().unwrap() {
            assert_eq!(
                &got[key], want,
                "{name}: {key} (reason: {:?})",
                a.signature.reason
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 16,
        "only {checked} fixtures in {}",
        dir.display()
    );
}
