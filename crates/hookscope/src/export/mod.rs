//! Handing captures to someone else: a delivery or a filtered set as HAR 1.2 (browser devtools,
//! HTTP Toolkit), as JSON Lines that round-trip byte-exact, or as cURL commands that send the
//! same request again; and reading HAR and JSON Lines back in ([`import`]).

pub mod curl;
pub mod har;
pub mod import;
pub mod jsonl;

use std::io::Write;

use crate::error::{Error, Result};
use crate::model::Delivery;
use crate::store::Store;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Har,
    Jsonl,
    Curl,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        Some(match text {
            "har" => Format::Har,
            "jsonl" | "ndjson" => Format::Jsonl,
            "curl" => Format::Curl,
            _ => return None,
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Har => "application/json",
            Format::Jsonl => "application/x-ndjson",
            Format::Curl => "text/plain; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Har => "har",
            Format::Jsonl => "jsonl",
            Format::Curl => "sh",
        }
    }
}

/// A binary body a cURL command reads: the file name and its bytes.
pub type BodyFile = (String, Vec<u8>);

/// What an export needs besides the deliveries.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// cURL: send to this base URL (the delivery's path and query follow) instead of the URL the
    /// delivery reached.
    pub curl_target: Option<String>,
}

/// Writes the deliveries `ids` (in that order) to `out` as `format`, reading them one at a time.
/// Returns how many were written; binary bodies a cURL command reads from a file are returned
/// beside it (name, bytes) for the caller to write.
pub fn write(
    store: &Store,
    ids: &[i64],
    format: Format,
    opts: &ExportOptions,
    out: &mut dyn Write,
) -> Result<(u64, Vec<BodyFile>)> {
    let io = |e: std::io::Error| Error::Export(e.to_string());
    let mut files = Vec::new();
    let mut n = 0u64;
    if format == Format::Har {
        har::begin(out).map_err(io)?;
    }
    for &id in ids {
        let Some(d) = store.get(id)? else { continue };
        match format {
            Format::Har => har::entry(&d, n == 0, out).map_err(io)?,
            Format::Jsonl => {
                serde_json::to_writer(&mut *out, &jsonl::Record::from(&d))
                    .map_err(|e| Error::Export(e.to_string()))?;
                out.write_all(b"\n").map_err(io)?;
            }
            Format::Curl => {
                let c = curl::command(
                    &d,
                    opts.curl_target.as_deref(),
                    crate::target::PathMode::Full,
                )?;
                writeln!(out, "{}", c.command).map_err(io)?;
                if let Some(file) = c.body_file {
                    files.push(file);
                }
            }
        }
        n += 1;
    }
    if format == Format::Har {
        har::end(out).map_err(io)?;
    }
    Ok((n, files))
}

/// The URL a delivery was sent to: the public URL behind a tunnel or proxy, else `http://` + its
/// `Host` header + path and query.
pub fn original_url(d: &Delivery) -> String {
    if let Some(public) = &d.summary.public_url {
        return public.clone();
    }
    let host = crate::head::header_pairs(&d.head)
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v)
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    let mut url = format!("http://{host}{}", d.summary.path);
    if let Some(q) = &d.summary.query {
        url.push('?');
        url.push_str(q);
    }
    url
}
