//! A schema taken out of an API description so that it stands alone: every local `$ref` it
//! reaches (`#/components/schemas/Transfer`) is copied into its `$defs` and pointed there, so the
//! profile that holds it needs nothing else of the document.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Map, Value};

/// The JSON Schema dialect a bundled schema declares: OpenAPI 3.1's schemas are JSON Schema
/// 2020-12, and AsyncAPI's draft-07 supersets read the same for what webhooks use.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// `schema` with every local reference it reaches copied into `$defs`, or why it cannot stand
/// alone (a reference to another file, or to nothing).
pub fn bundle(root: &Value, schema: &Value) -> Result<Value, String> {
    let mut names: BTreeMap<String, String> = BTreeMap::new(); // reference -> name in $defs
    let mut defs = Map::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut out = schema.clone();
    rewrite(&mut out, &mut names, &mut queue)?;
    while let Some(reference) = queue.pop_front() {
        let mut target = resolve(root, &reference)?.clone();
        rewrite(&mut target, &mut names, &mut queue)?;
        defs.insert(names[&reference].clone(), target);
    }
    let mut object = match out {
        Value::Object(o) => o,
        // `true`, `false`: nothing to bundle.
        other => return Ok(other),
    };
    if !defs.is_empty() {
        match object.get_mut("$defs").and_then(Value::as_object_mut) {
            Some(own) => own.extend(defs),
            None => {
                object.insert("$defs".into(), Value::Object(defs));
            }
        }
    }
    object.insert("$schema".into(), Value::from(DIALECT));
    Ok(Value::Object(object))
}

/// The value a local reference (`#/a/b`) points at in `root`.
pub fn resolve<'a>(root: &'a Value, reference: &str) -> Result<&'a Value, String> {
    let Some(pointer) = reference.strip_prefix('#') else {
        return Err(format!(
            "it refers to {reference:?} in another document, which import-spec does not follow (bundle the description into one file first, e.g. with `redocly bundle`)"
        ));
    };
    root.pointer(pointer)
        .ok_or_else(|| format!("its reference {reference:?} points at nothing in the document"))
}

/// Points every `$ref` in `value` into `$defs`, queueing the targets not yet named.
fn rewrite(
    value: &mut Value,
    names: &mut BTreeMap<String, String>,
    queue: &mut VecDeque<String>,
) -> Result<(), String> {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if key == "$ref"
                    && let Value::String(reference) = child
                {
                    if !reference.starts_with('#') {
                        return Err(format!(
                            "it refers to {reference:?} in another document, which import-spec does not follow (bundle the description into one file first, e.g. with `redocly bundle`)"
                        ));
                    }
                    let name = name_for(reference, names, queue);
                    *reference = format!("#/$defs/{}", escape(&name));
                } else if key == "discriminator"
                    && let Some(Value::Object(mapping)) = child.get_mut("mapping")
                {
                    // OpenAPI's discriminator maps values to schemas by reference too.
                    for target in mapping.values_mut() {
                        if let Value::String(reference) = target
                            && reference.starts_with('#')
                        {
                            *reference =
                                format!("#/$defs/{}", escape(&name_for(reference, names, queue)));
                        }
                    }
                } else {
                    rewrite(child, names, queue)?;
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite(item, names, queue)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The name in `$defs` of `reference`'s target, queued to be copied there the first time.
fn name_for(
    reference: &str,
    names: &mut BTreeMap<String, String>,
    queue: &mut VecDeque<String>,
) -> String {
    if let Some(name) = names.get(reference) {
        return name.clone();
    }
    let name = def_name(reference, names);
    names.insert(reference.to_owned(), name.clone());
    queue.push_back(reference.to_owned());
    name
}

/// The name a reference's target gets in `$defs`: its last segment (`Transfer`), made unique.
fn def_name(reference: &str, taken: &BTreeMap<String, String>) -> String {
    let last = reference
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("root");
    let base = last.replace("~1", "/").replace("~0", "~");
    let mut name = base.clone();
    let mut n = 2;
    while taken.values().any(|v| *v == name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// A JSON pointer segment for `name`.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_are_copied_into_defs_and_the_result_validates_alone() {
        let root = json!({"components": {"schemas": {
            "Event": {"type": "object", "required": ["type", "amount"], "properties": {
                "type": {"type": "string"},
                "amount": {"$ref": "#/components/schemas/Amount"},
                "refund": {"$ref": "#/components/schemas/Amount"}
            }},
            "Amount": {"type": "object", "required": ["value"], "properties": {
                "value": {"type": "integer"},
                "next": {"$ref": "#/components/schemas/Amount"}
            }}
        }}});
        let schema = bundle(&root, &json!({"$ref": "#/components/schemas/Event"})).unwrap();
        assert_eq!(schema["$ref"], "#/$defs/Event");
        assert_eq!(
            schema["$defs"]["Event"]["properties"]["amount"]["$ref"],
            "#/$defs/Amount"
        );
        assert_eq!(schema["$defs"].as_object().unwrap().len(), 2);
        let v = jsonschema::validator_for(&schema).unwrap();
        assert!(v.is_valid(&json!({"type": "x", "amount": {"value": 1, "next": {"value": 2}}})));
        assert!(!v.is_valid(&json!({"type": "x", "amount": {"value": "1"}})));
    }

    #[test]
    fn same_last_segments_get_distinct_names_and_other_files_are_refused() {
        let root = json!({"a": {"X": {"type": "string"}}, "b": {"X": {"type": "integer"}}});
        let schema = bundle(
            &root,
            &json!({"properties": {"s": {"$ref": "#/a/X"}, "n": {"$ref": "#/b/X"}}}),
        )
        .unwrap();
        let v = jsonschema::validator_for(&schema).unwrap();
        assert!(v.is_valid(&json!({"s": "a", "n": 1})));
        assert!(!v.is_valid(&json!({"s": 1})));
        assert!(!v.is_valid(&json!({"n": "a"})));
        let err = bundle(&root, &json!({"$ref": "other.json#/X"})).unwrap_err();
        assert!(err.contains("another document"), "{err}");
        let err = bundle(&root, &json!({"$ref": "#/nothing"})).unwrap_err();
        assert!(err.contains("points at nothing"), "{err}");
    }
}
