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

/// An export as a query string asks for it (`format=har&ids=4,7`, or `format=curl&to=URL&`
/// and the list filters): what both the API and the desktop shell take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportQuery {
    pub format: Option<Format>,
    /// These deliveries, instead of those the filters select.
    pub ids: Option<Vec<i64>>,
    /// cURL: the base URL to send to.
    pub to: Option<String>,
    pub filter: crate::store::Filter,
}

impl ExportQuery {
    /// The export's own parameters, then the list filters from what is left.
    pub fn parse(query: &str) -> Result<ExportQuery> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|e| Error::Filter(format!("{e} in {query:?}")))?;
        let (mut format, mut ids, mut to, mut rest) = (None, None, None, Vec::new());
        for (k, v) in pairs {
            match k.as_str() {
                "format" => {
                    format = Some(Format::parse(&v).ok_or_else(|| {
                        Error::Filter(format!("format: har, jsonl or curl, got {v:?}"))
                    })?);
                }
                "ids" => {
                    let parsed: std::result::Result<Vec<i64>, _> = v
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::parse)
                        .collect();
                    ids = Some(parsed.map_err(|_| {
                        Error::Filter("ids: a comma-separated list of delivery ids".into())
                    })?);
                }
                "to" => to = Some(v).filter(|t| !t.is_empty()),
                _ => rest.push((k, v)),
            }
        }
        let rest = serde_urlencoded::to_string(&rest).unwrap_or_default();
        Ok(ExportQuery {
            format,
            ids,
            to,
            filter: crate::store::ListParams::from_query(&rest)?,
        })
    }
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
