//! Schemas learned from traffic ([`crate::learn`]): each vendor and event type's, as a table of
//! fields, as JSON Schema, and as code for a handler (TypeScript, Zod). Read from memory: what
//! the writer saves is the same shapes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Control;
use crate::error::{Error, Result};
use crate::learn::{Learned, code, shape::Row};
use crate::model::format_time_us;

/// One event type learned, as the list shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct SchemaSummary {
    pub vendor: String,
    pub event_type: String,
    /// Payloads it was learned from.
    pub seen: u64,
    /// The first and the last of them (RFC 3339, UTC).
    pub first_at: String,
    pub last_at: String,
}

/// One event type's learned schema: its fields, and the JSON Schema they make.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct LearnedSchema {
    #[serde(flatten)]
    pub summary: SchemaSummary,
    /// Every field at every depth, parents first.
    pub fields: Vec<Row>,
    /// Fields not kept, in objects holding too many (a map keyed by ids, say).
    pub more_fields: u64,
    /// The schema as JSON Schema (draft 2020-12).
    #[cfg_attr(test, ts(type = "unknown"))]
    pub json_schema: Value,
}

/// What a learned schema is written as for a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SchemaFormat {
    JsonSchema,
    Typescript,
    Zod,
}

impl SchemaFormat {
    pub fn parse(s: &str) -> Result<SchemaFormat> {
        match s {
            "json-schema" | "json" => Ok(SchemaFormat::JsonSchema),
            "typescript" | "ts" => Ok(SchemaFormat::Typescript),
            "zod" => Ok(SchemaFormat::Zod),
            other => Err(Error::Invalid(format!(
                "unknown schema format {other:?}: use json-schema, typescript or zod"
            ))),
        }
    }

    /// The media type of the text [`Control::schema_as`] writes.
    pub fn media_type(self) -> &'static str {
        match self {
            SchemaFormat::JsonSchema => "application/schema+json",
            SchemaFormat::Typescript | SchemaFormat::Zod => "text/plain; charset=utf-8",
        }
    }

    /// A file name for it: `lead.won.schema.json`, `lead.won.ts`.
    pub fn file_name(self, event_type: &str) -> String {
        let stem: String = event_type
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        match self {
            SchemaFormat::JsonSchema => format!("{stem}.schema.json"),
            SchemaFormat::Typescript => format!("{stem}.ts"),
            SchemaFormat::Zod => format!("{stem}.zod.ts"),
        }
    }
}

/// `l` as the list shows it.
pub fn summary(l: &Learned) -> SchemaSummary {
    SchemaSummary {
        vendor: l.vendor.clone(),
        event_type: l.event_type.clone(),
        seen: l.shape.seen,
        first_at: format_time_us(l.first_at_us),
        last_at: format_time_us(l.last_at_us),
    }
}

impl Control {
    /// Every event type learned, by vendor then type.
    pub fn schemas(&self) -> Vec<SchemaSummary> {
        let learner = self.inner.writer.learner();
        learner
            .list()
            .into_iter()
            .filter_map(|(vendor, event_type, _)| learner.get(&vendor, &event_type))
            .map(|l| summary(&l))
            .collect()
    }

    fn learned(&self, vendor: &str, event_type: &str) -> Result<Learned> {
        self.inner
            .writer
            .learner()
            .get(vendor, event_type)
            .ok_or_else(|| Error::NoSchema {
                vendor: vendor.to_owned(),
                event_type: event_type.to_owned(),
            })
    }

    /// One event type's learned schema.
    pub fn schema(&self, vendor: &str, event_type: &str) -> Result<LearnedSchema> {
        Ok(schema_of(&self.learned(vendor, event_type)?))
    }

    /// One event type's learned schema written as `format`.
    pub fn schema_as(
        &self,
        vendor: &str,
        event_type: &str,
        format: SchemaFormat,
    ) -> Result<String> {
        Ok(write(&self.learned(vendor, event_type)?, format))
    }
}

/// `l` as its fields and JSON Schema.
pub fn schema_of(l: &Learned) -> LearnedSchema {
    let fields = l.shape.rows();
    LearnedSchema {
        summary: summary(l),
        more_fields: fields.iter().map(|r| r.more_fields).sum::<u64>() + l.shape.more_fields,
        fields,
        json_schema: schema_document(l),
    }
}

/// `l` written as `format`, ready for a file.
pub fn write(l: &Learned, format: SchemaFormat) -> String {
    match format {
        SchemaFormat::JsonSchema => {
            let mut text = serde_json::to_string_pretty(&schema_document(l)).unwrap_or_default();
            text.push('\n');
            text
        }
        SchemaFormat::Typescript => code::typescript(&l.event_type, &l.shape),
        SchemaFormat::Zod => code::zod(&l.event_type, &l.shape),
    }
}

/// The shape's JSON Schema as a document: titled, and saying what it was learned from.
fn schema_document(l: &Learned) -> Value {
    let mut schema = l.shape.json_schema();
    if let Value::Object(map) = &mut schema {
        map.insert(
            "$schema".into(),
            "https://json-schema.org/draft/2020-12/schema".into(),
        );
        map.insert(
            "title".into(),
            format!("{} {}", l.vendor, l.event_type).into(),
        );
        map.insert(
            "description".into(),
            format!(
                "Learned by Hookscope from {} deliveries, {} to {}",
                l.shape.seen,
                format_time_us(l.first_at_us),
                format_time_us(l.last_at_us)
            )
            .into(),
        );
    }
    schema
}
