//! A cURL command that sends a stored request again: the same method, path as sent
//! (`--path-as-is`), headers in order, and the body byte-exact (inline when it is text, from a
//! file when it is binary). curl's own defaults the delivery did not have (`User-Agent`,
//! `Accept`, a form `Content-Type`, `Expect`) are switched off, so what arrives is what was
//! captured; only `Host` and `Content-Length` are curl's, written for the new connection.

use crate::error::{Error, Result};
use crate::head::forwardable_headers;
use crate::model::Delivery;
use crate::target::PathMode;

/// The command, and the body file it reads (name, bytes) when the body is binary.
pub struct Curl {
    pub command: String,
    pub body_file: Option<(String, Vec<u8>)>,
}

fn quote(text: &str) -> Result<String> {
    shlex::try_quote(text)
        .map(|q| q.into_owned())
        .map_err(|e| Error::Invalid(format!("cannot quote {text:?} for a shell: {e}")))
}

/// The command for `d`: to `target` under `mode` (followed by the delivery's whole path and query
/// with [`PathMode::Full`], as a replay would go), or without a target to the URL it reached.
pub fn command(d: &Delivery, target: Option<&str>, mode: PathMode) -> Result<Curl> {
    let s = &d.summary;
    let url = match target {
        Some(base) => crate::replay::target_url(base, mode, d)?,
        None => super::original_url(d),
    };
    let mut parts = vec![
        "curl".to_owned(),
        "--http1.1".to_owned(),
        "--path-as-is".to_owned(),
        "-X".to_owned(),
        quote(&s.method)?,
        quote(&url)?,
    ];
    let headers = forwardable_headers(&d.head);
    let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    for (name, value) in &headers {
        // `Name;` is curl's way to send a header with an empty value.
        let h = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {}", crate::head::value_text(value))
        };
        parts.push("-H".to_owned());
        parts.push(quote(&h)?);
    }
    for default in ["User-Agent", "Accept", "Expect"] {
        if !has(default) {
            parts.push("-H".to_owned());
            parts.push(quote(&format!("{default}:"))?);
        }
    }
    let mut body_file = None;
    if !d.body.is_empty() {
        if !has("Content-Type") {
            parts.push("-H".to_owned());
            parts.push(quote("Content-Type:")?);
        }
        match std::str::from_utf8(&d.body) {
            Ok(text) if !text.contains('\0') => {
                // --data-raw: the text as it is, no @file reading, newlines kept.
                parts.push("--data-raw".to_owned());
                parts.push(quote(text)?);
            }
            _ => {
                let name = format!("delivery-{}.body", s.id);
                parts.push("--data-binary".to_owned());
                parts.push(format!("@{name}"));
                body_file = Some((name, d.body.clone()));
            }
        }
    }
    Ok(Curl {
        command: parts.join(" "),
        body_file,
    })
}
