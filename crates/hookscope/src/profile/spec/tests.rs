use serde_json::json;

use super::*;
use crate::profile::{Inspect, Registry};

fn fixture(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/specs/");
    std::fs::read_to_string(format!("{path}{name}")).unwrap()
}

/// What `profile` makes of `body` sent with `headers`, the profile loaded as a user's would be.
fn analyze(
    profile: &VendorProfile,
    headers: &[(String, String)],
    body: &Value,
) -> crate::profile::Analysis {
    let registry = Registry::with_user_profiles(vec![profile.clone()]).unwrap();
    let body = serde_json::to_vec(body).unwrap();
    registry.analyze(&Inspect {
        headers,
        body: &body,
        received_at_us: 1_800_000_000_000_000,
        endpoint: None,
        all_secrets: &[],
    })
}

#[test]
fn adyen_transfer_webhooks_become_a_profile_that_recognises_and_validates_them() {
    let description = read(&fixture("adyen-transfer-webhooks.openapi.json")).unwrap();
    assert_eq!(description.format, "OpenAPI 3.1.0");
    assert_eq!(description.title, "Transfer webhooks");
    let names: Vec<&str> = description.events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "balancePlatform.transfer.created",
            "balancePlatform.transfer.updated"
        ]
    );
    let updated = &description.events[1];
    assert_eq!(updated.examples.len(), 13, "every documented example");
    assert_eq!(updated.content_type, "application/json");

    let imported = import(&description, &ImportOptions::default()).unwrap();
    let p = &imported.profile;
    assert_eq!(p.id, "transfer-webhooks");
    assert_eq!(imported.type_from, "body /type");
    assert_eq!(p.envelope.data.as_deref(), Some("/data"));
    assert!(
        p.detect.body.contains(&"/type".to_owned()),
        "{:?}",
        p.detect
    );
    assert!(p.samples.from_events);
    assert_eq!(p.events.len(), 2);
    let created = &p.events["balancePlatform.transfer.created"];
    assert_eq!(created.description, "Transfer created");
    assert!(created.example.is_some());
    // The schema stands alone: its references are in its own $defs.
    let schema = created.schema.as_ref().unwrap();
    assert_eq!(schema["$ref"], "#/$defs/TransferNotificationRequest");
    assert!(!schema.to_string().contains("#/components/"));

    // A documented example is recognised, typed and valid; one with a wrong field is not.
    let example = created.example.clone().unwrap();
    let analysis = analyze(p, &[], &example);
    assert_eq!(analysis.vendor.as_deref(), Some("transfer-webhooks"));
    assert_eq!(
        analysis.event.event_type.as_deref(),
        Some("balancePlatform.transfer.created")
    );
    assert!(analysis.validation.is_empty(), "{:?}", analysis.validation);
    let mut wrong = example.clone();
    wrong["data"]["amount"]["value"] = json!("a lot");
    let analysis = analyze(p, &[], &wrong);
    assert!(
        analysis
            .validation
            .iter()
            .any(|f| f.path == "/data/amount/value"),
        "{:?}",
        analysis.validation
    );
}

#[test]
fn every_imported_example_becomes_a_sample_that_decodes_as_its_event() {
    let description = read(&fixture("adyen-transfer-webhooks.openapi.json")).unwrap();
    let imported = import(&description, &ImportOptions::default()).unwrap();
    let registry = Registry::with_user_profiles(vec![imported.profile.clone()]).unwrap();
    let events = crate::sample::sample_events(&registry, "transfer-webhooks");
    let types: Vec<&str> = events.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "balancePlatform.transfer.created",
            "balancePlatform.transfer.updated"
        ]
    );
    assert!(crate::sample::vendors(&registry).contains(&"transfer-webhooks".to_owned()));
    let built = crate::sample::send::build(
        &registry,
        &[],
        &crate::sample::send::Wanted {
            vendor: "transfer-webhooks",
            event: Some("balancePlatform.transfer.updated"),
            ..Default::default()
        },
    )
    .unwrap();
    let body: Value = serde_json::from_slice(&built.body).unwrap();
    assert_eq!(body["type"], "balancePlatform.transfer.updated");
    assert_eq!(built.signed_with, "no secret (the vendor does not sign)");
}

#[test]
fn slack_events_extend_the_slack_profile_with_examples_made_from_their_schemas() {
    let description = read(&fixture("slack-events.asyncapi.json")).unwrap();
    assert_eq!(description.format, "AsyncAPI 2.0.0");
    assert_eq!(description.title, "Slack Events API");
    let names: Vec<&str> = description.events.iter().map(|e| e.name.as_str()).collect();
    // Named by the pages that document them; the document gives no other name.
    assert!(names.contains(&"app_mention"), "{names:?}");
    assert!(names.contains(&"reaction_added"), "{names:?}");
    assert!(names.contains(&"url_verification"), "{names:?}");

    // A new profile cannot say where the type is: the examples (shared by every event) carry
    // none of the events' names.
    let err = import(&description, &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("--type-pointer"), "{err}");

    let slack = Registry::builtin().get("slack").unwrap().clone();
    let imported = import(
        &description,
        &ImportOptions {
            into: Some(slack.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let p = &imported.profile;
    assert_eq!(
        p.signature, slack.signature,
        "the profile's own signing stays"
    );
    let mention = &p.events["app_mention"];
    assert_eq!(
        mention.description,
        "Subscribe to only the message events that mention your app or bot"
    );
    let event = imported
        .events
        .iter()
        .find(|e| e.event_type == "app_mention")
        .unwrap();
    assert!(event.example_made && event.has_schema, "{event:?}");
    assert!(event.example_findings.is_empty(), "{event:?}");
    // The made example carries its type where Slack's profile reads it.
    let example = mention.example.clone().unwrap();
    assert_eq!(example["event"]["type"], "app_mention");
    assert_eq!(
        example["type"], "event_callback",
        "the schema's own example"
    );
    // Slack's deliveries are recognised by their headers.
    let headers = [(
        "X-Slack-Request-Timestamp".to_owned(),
        "1800000000".to_owned(),
    )];
    let analysis = analyze(p, &headers, &example);
    assert_eq!(analysis.vendor.as_deref(), Some("slack"));
    assert_eq!(analysis.event.event_type.as_deref(), Some("app_mention"));
    assert!(analysis.validation.is_empty(), "{:?}", analysis.validation);
    // A delivery missing what the schema requires is told so.
    let mut wrong = example.clone();
    wrong.as_object_mut().unwrap().remove("event_id");
    let analysis = analyze(p, &headers, &wrong);
    assert!(
        analysis
            .validation
            .iter()
            .any(|f| f.message.contains("event_id")),
        "{:?}",
        analysis.validation
    );
}

#[test]
fn yaml_openapi_with_header_types_and_an_asyncapi_3_document_are_read() {
    let yaml = r##"
openapi: 3.1.0
info: {title: Orders API, version: "2"}
webhooks:
  orderPaid:
    post:
      summary: An order was paid
      tags: [orders]
      parameters:
        - {name: X-Orders-Event, in: header, required: true, schema: {type: string}, example: order.paid}
        - {name: X-Orders-Signature, in: header, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Order"}
            example: {id: ord_1, total: 1200, created_at: 1767225600}
components:
  schemas:
    Order:
      type: object
      required: [id, total]
      properties:
        id: {type: string}
        total: {type: integer}
        created_at: {type: integer}
"##;
    let description = read(yaml).unwrap();
    let event = &description.events[0];
    assert_eq!(event.name, "orderPaid");
    assert_eq!(
        event.headers,
        [("X-Orders-Event".to_owned(), "order.paid".to_owned())]
    );
    let imported = import(
        &description,
        &ImportOptions {
            type_header: Some("X-Orders-Event".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let p = &imported.profile;
    assert_eq!(p.id, "orders-api");
    assert_eq!(imported.type_from, "header X-Orders-Event");
    assert!(p.events.contains_key("order.paid"), "{:?}", p.events.keys());
    assert_eq!(
        p.events["order.paid"].headers["X-Orders-Event"],
        "order.paid"
    );
    assert_eq!(p.envelope.id[0].pointer.as_deref(), Some("/id"));
    assert_eq!(
        p.envelope.occurred_at[0].format,
        Some(crate::profile::TimeFormat::UnixSeconds)
    );
    assert!(
        p.detect.headers.contains(&"X-Orders-Event".to_owned()),
        "{:?}",
        p.detect
    );

    let asyncapi = json!({
        "asyncapi": "3.0.0",
        "info": {"title": "Fleet", "version": "1"},
        "channels": {"vehicles": {"address": "/hooks/vehicles", "messages": {
            "moved": {"$ref": "#/components/messages/VehicleMoved"},
            "parked": {"$ref": "#/components/messages/VehicleParked"}
        }}},
        "operations": {
            "sendVehicleEvents": {"action": "send", "channel": {"$ref": "#/channels/vehicles"}},
            "receiveCommands": {"action": "receive", "channel": {"$ref": "#/channels/vehicles"}}
        },
        "components": {"messages": {
            "VehicleMoved": {"name": "vehicle.moved", "summary": "A vehicle moved",
                "payload": {"type": "object", "required": ["event", "vehicle"], "properties": {
                    "event": {"type": "string"}, "vehicle": {"type": "string"}}},
                "examples": [{"payload": {"event": "vehicle.moved", "vehicle": "v1"}}]},
            "VehicleParked": {"name": "vehicle.parked",
                "payload": {"type": "object", "required": ["event", "vehicle"], "properties": {
                    "event": {"type": "string"}, "vehicle": {"type": "string"}}},
                "examples": [{"payload": {"event": "vehicle.parked", "vehicle": "v2"}}]}
        }}
    });
    let description = read(&asyncapi.to_string()).unwrap();
    assert_eq!(description.format, "AsyncAPI 3.0.0");
    let names: Vec<&str> = description.events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["vehicle.moved", "vehicle.parked"]);
    let imported = import(&description, &ImportOptions::default()).unwrap();
    assert_eq!(imported.type_from, "body /event");
    assert_eq!(imported.profile.events.len(), 2);
}

#[test]
fn documents_that_cannot_be_imported_say_why() {
    let err = |text: &str| read(text).unwrap_err().to_string();
    assert!(err("not a spec").contains("not an OpenAPI or AsyncAPI document"));
    assert!(err("{").contains("not valid JSON"));
    assert!(err(r#"{"title": "x"}"#).contains("neither an OpenAPI"));
    assert!(
        err(r#"{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}}"#)
            .contains("has no `webhooks` (they came with OpenAPI 3.1)")
    );
    assert!(
        err(r#"{"openapi": "3.1.0", "info": {"title": "Bare", "version": "1"}, "paths": {}}"#)
            .contains("Bare has no `webhooks` section")
    );
    assert!(
        err(r#"{"asyncapi": "1.2.0", "info": {"title": "x", "version": "1"}}"#)
            .contains("2.x or 3.0")
    );
    // An event whose schema points at another file is left out, with the reason.
    let text = json!({
        "openapi": "3.1.0", "info": {"title": "Split", "version": "1"},
        "webhooks": {
            "a": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"$ref": "schemas.yaml#/A"}}}}}},
            "b": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"type": "object"}, "example": {"kind": "b"}}}}}}
        }
    });
    let description = read(&text.to_string()).unwrap();
    assert_eq!(description.events.len(), 1);
    assert_eq!(description.skipped[0].name, "a");
    assert!(description.skipped[0].reason.contains("another document"));
    let only_split = json!({
        "openapi": "3.1.0", "info": {"title": "Split", "version": "1"},
        "webhooks": {"a": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "schemas.yaml#/A"}}}}}}}
    });
    let e = err(&only_split.to_string());
    assert!(
        e.contains("describes no event that can be imported (a: "),
        "{e}"
    );
}
