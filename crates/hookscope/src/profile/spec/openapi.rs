//! OpenAPI 3.1 `webhooks`: each webhook's operation (its request body's schema and examples,
//! its header parameters) becomes a described event. The document is read with the `oas3`
//! crate; schemas are taken from the document as written (JSON Schema 2020-12), so no keyword
//! is lost on the way.

use serde_json::Value;

use super::{DescribedEvent, Description, Skipped, bundle, first_sentence, header_value};

pub(super) fn read(root: &Value) -> Result<Description, String> {
    let version = root.get("openapi").and_then(Value::as_str).unwrap_or("");
    if version.starts_with("2.") || version.starts_with("3.0") {
        return Err(format!(
            "this is OpenAPI {version}, which has no `webhooks` (they came with OpenAPI 3.1); describe the vendor's requests under `webhooks` in a 3.1 document, or import an AsyncAPI document"
        ));
    }
    let spec: oas3::Spec = serde_json::from_value(root.clone())
        .map_err(|e| format!("it is not an OpenAPI 3.1 document the oas3 reader accepts: {e}"))?;
    if let Err(e) = spec.validate_version() {
        return Err(format!("OpenAPI {version}: {e}"));
    }
    if spec.webhooks.is_empty() {
        return Err(format!(
            "{} has no `webhooks` section, so no events to import (OpenAPI 3.1 describes the requests a vendor sends there)",
            spec.info.title
        ));
    }
    let mut events = Vec::new();
    let mut skipped = Vec::new();
    for (key, item) in &spec.webhooks {
        match event(root, &spec, key, item) {
            Ok(event) => events.push(event),
            Err(reason) => skipped.push(Skipped {
                name: key.clone(),
                reason,
            }),
        }
    }
    Ok(Description {
        format: format!("OpenAPI {version}"),
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        events,
        skipped,
    })
}

fn event(
    root: &Value,
    spec: &oas3::Spec,
    key: &str,
    item: &oas3::spec::PathItem,
) -> Result<DescribedEvent, String> {
    if let Some(reference) = &item.reference {
        return Err(format!(
            "the webhook is a reference ({reference}) to a path item, which import-spec does not follow"
        ));
    }
    let methods: Vec<_> = item.methods().into_iter().collect();
    let (method, op) = methods
        .iter()
        .find(|(m, _)| *m == http::Method::POST)
        .or(methods.first())
        .ok_or("the webhook has no operation (post, put, …)")?;
    let raw_op = root
        .get("webhooks")
        .and_then(|w| w.get(key))
        .and_then(|i| i.get(method.as_str().to_ascii_lowercase()))
        .ok_or("the webhook's operation cannot be read")?;

    // Header parameters of the path item and of the operation (the operation's win).
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut header_names = Vec::new();
    let mut params: Vec<oas3::spec::Parameter> = item
        .parameters
        .iter()
        .filter_map(|p| p.resolve(spec).ok())
        .collect();
    params.extend(
        op.parameters(spec)
            .map_err(|e| format!("a parameter: {e}"))?,
    );
    for p in params
        .iter()
        .filter(|p| p.location == oas3::spec::ParameterIn::Header)
    {
        header_names.retain(|n: &String| !n.eq_ignore_ascii_case(&p.name));
        header_names.push(p.name.clone());
        let example = p
            .example
            .clone()
            .or_else(|| {
                p.examples
                    .values()
                    .find_map(|e| e.resolve(spec).ok()?.value)
            })
            .or_else(|| schema_example(root, p.schema.as_ref()));
        if let Some(value) = example.as_ref().and_then(header_value) {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&p.name));
            headers.push((p.name.clone(), value));
        }
    }

    let body = op
        .request_body
        .as_ref()
        .ok_or("the webhook has no request body")?;
    let raw_body = match body {
        oas3::spec::ObjectOrReference::Ref { ref_path, .. } => bundle::resolve(root, ref_path)?,
        oas3::spec::ObjectOrReference::Object(_) => raw_op
            .get("requestBody")
            .ok_or("the webhook has no request body")?,
    };
    let body = op
        .request_body(spec)
        .map_err(|e| format!("its request body: {e}"))?
        .ok_or("the webhook has no request body")?;
    let content_type = body
        .content
        .keys()
        .find(|k| is_json(k))
        .or(body.content.keys().next())
        .ok_or("the request body has no content")?
        .clone();
    let media = &body.content[&content_type];
    let raw_media = raw_body
        .get("content")
        .and_then(|c| c.get(&content_type))
        .ok_or("the request body's content cannot be read")?;

    let raw_schema = raw_media.get("schema");
    let schema = raw_schema.map(|s| bundle::bundle(root, s)).transpose()?;
    let mut examples: Vec<Value> = media
        .examples(spec)
        .into_iter()
        .filter_map(|(_, e)| e.value)
        .collect();
    if examples.is_empty()
        && let Some(example) = raw_schema.and_then(|s| schema_example_raw(root, s))
    {
        examples.push(example);
    }
    let description = op
        .summary
        .clone()
        .or_else(|| op.description.as_deref().map(first_sentence))
        .or_else(|| item.summary.clone())
        .unwrap_or_default();
    Ok(DescribedEvent {
        name: key.to_owned(),
        description,
        category: op.tags.first().cloned(),
        content_type,
        schema,
        examples,
        headers,
        header_names,
    })
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// A parameter schema's example, enum of one, or default.
fn schema_example(root: &Value, schema: Option<&oas3::spec::Schema>) -> Option<Value> {
    let raw = serde_json::to_value(schema?).ok()?;
    schema_example_raw(root, &raw)
}

/// The example a raw schema carries (`examples[0]`, `example`, `x-examples[0]`, an `enum` of
/// one, `const`, or `default`), following a `$ref` to it.
pub(super) fn schema_example_raw(root: &Value, schema: &Value) -> Option<Value> {
    let mut schema = schema;
    for _ in 0..8 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => schema = bundle::resolve(root, r).ok()?,
            None => break,
        }
    }
    let first = |k: &str| schema.get(k).and_then(Value::as_array)?.first().cloned();
    first("examples")
        .or_else(|| schema.get("example").cloned())
        .or_else(|| first("x-examples"))
        .or_else(|| schema.get("const").cloned())
        .or_else(|| {
            let options = schema.get("enum")?.as_array()?;
            (options.len() == 1).then(|| options[0].clone())
        })
        .or_else(|| schema.get("default").cloned())
}
