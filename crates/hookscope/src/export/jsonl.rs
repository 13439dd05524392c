//! JSON Lines: one delivery a line, its request head and body as base64 so that any bytes come
//! back exactly, with readable copies (headers, text body, what was decoded) beside them that an
//! import ignores.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::model::Delivery;

/// The value of every record's `format` field.
pub const FORMAT: &str = "hookscope.delivery/1";

/// One delivery as a JSON Lines record.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Record {
    pub format: String,
    /// Its id in the store it came from (a new one is assigned on import).
    #[serde(default)]
    pub id: Option<i64>,
    pub received_at: String,
    pub received_at_us: i64,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default = "http11")]
    pub http_version: String,
    #[serde(default)]
    pub remote_addr: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The request line and header lines, byte-exact when `head_exact`.
    pub head_base64: String,
    #[serde(default)]
    pub head_exact: bool,
    pub body_base64: String,
    /// The size the sender sent, larger than the body when it was truncated at capture.
    #[serde(default)]
    pub body_size: Option<u64>,
    #[serde(default)]
    pub truncated: bool,
    #[serde(default)]
    pub note: Option<String>,
    /// Readable copies; not read back.
    #[serde(default, skip_deserializing)]
    pub headers: Vec<(String, String)>,
    #[serde(default, skip_deserializing)]
    pub body: Option<String>,
    #[serde(default, skip_deserializing)]
    pub vendor: Option<String>,
    #[serde(default, skip_deserializing)]
    pub event_type: Option<String>,
    #[serde(default, skip_deserializing)]
    pub event_id: Option<String>,
    #[serde(default, skip_deserializing)]
    pub signature: Option<String>,
}

fn http11() -> String {
    "HTTP/1.1".to_owned()
}

impl From<&Delivery> for Record {
    fn from(d: &Delivery) -> Record {
        let s = &d.summary;
        Record {
            format: FORMAT.to_owned(),
            id: Some(s.id),
            received_at: s.received_at.clone(),
            received_at_us: s.received_at_us,
            method: s.method.clone(),
            path: s.path.clone(),
            query: s.query.clone(),
            http_version: s.http_version.clone(),
            remote_addr: Some(s.remote_addr.clone()),
            endpoint: s.endpoint.clone(),
            head_base64: STANDARD.encode(&d.head),
            head_exact: d.head_exact,
            body_base64: STANDARD.encode(&d.body),
            body_size: Some(s.body_size),
            truncated: s.truncated,
            note: s.note.clone(),
            headers: crate::head::header_pairs(&d.head),
            body: std::str::from_utf8(&d.body).ok().map(str::to_owned),
            vendor: s.vendor.clone(),
            event_type: s.event.as_ref().and_then(|e| e.event_type.clone()),
            event_id: s.event.as_ref().and_then(|e| e.id.clone()),
            signature: s.signature.as_ref().map(|c| c.status.as_str().to_owned()),
        }
    }
}
