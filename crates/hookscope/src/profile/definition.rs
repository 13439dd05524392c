//! A vendor profile as data: how to recognise the vendor, where its envelope keeps each field,
//! where the dedupe id comes from, how it signs, and its event catalog with a JSON Schema per
//! event. Built-in profiles are JSON files embedded in the binary; users add or override one by
//! dropping a file of the same shape in the data directory's `vendors/` folder.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::signature::SignatureScheme;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VendorProfile {
    /// Stable id: what endpoints bind to and the API reports (`stripe`, `cooledge`, ...).
    pub id: String,
    /// Display name; the user may rename a profile by overriding it.
    pub name: String,
    /// Where the profile's facts come from, shown beside it.
    #[serde(default)]
    pub source: String,
    /// Where it comes in detection order, lowest first: the first profile whose headers or body
    /// shape match is the sender. Built-in vendors are 10 to 100, the generic fallback 1000;
    /// a profile without one comes after the built-in vendors and before the fallback.
    #[serde(default = "default_order")]
    pub order: u32,
    /// A built-in event catalog to import into `events` (`catalogs/leadron.json`: the vendor's
    /// own catalog response, kept as it was published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub catalog: Option<String>,
    /// What Hookscope's samples, test events and generator make of the vendor's documented
    /// examples (`fixtures/<id>/`).
    #[serde(default)]
    pub samples: SampleSpec,
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub detect: Detect,
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub envelope: Envelope,
    /// Where the event id used for dedupe comes from, tried in order.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub dedupe: Vec<IdSource>,
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub signature: Option<SignatureScheme>,
    /// A schema every event of this vendor must match (the envelope), besides its own.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub envelope_schema: Option<serde_json::Value>,
    /// The event catalog: type → description and schema. Empty means "not catalogued": unknown
    /// types are then not flagged.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "Record<string, unknown>"))]
    pub events: BTreeMap<String, EventSpec>,
    /// How the vendor delivers: what `hookscope check` grades a handler's answers against.
    #[serde(default)]
    pub delivery: DeliveryTerms,
    /// Fields that differ on every delivery by design, besides the event id and time and the
    /// signature's headers (which always do): a diff hides them unless asked.
    #[serde(default)]
    pub volatile: VolatileFields,
}

/// Headers and body fields of a vendor's deliveries that vary per delivery by design.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VolatileFields {
    /// Header names, any case.
    pub headers: Vec<String>,
    /// JSON pointers into the body; a segment `*` stands for any array index or key.
    pub pointers: Vec<String>,
}

impl VolatileFields {
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.pointers.is_empty()
    }
}

/// How a vendor delivers, as its documents say: how long it waits for an answer, how large a
/// body can be, how it retries. What its documents do not say is `None`, and a check then uses
/// a default it names.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DeliveryTerms {
    /// How long the vendor waits for an answer before it counts the delivery as failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub timeout_ms: Option<u64>,
    /// The largest body the vendor sends.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub max_body_bytes: Option<u64>,
    /// How it retries a failed delivery, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub retries: Option<String>,
    /// Deliveries can come more than once (at-least-once): a handler must take a repeat with a
    /// 2xx and do its work once.
    pub at_least_once: bool,
    /// Some deliveries come form-encoded (`application/x-www-form-urlencoded`) with the JSON in
    /// this field, signed over the form's bytes, as Slack sends interactions (`payload=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub form_field: Option<String>,
    /// The vendor's own words these come from, or why there are none.
    pub source: String,
}

fn default_order() -> u32 {
    500
}

/// How the vendor's documented examples become samples: `hookscope send`, the UI's test
/// events, and `hookscope generate`'s traffic.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SampleSpec {
    /// Parts per thousand of `hookscope generate`'s traffic; 0 leaves the vendor out of it.
    pub share: u32,
    /// The examples (fixture names) in the order they are offered; by default every fixture of
    /// the vendor, by name.
    pub fixtures: Vec<String>,
    /// What a generated event id starts with (`evt_` for Stripe: 24 hex digits follow); by
    /// default the id is a UUID.
    #[cfg_attr(test, ts(optional))]
    pub id_prefix: Option<String>,
    /// Offer the examples of the catalog's events (`events.*.example`, with their headers) too,
    /// after the fixtures: what `hookscope vendor import-spec` writes, so that the events of an
    /// imported description can be sent and checked.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub from_events: bool,
}

/// How the vendor is recognised when no endpoint names it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detect {
    /// Any of these headers present (case-insensitive) identifies the vendor.
    #[serde(default)]
    pub headers: Vec<String>,
    /// All of these JSON pointers present in a JSON body identify the vendor by shape.
    #[serde(default)]
    pub body: Vec<String>,
    /// For the fallback profile: any JSON object body matches, after every other profile.
    #[serde(default)]
    pub any_json: bool,
}

/// Where one envelope field is found: the first source present wins.
pub type Sources = Vec<FieldSource>;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// How a time value is written, when it is not RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<TimeFormat>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TimeFormat {
    UnixSeconds,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    #[serde(default, rename = "type")]
    pub event_type: Sources,
    /// Appended to the type with a dot when present (GitHub's `action`: `issues.opened`).
    #[serde(default)]
    pub type_suffix: Sources,
    #[serde(default)]
    pub id: Sources,
    #[serde(default)]
    pub occurred_at: Sources,
    #[serde(default)]
    pub tenant: Sources,
    #[serde(default)]
    pub version: Sources,
    /// JSON pointer of the event's own data ("" for a flat envelope).
    #[serde(default)]
    pub data: Option<String>,
}

/// One way to find the dedupe id. Several parts are joined into one key (CloudEvents dedupes on
/// `source` + `id`); the last part is the id shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdSource {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pointers: Vec<String>,
    /// The key is a fingerprint of these body fields, not an id the vendor assigned.
    #[serde(default)]
    pub fingerprint: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// A note on the event's status in the vendor's documents ("documented as not yet sent").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<serde_json::Value>,
    /// An example delivery; when there is no `schema`, one is inferred from it (every field the
    /// example has is required, with the example's JSON type; a null field may hold anything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
    /// Headers the vendor sends with the example besides its signature (`X-GitHub-Event`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}
