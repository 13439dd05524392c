//! Heads and bodies compressed at rest with zstd, out of every reader's sight: [`pack`] makes a
//! payload as stored (off the writer thread, for captured deliveries), [`unpack`] gives the
//! bytes back exactly as received; the store calls them. A part that would not get smaller is stored as it is, and the
//! `codec` column says which of the two parts are frames.

use std::cell::RefCell;

use crate::error::{Error, Result};

/// `codec` bit: the head is a zstd frame.
pub const HEAD: i64 = 1;
/// `codec` bit: the body is a zstd frame.
pub const BODY: i64 = 2;

/// zstd's level: its default, the usual balance of speed and size for small JSON documents.
const LEVEL: i32 = 3;

/// A part shorter than this is stored as it is: the frame's own bytes would eat the saving.
const MIN_LEN: usize = 64;

/// A delivery's head and body as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    /// Which parts are frames ([`HEAD`], [`BODY`]).
    pub codec: i64,
    pub head: Vec<u8>,
    pub body: Vec<u8>,
}

impl Packed {
    /// What the payload takes in the store, for retention.
    pub fn stored_bytes(&self) -> u64 {
        (self.head.len() + self.body.len()) as u64
    }
}

thread_local! {
    /// One compression context per thread, reused: making one costs more than a small frame.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// `head` and `body` as they are stored: each compressed when that makes it smaller.
pub fn pack(head: &[u8], body: &[u8]) -> Packed {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = zstd::bulk::Compressor::new(LEVEL).ok();
        }
        let mut squeeze = |raw: &[u8]| -> Option<Vec<u8>> {
            if raw.len() < MIN_LEN {
                return None;
            }
            let frame = slot.as_mut()?.compress(raw).ok()?;
            (frame.len() < raw.len()).then_some(frame)
        };
        let (mut codec, mut packed_head, mut packed_body) = (0, None, None);
        if let Some(frame) = squeeze(head) {
            codec |= HEAD;
            packed_head = Some(frame);
        }
        if let Some(frame) = squeeze(body) {
            codec |= BODY;
            packed_body = Some(frame);
        }
        Packed {
            codec,
            head: packed_head.unwrap_or_else(|| head.to_vec()),
            body: packed_body.unwrap_or_else(|| body.to_vec()),
        }
    })
}

/// One part as received: `stored` itself, or the frame it is undone. `part` (`HEAD` or `BODY`)
/// says which part it is; `id` names the delivery when it cannot be read back.
pub fn unpack(codec: i64, part: i64, stored: Vec<u8>, id: i64) -> Result<Vec<u8>> {
    if codec & part == 0 {
        return Ok(stored);
    }
    let what = if part == HEAD { "head" } else { "body" };
    let failed = |message: String| {
        Error::Unpack(format!(
            "delivery {id}: its stored {what} cannot be decompressed: {message}"
        ))
    };
    let size = zstd::zstd_safe::get_frame_content_size(&stored)
        .map_err(|e| failed(format!("not a zstd frame ({e:?})")))?
        .ok_or_else(|| failed("the frame does not say its size".into()))?;
    let size = usize::try_from(size).map_err(|_| failed(format!("{size} bytes is too large")))?;
    DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(zstd::bulk::Decompressor::new().map_err(|e| failed(e.to_string()))?);
        }
        let decompressor = slot.as_mut().expect("made above");
        decompressor
            .decompress(&stored, size)
            .map_err(|e| failed(e.to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_come_back_exactly_and_only_what_shrinks_is_packed() {
        let head = b"POST /hooks/stripe HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\nStripe-Signature: t=1,v1=abc\r\n\r\n".to_vec();
        let body = serde_json::json!({
            "id": "evt_1", "object": "event", "type": "invoice.paid",
            "data": { "object": { "id": "in_1", "lines": vec!["line"; 40] } }
        })
        .to_string()
        .into_bytes();
        let p = pack(&head, &body);
        // A short head seldom shrinks without a dictionary; the body does.
        assert_eq!(p.codec & BODY, BODY);
        assert!(
            p.body.len() < body.len() / 2,
            "{} of {}",
            p.body.len(),
            body.len()
        );
        assert_eq!(unpack(p.codec, HEAD, p.head.clone(), 1).unwrap(), head);
        assert_eq!(unpack(p.codec, BODY, p.body.clone(), 1).unwrap(), body);

        // Short, or already dense: stored as it is.
        let random: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let p = pack(b"GET / HTTP/1.1\r\n\r\n", &random);
        assert_eq!(p.codec & HEAD, 0);
        assert_eq!(p.head, b"GET / HTTP/1.1\r\n\r\n");
        if p.codec & BODY == 0 {
            assert_eq!(p.body, random);
        }
        assert_eq!(unpack(p.codec, BODY, p.body, 2).unwrap(), random);
        let empty = pack(b"", b"");
        assert_eq!((empty.codec, empty.stored_bytes()), (0, 0));
    }

    #[test]
    fn a_damaged_frame_is_an_error_naming_the_delivery() {
        let body = vec![b'a'; 1000];
        let mut p = pack(b"", &body);
        assert_eq!(p.codec, BODY);
        p.body.truncate(p.body.len() / 2);
        let e = unpack(p.codec, BODY, p.body, 42).unwrap_err().to_string();
        assert!(
            e.contains("delivery 42: its stored body cannot be decompressed"),
            "{e}"
        );
        let e = unpack(BODY, BODY, b"not zstd".to_vec(), 7)
            .unwrap_err()
            .to_string();
        assert!(e.contains("delivery 7"), "{e}");
    }
}
