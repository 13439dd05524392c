//! Vendor profiles from the vendor's own API description: an OpenAPI 3.1 document's `webhooks`
//! ([`openapi`]) or an AsyncAPI 2.x / 3.0 document's messages ([`asyncapi`]) are read as
//! described events (a name, a JSON Schema standing alone, documented examples and headers), and
//! [`import`] makes them a profile's events: validated by their schemas, sent by `hookscope send`
//! and `hookscope check` from their examples. A new profile's envelope (where a delivery names
//! its event type, id and time, and how it is recognised) is read off the examples; extending a
//! profile keeps its own.

mod asyncapi;
pub mod bundle;
pub mod example;
mod openapi;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::validate::Schema;
use super::{
    DeliveryTerms, Detect, Envelope, EventSpec, FieldSource, IdSource, SampleSpec, TimeFormat,
    VendorProfile,
};
use crate::error::{Error, Result};
use crate::signature::SignatureScheme;

/// What an imported profile's `source` starts with: a new import of the same description may
/// replace it, where a profile of another origin is only extended with `--into`.
pub const IMPORTED_FROM: &str = "Imported from ";

/// What the `source` of a profile made or extended by an import names (the app offers to remove
/// those).
pub const IMPORTED_BY: &str = "hookscope vendor import-spec";

/// An API description's events, as read.
#[derive(Debug, Clone)]
pub struct Description {
    /// `OpenAPI 3.1.0`, `AsyncAPI 2.0.0`.
    pub format: String,
    pub title: String,
    pub version: String,
    pub events: Vec<DescribedEvent>,
    /// What could not be read, and why.
    pub skipped: Vec<Skipped>,
}

/// One event the description documents.
#[derive(Debug, Clone)]
pub struct DescribedEvent {
    /// The webhook's key, or the message's name.
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub content_type: String,
    /// The body's JSON Schema, standing alone ([`bundle::bundle`]).
    pub schema: Option<Value>,
    /// Documented example bodies.
    pub examples: Vec<Value>,
    /// Documented headers with an example value.
    pub headers: Vec<(String, String)>,
    /// Every header documented, with or without an example.
    pub header_names: Vec<String>,
}

/// Something in the description that is not imported, and why.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

/// Reads an OpenAPI 3.1 or AsyncAPI 2.x/3.0 document, JSON or YAML.
pub fn read(text: &str) -> Result<Description> {
    let root = parse(text).map_err(Error::Invalid)?;
    let result = if root.get("openapi").is_some() || root.get("swagger").is_some() {
        openapi::read(&root)
    } else if root.get("asyncapi").is_some() {
        asyncapi::read(&root)
    } else {
        Err("it is neither an OpenAPI document (no `openapi` field) nor an AsyncAPI one (no `asyncapi` field)".to_owned())
    };
    let description = result.map_err(Error::Invalid)?;
    if description.events.is_empty() {
        let why = description
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.name, s.reason))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(Error::Invalid(format!(
            "{} describes no event that can be imported{}",
            description.title,
            if why.is_empty() {
                String::new()
            } else {
                format!(" ({why})")
            }
        )));
    }
    Ok(description)
}

fn parse(text: &str) -> std::result::Result<Value, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| format!("it is not valid JSON: {e}"));
    }
    yaml_serde::from_str::<Value>(trimmed)
        .map_err(|e| format!("it is neither JSON nor valid YAML: {e}"))
        .and_then(|v| {
            if v.is_object() {
                Ok(v)
            } else {
                Err("it is not an OpenAPI or AsyncAPI document (not a mapping)".into())
            }
        })
}

/// How to make the profile.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Extend this profile: its detection, envelope and signature stay, its events are added
    /// to (an event of the same type is replaced).
    pub into: Option<VendorProfile>,
    /// A new profile's id (default: from the description's title).
    pub id: Option<String>,
    /// A new profile's display name (default: the description's title).
    pub name: Option<String>,
    /// Where a delivery names its event type, when the examples do not show it.
    pub type_pointer: Option<String>,
    pub type_header: Option<String>,
    /// How the vendor signs (another profile's scheme), for a new profile.
    pub signature: Option<SignatureScheme>,
}

/// The profile made, and what each described event became.
#[derive(Debug, Clone)]
pub struct Imported {
    pub profile: VendorProfile,
    pub events: Vec<ImportedEvent>,
    pub skipped: Vec<Skipped>,
    /// Where the profile reads a delivery's event type, in words.
    pub type_from: String,
}

/// One described event, as imported.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ImportedEvent {
    /// Its name in the description.
    pub name: String,
    /// The event type a delivery of it carries (what the profile's events are keyed by).
    pub event_type: String,
    pub has_schema: bool,
    /// Whether it has an example `send` and `check` can send.
    pub has_example: bool,
    /// The description gives no example of it of its own: the example was made from its schema.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub example_made: bool,
    /// Where its example breaks its own schema (the description disagrees with itself).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<String>>", optional))]
    pub example_findings: Vec<String>,
}

/// What `vendor import-spec --json` prints (and `POST /api/vendors/import-spec` answers).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SpecImported {
    /// The profile written or extended.
    pub vendor: String,
    /// Whether it is a new profile (else an existing one extended with `--into`).
    pub created: bool,
    /// The profile extended had no event catalog: event types not among these are now flagged
    /// as unknown.
    pub newly_catalogued: bool,
    /// `OpenAPI 3.1.0`, `AsyncAPI 2.0.0`.
    pub format: String,
    /// The description's title and version.
    pub title: String,
    pub version: String,
    /// Where the profile reads a delivery's event type: `body /type`, `header X-Event`.
    pub type_from: String,
    /// Each event of the description, as imported.
    pub imported: Vec<ImportedEvent>,
    /// What the description has that was not imported, and why.
    pub skipped: Vec<Skipped>,
    /// The profile's event types now.
    pub events: usize,
    /// How the profile recognises a delivery (`body fields /type, /data`); none when only an
    /// endpoint bound to it does.
    pub detected_by: Option<String>,
    /// Whether the profile checks signatures.
    pub signs: bool,
    /// What the import found wrong with the result, to act on: a delivery made from the
    /// profile's first example is recognised as another vendor, say
    /// ([`crate::sample::recognition_note`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<String>>", optional))]
    pub notes: Vec<String>,
    /// The profile written (in the data directory's vendors/; it overrides a built-in one).
    pub path: String,
}

/// What an import is asked, as the command's flags and the API's query parameters name it.
/// Serialised, it is the query string of `POST /api/vendors/import-spec` (the choices given).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(optional_fields))]
pub struct ImportRequest {
    /// Add to this profile (id or name) instead of making a new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub into: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_header: Option<String>,
    /// A new profile signs as this one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_like: Option<String>,
}

/// Reads `text` (an OpenAPI or AsyncAPI document), makes the profile `request` asks for among
/// `registry`'s, writes it to `vendors_dir` and loads the profiles again: what was imported, and
/// the profiles with it. Nothing is left written when any of it fails.
pub fn install(
    vendors_dir: &Path,
    registry: &super::Registry,
    text: &str,
    request: &ImportRequest,
) -> Result<(SpecImported, super::Registry)> {
    let description = read(text)?;
    let vendor = |v: &str| {
        registry.find(v).ok_or_else(|| {
            let known: Vec<&str> = registry.profiles().map(|p| p.id.as_str()).collect();
            Error::Invalid(format!(
                "unknown vendor {v:?}; these are known: {}",
                known.join(", ")
            ))
        })
    };
    let into = request
        .into
        .as_deref()
        .map(|v| vendor(v).cloned())
        .transpose()?;
    let signature = request
        .signature_like
        .as_deref()
        .map(|v| {
            let p = vendor(v)?;
            p.signature.clone().ok_or_else(|| {
                Error::Invalid(format!(
                    "{} does not sign, so there is nothing to sign like",
                    p.id
                ))
            })
        })
        .transpose()?;
    if into.is_some()
        && (request.id.is_some()
            || request.name.is_some()
            || request.type_pointer.is_some()
            || request.type_header.is_some()
            || signature.is_some())
    {
        return Err(Error::Invalid(
            "a profile extended with into keeps its own id, name, envelope and signature: give those only for a new profile".into(),
        ));
    }
    let created = into.is_none();
    let catalogued_before = into.as_ref().map(|p| p.events.len());
    let imported = import(
        &description,
        &ImportOptions {
            into,
            id: request.id.clone(),
            name: request.name.clone(),
            type_pointer: request.type_pointer.clone(),
            type_header: request.type_header.clone(),
            signature,
        },
    )?;
    let profile = &imported.profile;
    if profile.id.is_empty()
        || !profile
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::Invalid(format!(
            "{:?} cannot be a profile id: use letters, digits, - and _ (like orders-api)",
            profile.id
        )));
    }
    if created
        && let Some(existing) = registry.get(&profile.id)
        && !existing.source.starts_with(IMPORTED_FROM)
    {
        return Err(Error::Invalid(format!(
            "a profile {} ({}) exists already; import into it (--into {}) to add these events to it, or name a new one (--id)",
            existing.id, existing.name, existing.id
        )));
    }
    std::fs::create_dir_all(vendors_dir).map_err(|e| Error::io(vendors_dir, e))?;
    let path = vendors_dir.join(format!("{}.json", profile.id));
    let before = std::fs::read(&path).ok();
    let text = serde_json::to_string_pretty(profile)
        .map_err(|e| Error::Invalid(format!("the profile cannot be written: {e}")))?;
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    // Loading them all back proves the file is a profile a server reads; one that is not is
    // taken back.
    let loaded = match super::Registry::load(vendors_dir) {
        Ok(r) => r,
        Err(e) => {
            let _ = match before {
                Some(old) => std::fs::write(&path, old),
                None => std::fs::remove_file(&path),
            };
            return Err(Error::Invalid(format!(
                "the profile made cannot be loaded: {e}"
            )));
        }
    };
    let report = SpecImported {
        vendor: profile.id.clone(),
        created,
        newly_catalogued: catalogued_before == Some(0),
        format: description.format.clone(),
        title: description.title.clone(),
        version: description.version.clone(),
        type_from: imported.type_from.clone(),
        imported: imported.events.clone(),
        skipped: imported.skipped.clone(),
        events: profile.events.len(),
        detected_by: detection(profile),
        signs: profile.signature.is_some(),
        notes: Vec::new(),
        path: path.display().to_string(),
    };
    Ok((report, loaded))
}

/// What removing an imported profile did.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VendorRemoved {
    pub vendor: String,
    /// The file removed from the data directory's vendors/.
    pub path: String,
    /// The profile was a built-in one extended: the built-in one is in force again.
    pub builtin_restored: bool,
}

/// Removes the user's profile `id` (a file in `vendors_dir`: one imported, or one written by
/// hand) and loads the profiles again: the built-in profile of that id, if any, is in force
/// again. Refused while an endpoint in `bound` is bound to a vendor that would then be gone.
pub fn uninstall(
    vendors_dir: &Path,
    id: &str,
    bound: &[&str],
) -> Result<(VendorRemoved, super::Registry)> {
    let file = std::fs::read_dir(vendors_dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .find(|p| {
            std::fs::read_to_string(p)
                .ok()
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .is_some_and(|v| v.get("id").and_then(Value::as_str) == Some(id))
        })
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{id:?} is not a profile of yours (those are the files in {}); built-in profiles cannot be removed",
                vendors_dir.display()
            ))
        })?;
    let builtin_restored = super::Registry::builtin().get(id).is_some();
    if !builtin_restored && bound.contains(&id) {
        return Err(Error::Invalid(format!(
            "an endpoint is bound to {id}: bind it to another vendor (or to none) first"
        )));
    }
    let text = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
    std::fs::remove_file(&file).map_err(|e| Error::io(&file, e))?;
    match super::Registry::load(vendors_dir) {
        Ok(registry) => Ok((
            VendorRemoved {
                vendor: id.to_owned(),
                path: file.display().to_string(),
                builtin_restored,
            },
            registry,
        )),
        Err(e) => {
            let _ = std::fs::write(&file, text);
            Err(e)
        }
    }
}

/// How `profile` recognises its deliveries, in words; `None` when only a bound endpoint does.
fn detection(profile: &VendorProfile) -> Option<String> {
    let mut how: Vec<String> = Vec::new();
    if !profile.detect.headers.is_empty() {
        how.push(format!("header {}", profile.detect.headers.join(" or ")));
    }
    if !profile.detect.body.is_empty() {
        how.push(format!("body fields {}", profile.detect.body.join(", ")));
    }
    (!how.is_empty()).then(|| how.join(", else "))
}

/// Makes `description`'s events a profile's, as `options` says.
pub fn import(description: &Description, options: &ImportOptions) -> Result<Imported> {
    let mut profile = match &options.into {
        Some(p) => {
            let mut p = p.clone();
            let added = format!(
                "Events added from {} {} ({}) by {IMPORTED_BY}.",
                description.title, description.version, description.format
            );
            if !p.source.contains(&added) {
                p.source = format!("{} {added}", p.source).trim().to_owned();
            }
            p
        }
        None => infer_profile(description, options)?,
    };
    profile.samples.from_events = true;
    let type_from = describe_sources(&profile.envelope.event_type, &profile.envelope.type_suffix);

    // An example several events share (one schema's examples offered for each) says nothing
    // of any one of them.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for e in &description.events {
        for x in &e.examples {
            *seen.entry(x.to_string()).or_default() += 1;
        }
    }
    let mut events = Vec::new();
    let mut skipped = description.skipped.clone();
    let mut taken: BTreeMap<String, String> = BTreeMap::new(); // type -> described name
    for described in &description.events {
        let example = described
            .examples
            .iter()
            .find(|x| seen.get(&x.to_string()).copied() == Some(1));
        let event_type = example
            .and_then(|x| decoded_type(&profile, x, &described.headers))
            .unwrap_or_else(|| described.name.clone());
        // None of its own: one made from its schema, carrying its type where the profile
        // reads it.
        let made = match (example, &described.schema) {
            (None, Some(schema)) => example::from_schema(schema).map(|mut x| {
                stamp_type(&profile, &mut x, &event_type);
                x
            }),
            _ => None,
        };
        let example = example.or(made.as_ref());
        if let Some(first) = taken.get(&event_type) {
            skipped.push(Skipped {
                name: described.name.clone(),
                reason: format!("its example says event type {event_type}, as {first}'s does"),
            });
            continue;
        }
        taken.insert(event_type.clone(), described.name.clone());

        let mut findings = Vec::new();
        let schema = match &described.schema {
            Some(s) => match Schema::compile(s, &described.name) {
                Ok(compiled) => {
                    if let Some(x) = example {
                        let mut out = Vec::new();
                        compiled.check(x, 3, &mut out);
                        findings = out
                            .into_iter()
                            .map(|f| {
                                if f.path.is_empty() {
                                    f.message
                                } else {
                                    format!("{}: {}", f.path, f.message)
                                }
                            })
                            .collect();
                    }
                    Some(s.clone())
                }
                Err(e) => {
                    skipped.push(Skipped {
                        name: format!("{} (schema)", described.name),
                        reason: format!("its schema is left out: {e}"),
                    });
                    None
                }
            },
            None => None,
        };
        let signature_headers = signature_headers(profile.signature.as_ref());
        let headers: BTreeMap<String, String> = described
            .headers
            .iter()
            .filter(|(n, _)| {
                !is_transport_header(n)
                    && !signature_headers.iter().any(|s| s.eq_ignore_ascii_case(n))
            })
            .cloned()
            .collect();
        let spec = EventSpec {
            description: described.description.clone(),
            category: described.category.clone(),
            note: None,
            schema: schema.clone(),
            example: example.cloned(),
            headers: BTreeMap::new(),
        };
        let mut headers = headers;
        if made.is_some()
            && let Some(h) = profile
                .envelope
                .event_type
                .iter()
                .find_map(|s| s.header.clone())
            && profile
                .envelope
                .event_type
                .iter()
                .all(|s| s.pointer.is_none())
        {
            headers.insert(h, event_type.clone());
        }
        events.push(ImportedEvent {
            name: described.name.clone(),
            event_type: event_type.clone(),
            has_schema: schema.is_some(),
            has_example: example.is_some(),
            example_made: made.is_some(),
            example_findings: findings,
        });
        profile
            .events
            .insert(event_type, EventSpec { headers, ..spec });
    }
    Ok(Imported {
        profile,
        events,
        skipped,
        type_from,
    })
}

/// Writes `event_type` into `example` at the first body field the profile reads the type from.
fn stamp_type(profile: &VendorProfile, example: &mut Value, event_type: &str) {
    let Some(p) = profile
        .envelope
        .event_type
        .iter()
        .find_map(|s| s.pointer.as_deref())
    else {
        return;
    };
    let Some((parent, key)) = p.rsplit_once('/') else {
        return;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    if let Some(Value::Object(o)) = example.pointer_mut(parent) {
        o.insert(key, Value::from(event_type));
    }
}

/// The event type `profile` reads from a delivery of `body` with `headers`.
fn decoded_type(
    profile: &VendorProfile,
    body: &Value,
    headers: &[(String, String)],
) -> Option<String> {
    let signed = crate::signature::SignedRequest {
        headers,
        body: b"",
        received_at_us: 0,
    };
    let mut t = super::find_field(&profile.envelope.event_type, &signed, Some(body))?.0;
    if let Some((suffix, _)) = super::find_field(&profile.envelope.type_suffix, &signed, Some(body))
    {
        t.push('.');
        t.push_str(&suffix);
    }
    Some(t)
}

fn describe_sources(sources: &[FieldSource], suffix: &[FieldSource]) -> String {
    let one = |s: &FieldSource| match (&s.header, &s.pointer) {
        (Some(h), _) => format!("header {h}"),
        (None, Some(p)) => format!("body {p}"),
        (None, None) => "nothing".to_owned(),
    };
    let mut text = sources.iter().map(one).collect::<Vec<_>>().join(", else ");
    if !suffix.is_empty() {
        text.push_str(" + \".\" + ");
        text.push_str(&suffix.iter().map(one).collect::<Vec<_>>().join(", else "));
    }
    text
}

fn signature_headers(scheme: Option<&SignatureScheme>) -> Vec<String> {
    let Some(s) = scheme else {
        return Vec::new();
    };
    [
        Some(&s.header),
        s.timestamp_header.as_ref(),
        s.id_header.as_ref(),
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect()
}

/// Headers the sender's HTTP client sets, never the vendor's own.
fn is_transport_header(name: &str) -> bool {
    [
        "content-type",
        "content-length",
        "host",
        "connection",
        "transfer-encoding",
        "accept",
        "accept-encoding",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// A new profile for `description`: its id and name, and an envelope read off its examples.
fn infer_profile(description: &Description, options: &ImportOptions) -> Result<VendorProfile> {
    let id = options
        .id
        .clone()
        .unwrap_or_else(|| slug(&description.title));
    if id.is_empty() {
        return Err(Error::Invalid(
            "the description has no title to name the profile by; pass --id".into(),
        ));
    }
    let examples: Vec<&Value> = description
        .events
        .iter()
        .flat_map(|e| e.examples.iter())
        .filter(|x| x.is_object())
        .collect();

    let event_type = if let Some(h) = &options.type_header {
        vec![FieldSource {
            header: Some(h.clone()),
            pointer: None,
            format: None,
        }]
    } else if let Some(p) = &options.type_pointer {
        if !p.starts_with('/') {
            return Err(Error::Invalid(format!(
                "--type-pointer {p:?} is not a JSON pointer (like /type or /event/type)"
            )));
        }
        vec![pointer(p)]
    } else {
        find_type_source(description).ok_or_else(|| {
            let names: Vec<&str> = description
                .events
                .iter()
                .take(3)
                .map(|e| e.name.as_str())
                .collect();
            Error::Invalid(format!(
                "cannot tell where a delivery of {} names its event type: no example carries its event's name ({}…). Say where with --type-pointer (a JSON pointer like /type) or --type-header NAME, or extend a profile that knows with --into VENDOR",
                description.title,
                names.join(", ")
            ))
        })?
    };
    let type_pointer = event_type[0].pointer.clone();

    // Fields every example has at the top level.
    let mut common: Option<BTreeSet<&str>> = None;
    for x in &examples {
        let keys: BTreeSet<&str> = x
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        common = Some(match common {
            Some(c) => c.intersection(&keys).copied().collect(),
            None => keys,
        });
    }
    let common = common.unwrap_or_default();
    let scalar_everywhere = |key: &str| {
        !examples.is_empty()
            && examples
                .iter()
                .all(|x| x.get(key).is_some_and(|v| v.is_string() || v.is_number()))
    };
    let id_key = [
        "id",
        "event_id",
        "eventId",
        "webhook_id",
        "webhookId",
        "notification_id",
        "notificationId",
        "delivery_id",
        "deliveryId",
        "uuid",
    ]
    .into_iter()
    .find(|k| scalar_everywhere(k));
    let time = [
        "created",
        "created_at",
        "createdAt",
        "timestamp",
        "event_time",
        "eventTime",
        "occurred_at",
        "occurredAt",
        "time",
    ]
    .into_iter()
    .find(|k| scalar_everywhere(k))
    .map(|k| {
        let unix = examples.iter().all(|x| x[k].is_number());
        FieldSource {
            header: None,
            pointer: Some(format!("/{k}")),
            format: unix.then_some(TimeFormat::UnixSeconds),
        }
    });
    let data = match type_pointer.as_deref().and_then(|p| p.rsplit_once('/')) {
        Some((parent, _)) if !parent.is_empty() => Some(parent.to_owned()),
        _ if !examples.is_empty()
            && examples
                .iter()
                .all(|x| x.get("data").is_some_and(Value::is_object)) =>
        {
            Some("/data".to_owned())
        }
        _ => None,
    };
    // Recognised by its body's shape: the type's field and the other fields every example
    // has; and by the headers every event documents that a generic sender does not send.
    let mut detect_body: Vec<String> = Vec::new();
    if let Some(p) = &type_pointer {
        detect_body.push(p.clone());
    }
    for key in common.iter().take(4) {
        let p = format!("/{}", key.replace('~', "~0").replace('/', "~1"));
        if !detect_body.contains(&p) {
            detect_body.push(p);
        }
    }
    let signature = options.signature.clone();
    let mut detect_headers: Vec<String> = description
        .events
        .first()
        .map(|e| e.header_names.clone())
        .unwrap_or_default();
    detect_headers.retain(|h| {
        !is_transport_header(h)
            && !h.eq_ignore_ascii_case("user-agent")
            && description
                .events
                .iter()
                .all(|e| e.header_names.iter().any(|n| n.eq_ignore_ascii_case(h)))
    });

    Ok(VendorProfile {
        id,
        name: options
            .name
            .clone()
            .unwrap_or_else(|| description.title.clone()),
        source: format!(
            "{IMPORTED_FROM}{} {} ({}) by {IMPORTED_BY}.",
            description.title, description.version, description.format
        ),
        order: 500,
        catalog: None,
        samples: SampleSpec {
            share: 0,
            fixtures: Vec::new(),
            id_prefix: None,
            from_events: true,
        },
        detect: Detect {
            headers: detect_headers,
            body: if examples.is_empty() {
                Vec::new()
            } else {
                detect_body
            },
            any_json: false,
        },
        envelope: Envelope {
            event_type,
            type_suffix: Vec::new(),
            id: id_key
                .map(|k| vec![pointer(&format!("/{k}"))])
                .unwrap_or_default(),
            occurred_at: time.into_iter().collect(),
            tenant: Vec::new(),
            version: Vec::new(),
            data,
        },
        dedupe: id_key
            .map(|k| {
                vec![IdSource {
                    headers: Vec::new(),
                    pointers: vec![format!("/{k}")],
                    fingerprint: false,
                }]
            })
            .unwrap_or_default(),
        signature,
        envelope_schema: None,
        events: BTreeMap::new(),
        delivery: DeliveryTerms {
            source: format!(
                "{} does not state the vendor's timeout, largest body or retries; hookscope check uses its defaults.",
                description.title
            ),
            ..DeliveryTerms::default()
        },
        volatile: Default::default(),
    })
}

fn pointer(p: &str) -> FieldSource {
    FieldSource {
        header: None,
        pointer: Some(p.to_owned()),
        format: None,
    }
}

/// Where the examples carry their event's own name: the JSON pointer (at most three levels
/// deep) most examples agree on, else a documented header.
fn find_type_source(description: &Description) -> Option<Vec<FieldSource>> {
    let mut votes: BTreeMap<String, usize> = BTreeMap::new();
    for e in &description.events {
        let mut found = BTreeSet::new();
        for x in &e.examples {
            pointers_to(x, &e.name, "", 0, &mut found);
        }
        for p in found {
            *votes.entry(p).or_default() += 1;
        }
    }
    if let Some((best, _)) = votes
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.len().cmp(&a.0.len())))
    {
        return Some(vec![pointer(best)]);
    }
    description.events.iter().find_map(|e| {
        let (h, _) = e.headers.iter().find(|(_, v)| *v == e.name)?;
        Some(vec![FieldSource {
            header: Some(h.clone()),
            pointer: None,
            format: None,
        }])
    })
}

fn pointers_to(value: &Value, name: &str, at: &str, depth: usize, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if s == name && !at.is_empty() => {
            out.insert(at.to_owned());
        }
        Value::Object(o) if depth < 3 => {
            for (k, v) in o {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                pointers_to(v, name, &p, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// `Transfer webhooks` -> `transfer-webhooks`.
fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The first sentence (or line) of a description.
fn first_sentence(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim();
    match line.find(". ") {
        Some(at) => line[..=at].to_owned(),
        None => line.to_owned(),
    }
}

/// A documented header example as the header's text.
fn header_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
