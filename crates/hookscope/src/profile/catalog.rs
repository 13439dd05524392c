//! Event catalogs from examples: a schema inferred from an example payload, and the import of a
//! vendor's catalog response (Leadron's `GET .../webhooks/catalog`) into a profile's events.

use serde_json::{Map, Value, json};

use super::definition::{EventSpec, VendorProfile};
use crate::error::{Error, Result};

/// A schema every value shaped like `example` matches: objects require the example's keys with
/// their types, recursively; a null in the example allows anything.
pub fn infer_schema(example: &Value) -> Value {
    match example {
        Value::Object(fields) => {
            let properties: Map<String, Value> = fields
                .iter()
                .map(|(k, v)| (k.clone(), infer_schema(v)))
                .collect();
            let required: Vec<&String> = fields.keys().collect();
            json!({ "type": "object", "required": required, "properties": properties })
        }
        Value::Array(_) => json!({ "type": "array" }),
        Value::String(_) => json!({ "type": "string" }),
        Value::Number(_) => json!({ "type": "number" }),
        Value::Bool(_) => json!({ "type": "boolean" }),
        Value::Null => json!({}),
    }
}

/// Adds the events of a catalog response (`{"data": {group: [{event, description,
/// examplePayload}]}}`) to `profile`, each with a schema for the envelope's data inferred from
/// its example. Returns how many events were added or updated.
pub fn import_catalog(profile: &mut VendorProfile, catalog: &Value) -> Result<usize> {
    let groups = catalog
        .pointer("/data")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            Error::Vendor("the catalog has no \"data\" object of event groups".into())
        })?;
    let data_pointer = profile.envelope.data.clone().unwrap_or_default();
    let mut count = 0;
    for (group, events) in groups {
        let events = events.as_array().ok_or_else(|| {
            Error::Vendor(format!("catalog group {group:?} is not a list of events"))
        })?;
        for entry in events {
            let name = entry
                .get("event")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::Vendor(format!("an event in group {group:?} has no name")))?;
            let example = entry.get("examplePayload").cloned().unwrap_or(json!({}));
            let schema = wrap_at(&data_pointer, infer_schema(&example));
            profile.events.insert(
                name.to_owned(),
                EventSpec {
                    description: entry
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    category: Some(group.clone()),
                    note: None,
                    schema: Some(schema),
                    example: Some(example),
                    headers: Default::default(),
                },
            );
            count += 1;
        }
    }
    Ok(count)
}

/// A schema requiring `inner` at the JSON pointer `at` ("" is the whole body).
fn wrap_at(at: &str, inner: Value) -> Value {
    at.split('/')
        .skip(1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .fold(inner, |schema, key| {
            json!({ "type": "object", "required": [key], "properties": { key: schema } })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inferred_schemas_require_the_example_fields_and_types() {
        let schema = infer_schema(&json!({"a": "x", "n": 1, "o": {"b": true}, "z": null}));
        let v = jsonschema::validator_for(&schema).unwrap();
        assert!(v.is_valid(&json!({"a": "y", "n": 2.5, "o": {"b": false}, "z": [1], "extra": 1})));
        assert!(!v.is_valid(&json!({"a": "y", "n": "2", "o": {"b": false}, "z": null})));
        assert!(!v.is_valid(&json!({"a": "y", "n": 2, "o": {}, "z": null})));
    }

    #[test]
    fn wraps_at_a_pointer() {
        let s = wrap_at("/data/object", json!({"type": "string"}));
        assert_eq!(
            s["properties"]["data"]["properties"]["object"]["type"],
            "string"
        );
        assert_eq!(wrap_at("", json!(true)), json!(true));
    }
}
