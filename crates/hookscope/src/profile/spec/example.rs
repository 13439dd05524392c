//! An example made from a schema, for an event its description gives none of: each field the
//! schema documents, with the value it gives as an example (`examples`, `x-examples`, `const`,
//! `default`, the first of an `enum`) or a plain one of its type and format. `hookscope send`
//! and `hookscope check` then have something to send; the import says which examples are made.

use serde_json::{Map, Value, json};

/// How deep a made example goes: deeper schemas (often recursive) stop with their plain value.
const MAX_DEPTH: usize = 8;

/// An instance of `schema` (a bundled schema: its references point into its own `$defs`).
/// The schema's own whole examples are not used: an event with none of its own shares them
/// with others (one schema for many events), and they are of those others.
pub fn from_schema(schema: &Value) -> Option<Value> {
    let made = make(schema, schema, 0, true)?;
    made.is_object().then_some(made)
}

fn make(root: &Value, schema: &Value, depth: usize, top: bool) -> Option<Value> {
    let Value::Object(s) = schema else {
        return None;
    };
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(Value::String(r)) = s.get("$ref") {
        let target = r.strip_prefix('#').and_then(|p| root.pointer(p))?;
        return make(root, target, depth + 1, top);
    }
    for key in ["examples", "x-examples"] {
        if top {
            break;
        }
        if let Some(first) = s.get(key).and_then(Value::as_array).and_then(|a| a.first()) {
            return Some(first.clone());
        }
    }
    for key in ["example", "const", "default"] {
        if top && key == "example" {
            continue;
        }
        if let Some(v) = s.get(key) {
            return Some(v.clone());
        }
    }
    if let Some(first) = s
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return Some(first.clone());
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in all {
            match make(root, part, depth + 1, top) {
                Some(Value::Object(o)) => merged.extend(o),
                Some(other) if all.len() == 1 => return Some(other),
                _ => {}
            }
        }
        if !merged.is_empty() || s.get("properties").is_none() {
            let own = object(root, s, depth);
            if let Some(Value::Object(o)) = own {
                merged.extend(o);
            }
            return Some(Value::Object(merged));
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = s
            .get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|v| v.get("type") != Some(&json!("null"))))
        {
            return make(root, first, depth + 1, top);
        }
    }
    let ty = match s.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if s.contains_key("properties") => "object",
        _ if s.contains_key("items") => "array",
        _ => return None,
    };
    match ty {
        "object" => object(root, s, depth),
        "array" => {
            let item = s
                .get("items")
                .and_then(|i| make(root, i, depth + 1, false))
                .unwrap_or_else(|| json!("item"));
            Some(json!([item]))
        }
        "string" => Some(Value::from(string(s))),
        "integer" => Some(Value::from(
            s.get("minimum").and_then(Value::as_i64).unwrap_or(1),
        )),
        "number" => Some(
            s.get("minimum")
                .cloned()
                .unwrap_or_else(|| Value::from(1.5)),
        ),
        "boolean" => Some(Value::Bool(true)),
        "null" => Some(Value::Null),
        _ => None,
    }
}

fn object(root: &Value, s: &Map<String, Value>, depth: usize) -> Option<Value> {
    let mut out = Map::new();
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            if let Some(v) = make(root, prop, depth + 1, false) {
                out.insert(name.clone(), v);
            }
        }
    }
    // A required field no property describes still gets a value.
    for name in s
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        out.entry(name.to_owned()).or_insert_with(|| json!("value"));
    }
    Some(Value::Object(out))
}

/// A string of the schema's format and lengths.
fn string(s: &Map<String, Value>) -> String {
    let text = match s.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-01-15T08:00:00Z".to_owned(),
        Some("date") => "2026-01-15".to_owned(),
        Some("time") => "08:00:00Z".to_owned(),
        Some("email") => "someone@example.com".to_owned(),
        Some("uri" | "url" | "iri") => "https://example.com/".to_owned(),
        Some("uri-reference" | "iri-reference") => "/example".to_owned(),
        Some("uuid") => "6925d08e-bc19-4ad7-902e-bd29721cc69b".to_owned(),
        Some("hostname") => "example.com".to_owned(),
        Some("ipv4") => "192.0.2.1".to_owned(),
        Some("ipv6") => "2001:db8::1".to_owned(),
        _ => "text".to_owned(),
    };
    let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = s
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let mut text = text;
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = max
        && text.chars().count() > max
    {
        text = text.chars().take(max.max(min)).collect();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_example_is_valid_against_its_schema() {
        let schema = json!({
            "$defs": {"Amount": {"type": "object", "required": ["value", "currency"], "properties": {
                "value": {"type": "integer", "minimum": 0},
                "currency": {"type": "string", "minLength": 3, "maxLength": 3}
            }}},
            "type": "object",
            "required": ["type", "amount", "at", "tags"],
            "properties": {
                "type": {"type": "string", "enum": ["transfer.created", "transfer.updated"]},
                "amount": {"$ref": "#/$defs/Amount"},
                "at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "app": {"type": "string", "x-examples": ["A2H9RFS1A"]},
                "kind": {"oneOf": [{"type": "null"}, {"type": "boolean"}]},
                "code": {"type": ["string", "null"], "maxLength": 2}
            }
        });
        let made = from_schema(&schema).unwrap();
        assert_eq!(made["type"], "transfer.created");
        assert_eq!(made["app"], "A2H9RFS1A");
        assert_eq!(made["kind"], true);
        assert_eq!(made["amount"]["currency"].as_str().unwrap().len(), 3);
        let v = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let errors: Vec<String> = v.iter_errors(&made).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{made}: {errors:?}");
    }

    #[test]
    fn recursion_stops_and_non_objects_are_not_examples() {
        let schema = json!({"$defs": {"Node": {"type": "object", "properties": {
            "next": {"$ref": "#/$defs/Node"}
        }}}, "$ref": "#/$defs/Node"});
        let made = from_schema(&schema).unwrap();
        assert!(made.pointer("/next/next/next").is_some(), "{made}");
        assert_eq!(from_schema(&json!({"type": "string"})), None);
    }
}
