//! Signature verification: compute the MAC a scheme describes over a stored request and compare
//! it, in constant time, with what the sender put in its header. Every request gets one status,
//! and a failure gets a reason a person understands plus a *doctor* finding: which usual mistake
//! (encoding, secret format, altered body, another vendor's scheme, another secret) would have
//! produced the signature that arrived.
//!
//! This module never decides which vendor or secrets apply; `vendor` does, and passes them in.

mod doctor;
mod scheme;

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};

pub use scheme::{Algorithm, Encoding, Pairs, SecretFormat, SignatureScheme};

/// The request parts a signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// Headers in arrival order; names compared case-insensitively.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// When it arrived: the tolerance window is measured from here, not from "now", so a
    /// re-check later gives the same answer.
    pub received_at_us: i64,
}

impl<'a> SignedRequest<'a> {
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub enum SignatureStatus {
    Valid,
    Invalid,
    /// No signature header.
    Missing,
    /// The signature holds but its timestamp is outside the tolerance window.
    Stale,
    /// The signature header (or the timestamp it needs) cannot be read.
    Malformed,
    /// No secret configured, so nothing could be checked.
    Unchecked,
}

impl SignatureStatus {
    /// Every status, in the order the UI offers them as filters.
    pub const ALL: [SignatureStatus; 6] = [
        SignatureStatus::Valid,
        SignatureStatus::Invalid,
        SignatureStatus::Missing,
        SignatureStatus::Stale,
        SignatureStatus::Malformed,
        SignatureStatus::Unchecked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Invalid => "invalid",
            SignatureStatus::Missing => "missing",
            SignatureStatus::Stale => "stale",
            SignatureStatus::Malformed => "malformed",
            SignatureStatus::Unchecked => "unchecked",
        }
    }
}

/// The outcome of checking one request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct SignatureCheck {
    pub status: SignatureStatus,
    /// The profile whose scheme was applied.
    pub scheme: Option<String>,
    /// Which configured secret matched: its position and a masked hint.
    pub secret: Option<String>,
    /// Why the status is not `valid`, in plain words.
    pub reason: Option<String>,
    /// For `invalid` and `malformed`: the usual mistake that would explain the signature.
    pub doctor: Option<String>,
    /// The signature as it arrived (first one, after its prefix).
    pub received: Option<String>,
    /// The signature computed with the first secret, in the scheme's encoding.
    pub computed: Option<String>,
    /// The first bytes of the signed content, as text.
    pub signed_preview: Option<String>,
    /// The signed timestamp, when the scheme has one.
    pub timestamp: Option<i64>,
    pub tolerance_secs: Option<u64>,
    /// `false` when the scheme is Hookscope's assumption, not the vendor's documents.
    pub documented: bool,
}

impl SignatureCheck {
    fn new(status: SignatureStatus, scheme: Option<&str>, s: Option<&SignatureScheme>) -> Self {
        SignatureCheck {
            status,
            scheme: scheme.map(str::to_owned),
            secret: None,
            reason: None,
            doctor: None,
            received: None,
            computed: None,
            signed_preview: None,
            timestamp: None,
            tolerance_secs: s.and_then(|s| s.tolerance_secs),
            documented: s.is_some_and(|s| s.documented),
        }
    }

    fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// What else the doctor may try: other vendors' schemes and secrets configured elsewhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct DoctorContext<'a> {
    /// Every known profile's scheme, by profile id.
    pub other_schemes: &'a [(String, SignatureScheme)],
    /// Secrets configured elsewhere, with where (`endpoint /hooks/b`).
    pub other_secrets: &'a [(String, String)],
}

/// The signature header parsed: the signatures it carries and, for `t=…,v1=…` layouts, the
/// timestamp.
struct Parsed<'a> {
    signatures: Vec<&'a str>,
    timestamp: Option<&'a str>,
}

/// Checks `req` against `scheme` (of profile `profile`) with `secrets`, tried in order.
pub fn verify(
    profile: &str,
    scheme: &SignatureScheme,
    req: &SignedRequest<'_>,
    secrets: &[String],
    ctx: DoctorContext<'_>,
) -> SignatureCheck {
    let new = |status| SignatureCheck::new(status, Some(profile), Some(scheme));
    let Some(value) = req.header(&scheme.header) else {
        return new(SignatureStatus::Missing).because(format!(
            "the request has no {} header: it was not signed, or not by {profile}",
            scheme.header
        ));
    };
    let parsed = match parse_header(scheme, value) {
        Ok(parsed) => parsed,
        Err(reason) => return new(SignatureStatus::Malformed).because(reason),
    };
    let timestamp = match signed_timestamp(scheme, req, &parsed) {
        Ok(t) => t,
        Err(reason) => return new(SignatureStatus::Malformed).because(reason),
    };
    let id = scheme.id_header.as_deref().and_then(|h| req.header(h));
    if scheme.template.contains("{id}") && id.is_none() {
        let h = scheme.id_header.as_deref().unwrap_or("id");
        return new(SignatureStatus::Malformed).because(format!(
            "the signed content needs the {h} header, which is missing"
        ));
    }
    let content = render(&scheme.template, id, timestamp.map(|t| t.1), req.body);

    let mut check = new(SignatureStatus::Unchecked);
    check.received = parsed.signatures.first().map(|s| (*s).to_owned());
    check.timestamp = timestamp.map(|t| t.0);
    check.signed_preview = Some(preview(&content));
    if secrets.is_empty() {
        return check.because(format!(
            "no secret is configured for this endpoint, so the {profile} signature was not checked"
        ));
    }

    let decoded: Vec<Vec<u8>> = parsed
        .signatures
        .iter()
        .filter_map(|s| scheme.encoding.decode(s))
        .collect();
    let keys: Vec<Option<Vec<u8>>> = secrets.iter().map(|s| scheme.secret.key(s)).collect();
    if let Some(Some(key)) = keys.first() {
        check.computed = Some(
            scheme
                .encoding
                .encode(&mac(scheme.algorithm, key, &content)),
        );
    }
    let matched = keys.iter().enumerate().find_map(|(i, key)| {
        let key = key.as_ref()?;
        let expected = mac(scheme.algorithm, key, &content);
        decoded
            .iter()
            .any(|d| constant_time_eq::constant_time_eq(d, &expected))
            .then_some(i)
    });

    if let Some(i) = matched {
        check.secret = Some(secret_label(i, secrets.len(), &secrets[i]));
        if let (Some((t, _)), Some(tolerance)) = (timestamp, scheme.tolerance_secs) {
            let age = req.received_at_us / 1_000_000 - t;
            if age.unsigned_abs() > tolerance {
                check.status = SignatureStatus::Stale;
                let when = if age >= 0 {
                    format!("{age} s before it arrived")
                } else {
                    format!("{} s after it arrived (clock skew?)", -age)
                };
                return check.because(format!(
                    "the signature matches, but it was made {when}; {profile} allows {tolerance} s, so a receiver would reject it as a possible replay"
                ));
            }
        }
        check.status = SignatureStatus::Valid;
        return check;
    }

    let unreadable_keys = keys.iter().filter(|k| k.is_none()).count();
    let (status, reason) = if decoded.is_empty() {
        (
            SignatureStatus::Malformed,
            format!(
                "the {} header holds no {} signature{}",
                scheme.header,
                scheme.encoding.name(),
                if scheme.prefix.is_some() {
                    " after its prefix"
                } else {
                    ""
                }
            ),
        )
    } else if unreadable_keys == secrets.len() {
        (
            SignatureStatus::Invalid,
            format!(
                "no configured secret is usable: {profile} secrets are whsec_ followed by base64"
            ),
        )
    } else {
        (
            SignatureStatus::Invalid,
            format!(
                "the signature does not match this body with {}",
                if secrets.len() == 1 {
                    "the configured secret".to_owned()
                } else {
                    format!("any of the {} configured secrets", secrets.len())
                }
            ),
        )
    };
    check.status = status;
    check.reason = Some(reason);
    check.doctor = doctor::diagnose(&doctor::Case {
        profile,
        scheme,
        req,
        signatures: &parsed.signatures,
        timestamp,
        id,
        secrets,
        ctx,
    });
    check
}

/// A check for a request whose vendor has no signature scheme.
pub fn no_scheme(profile: Option<&str>) -> SignatureCheck {
    let reason = match profile {
        Some(p) => format!("{p} defines no signature scheme; add one to the profile or endpoint"),
        None => "the sender was not recognised, so no signature scheme applies".to_owned(),
    };
    SignatureCheck::new(SignatureStatus::Unchecked, profile, None).because(reason)
}

fn parse_header<'a>(scheme: &SignatureScheme, value: &'a str) -> Result<Parsed<'a>, String> {
    let mut parsed = Parsed {
        signatures: Vec::new(),
        timestamp: None,
    };
    if let Some(pairs) = &scheme.pairs {
        for item in value.split(',') {
            let Some((k, v)) = item.trim().split_once('=') else {
                continue;
            };
            if k == pairs.timestamp {
                parsed.timestamp = Some(v);
            } else if k == pairs.signature {
                parsed.signatures.push(v);
            }
        }
        if parsed.signatures.is_empty() {
            return Err(format!(
                "the {} header has no {}= entry",
                scheme.header, pairs.signature
            ));
        }
        return Ok(parsed);
    }
    let items: Vec<&str> = match &scheme.separator {
        Some(sep) => value
            .split(sep.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
        None => vec![value.trim()],
    };
    for item in items {
        match scheme.prefix.as_deref() {
            Some(prefix) => match item.strip_prefix(prefix) {
                Some(sig) => parsed.signatures.push(sig),
                None if scheme.prefix_optional => parsed.signatures.push(item),
                None => {}
            },
            None => parsed.signatures.push(item),
        }
    }
    if parsed.signatures.is_empty() {
        let prefix = scheme.prefix.as_deref().unwrap_or("");
        return Err(format!(
            "the {} header has no signature starting with {prefix:?}",
            scheme.header
        ));
    }
    Ok(parsed)
}

/// The timestamp the scheme signs, as seconds and as the text that was signed.
fn signed_timestamp<'a>(
    scheme: &SignatureScheme,
    req: &SignedRequest<'a>,
    parsed: &Parsed<'a>,
) -> Result<Option<(i64, &'a str)>, String> {
    let text = match (&scheme.timestamp_header, parsed.timestamp) {
        (_, Some(t)) => Some(t),
        (Some(h), None) => match req.header(h) {
            Some(t) => Some(t),
            None if scheme.template.contains("{timestamp}") => {
                return Err(format!(
                    "the signed content needs the {h} header, which is missing"
                ));
            }
            None => None,
        },
        (None, None) if scheme.template.contains("{timestamp}") => {
            return Err(format!(
                "the {} header has no timestamp entry, which the signed content needs",
                scheme.header
            ));
        }
        (None, None) => None,
    };
    match text {
        None => Ok(None),
        Some(t) => match t.trim().parse::<i64>() {
            Ok(secs) => Ok(Some((secs, t.trim()))),
            Err(_) => Err(format!(
                "the signed timestamp {t:?} is not a Unix time in seconds"
            )),
        },
    }
}

/// The signed content: the template with `{id}`, `{timestamp}` and `{body}` filled in.
pub(crate) fn render(
    template: &str,
    id: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(template.len() + body.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.extend_from_slice(&rest.as_bytes()[..start]);
        let tail = &rest[start..];
        let (value, len): (&[u8], usize) = if tail.starts_with("{body}") {
            (body, 6)
        } else if tail.starts_with("{timestamp}") {
            (timestamp.unwrap_or("").as_bytes(), 11)
        } else if tail.starts_with("{id}") {
            (id.unwrap_or("").as_bytes(), 4)
        } else {
            (b"{", 1)
        };
        out.extend_from_slice(value);
        rest = &tail[len..];
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

pub(crate) fn mac(algorithm: Algorithm, key: &[u8], content: &[u8]) -> Vec<u8> {
    match algorithm {
        Algorithm::HmacSha256 => {
            let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
                .expect("HMAC accepts keys of any length");
            m.update(content);
            m.finalize().into_bytes().to_vec()
        }
        Algorithm::HmacSha1 => {
            let mut m = hmac::Hmac::<sha1::Sha1>::new_from_slice(key)
                .expect("HMAC accepts keys of any length");
            m.update(content);
            m.finalize().into_bytes().to_vec()
        }
    }
}

fn preview(content: &[u8]) -> String {
    let cut = content.len().min(160);
    let mut text = String::from_utf8_lossy(&content[..cut]).into_owned();
    if content.len() > cut {
        text.push('…');
    }
    text
}

/// "#2 of 3 (…f3a9)": which secret, without revealing it.
pub fn secret_label(index: usize, total: usize, secret: &str) -> String {
    let tail: String = secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if total > 1 {
        format!("#{} of {total} (…{tail})", index + 1)
    } else {
        format!("#1 (…{tail})")
    }
}

/// What [`sign`] needs besides the body: the event id and Unix time the scheme may sign.
#[derive(Debug, Clone, Copy)]
pub struct SignParams<'a> {
    pub secret: &'a str,
    pub id: Option<&'a str>,
    pub timestamp: i64,
}

/// Signs `body` as `scheme` says: the headers a sender would add (signature, and the timestamp
/// and id headers when the scheme has them), in the order a sender writes them. The inverse of
/// [`verify`]; `hookscope generate` and the send and replay commands use it.
pub fn sign(
    scheme: &SignatureScheme,
    body: &[u8],
    p: SignParams<'_>,
) -> Result<Vec<(String, String)>, String> {
    let key = scheme.secret.key(p.secret).ok_or_else(|| {
        "the secret cannot be used with this scheme: it expects whsec_ followed by base64"
            .to_owned()
    })?;
    if scheme.template.contains("{id}") && p.id.is_none() {
        return Err("this scheme signs the event id, and none was given".to_owned());
    }
    let timestamp = p.timestamp.to_string();
    let uses_timestamp = scheme.template.contains("{timestamp}");
    let content = render(&scheme.template, p.id, Some(&timestamp), body);
    let signature = scheme
        .encoding
        .encode(&mac(scheme.algorithm, &key, &content));
    let mut headers = Vec::new();
    if let (Some(h), Some(id)) = (&scheme.id_header, p.id) {
        headers.push((h.clone(), id.to_owned()));
    }
    if let Some(h) = &scheme.timestamp_header
        && (uses_timestamp || scheme.tolerance_secs.is_some())
    {
        headers.push((h.clone(), timestamp.clone()));
    }
    let value = match &scheme.pairs {
        Some(pairs) => format!(
            "{}={timestamp},{}={signature}",
            pairs.timestamp, pairs.signature
        ),
        None => format!("{}{signature}", scheme.prefix.as_deref().unwrap_or("")),
    };
    headers.push((scheme.header.clone(), value));
    Ok(headers)
}

#[cfg(test)]
mod tests;
