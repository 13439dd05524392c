//! Reading deliveries back from HAR (ours or another tool's) and from our JSON Lines. Each is
//! decoded, verified with the local secrets and checked for duplicates as a live delivery is,
//! keeps its original receive time, and is marked as imported.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::jsonl::{FORMAT, Record};
use crate::config::Endpoints;
use crate::error::{Error, Result};
use crate::model::NewDelivery;
use crate::profile::{Received, Registry};
use crate::store::Writer;

/// One request read from a file, before analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub received_at_us: i64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub http_version: String,
    pub remote_addr: String,
    /// The request head: the original bytes (JSON Lines), or rebuilt from the headers (HAR).
    pub head: Vec<u8>,
    pub head_exact: bool,
    pub body: Vec<u8>,
    pub body_size: u64,
    pub truncated: bool,
    pub note: Option<String>,
}

/// Reads a HAR document or JSON Lines, whichever `bytes` is.
pub fn parse(bytes: &[u8]) -> Result<Vec<Imported>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::Invalid(format!(
            "the file is not UTF-8 text ({e}); expected HAR or JSON Lines"
        ))
    })?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    // A HAR file is one JSON object with a `log`; JSON Lines has one object a line.
    if let Ok(doc) = serde_json::from_str::<Value>(trimmed)
        && doc.get("log").is_some()
    {
        return from_har(&doc);
    }
    from_jsonl(trimmed)
}

fn from_jsonl(text: &str) -> Result<Vec<Imported>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: String| Error::Invalid(format!("line {}: {why}", n + 1));
        let r: Record = serde_json::from_str(line).map_err(|e| {
            bad(format!(
                "not a Hookscope JSON Lines record or a HAR file: {e}"
            ))
        })?;
        if r.format != FORMAT {
            return Err(bad(format!("format {:?} is not {FORMAT:?}", r.format)));
        }
        let head = STANDARD
            .decode(&r.head_base64)
            .map_err(|e| bad(format!("head_base64: {e}")))?;
        let body = STANDARD
            .decode(&r.body_base64)
            .map_err(|e| bad(format!("body_base64: {e}")))?;
        if crate::head::parse(&head).is_none() {
            return Err(bad("head_base64 is not an HTTP request head".to_owned()));
        }
        // A time that is no time (years -9999 to 9999 are) cannot take a place in the list.
        if jiff::Timestamp::from_microsecond(r.received_at_us).is_err() {
            return Err(bad(format!(
                "received_at_us {} is not a time between the years -9999 and 9999",
                r.received_at_us
            )));
        }
        out.push(Imported {
            received_at_us: r.received_at_us,
            method: r.method,
            path: r.path,
            query: r.query,
            http_version: r.http_version,
            remote_addr: r.remote_addr.unwrap_or_else(|| "imported".to_owned()),
            head,
            head_exact: r.head_exact,
            body_size: r.body_size.unwrap_or(body.len() as u64),
            body,
            truncated: r.truncated,
            note: r.note,
        });
    }
    Ok(out)
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn from_har(doc: &Value) -> Result<Vec<Imported>> {
    let entries = doc["log"]["entries"]
        .as_array()
        .ok_or_else(|| Error::Invalid("the HAR file has no log.entries".to_owned()))?;
    let mut out = Vec::with_capacity(entries.len());
    for (n, e) in entries.iter().enumerate() {
        let bad = |why: &str| Error::Invalid(format!("HAR entry {}: {why}", n + 1));
        let req = e.get("request").ok_or_else(|| bad("no request"))?;
        let method = str_of(req, "method").ok_or_else(|| bad("no request.method"))?;
        let url = str_of(req, "url").ok_or_else(|| bad("no request.url"))?;
        let uri: http::Uri = url.parse().map_err(|_| bad("request.url is not a URL"))?;
        let target = uri.path_and_query().map_or("/", |p| p.as_str());
        let (path, query) = crate::head::split_target(target);
        let received_at_us = str_of(e, "startedDateTime")
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map(|t| t.as_microsecond())
            .ok_or_else(|| bad("startedDateTime is not an ISO 8601 time"))?;
        let post = req.get("postData");
        let text = post.and_then(|p| str_of(p, "text")).unwrap_or_default();
        let body = match post.and_then(|p| str_of(p, "encoding")) {
            Some("base64") => STANDARD
                .decode(text)
                .map_err(|_| bad("postData.text is not valid base64"))?,
            _ => text.as_bytes().to_vec(),
        };
        let version = match str_of(req, "httpVersion").unwrap_or("HTTP/1.1") {
            // HTTP/2 and /3 requests are written as HTTP/1.1 heads: their pseudo-headers go.
            v if v.eq_ignore_ascii_case("HTTP/1.0") => "HTTP/1.0",
            _ => "HTTP/1.1",
        };
        let mut head = format!("{method} {target} {version}\r\n").into_bytes();
        let mut has_host = false;
        let mut has_length = false;
        for h in req["headers"].as_array().into_iter().flatten() {
            let (Some(name), Some(value)) = (str_of(h, "name"), str_of(h, "value")) else {
                continue;
            };
            if name.starts_with(':') || name.is_empty() {
                continue;
            }
            has_host |= name.eq_ignore_ascii_case("host");
            let length = name.eq_ignore_ascii_case("content-length");
            if length {
                // The recorded length may be of a body the tool did not keep: use the body's.
                has_length = true;
                head.extend_from_slice(format!("{name}: {}\r\n", body.len()).as_bytes());
                continue;
            }
            head.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        if !has_host && let Some(a) = uri.authority() {
            head.extend_from_slice(format!("Host: {a}\r\n").as_bytes());
        }
        if !has_length && !body.is_empty() {
            head.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        if crate::head::parse(&head).is_none() {
            return Err(bad("its method or headers do not make an HTTP request"));
        }
        let remote = e
            .get("serverIPAddress")
            .and_then(Value::as_str)
            .map_or_else(|| "imported".to_owned(), |_| "imported (HAR)".to_owned());
        out.push(Imported {
            received_at_us,
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            http_version: version.to_owned(),
            remote_addr: remote,
            head,
            head_exact: false,
            body_size: body.len() as u64,
            body,
            truncated: false,
            note: None,
        });
    }
    Ok(out)
}

/// Decodes, verifies and stores `items` through `writer` (in file order); returns their ids.
pub async fn store(
    items: Vec<Imported>,
    writer: &Writer,
    registry: &Registry,
    endpoints: &Endpoints,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        let endpoint_index = endpoints.index(&item.path);
        let received = Received {
            head: &item.head,
            body: &item.body,
            received_at_us: item.received_at_us,
            truncated: item.truncated,
        };
        let decoded =
            registry.analyze_delivery(endpoints, endpoint_index, received, Some(writer.learner()));
        let content_type = crate::head::header_pairs(&item.head)
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v);
        let forwarded =
            crate::head::forwarded_origin_of_head(&item.head, &item.path, item.query.as_deref());
        let delivery = NewDelivery {
            forwarded,
            not_sent: None,
            rules: None,
            packed: None,
            received_at_us: item.received_at_us,
            method: item.method,
            path: item.path,
            query: item.query,
            http_version: item.http_version,
            remote_addr: item.remote_addr,
            endpoint: endpoint_index.map(|i| endpoints.list[i].path.clone()),
            head: item.head,
            head_exact: item.head_exact,
            content_type,
            body: item.body.into(),
            body_size: item.body_size,
            truncated: item.truncated,
            response_status: 200,
            note: item.note,
            decoded: Some(Box::new(decoded)),
            imported: true,
        };
        ids.push(writer.insert(delivery).await?);
    }
    Ok(ids)
}
