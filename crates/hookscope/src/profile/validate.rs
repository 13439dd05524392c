//! Payload validation against a profile's JSON Schemas (the `jsonschema` crate), turned into
//! findings a person reads. A schema may carry `x-message` next to a rule; the message of the
//! deepest rule on a failing path replaces the validator's generic text.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// One validation finding. Findings are warnings, never rejections: the delivery is stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct Finding {
    /// `warning` (the payload breaks what the vendor documents) or `info`.
    pub level: String,
    /// JSON pointer into the body ("" for the whole body).
    pub path: String,
    pub message: String,
    /// An `info` that says how the payload differs from the earlier ones of its event type
    /// (learned from traffic, [`crate::learn`]), not from what the vendor documents.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub drift: bool,
}

impl Finding {
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            level: "warning".into(),
            path: path.into(),
            message: message.into(),
            drift: false,
        }
    }

    pub fn info(path: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            level: "info".into(),
            path: path.into(),
            message: message.into(),
            drift: false,
        }
    }

    /// The `info` that says `drift`, measured against `earlier` payloads of `event_type`.
    pub fn drift(drift: &crate::learn::Drift, earlier: u64, event_type: &str) -> Self {
        Finding {
            drift: true,
            ..Finding::info(drift.pointer.clone(), drift.describe(earlier, event_type))
        }
    }
}

/// A compiled schema and its source, kept to look up `x-message`s.
pub struct Schema {
    validator: jsonschema::Validator,
    source: Value,
}

impl Schema {
    pub fn compile(source: &Value, what: &str) -> Result<Schema> {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(source)
            .map_err(|e| Error::Vendor(format!("{what}: invalid JSON Schema: {e}")))?;
        Ok(Schema {
            validator,
            source: source.clone(),
        })
    }

    /// Findings for `instance`, at most `limit` of them.
    pub fn check(&self, instance: &Value, limit: usize, out: &mut Vec<Finding>) {
        for error in self.validator.iter_errors(instance).take(limit) {
            let path = error.instance_path().to_string();
            let message = self
                .message_for(&error.schema_path().to_string())
                .unwrap_or_else(|| error.to_string());
            let finding = Finding::warning(path, message);
            if !out.contains(&finding) {
                out.push(finding);
            }
        }
    }

    /// The `x-message` of the deepest schema on `schema_path` that has one.
    fn message_for(&self, schema_path: &str) -> Option<String> {
        let mut node = &self.source;
        let mut message = None;
        for segment in schema_path.split('/').skip(1) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            node = match node {
                Value::Object(map) => map.get(&segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => break,
            };
            if let Some(m) = node.get("x-message").and_then(Value::as_str) {
                message = Some(m.to_owned());
            }
        }
        message
    }
}
