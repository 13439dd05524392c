use std::path::PathBuf;

use serde_json::json;

use super::*;
use crate::config::EndpointConfig;

fn fixture(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn analyze(
    registry: &Registry,
    headers: &[(&str, &str)],
    body: &[u8],
    endpoint: Option<&EndpointConfig>,
) -> Analysis {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    registry.analyze(&Inspect {
        headers: &headers,
        body,
        received_at_us: 1_800_000_000_000_000,
        endpoint,
        all_secrets: &[],
    })
}

fn warnings(a: &Analysis) -> Vec<&str> {
    a.validation
        .iter()
        .filter(|f| f.level == "warning")
        .map(|f| f.message.as_str())
        .collect()
}

fn endpoint(path: &str, vendor: Option<&str>) -> EndpointConfig {
    EndpointConfig {
        path: path.into(),
        vendor: vendor.map(str::to_owned),
        secrets: Vec::new(),
        retired_secrets: Vec::new(),
        signature: None,
        response: None,
        forward: None,
        rules: Vec::new(),
    }
}

#[test]
fn the_contract_profile_ids_are_built_in() {
    let r = Registry::builtin();
    let ids: Vec<&str> = r.profiles().map(|p| p.id.as_str()).collect();
    for id in [
        "cooledge",
        "leadron",
        "event-timestamp-payload",
        "standard-webhooks",
        "svix",
        "stripe",
        "github",
        "shopify",
        "slack",
        "cloudevents",
        "generic",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert_eq!(ids.last(), Some(&"generic"), "the fallback is tried last");
    assert_eq!(r.get("leadron").unwrap().events.len(), 14);
    assert_eq!(r.get("event-timestamp-payload").unwrap().events.len(), 26);
    let contact = &r.get("event-timestamp-payload").unwrap().events["contact.created"];
    assert!(contact.note.as_deref().unwrap().contains("not yet sent"));
}

#[test]
fn every_cooledge_seed_example_decodes_and_validates_clean() {
    let r = Registry::builtin();
    for (event, id) in [
        ("lead.won", "9d2f6b81-4c07-4e3a-8b15-2a7e0c9d3b51"),
        ("customer.created", "8f2d6b41-9c30-4e7a-a15b-6d0e3c9f2a87"),
        ("job.completed", "d9b1c8a2-6c47-4e09-9a51-2d7e0c4b8f63"),
    ] {
        let body = fixture(&format!("cooledge/{event}.json"));
        let a = analyze(&r, &[], &body, None);
        assert_eq!(a.vendor.as_deref(), Some("cooledge"), "{event}");
        assert!(a.detected_by.as_deref().unwrap().starts_with("body fields"));
        assert_eq!(a.event.event_type.as_deref(), Some(event));
        assert_eq!(a.event.id.as_deref(), Some(id));
        assert_eq!(a.event.id_source.as_deref(), Some("body /event_id"));
        assert_eq!(
            a.event.tenant.as_deref(),
            Some("a7f3c9d1-2e84-4b6f-8c01-5d9e2a1f7b30")
        );
        assert_eq!(a.event.version.as_deref(), Some("v1"));
        assert!(a.validation.is_empty(), "{event}: {:?}", a.validation);
        assert!(a.dedupe.is_some());
    }
}

#[test]
fn cooledge_dedupes_on_its_header_and_flags_a_mismatch() {
    let r = Registry::builtin();
    let body = fixture("cooledge/lead.won.json");
    let a = analyze(
        &r,
        &[(
            "X-Cooledge-Event-Id",
            "9d2f6b81-4c07-4e3a-8b15-2a7e0c9d3b51",
        )],
        &body,
        None,
    );
    assert_eq!(a.detected_by.as_deref(), Some("header X-Cooledge-Event-Id"));
    assert_eq!(
        a.event.id_source.as_deref(),
        Some("header X-Cooledge-Event-Id")
    );
    assert!(a.validation.is_empty(), "{:?}", a.validation);

    let a = analyze(
        &r,
        &[(
            "X-Cooledge-Event-Id",
            "00000000-0000-4000-8000-000000000000",
        )],
        &body,
        None,
    );
    assert_eq!(
        a.event.id.as_deref(),
        Some("00000000-0000-4000-8000-000000000000")
    );
    let w = warnings(&a);
    assert!(
        w.iter().any(|m| m.contains("differs between them")),
        "{w:?}"
    );
}

#[test]
fn cooledge_conditional_rules_and_types() {
    let r = Registry::builtin();
    let base: serde_json::Value =
        serde_json::from_slice(&fixture("cooledge/lead.won.json")).unwrap();
    let with = |changes: serde_json::Value| {
        let mut v = base.clone();
        for (k, val) in changes.as_object().unwrap() {
            v[k] = val.clone();
        }
        let a = analyze(&r, &[], &serde_json::to_vec(&v).unwrap(), None);
        warnings(&a)
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>()
    };
    let w = with(json!({"won_via": "invoice_paid"}));
    assert!(
        w.iter()
            .any(|m| m == "quote_id must be null unless won_via is quote_accepted or quote_paid"),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|m| m == "invoice_id must be set when won_via is invoice_paid"),
        "{w:?}"
    );
    let w = with(json!({"won_via": "invoice_paid", "quote_id": null,
        "invoice_id": "6a2c9e74-1d38-4b05-8f72-3e1a0c5d9b48", "job_id": "6a2c9e74-1d38-4b05-8f72-3e1a0c5d9b48"}));
    assert!(w.is_empty(), "{w:?}");
    let w = with(json!({"won_via": "magic"}));
    assert!(
        w.iter()
            .any(|m| m.contains("won_via must be quote_accepted")),
        "{w:?}"
    );
    let w = with(json!({"version": "v2", "occurred_at": "last tuesday"}));
    assert!(w.iter().any(|m| m.contains("\"v1\"")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("RFC 3339")), "{w:?}");
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("lead_id");
    let a = analyze(&r, &[], &serde_json::to_vec(&missing).unwrap(), None);
    assert!(
        warnings(&a).iter().any(|m| m.contains("lead_id")),
        "{:?}",
        a.validation
    );

    let job: serde_json::Value =
        serde_json::from_slice(&fixture("cooledge/job.completed.json")).unwrap();
    for (number, ok) in [
        (json!(318), true),
        (json!("J-318"), true),
        (json!(null), true),
        (json!(true), false),
    ] {
        let mut v = job.clone();
        v["job_number"] = number.clone();
        let a = analyze(&r, &[], &serde_json::to_vec(&v).unwrap(), None);
        assert_eq!(
            warnings(&a).is_empty(),
            ok,
            "job_number {number}: {:?}",
            a.validation
        );
    }
    let mut unknown = base.clone();
    unknown["event_type"] = json!("lead.lost");
    let a = analyze(&r, &[], &serde_json::to_vec(&unknown).unwrap(), None);
    assert!(
        warnings(&a)
            .iter()
            .any(|m| m.contains("unknown event type \"lead.lost\""))
    );
}

#[test]
fn every_leadron_seed_example_decodes_and_validates() {
    let r = Registry::builtin();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/leadron");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let event = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let body = std::fs::read(&path).unwrap();
        let a = analyze(&r, &[("X-Leadron-Signature", "sha256=00")], &body, None);
        assert_eq!(a.vendor.as_deref(), Some("leadron"));
        assert_eq!(a.event.event_type.as_deref(), Some(event.as_str()));
        assert_eq!(
            a.event.id.as_deref(),
            Some("evt_01HZXN8Y9K0M7R6Q5P4N3T2S1A")
        );
        assert_eq!(
            a.event.occurred_at.as_deref(),
            Some("2026-05-27T23:34:12.000Z")
        );
        assert!(a.validation.is_empty(), "{event}: {:?}", a.validation);
        seen += 1;
    }
    assert_eq!(seen, 14);
    // A payload missing a field its catalog example has.
    let a = analyze(&r, &[], br#"{"id":"evt_2","type":"commission.paid","createdAt":"2026-05-27T23:34:12.000Z","data":{"commissionId":"com_1"}}"#, None);
    assert!(
        warnings(&a).iter().any(|m| m.contains("amount")),
        "{:?}",
        a.validation
    );
}

#[test]
fn importing_a_catalog_extends_the_event_list() {
    let mut p = Registry::builtin().get("leadron").unwrap().clone();
    let n = catalog::import_catalog(&mut p, &json!({"data": {"invoices": [
        {"event": "invoice.sent", "description": "Invoice sent", "examplePayload": {"invoiceId": "inv_1"}}
    ]}}))
    .unwrap();
    assert_eq!(n, 1);
    assert_eq!(p.events.len(), 15);
    assert_eq!(
        p.events["invoice.sent"].category.as_deref(),
        Some("invoices")
    );
    let err = catalog::import_catalog(&mut p, &json!({"success": true})).unwrap_err();
    assert!(err.to_string().contains("no \"data\""));
}

#[test]
fn every_crm_seed_example_decodes_with_a_fingerprint() {
    let r = Registry::builtin();
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/event-timestamp-payload");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let event = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let body = std::fs::read(&path).unwrap();
        let a = analyze(&r, &[], &body, None);
        assert_eq!(
            a.vendor.as_deref(),
            Some("event-timestamp-payload"),
            "{event}"
        );
        assert_eq!(a.event.event_type.as_deref(), Some(event.as_str()));
        assert_eq!(
            a.event.id_source.as_deref(),
            Some("fingerprint of /event + /payload/id + /timestamp")
        );
        assert!(warnings(&a).is_empty(), "{event}: {:?}", a.validation);
        let notes = a.validation.iter().filter(|f| f.level == "info").count();
        assert_eq!(notes, usize::from(event.starts_with("contact.")), "{event}");
    }
    let body = fixture("event-timestamp-payload/lead.created.json");
    let a = analyze(&r, &[("X-Webhook-Id", "dlv_1")], &body, None);
    assert_eq!(a.event.id.as_deref(), Some("dlv_1"));
    assert_eq!(a.event.id_source.as_deref(), Some("header X-Webhook-Id"));
}

#[test]
fn detection_order_endpoint_then_headers_then_body() {
    let r = Registry::builtin();
    let body = fixture("cooledge/lead.won.json");
    let ep = endpoint("/hooks/s", Some("stripe"));
    let a = analyze(&r, &[], &body, Some(&ep));
    assert_eq!(a.vendor.as_deref(), Some("stripe"));
    assert_eq!(
        a.detected_by.as_deref(),
        Some("endpoint /hooks/s is bound to stripe")
    );

    let a = analyze(
        &r,
        &[("X-GitHub-Event", "issues"), ("X-GitHub-Delivery", "d-1")],
        br#"{"action":"opened","repository":{"full_name":"o/r"}}"#,
        None,
    );
    assert_eq!(a.vendor.as_deref(), Some("github"));
    assert_eq!(a.event.event_type.as_deref(), Some("issues.opened"));
    assert_eq!(a.event.id.as_deref(), Some("d-1"));
    assert_eq!(a.event.tenant.as_deref(), Some("o/r"));

    let a = analyze(
        &r,
        &[],
        br#"{"event_id": "e-9", "event": "thing.happened"}"#,
        None,
    );
    assert_eq!(a.vendor.as_deref(), Some("generic"));
    assert_eq!(a.event.event_type.as_deref(), Some("thing.happened"));
    assert_eq!(a.event.id.as_deref(), Some("e-9"));

    let a = analyze(&r, &[], b"plain text", None);
    assert_eq!(a.vendor, None);
    assert_eq!(
        a.signature.status,
        crate::signature::SignatureStatus::Unchecked
    );
}

#[test]
fn cloudevents_in_binary_and_structured_mode_dedupe_on_source_and_id() {
    let r = Registry::builtin();
    let a = analyze(
        &r,
        &[
            ("ce-specversion", "1.0"),
            ("ce-type", "com.example.created"),
            ("ce-source", "/svc/a"),
            ("ce-id", "42"),
            ("ce-time", "2026-11-23T10:00:00Z"),
        ],
        b"{}",
        None,
    );
    assert_eq!(a.vendor.as_deref(), Some("cloudevents"));
    assert_eq!(a.event.event_type.as_deref(), Some("com.example.created"));
    assert_eq!(a.event.id.as_deref(), Some("42"));
    assert_eq!(
        a.event.id_source.as_deref(),
        Some("header ce-source + ce-id")
    );
    assert_eq!(a.dedupe.as_ref().unwrap().key, "/svc/a\u{1f}42");

    let structured = br#"{"specversion":"1.0","type":"t","source":"/svc/a","id":"42","data":{}}"#;
    let b = analyze(
        &r,
        &[("Content-Type", "application/cloudevents+json")],
        structured,
        None,
    );
    assert_eq!(b.vendor.as_deref(), Some("cloudevents"));
    assert_eq!(
        b.dedupe.as_ref().unwrap().key,
        a.dedupe.as_ref().unwrap().key
    );
}

#[test]
fn stripe_times_are_unix_seconds() {
    let r = Registry::builtin();
    let a = analyze(&r, &[("Stripe-Signature", "t=1,v1=00")],
        br#"{"id":"evt_1","object":"event","type":"invoice.paid","created":1700000000,"data":{"object":{}}}"#, None);
    assert_eq!(a.event.occurred_at.as_deref(), Some("2023-11-14T22:13:20Z"));
    assert!(a.validation.is_empty(), "{:?}", a.validation);
}

/// Stripe's thin events (event destinations, `object: "v2.core.event"`): an RFC 3339 `created`,
/// a reference to the object instead of its snapshot, the connected account in `context`.
#[test]
fn stripe_thin_events_are_understood_as_stripe_sends_them() {
    let r = Registry::builtin();
    let thin = |created: &str, extra: &str| {
        format!(
            r#"{{"id":"evt_test_65R9","object":"v2.core.event","type":"v1.billing.meter.error_report_triggered","livemode":false,"created":{created},"context":"acct_123","reason":null,"related_object":{{"id":"mtr_1","type":"billing.meter","url":"/v1/billing/meters/mtr_1"}}{extra}}}"#
        )
    };
    let a = analyze(
        &r,
        &[("Stripe-Signature", "t=1,v1=00")],
        thin(r#""2024-09-17T06:20:52.246Z""#, "").as_bytes(),
        None,
    );
    assert_eq!(a.vendor.as_deref(), Some("stripe"));
    assert_eq!(
        a.event.event_type.as_deref(),
        Some("v1.billing.meter.error_report_triggered")
    );
    assert_eq!(a.event.id.as_deref(), Some("evt_test_65R9"));
    assert_eq!(
        a.event.occurred_at.as_deref(),
        Some("2024-09-17T06:20:52.246Z")
    );
    assert_eq!(a.event.tenant.as_deref(), Some("acct_123"));
    assert!(a.validation.is_empty(), "{:?}", a.validation);

    // A thin event's time is RFC 3339; a snapshot event's, Unix seconds: each is told so.
    let a = analyze(
        &r,
        &[("Stripe-Signature", "t=1,v1=00")],
        thin("1726554052", "").as_bytes(),
        None,
    );
    assert!(
        a.validation
            .iter()
            .any(|f| f.path == "/created" && f.message.contains("RFC 3339")),
        "{:?}",
        a.validation
    );
    let a = analyze(&r, &[("Stripe-Signature", "t=1,v1=00")],
        br#"{"id":"evt_1","object":"event","type":"invoice.paid","created":"2024-09-17T06:20:52Z","data":{"object":{}}}"#, None);
    assert!(
        a.validation
            .iter()
            .any(|f| f.path == "/created" && f.message.contains("Unix seconds")),
        "{:?}",
        a.validation
    );
    // Neither kind: said plainly.
    let a = analyze(&r, &[("Stripe-Signature", "t=1,v1=00")],
        br#"{"id":"evt_1","object":"charge","type":"charge.refunded","created":1,"data":{"object":{}}}"#, None);
    assert!(
        a.validation
            .iter()
            .any(|f| f.path == "/object" && f.message.contains("thin event")),
        "{:?}",
        a.validation
    );
}

#[test]
fn unix_times_rfc_3339_cannot_write_stay_as_sent() {
    let r = Registry::builtin();
    for created in ["253402300800", "-1", "99999999999999"] {
        let body = format!(
            r#"{{"id":"evt_1","object":"event","type":"t","created":{created},"data":{{"object":{{}}}}}}"#
        );
        let a = analyze(
            &r,
            &[("Stripe-Signature", "t=1,v1=00")],
            body.as_bytes(),
            None,
        );
        assert_eq!(a.event.occurred_at.as_deref(), Some(created));
    }
}

#[test]
fn user_profiles_override_and_extend() {
    let dir = tempfile::tempdir().unwrap();
    let mut crm = Registry::builtin()
        .get("event-timestamp-payload")
        .unwrap()
        .clone();
    crm.name = "Acme CRM".into();
    std::fs::write(
        dir.path().join("crm.json"),
        serde_json::to_vec(&crm).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("acme.json"),
        br#"{"id": "acme", "name": "Acme", "detect": {"headers": ["X-Acme-Event"]},
            "envelope": {"type": [{"header": "X-Acme-Event"}]}}"#,
    )
    .unwrap();
    let r = Registry::load(dir.path()).unwrap();
    assert_eq!(r.get("event-timestamp-payload").unwrap().name, "Acme CRM");
    let ids: Vec<&str> = r.profiles().map(|p| p.id.as_str()).collect();
    assert_eq!(&ids[ids.len() - 2..], ["acme", "generic"]);
    let a = analyze(&r, &[("X-Acme-Event", "order.paid")], b"{}", None);
    assert_eq!(a.vendor.as_deref(), Some("acme"));

    std::fs::write(dir.path().join("broken.json"), b"{\"id\": 1}").unwrap();
    let err = Registry::load(dir.path()).err().unwrap().to_string();
    assert!(err.contains("broken.json"), "{err}");
    std::fs::remove_file(dir.path().join("broken.json")).unwrap();

    // Rules that can never match are refused, saying what a right one looks like.
    for (detect, says) in [
        (r#"{"body": ["type"]}"#, "\"/type\""),
        (r#"{"headers": ["X Acme Event"]}"#, "not a header name"),
    ] {
        std::fs::write(
            dir.path().join("never.json"),
            format!(r#"{{"id": "never", "name": "Never", "detect": {detect}}}"#),
        )
        .unwrap();
        let err = Registry::load(dir.path()).err().unwrap().to_string();
        assert!(
            err.contains("profile never") && err.contains("never match") && err.contains(says),
            "{err}"
        );
    }
}

mod never_panics {
    use proptest::prelude::*;

    use super::*;

    /// Header names the profiles look at, so that arbitrary values reach their parsers.
    const NAMES: &[&str] = &[
        "Stripe-Signature",
        "X-Hub-Signature-256",
        "X-GitHub-Event",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "svix-signature",
        "X-Slack-Signature",
        "X-Slack-Request-Timestamp",
        "X-Shopify-Hmac-Sha256",
        "ce-specversion",
        "ce-id",
        "X-Cooledge-Event-Id",
        "X-Cooledge-Signature",
        "X-Leadron-Signature",
        "Content-Type",
    ];

    fn body() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..400),
            // JSON shaped like the envelopes, with arbitrary values where fields go.
            (".{0,20}", any::<i64>(), ".{0,30}").prop_map(|(s, n, t)| {
                serde_json::to_vec(&json!({
                    "event_type": s, "event_id": t, "business_id": n, "occurred_at": t,
                    "version": n, "id": s, "type": t, "createdAt": n, "data": s,
                    "event": t, "timestamp": s, "payload": {"id": n},
                    "specversion": "1.0", "source": t, "object": "event", "created": n,
                    "won_via": s, "quote_id": n, "job_number": [n]
                }))
                .unwrap()
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn analysis_never_panics(
            headers in proptest::collection::vec((0..NAMES.len(), ".{0,60}"), 0..6),
            body in body(),
            at in any::<i64>(),
            secret in ".{1,30}",
            bind in proptest::option::of(0..11usize),
        ) {
            let r = Registry::builtin();
            let headers: Vec<(String, String)> =
                headers.into_iter().map(|(i, v)| (NAMES[i].to_owned(), v)).collect();
            let vendor = bind.map(|i| r.profiles().nth(i).unwrap().id.clone());
            let ep = EndpointConfig {
                path: "/".into(),
                vendor,
                secrets: vec![secret],
                retired_secrets: Vec::new(),
                signature: None,
                response: None,
                forward: None,
                rules: Vec::new(),
            };
            let a = r.analyze(&Inspect {
                headers: &headers,
                body: &body,
                received_at_us: at,
                endpoint: Some(&ep),
                all_secrets: &[],
            });
            prop_assert!(a.validation.len() <= MAX_FINDINGS + 1);
            prop_assert!(serde_json::to_string(&a).is_ok());
        }
    }
}
