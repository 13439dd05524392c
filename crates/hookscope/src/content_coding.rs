//! Content codings: a body sent with `Content-Encoding: gzip`, `deflate` or `br` is stored as it
//! arrived (byte-exact), and decoded here only to be shown. Decoding is bounded so that a small
//! compressed body cannot expand without limit.

use std::io::Read;

use serde::Serialize;

/// Decoded bodies larger than this are cut off (and say so): it bounds what one read of a
/// compression bomb costs.
pub const MAX_DECODED: usize = 4 * 1024 * 1024;

/// A body decoded from its content coding, for display.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct DecodedBody {
    /// The codings undone, as the header listed them (`gzip`, `br`, `gzip, br`).
    pub encoding: String,
    /// The decoded bytes as text, when they are UTF-8.
    pub text: Option<String>,
    /// The decoded bytes, when they are not UTF-8 text.
    pub base64: Option<String>,
    /// Size of the decoded bytes.
    pub size: u64,
    /// Why decoding stopped early (a corrupt stream, or the size limit), when it did.
    pub error: Option<String>,
}

/// Decodes `body` by the `Content-Encoding` header's value, last coding first. `None` when the
/// value names no coding this knows (or only `identity`).
pub fn decode(content_encoding: &str, body: &[u8]) -> Option<DecodedBody> {
    let codings: Vec<String> = content_encoding
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    if codings.is_empty()
        || !codings
            .iter()
            .all(|c| matches!(c.as_str(), "gzip" | "x-gzip" | "deflate" | "br"))
    {
        return None;
    }
    let mut bytes = body.to_vec();
    let mut error = None;
    for coding in codings.iter().rev() {
        let (out, err) = match coding.as_str() {
            "gzip" | "x-gzip" => read_bounded(flate2::read::MultiGzDecoder::new(&bytes[..])),
            // `deflate` is zlib-wrapped by the standard, raw by some senders: try both.
            "deflate" => match read_bounded(flate2::read::ZlibDecoder::new(&bytes[..])) {
                (out, Some(_)) if out.is_empty() => {
                    read_bounded(flate2::read::DeflateDecoder::new(&bytes[..]))
                }
                done => done,
            },
            _ => read_bounded(brotli_decompressor::Decompressor::new(&bytes[..], 4096)),
        };
        bytes = out;
        if let Some(e) = err {
            error = Some(format!("{coding}: {e}"));
            break;
        }
    }
    use base64::Engine;
    let size = bytes.len() as u64;
    let (text, base64) = match String::from_utf8(bytes) {
        Ok(text) => (Some(text), None),
        Err(e) => (
            None,
            Some(base64::engine::general_purpose::STANDARD.encode(e.as_bytes())),
        ),
    };
    Some(DecodedBody {
        encoding: codings.join(", "),
        size,
        base64,
        text,
        error,
    })
}

fn read_bounded(reader: impl Read) -> (Vec<u8>, Option<String>) {
    let mut out = Vec::new();
    let limit = MAX_DECODED as u64 + 1;
    match reader.take(limit).read_to_end(&mut out) {
        Ok(_) if out.len() > MAX_DECODED => {
            out.truncate(MAX_DECODED);
            (
                out,
                Some(format!(
                    "the decoded body exceeds {} MiB; the rest is not shown",
                    MAX_DECODED / 1024 / 1024
                )),
            )
        }
        Ok(_) => (out, None),
        Err(e) => (out, Some(format!("the stream is corrupt ({e})"))),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn undoes_gzip_zlib_and_raw_deflate() {
        let json = br#"{"event":"lead.won"}"#;
        let d = decode("gzip", &gzip(json)).unwrap();
        assert_eq!(d.text.as_deref(), Some(r#"{"event":"lead.won"}"#));
        assert_eq!(d.error, None);

        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(json).unwrap();
        let d = decode("Deflate", &z.finish().unwrap()).unwrap();
        assert_eq!(d.text.as_deref(), Some(r#"{"event":"lead.won"}"#));

        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(json).unwrap();
        let d = decode("deflate", &raw.finish().unwrap()).unwrap();
        assert_eq!(d.text.as_deref(), Some(r#"{"event":"lead.won"}"#));
    }

    #[test]
    fn undoes_brotli_and_stacked_codings() {
        // "hello" compressed by brotli (quality 11), from the reference encoder.
        let br = [0x0b, 0x02, 0x80, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x03];
        let d = decode("br", &br).unwrap();
        assert_eq!(d.text.as_deref(), Some("hello"));
        // gzip applied after br: undone in reverse.
        let d = decode("br, gzip", &gzip(&br)).unwrap();
        assert_eq!(d.text.as_deref(), Some("hello"));
        assert_eq!(d.encoding, "br, gzip");
    }

    #[test]
    fn corrupt_or_unknown_codings_say_so() {
        let d = decode("gzip", b"not gzip at all").unwrap();
        assert!(d.error.unwrap().starts_with("gzip: the stream is corrupt"));
        assert_eq!(decode("identity", b"x"), None);
        assert_eq!(decode("zstd", b"x"), None);
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        let zeros = vec![0u8; MAX_DECODED + 10];
        let d = decode("gzip", &gzip(&zeros)).unwrap();
        assert_eq!(d.size, MAX_DECODED as u64);
        assert!(d.error.unwrap().contains("exceeds 4 MiB"));
    }
}
