//! The id a sender sees in its acknowledgement. The store numbers deliveries in order, and that
//! number would tell any sender how many deliveries others sent in between; the capture port
//! answers an opaque id instead (`d_` and 32 hex digits) that only this instance can turn back
//! into the delivery's number: the API and the UI take either.
//!
//! The opaque id is the delivery's number in one AES-128 block with eight zero bytes, encrypted
//! with a key derived from the instance's API token; decoding checks the zero bytes, so a made-up
//! or mistyped id names no delivery.

use std::path::Path;

use aes::Aes128;
use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use hmac::Mac;
use sha2::Sha256;

use crate::config::private;
use crate::error::{Error, Result};

/// What opaque ids start with.
pub const PREFIX: &str = "d_";

/// The file in the data directory that holds the instance's key for them (the owner's alone).
pub const KEY_FILE: &str = "ack-key";

/// Turns delivery numbers into opaque ids and back, for one instance.
#[derive(Clone)]
pub struct AckIds {
    cipher: Aes128,
}

impl std::fmt::Debug for AckIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AckIds(..)")
    }
}

impl AckIds {
    /// The ids of the instance whose key is kept in `dir`, when it has one.
    pub fn load(dir: &Path) -> Option<AckIds> {
        let text = std::fs::read_to_string(dir.join(KEY_FILE)).ok()?;
        (!text.trim().is_empty()).then(|| AckIds::new(text.trim()))
    }

    /// The instance's ids, from the key kept in `dir` (made on first use).
    pub fn load_or_create(dir: &Path) -> Result<AckIds> {
        if let Some(ids) = AckIds::load(dir) {
            return Ok(ids);
        }
        let path = dir.join(KEY_FILE);
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::Io {
            path: path.clone(),
            source: std::io::Error::other(format!("no randomness for the ack key: {e}")),
        })?;
        let key = hex::encode(bytes);
        private::create_dir(dir).map_err(|e| Error::io(dir, e))?;
        private::write(&path, &key).map_err(|e| Error::io(&path, e))?;
        Ok(AckIds::new(&key))
    }

    /// The ids made with the secret `key`.
    pub fn new(key: &str) -> AckIds {
        let mut mac = <hmac::Hmac<Sha256>>::new_from_slice(key.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(b"hookscope acknowledgement ids v1");
        let digest = mac.finalize().into_bytes();
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        AckIds {
            cipher: Aes128::new(&Array::from(key)),
        }
    }

    /// The opaque id of delivery `id`.
    pub fn encode(&self, id: i64) -> String {
        let mut block = [0u8; 16];
        block[..8].copy_from_slice(&id.to_le_bytes());
        let mut block = Array::from(block);
        self.cipher.encrypt_block(&mut block);
        format!("{PREFIX}{}", hex::encode(block))
    }

    /// The delivery an opaque id names; `None` for one this instance did not make.
    pub fn decode(&self, opaque: &str) -> Option<i64> {
        let digits = opaque.strip_prefix(PREFIX)?;
        let bytes: [u8; 16] = hex::decode(digits).ok()?.try_into().ok()?;
        let mut block = Array::from(bytes);
        self.cipher.decrypt_block(&mut block);
        if block[8..].iter().any(|b| *b != 0) {
            return None;
        }
        let id = i64::from_le_bytes(block[..8].try_into().ok()?);
        (id > 0).then_some(id)
    }

    /// A delivery named by its number (`42`) or by its opaque id (`d_…`).
    pub fn resolve(&self, text: &str) -> Option<i64> {
        match text.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => self.decode(text.trim()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_go_there_and_back_and_tell_nothing_of_their_order() {
        let ids = AckIds::new("token");
        let (a, b) = (ids.encode(41), ids.encode(42));
        assert_eq!(ids.decode(&a), Some(41));
        assert_eq!(ids.decode(&b), Some(42));
        assert_eq!(a.len(), 34);
        assert!(a.starts_with("d_"));
        // Neighbours share no prefix worth the name.
        let shared = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        assert!(shared < 6, "{a} {b}");
        assert_eq!(ids.resolve("42"), Some(42));
        assert_eq!(ids.resolve(&b), Some(42));
    }

    #[test]
    fn another_instances_or_a_made_up_id_names_nothing() {
        let ours = AckIds::new("token");
        let theirs = AckIds::new("other");
        assert_eq!(ours.decode(&theirs.encode(7)), None);
        assert_eq!(ours.decode("d_00000000000000000000000000000000"), None);
        assert_eq!(ours.decode("d_zz"), None);
        assert_eq!(ours.decode("7"), None);
        let mut typo = ours.encode(7);
        typo.replace_range(5..6, if &typo[5..6] == "a" { "b" } else { "a" });
        assert_eq!(ours.decode(&typo), None);
    }
}
