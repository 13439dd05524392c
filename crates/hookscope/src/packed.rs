//! Heads, bodies and analyses compressed at rest with zstd, out of every reader's sight: [`pack`]
//! makes a delivery's payload and analysis as stored (off the writer thread, for captured
//! deliveries), [`unpack`] and [`unpack_analysis`] give them back exactly; the store calls them.
//! A part that would not get smaller is stored as it is: the `codec` column says which of head
//! and body are frames, and an analysis frame is a BLOB where the plain one is TEXT.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::error::{Error, Result};

/// `codec` bit: the head is a zstd frame.
pub const HEAD: i64 = 1;
/// `codec` bit: the body is a zstd frame.
pub const BODY: i64 = 2;
/// The part a dictionary is trained on: a vendor's analyses (`deliveries.analysis_packed`).
pub const ANALYSIS: i64 = 4;

/// zstd's level: its default, the usual balance of speed and size for small JSON documents.
const LEVEL: i32 = 3;

/// A part shorter than this is stored as it is: the frame's own bytes would eat the saving.
const MIN_LEN: usize = 64;

/// Compression contexts kept per thread (one per dictionary in use, and one without).
const CONTEXTS_KEPT: usize = 16;

/// A delivery's head and body as stored, and its analysis when that packs smaller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    /// Which parts are frames ([`HEAD`], [`BODY`]).
    pub codec: i64,
    pub head: Vec<u8>,
    pub body: Vec<u8>,
    /// The analysis JSON as a frame; `None` stores it as text.
    pub analysis: Option<Vec<u8>>,
}

impl Packed {
    /// What the payload takes in the store, for retention (the analysis is the store's own).
    pub fn stored_bytes(&self) -> u64 {
        (self.head.len() + self.body.len()) as u64
    }
}

/// A dictionary trained on one vendor's heads or bodies: its zstd id (written in every frame
/// made with it, so a reader knows which to undo it with) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dictionary {
    pub id: u32,
    pub bytes: Arc<[u8]>,
}

impl Dictionary {
    /// A dictionary as stored; `None` when the bytes are not a zstd dictionary with an id.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Dictionary> {
        let id = zstd::zstd_safe::get_dict_id_from_dict(&bytes)?.get();
        Some(Dictionary {
            id,
            bytes: bytes.into(),
        })
    }
}

/// The dictionaries one vendor's new payloads are packed with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForVendor {
    pub head: Option<Dictionary>,
    pub body: Option<Dictionary>,
    pub analysis: Option<Dictionary>,
}

/// A store's dictionaries: the newest per vendor and part (what new payloads are packed with)
/// and every one by id (what a stored frame may name). Only ever added to.
#[derive(Debug, Default)]
pub struct Dictionaries(RwLock<Known>);

#[derive(Debug, Default)]
struct Known {
    by_vendor: HashMap<String, ForVendor>,
    /// Every dictionary by id, prepared for decompression once and shared by every thread
    /// (`None` when zstd would not load it: its frames read as damaged).
    by_id: HashMap<u32, Option<Arc<Prepared>>>,
}

/// A dictionary as zstd decompresses with it (its bytes copied and its tables built).
struct Prepared(zstd::zstd_safe::DDict<'static>);

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Prepared")
    }
}

impl Dictionaries {
    /// Adds `dict`, trained on `vendor`'s heads (`part` [`HEAD`]), bodies ([`BODY`]) or
    /// analyses ([`ANALYSIS`]): the one new ones of that vendor are packed with.
    pub fn add(&self, vendor: &str, part: i64, dict: Dictionary) {
        let mut known = self.0.write().unwrap_or_else(|e| e.into_inner());
        let prepared =
            zstd::zstd_safe::DDict::try_create(&dict.bytes).map(|d| Arc::new(Prepared(d)));
        known.by_id.insert(dict.id, prepared);
        let slot = known.by_vendor.entry(vendor.to_owned()).or_default();
        match part {
            HEAD => slot.head = Some(dict),
            BODY => slot.body = Some(dict),
            ANALYSIS => slot.analysis = Some(dict),
            // A part of a later version: readable by its id, not packed with here.
            _ => {}
        }
    }

    /// What `vendor`'s payloads are packed with (nothing for an unknown vendor).
    pub fn for_vendor(&self, vendor: Option<&str>) -> ForVendor {
        let Some(vendor) = vendor else {
            return ForVendor::default();
        };
        let known = self.0.read().unwrap_or_else(|e| e.into_inner());
        known.by_vendor.get(vendor).cloned().unwrap_or_default()
    }

    /// Whether `vendor` has a dictionary for its bodies and one for its analyses (a store from
    /// before analyses were packed has the first only, and trains again).
    pub fn is_trained(&self, vendor: &str) -> bool {
        let known = self.0.read().unwrap_or_else(|e| e.into_inner());
        known
            .by_vendor
            .get(vendor)
            .is_some_and(|v| v.body.is_some() && v.analysis.is_some())
    }

    /// Whether the dictionary with this id is here.
    pub fn knows(&self, id: u32) -> bool {
        self.prepared(id).is_some()
    }

    /// The dictionary with this id prepared for decompression: `None` when it is not here,
    /// `Some(None)` when zstd would not load it.
    fn prepared(&self, id: u32) -> Option<Option<Arc<Prepared>>> {
        let known = self.0.read().unwrap_or_else(|e| e.into_inner());
        known.by_id.get(&id).cloned()
    }
}

thread_local! {
    /// Compression contexts, by the id of the dictionary loaded in each (0 for none), reused:
    /// making one, or loading a dictionary, costs more than a small frame.
    static COMPRESSORS: RefCell<HashMap<u32, zstd::bulk::Compressor<'static>>> = RefCell::new(HashMap::new());
    /// One decompression context a thread, whichever dictionary a frame names (the dictionaries
    /// are prepared once, in [`Dictionaries`]).
    static DECOMPRESSOR: RefCell<zstd::zstd_safe::DCtx<'static>> = RefCell::new(zstd::zstd_safe::DCtx::create());
}

/// `raw` as a frame, with `dict` when given; `None` when that is not smaller.
fn squeeze(raw: &[u8], dict: Option<&Dictionary>) -> Option<Vec<u8>> {
    if raw.len() < MIN_LEN {
        return None;
    }
    COMPRESSORS.with(|cell| {
        let mut contexts = cell.borrow_mut();
        let id = dict.map_or(0, |d| d.id);
        if !contexts.contains_key(&id) {
            if contexts.len() >= CONTEXTS_KEPT {
                contexts.clear();
            }
            let made = match dict {
                Some(d) => zstd::bulk::Compressor::with_dictionary(LEVEL, &d.bytes),
                None => zstd::bulk::Compressor::new(LEVEL),
            };
            contexts.insert(id, made.ok()?);
        }
        let frame = contexts.get_mut(&id)?.compress(raw).ok()?;
        (frame.len() < raw.len()).then_some(frame)
    })
}

/// `head`, `body` and the `analysis` JSON as they are stored: each compressed (with the vendor's
/// dictionary for it, when there is one) when that makes it smaller.
pub fn pack(head: &[u8], body: &[u8], analysis: Option<&str>, dicts: &ForVendor) -> Packed {
    let (mut codec, mut packed_head, mut packed_body) = (0, None, None);
    if let Some(frame) = squeeze(head, dicts.head.as_ref()) {
        codec |= HEAD;
        packed_head = Some(frame);
    }
    if let Some(frame) = squeeze(body, dicts.body.as_ref()) {
        codec |= BODY;
        packed_body = Some(frame);
    }
    Packed {
        codec,
        head: packed_head.unwrap_or_else(|| head.to_vec()),
        body: packed_body.unwrap_or_else(|| body.to_vec()),
        analysis: analysis.and_then(|json| pack_analysis(json, dicts)),
    }
}

/// An analysis JSON as a frame (with the vendor's analysis dictionary), when that is smaller.
pub fn pack_analysis(json: &str, dicts: &ForVendor) -> Option<Vec<u8>> {
    squeeze(json.as_bytes(), dicts.analysis.as_ref())
}

/// A frame names a dictionary this reader does not know: trained since it loaded them, by
/// another process. The store reads its dictionaries again and retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownDictionary(pub u32);

impl std::fmt::Display for UnknownDictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "dictionary {} is not in the store", self.0)
    }
}

impl std::error::Error for UnknownDictionary {}

/// A stored analysis frame's JSON text.
pub fn unpack_analysis(
    frame: &[u8],
    dicts: &Dictionaries,
) -> std::result::Result<String, FrameError> {
    let bytes = decompress(frame, dicts)?;
    String::from_utf8(bytes).map_err(|_| FrameError::Damaged("not UTF-8".into()))
}

/// Why a stored frame could not be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    Unknown(UnknownDictionary),
    Damaged(String),
}

/// The bytes of one frame, with the dictionary it names.
fn decompress(stored: &[u8], dicts: &Dictionaries) -> std::result::Result<Vec<u8>, FrameError> {
    let damaged = FrameError::Damaged;
    let size = zstd::zstd_safe::get_frame_content_size(stored)
        .map_err(|e| damaged(format!("not a zstd frame ({e:?})")))?
        .ok_or_else(|| damaged("the frame does not say its size".into()))?;
    let size = usize::try_from(size).map_err(|_| damaged(format!("{size} bytes is too large")))?;
    let dict_id = zstd::zstd_safe::get_dict_id_from_frame(stored).map_or(0, |d| d.get());
    let dict = match dict_id {
        0 => None,
        d => Some(
            dicts
                .prepared(d)
                .ok_or(FrameError::Unknown(UnknownDictionary(d)))?
                .ok_or_else(|| damaged(format!("dictionary {d} does not load")))?,
        ),
    };
    let mut out = Vec::with_capacity(size);
    DECOMPRESSOR
        .with(|cell| {
            let mut dctx = cell.borrow_mut();
            match &dict {
                Some(prepared) => dctx.decompress_using_ddict(&mut out, stored, &prepared.0),
                None => dctx.decompress(&mut out, stored),
            }
        })
        .map_err(|code| damaged(zstd::zstd_safe::get_error_name(code).to_owned()))?;
    if out.len() != size {
        return Err(damaged(format!(
            "the frame holds {} bytes, not the {size} it says",
            out.len()
        )));
    }
    Ok(out)
}

/// One part as received: `stored` itself, or the frame it is undone (with the dictionary the
/// frame names, from `dicts`). `part` (`HEAD` or `BODY`) says which part it is; `id` names the
/// delivery when it cannot be read back.
pub fn unpack(
    codec: i64,
    part: i64,
    stored: Vec<u8>,
    id: i64,
    dicts: &Dictionaries,
) -> Result<Vec<u8>> {
    if codec & part == 0 {
        return Ok(stored);
    }
    let what = if part == HEAD { "head" } else { "body" };
    decompress(&stored, dicts).map_err(|e| {
        let message = match e {
            FrameError::Unknown(unknown) => unknown.to_string(),
            FrameError::Damaged(message) => message,
        };
        Error::Unpack(format!(
            "delivery {id}: its stored {what} cannot be decompressed: {message}"
        ))
    })
}

/// Most bytes a dictionary is trained to: zstd's advice is about a hundredth of the samples.
pub const DICTIONARY_MAX: usize = 16 * 1024;

/// A dictionary trained on `samples` (a vendor's heads, or its bodies), of at most `max`
/// bytes; `None` when they are too few or too alike to train on.
pub fn train(samples: &[Vec<u8>], max: usize) -> Option<Dictionary> {
    let bytes = zstd::dict::from_samples(samples, max).ok()?;
    Dictionary::from_bytes(bytes)
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
        let p = pack(&head, &body, None, &ForVendor::default());
        // A short head seldom shrinks without a dictionary; the body does.
        assert_eq!(p.codec & BODY, BODY);
        assert!(
            p.body.len() < body.len() / 2,
            "{} of {}",
            p.body.len(),
            body.len()
        );
        let none = Dictionaries::default();
        assert_eq!(
            unpack(p.codec, HEAD, p.head.clone(), 1, &none).unwrap(),
            head
        );
        assert_eq!(
            unpack(p.codec, BODY, p.body.clone(), 1, &none).unwrap(),
            body
        );

        // Short, or already dense: stored as it is.
        let random: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let p = pack(
            b"GET / HTTP/1.1\r\n\r\n",
            &random,
            None,
            &ForVendor::default(),
        );
        assert_eq!(p.codec & HEAD, 0);
        assert_eq!(p.head, b"GET / HTTP/1.1\r\n\r\n");
        if p.codec & BODY == 0 {
            assert_eq!(p.body, random);
        }
        assert_eq!(unpack(p.codec, BODY, p.body, 2, &none).unwrap(), random);
        let empty = pack(b"", b"", None, &ForVendor::default());
        assert_eq!((empty.codec, empty.stored_bytes()), (0, 0));
    }

    #[test]
    fn a_damaged_frame_is_an_error_naming_the_delivery() {
        let body = vec![b'a'; 1000];
        let none = Dictionaries::default();
        let mut p = pack(b"", &body, None, &ForVendor::default());
        assert_eq!(p.codec, BODY);
        p.body.truncate(p.body.len() / 2);
        let e = unpack(p.codec, BODY, p.body, 42, &none)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("delivery 42: its stored body cannot be decompressed"),
            "{e}"
        );
        let e = unpack(BODY, BODY, b"not zstd".to_vec(), 7, &none)
            .unwrap_err()
            .to_string();
        assert!(e.contains("delivery 7"), "{e}");
    }

    #[test]
    fn a_vendors_dictionary_packs_its_payloads_far_smaller_and_a_reader_needs_it() {
        let event = |i: u32| {
            serde_json::json!({
                "id": format!("evt_{i:08}"), "object": "event", "type": "invoice.paid",
                "created": 1_700_000_000 + i, "livemode": false,
                "data": { "object": { "id": format!("in_{i}"), "object": "invoice", "amount_due": i * 7,
                    "currency": "usd", "customer": format!("cus_{}", i % 97), "status": "paid" } }
            })
            .to_string()
            .into_bytes()
        };
        let samples: Vec<Vec<u8>> = (0..600).map(event).collect();
        let dict = train(&samples, DICTIONARY_MAX).expect("trained");
        let dicts = Dictionaries::default();
        dicts.add("stripe", BODY, dict.clone());
        let vendor = dicts.for_vendor(Some("stripe"));
        assert_eq!(vendor.body.as_ref(), Some(&dict));
        assert!(!dicts.is_trained("stripe") && !dicts.is_trained("github"));
        assert_eq!(dicts.for_vendor(None), ForVendor::default());

        let body = event(10_001);
        let plain = pack(b"", &body, None, &ForVendor::default());
        let with = pack(b"", &body, None, &vendor);
        assert!(
            with.body.len() * 2 < plain.body.len(),
            "{} with the dictionary, {} without",
            with.body.len(),
            plain.body.len()
        );
        assert_eq!(
            unpack(with.codec, BODY, with.body.clone(), 3, &dicts).unwrap(),
            body
        );
        // A store without that dictionary cannot read the frame, and says so.
        let e = unpack(with.codec, BODY, with.body, 3, &Dictionaries::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("dictionary {} is not in the store", dict.id)),
            "{e}"
        );
        assert_eq!(train(&[b"x".to_vec()], DICTIONARY_MAX), None);
    }

    #[test]
    fn an_analysis_packs_with_its_dictionary_and_a_reader_without_it_is_told_which() {
        let analysis = |i: u32| {
            serde_json::json!({
                "vendor": "stripe", "detected_by": "endpoint /hooks/stripe is bound to stripe",
                "event": { "type": "invoice.paid", "id": format!("evt_{i:08}"), "tenant": null },
                "signature": { "status": "valid", "scheme": "stripe", "reason": null,
                    "received": format!("{:064x}", u64::from(i) * 2_654_435_761),
                    "documented": true },
                "validation": []
            })
            .to_string()
        };
        let samples: Vec<Vec<u8>> = (0..500).map(|i| analysis(i).into_bytes()).collect();
        let dict = train(&samples, 4096).expect("trained");
        let dicts = Dictionaries::default();
        assert!(!dicts.is_trained("stripe"));
        dicts.add("stripe", ANALYSIS, dict.clone());
        dicts.add("stripe", BODY, dict.clone());
        assert!(dicts.is_trained("stripe"));
        let vendor = dicts.for_vendor(Some("stripe"));
        assert_eq!(vendor.analysis.as_ref(), Some(&dict));
        assert_eq!(vendor.head.as_ref(), None);

        let json = analysis(9_999);
        let plain = pack_analysis(&json, &ForVendor::default()).expect("smaller without");
        let with = pack(b"", b"", Some(&json), &vendor)
            .analysis
            .expect("smaller with");
        assert!(
            with.len() * 2 < plain.len(),
            "{} with the dictionary, {} without",
            with.len(),
            plain.len()
        );
        assert_eq!(unpack_analysis(&with, &dicts).unwrap(), json);
        assert_eq!(unpack_analysis(&plain, &dicts).unwrap(), json);
        assert_eq!(
            unpack_analysis(&with, &Dictionaries::default()),
            Err(FrameError::Unknown(UnknownDictionary(dict.id)))
        );
        assert!(matches!(
            unpack_analysis(b"not zstd", &dicts),
            Err(FrameError::Damaged(_))
        ));
        // Too short to gain: kept as text.
        assert_eq!(pack(b"", b"", Some("{}"), &vendor).analysis, None);
    }
}
