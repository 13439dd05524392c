//! Which vendor sent a delivery and what it says: detection (an endpoint's binding, then
//! headers, then body shape), the decoded envelope (type, id, occurred-at, tenant, version), the
//! dedupe key, the signature check and validation against the vendor's documented schemas.
//!
//! Vendors are data ([`VendorProfile`] files); this module interprets them and never writes to
//! the store: the writer turns the dedupe key into duplicate facts.

pub mod catalog;
mod definition;
mod pipeline;
pub mod spec;
mod validate;

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Digest;

pub use definition::{
    DeliveryTerms, Detect, Envelope, EventSpec, FieldSource, IdSource, SampleSpec, TimeFormat,
    VendorProfile, VolatileFields,
};
pub use pipeline::{Decoded, Received, failed_analysis};
pub use validate::Finding;

use crate::config::EndpointConfig;
use crate::error::{Error, Result};
use crate::signature::{self, DoctorContext, SignatureCheck, SignatureScheme, SignedRequest};
use validate::Schema;

/// The built-in vendor data, embedded by build.rs from `profiles/` and `fixtures/`.
mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// A documented example of a vendor's delivery (`fixtures/<vendor>/<name>.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixture {
    pub vendor: &'static str,
    pub name: &'static str,
    /// The headers the vendor sends besides its signature and event id, as `Name: value` lines.
    pub headers: &'static str,
    pub body: &'static str,
}

/// The built-in examples of `vendor`, by name.
pub fn fixtures(vendor: &str) -> impl Iterator<Item = Fixture> + '_ {
    builtin::FIXTURES
        .iter()
        .filter(move |(v, ..)| *v == vendor)
        .map(|&(vendor, name, headers, body)| Fixture {
            vendor,
            name,
            headers,
            body,
        })
}

/// The first second RFC 3339 cannot write (the year 10000).
const MAX_RFC3339_SECS: f64 = 253_402_300_800.0;

/// At most this many validation findings are kept per delivery.
const MAX_FINDINGS: usize = 20;

/// The decoded envelope.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct EventInfo {
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// The event id deliveries are deduplicated on.
    pub id: Option<String>,
    /// Where `id` came from: `header X-…`, `body /event_id`, or a fingerprint.
    pub id_source: Option<String>,
    pub occurred_at: Option<String>,
    pub tenant: Option<String>,
    pub version: Option<String>,
}

/// What identifies an event for dedupe: a scope (the endpoint or the vendor) and a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DedupeKey {
    pub scope: String,
    pub key: String,
    /// The first 16 bytes of the body's SHA-256: equal for an exact retry.
    pub body_hash: [u8; 16],
}

/// Everything the inspector says about one delivery, except duplicates (the store's job).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Analysis {
    /// Profile id, `None` when nothing recognised the sender.
    pub vendor: Option<String>,
    /// How the vendor was decided.
    pub detected_by: Option<String>,
    pub event: EventInfo,
    pub signature: SignatureCheck,
    pub validation: Vec<Finding>,
    #[serde(skip)]
    pub dedupe: Option<DedupeKey>,
}

/// A request to analyse.
pub struct Inspect<'a> {
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub received_at_us: i64,
    pub endpoint: Option<&'a EndpointConfig>,
    /// Secrets configured on any endpoint, for the signature doctor.
    pub all_secrets: &'a [(String, String)],
}

struct Compiled {
    profile: VendorProfile,
    envelope: Option<Schema>,
    events: HashMap<String, Schema>,
}

/// Refuses detection rules that can never match a delivery: a header name no request can carry,
/// a body field that is not a JSON pointer (`/type`, `/data/object`).
fn check_detect(profile: &VendorProfile) -> Result<()> {
    let refuse = |why: String| {
        Err(Error::Vendor(format!(
            "profile {}: {why}, so it can never match a delivery",
            profile.id
        )))
    };
    for h in &profile.detect.headers {
        if http::HeaderName::from_bytes(h.as_bytes()).is_err() {
            return refuse(format!(
                "detect.headers has {h:?}, which is not a header name (like \"X-GitHub-Event\")"
            ));
        }
    }
    for p in &profile.detect.body {
        if !p.starts_with('/') {
            return refuse(format!(
                "detect.body has {p:?}, which is not a JSON pointer (like \"/type\" or \"/data/object\")"
            ));
        }
    }
    Ok(())
}

impl Compiled {
    fn new(profile: VendorProfile) -> Result<Compiled> {
        check_detect(&profile)?;
        let envelope = profile
            .envelope_schema
            .as_ref()
            .map(|s| Schema::compile(s, &format!("{} envelope", profile.id)))
            .transpose()?;
        let mut events = HashMap::new();
        for (name, spec) in &profile.events {
            let inferred;
            let schema = match (&spec.schema, &spec.example) {
                (Some(schema), _) => schema,
                (None, Some(example)) => {
                    inferred = catalog::infer_schema(example);
                    &inferred
                }
                (None, None) => continue,
            };
            events.insert(
                name.clone(),
                Schema::compile(schema, &format!("{} {name}", profile.id))?,
            );
        }
        Ok(Compiled {
            profile,
            envelope,
            events,
        })
    }
}

/// The profiles in force while a server runs: replaced whole when a profile is imported, so a
/// delivery is analysed by one set from start to end.
pub struct LiveRegistry(std::sync::RwLock<std::sync::Arc<Registry>>);

impl LiveRegistry {
    pub fn new(registry: Registry) -> LiveRegistry {
        LiveRegistry(std::sync::RwLock::new(std::sync::Arc::new(registry)))
    }

    /// The profiles in force now.
    pub fn current(&self) -> std::sync::Arc<Registry> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Puts `registry` in force for the next delivery.
    pub fn replace(&self, registry: Registry) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = std::sync::Arc::new(registry);
    }
}

/// The known vendor profiles, compiled.
pub struct Registry {
    profiles: Vec<Compiled>,
    /// Every profile's signature scheme, for the doctor.
    schemes: Vec<(String, SignatureScheme)>,
}

impl Registry {
    /// The built-in profiles only.
    pub fn builtin() -> Registry {
        Registry::with_user_profiles(Vec::new()).expect("built-in profiles are valid")
    }

    /// Built-in profiles plus the `*.json` files in `dir` (when it exists). A file whose `id` is
    /// a built-in one replaces it; others are tried before the generic fallback.
    pub fn load(dir: &Path) -> Result<Registry> {
        let mut user = Vec::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Registry::with_user_profiles(user);
            }
            Err(e) => return Err(Error::io(dir, e)),
        };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let profile: VendorProfile = serde_json::from_str(&text)
                .map_err(|e| Error::Vendor(format!("{}: {e}", path.display())))?;
            user.push(profile);
        }
        Registry::with_user_profiles(user)
    }

    fn with_user_profiles(user: Vec<VendorProfile>) -> Result<Registry> {
        let mut profiles: Vec<VendorProfile> = builtin::PROFILES
            .iter()
            .map(|(file, text)| {
                serde_json::from_str::<VendorProfile>(text)
                    .map_err(|e| Error::Vendor(format!("built-in profile {file}.json: {e}")))
            })
            .collect::<Result<_>>()?;
        profiles.sort_by_key(|p| p.order);
        for profile in &mut profiles {
            let Some(name) = profile.catalog.clone() else {
                continue;
            };
            let text = builtin::CATALOGS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| *text)
                .ok_or_else(|| {
                    Error::Vendor(format!(
                        "profile {} imports {name}, which is not in profiles/catalogs/",
                        profile.id
                    ))
                })?;
            let catalog: Value = serde_json::from_str(text)
                .map_err(|e| Error::Vendor(format!("built-in catalog {name}: {e}")))?;
            catalog::import_catalog(profile, &catalog)?;
        }
        for profile in user {
            match profiles.iter_mut().find(|p| p.id == profile.id) {
                Some(existing) => *existing = profile,
                None => {
                    let at = profiles.len() - 1; // before the generic fallback
                    profiles.insert(at, profile);
                }
            }
        }
        let schemes = profiles
            .iter()
            .filter_map(|p| Some((p.id.clone(), p.signature.clone()?)))
            .collect();
        Ok(Registry {
            profiles: profiles
                .into_iter()
                .map(Compiled::new)
                .collect::<Result<_>>()?,
            schemes,
        })
    }

    pub fn profiles(&self) -> impl Iterator<Item = &VendorProfile> {
        self.profiles.iter().map(|c| &c.profile)
    }

    pub fn get(&self, id: &str) -> Option<&VendorProfile> {
        self.profiles().find(|p| p.id == id)
    }

    /// The profile a person means by `text`: its id or its name in any case, or the one name
    /// that starts with it (`crm` for "CRM (event, timestamp, payload)").
    pub fn find(&self, text: &str) -> Option<&VendorProfile> {
        let t = text.trim().to_lowercase();
        if t.is_empty() {
            return None;
        }
        if let Some(p) = self
            .profiles()
            .find(|p| p.id.to_lowercase() == t || p.name.to_lowercase() == t)
        {
            return Some(p);
        }
        let mut starting = self
            .profiles()
            .filter(|p| p.name.to_lowercase().starts_with(&t));
        match (starting.next(), starting.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }

    /// Whether any profile's catalog lists `event_type`.
    pub fn catalogues(&self, event_type: &str) -> bool {
        self.profiles().any(|p| p.events.contains_key(event_type))
    }

    /// Decodes, verifies and validates one request.
    pub fn analyze(&self, req: &Inspect<'_>) -> Analysis {
        self.analyze_json(req, parse_json(req.body).as_ref())
    }

    /// [`Registry::analyze`] of a body already parsed: `json` is the body as JSON, if it is.
    pub(crate) fn analyze_json(&self, req: &Inspect<'_>, json: Option<&Value>) -> Analysis {
        let detected = self.detect(req, json);
        let profile = detected.as_ref().map(|(i, _)| &self.profiles[*i]);
        let signed = SignedRequest {
            headers: req.headers,
            body: req.body,
            received_at_us: req.received_at_us,
        };
        let mut validation = Vec::new();
        let mut event = EventInfo::default();
        let mut dedupe = None;

        if let Some(c) = profile {
            let p = &c.profile;
            let field = |sources: &[FieldSource]| find_field(sources, &signed, json);
            event.event_type = field(&p.envelope.event_type).map(|f| f.0);
            if let (Some(t), Some((suffix, _))) =
                (&mut event.event_type, field(&p.envelope.type_suffix))
            {
                t.push('.');
                t.push_str(&suffix);
            }
            event.occurred_at = field(&p.envelope.occurred_at).map(|f| f.0);
            event.tenant = field(&p.envelope.tenant).map(|f| f.0);
            event.version = field(&p.envelope.version).map(|f| f.0);
            let found = dedupe_ids(&p.dedupe, &signed, json);
            if let [(first, _), (second, _), ..] = found.as_slice()
                && first.display != second.display
            {
                validation.push(Finding::warning(
                    "",
                    format!(
                        "{} is {:?} but {} is {:?}: the event id differs between them; dedupe uses the first",
                        first.source, first.display, second.source, second.display
                    ),
                ));
            }
            match found.into_iter().next() {
                Some((id, key)) => {
                    event.id = Some(id.display);
                    event.id_source = Some(id.source);
                    let scope = match req.endpoint {
                        Some(ep) => format!("endpoint {}", ep.path),
                        None => format!("vendor {}", p.id),
                    };
                    let digest = sha2::Sha256::digest(req.body);
                    let mut body_hash = [0u8; 16];
                    body_hash.copy_from_slice(&digest[..16]);
                    dedupe = Some(DedupeKey {
                        scope,
                        key,
                        body_hash,
                    });
                }
                None => {
                    if let Some((id, source)) = field(&p.envelope.id) {
                        event.id = Some(id);
                        event.id_source = Some(source);
                    }
                }
            }
            self.validate(c, json, &event, &mut validation);
        }

        let scheme = req
            .endpoint
            .and_then(|ep| ep.signature.as_ref())
            .or(profile.and_then(|c| c.profile.signature.as_ref()));
        let vendor = profile.map(|c| c.profile.id.as_str());
        let signature = match scheme {
            Some(scheme) => {
                let secrets = req.endpoint.map_or(&[][..], |ep| &ep.secrets[..]);
                signature::verify(
                    vendor.unwrap_or("custom"),
                    scheme,
                    &signed,
                    secrets,
                    DoctorContext {
                        other_schemes: &self.schemes,
                        other_secrets: req.all_secrets,
                    },
                )
            }
            None => signature::no_scheme(vendor),
        };

        Analysis {
            vendor: vendor.map(str::to_owned),
            detected_by: detected.map(|(_, how)| how),
            event,
            signature,
            validation,
            dedupe,
        }
    }

    /// The profile that applies, and how that was decided.
    fn detect(&self, req: &Inspect<'_>, json: Option<&Value>) -> Option<(usize, String)> {
        if let Some(ep) = req.endpoint
            && let Some(id) = &ep.vendor
            && let Some(i) = self.profiles.iter().position(|c| &c.profile.id == id)
        {
            return Some((i, format!("endpoint {} is bound to {id}", ep.path)));
        }
        for (i, c) in self.profiles.iter().enumerate() {
            for h in &c.profile.detect.headers {
                if req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(h)) {
                    return Some((i, format!("header {h}")));
                }
            }
        }
        let json = json?;
        for (i, c) in self.profiles.iter().enumerate() {
            let body = &c.profile.detect.body;
            if !body.is_empty() && body.iter().all(|p| json.pointer(p).is_some()) {
                return Some((i, format!("body fields {}", body.join(", "))));
            }
        }
        if json.is_object() {
            let i = self
                .profiles
                .iter()
                .position(|c| c.profile.detect.any_json)?;
            return Some((i, "a JSON object no other profile recognised".into()));
        }
        None
    }

    fn validate(
        &self,
        c: &Compiled,
        json: Option<&Value>,
        event: &EventInfo,
        out: &mut Vec<Finding>,
    ) {
        let p = &c.profile;
        let Some(json) = json else {
            if c.envelope.is_some() || !c.events.is_empty() {
                out.push(Finding::warning(
                    "",
                    format!("the body is not JSON, which {} sends", p.name),
                ));
            }
            return;
        };
        if let Some(schema) = &c.envelope {
            schema.check(json, MAX_FINDINGS, out);
        }
        let Some(event_type) = &event.event_type else {
            return;
        };
        if p.events.is_empty() {
            return;
        }
        match p.events.get(event_type) {
            None => out.push(Finding::warning(
                "",
                format!(
                    "unknown event type {event_type:?}: it is not in {}'s catalog",
                    p.name
                ),
            )),
            Some(spec) => {
                if let Some(note) = &spec.note {
                    out.push(Finding::info("", format!("{event_type} is {note}")));
                }
                if let Some(schema) = c.events.get(event_type) {
                    let room = MAX_FINDINGS.saturating_sub(out.len());
                    schema.check(json, room, out);
                }
            }
        }
    }
}

/// The body as JSON, when it is an object or an array.
pub(crate) fn parse_json(body: &[u8]) -> Option<Value> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if !matches!(first, b'{' | b'[') {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// The value of the first source present, as text, and where it came from.
fn find_field(
    sources: &[FieldSource],
    req: &SignedRequest<'_>,
    json: Option<&Value>,
) -> Option<(String, String)> {
    sources.iter().find_map(|s| {
        let (value, from) = if let Some(h) = &s.header {
            (req.header(h)?.trim().to_owned(), format!("header {h}"))
        } else {
            let p = s.pointer.as_deref()?;
            (scalar_text(json?.pointer(p)?)?, format!("body {p}"))
        };
        let value = match s.format {
            // A time RFC 3339 cannot write (before 1970, after 9999) stays as sent.
            Some(TimeFormat::UnixSeconds) => match value.parse::<f64>() {
                Ok(secs) if (0.0..MAX_RFC3339_SECS).contains(&secs) => {
                    humantime::format_rfc3339_seconds(
                        std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64),
                    )
                    .to_string()
                }
                _ => value,
            },
            None => value,
        };
        Some((value, from))
    })
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

struct FoundId {
    display: String,
    source: String,
}

/// Every dedupe source that resolves, in order, with its key.
fn dedupe_ids(
    sources: &[IdSource],
    req: &SignedRequest<'_>,
    json: Option<&Value>,
) -> Vec<(FoundId, String)> {
    let mut found = Vec::new();
    for s in sources {
        let parts: Option<Vec<String>> = if !s.headers.is_empty() {
            s.headers
                .iter()
                .map(|h| req.header(h).map(|v| v.trim().to_owned()))
                .collect()
        } else if !s.pointers.is_empty() {
            json.and_then(|j| {
                s.pointers
                    .iter()
                    .map(|p| scalar_text(j.pointer(p)?))
                    .collect()
            })
        } else {
            None
        };
        let Some(parts) = parts.filter(|p| p.iter().all(|v| !v.is_empty())) else {
            continue;
        };
        let names = if s.headers.is_empty() {
            &s.pointers
        } else {
            &s.headers
        };
        let source = if s.fingerprint {
            format!("fingerprint of {}", names.join(" + "))
        } else if s.headers.is_empty() {
            format!("body {}", names.join(" + "))
        } else {
            format!("header {}", names.join(" + "))
        };
        let display = if s.fingerprint {
            parts.join(" · ")
        } else {
            parts.last().cloned().unwrap_or_default()
        };
        let key = parts.join("\u{1f}");
        found.push((FoundId { display, source }, key));
    }
    found
}

#[cfg(test)]
mod tests;
