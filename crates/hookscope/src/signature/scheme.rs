//! How a vendor signs, as data: the MAC algorithm, where the signature (and timestamp and id)
//! travel, how the header is laid out, the signed-content template, the encoding and the secret
//! format. The code knows how to compute and compare; a profile says which layout applies.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SignatureScheme {
    #[serde(default)]
    pub algorithm: Algorithm,
    /// Header carrying the signature(s).
    pub header: String,
    /// Written before each signature (`sha256=`, `v0=`, `v1,`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The prefix may be absent (schemes Hookscope assumes rather than documents).
    #[serde(default)]
    pub prefix_optional: bool,
    /// Several signatures in one header, separated by this (`" "` for Standard Webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// `key=value` items separated by commas, as Stripe writes `t=…,v1=…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairs: Option<Pairs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_header: Option<String>,
    /// The signed content: `{body}`, `{timestamp}.{body}`, `{id}.{timestamp}.{body}`,
    /// `v0:{timestamp}:{body}`.
    pub template: String,
    pub encoding: Encoding,
    #[serde(default)]
    pub secret: SecretFormat,
    /// Largest allowed distance, in seconds, between the signed timestamp and the receive time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_secs: Option<u64>,
    /// `false` when the vendor's documents do not give the construction and Hookscope assumes it.
    #[serde(default)]
    pub documented: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Pairs {
    pub timestamp: String,
    pub signature: String,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    #[default]
    HmacSha256,
    HmacSha1,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Hex,
    Base64,
}

impl Encoding {
    pub fn other(self) -> Encoding {
        match self {
            Encoding::Hex => Encoding::Base64,
            Encoding::Base64 => Encoding::Hex,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
        }
    }

    pub fn decode(self, text: &str) -> Option<Vec<u8>> {
        use base64::Engine;
        match self {
            Encoding::Hex => hex::decode(text).ok(),
            Encoding::Base64 => base64::engine::general_purpose::STANDARD
                .decode(text)
                .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(text))
                .ok(),
        }
    }

    pub fn encode(self, bytes: &[u8]) -> String {
        use base64::Engine;
        match self {
            Encoding::Hex => hex::encode(bytes),
            Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }
}

/// How the configured secret string becomes the MAC key.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SecretFormat {
    /// The string's bytes, as typed.
    #[default]
    Raw,
    /// `whsec_` followed by base64 (Standard Webhooks, Svix); the decoded bytes are the key.
    /// A secret without the prefix is base64-decoded too.
    Whsec,
}

impl SecretFormat {
    /// The key bytes; `None` when the secret cannot be read in this format.
    pub fn key(self, secret: &str) -> Option<Vec<u8>> {
        match self {
            SecretFormat::Raw => Some(secret.as_bytes().to_vec()),
            SecretFormat::Whsec => {
                Encoding::Base64.decode(secret.strip_prefix("whsec_").unwrap_or(secret))
            }
        }
    }
}
