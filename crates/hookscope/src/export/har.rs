//! HAR 1.2 (<http://www.softwareishard.com/blog/har-12-spec/>): what browser devtools and HTTP
//! Toolkit open. Each delivery is an entry: its request as received, and the answer the capture
//! listener gave. A binary body is base64 with `"encoding": "base64"` (the spec's field for
//! response content, which tools also read on `postData`). Hookscope's own facts ride in
//! `_hookscope`, a custom field the spec allows.

use std::io::Write;

use base64::Engine;
use serde_json::{Value, json};

use crate::model::Delivery;

pub fn begin(out: &mut dyn Write) -> std::io::Result<()> {
    let creator = json!({ "name": "Hookscope", "version": env!("CARGO_PKG_VERSION") });
    write!(
        out,
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"entries\":["
    )
}

pub fn end(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "]}}}}")
}

fn pairs(list: &[(String, String)]) -> Vec<Value> {
    list.iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect()
}

/// The query string as HAR's name/value list (percent-decoding left to the reader, as sent).
fn query_pairs(query: Option<&str>) -> Vec<Value> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            json!({ "name": n, "value": v })
        })
        .collect()
}

pub fn entry(d: &Delivery, first: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &d.summary;
    let headers = crate::head::header_pairs(&d.head);
    let mime = s
        .content_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let mut post = json!({ "mimeType": mime });
    match std::str::from_utf8(&d.body) {
        Ok(text) => post["text"] = Value::from(text),
        Err(_) => {
            post["text"] = Value::from(base64::engine::general_purpose::STANDARD.encode(&d.body));
            post["encoding"] = Value::from("base64");
        }
    }
    let entry = json!({
        "startedDateTime": s.received_at,
        "time": 0,
        "request": {
            "method": s.method,
            "url": super::original_url(d),
            "httpVersion": s.http_version,
            "cookies": [],
            "headers": pairs(&headers),
            "queryString": query_pairs(s.query.as_deref()),
            "postData": post,
            "headersSize": if d.head_exact { d.head.len() as i64 } else { -1 },
            "bodySize": s.body_size,
        },
        "response": {
            "status": s.response_status,
            "statusText": http::StatusCode::from_u16(s.response_status)
                .ok()
                .and_then(|c| c.canonical_reason())
                .unwrap_or(""),
            "httpVersion": s.http_version,
            "cookies": [],
            "headers": [],
            "content": { "size": 0, "mimeType": "application/json" },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": { "send": 0, "wait": 0, "receive": 0 },
        "_hookscope": {
            "id": s.id,
            "remote_addr": s.remote_addr,
            "endpoint": s.endpoint,
            "vendor": s.vendor,
            "event": s.event,
            "signature": s.signature.as_ref().map(|c| c.status.as_str()),
            "truncated": s.truncated,
            "note": s.note,
        },
    });
    if !first {
        out.write_all(b",")?;
    }
    serde_json::to_writer(&mut *out, &entry).map_err(std::io::Error::other)
}
