//! The requests a check sends, built from the vendor's profile and documented examples: signed
//! right, signed wrong, altered after signing, stale, repeated, in its exact bytes, large.

use std::time::Duration;

use serde_json::Value;

use super::CheckOptions;
use crate::config::EndpointConfig;
use crate::error::{Error, Result};
use crate::model::now_us;
use crate::profile::{Registry, VendorProfile};
use crate::sample::{self, Sample};
use crate::signature::{self, Encoding, SecretFormat, SignParams, SignatureScheme};

/// How far inside the tolerance the replay probe's first delivery is signed: the replay goes out
/// this many seconds (and one) later, past it.
const REPLAY_MARGIN_SECS: i64 = 3;

/// The event type the unknown-event probe carries.
pub(super) const UNKNOWN_EVENT: &str = "hookscope.check.unknown_event";

/// What a probe's answers must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    /// A 2xx to every request.
    Accept,
    /// A 4xx: a forged, stale or malformed delivery is refused.
    Refuse,
    /// A 2xx to the first request, a 4xx to the second (the first again, as sent, once its
    /// timestamp is past the tolerance).
    AcceptThenRefuse,
    /// Reported, not failed: what the handler makes of deliveries out of order.
    Report,
}

/// Sign a request again just before it is sent, at this many seconds before then: for a probe
/// whose timestamp must be near the tolerance's edge when it arrives.
#[derive(Debug, Clone)]
pub(super) struct Resign {
    pub scheme: SignatureScheme,
    pub secret: String,
    pub id: String,
    pub ago_secs: i64,
}

impl Resign {
    /// `request` signed `ago_secs` before now.
    pub(super) fn apply(&self, request: &mut Request) {
        let signed = signature::sign(
            &self.scheme,
            &request.body,
            SignParams {
                secret: &self.secret,
                id: Some(&self.id),
                timestamp: now_us() / 1_000_000 - self.ago_secs,
            },
        )
        .unwrap_or_default();
        for (name, value) in signed {
            sample::generate::upsert(&mut request.headers, &name, &value);
        }
    }
}

/// One request of a probe.
#[derive(Debug, Clone)]
pub(super) struct Request {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub event_id: Option<String>,
    /// Wait this long before sending it.
    pub after: Option<Duration>,
    /// Signed again just before it is sent.
    pub resign: Option<Box<Resign>>,
    /// Sent as the previous request went out, byte for byte (a replay as sent).
    pub repeat_previous: bool,
}

/// A probe: its requests and what their answers must be.
#[derive(Debug, Clone)]
pub(super) struct Probe {
    pub id: &'static str,
    pub name: String,
    pub expect: Expect,
    pub requests: Vec<Request>,
    /// Run the effects command around its requests.
    pub effects: bool,
    /// Set when the probe does not apply to this vendor: why.
    pub skip: Option<String>,
}

/// The secret the probes are signed with, and which it is, in words.
pub(super) fn secret(
    profile: &VendorProfile,
    endpoints: &[EndpointConfig],
    given: Option<&str>,
) -> (String, String) {
    if let Some(s) = given {
        return (s.to_owned(), "the secret you gave".to_owned());
    }
    if let Some(ep) = endpoints
        .iter()
        .find(|e| e.vendor.as_deref() == Some(profile.id.as_str()) && !e.secrets.is_empty())
    {
        return (
            ep.secrets[0].clone(),
            format!("the secret of endpoint {}", ep.path),
        );
    }
    let format = profile
        .signature
        .as_ref()
        .map_or(SecretFormat::Raw, |s| s.secret);
    let test = sample::secret_for(&profile.id, format);
    let words = format!("the test secret {test} (give the handler's with --secret)");
    (test, words)
}

/// A delivery of the vendor, unsigned, as it would arrive at `at`: its headers, body and id.
struct Base {
    sample: Sample,
    id: String,
    /// The Unix time it is signed at.
    timestamp: i64,
}

struct Builder<'a> {
    registry: &'a Registry,
    profile: &'a VendorProfile,
    scheme: &'a SignatureScheme,
    secret: &'a str,
}

impl Builder<'_> {
    fn base(&self, pick: usize, at_us: i64) -> Result<Base> {
        let (id, sample) = sample::unsigned(self.registry, &self.profile.id, pick, at_us)
            .ok_or_else(|| {
                Error::Invalid(format!("{} has no documented examples", self.profile.name))
            })?;
        Ok(Base {
            sample,
            id,
            timestamp: at_us / 1_000_000,
        })
    }

    /// The headers that sign `body` with `secret` at `timestamp`, added to `headers`.
    fn signed(
        &self,
        mut headers: Vec<(String, String)>,
        body: &[u8],
        id: &str,
        secret: &str,
        timestamp: i64,
    ) -> Vec<(String, String)> {
        let signed = signature::sign(
            self.scheme,
            body,
            SignParams {
                secret,
                id: Some(id),
                timestamp,
            },
        )
        .unwrap_or_default();
        for (name, value) in signed {
            sample::generate::upsert(&mut headers, &name, &value);
        }
        headers
    }

    /// `base` signed right, as is.
    fn right(&self, base: &Base) -> Request {
        self.request(base, base.sample.body.clone())
    }

    /// `body` in `base`'s place, signed right.
    fn request(&self, base: &Base, body: Vec<u8>) -> Request {
        Request {
            headers: self.signed(
                base.sample.headers.clone(),
                &body,
                &base.id,
                self.secret,
                base.timestamp,
            ),
            body,
            event_id: Some(base.id.clone()),
            after: None,
            resign: None,
            repeat_previous: false,
        }
    }

    /// The signature header's value in a signed request.
    fn signature_value(&self, request: &Request) -> String {
        request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&self.scheme.header))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// `request` with its signature header's value replaced (or removed, for `None`).
    fn with_signature(&self, mut request: Request, value: Option<String>) -> Request {
        request
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(&self.scheme.header));
        if let Some(v) = value {
            request.headers.push((self.scheme.header.clone(), v));
        }
        request
    }

    /// A secret the handler does not have, in the scheme's format.
    fn wrong_secret(&self) -> String {
        match self.scheme.secret {
            // base64 of "not the handler's secret"
            SecretFormat::Whsec => "whsec_bm90IHRoZSBoYW5kbGVyJ3Mgc2VjcmV0".to_owned(),
            SecretFormat::Raw => format!("{}-not-the-handlers-secret", self.profile.id),
        }
    }

    /// The right signature with a wrong prefix: `sha1=` for `sha256=`, `v2` for `v1`.
    fn wrong_prefix(&self, value: &str) -> String {
        if let Some(pairs) = &self.scheme.pairs {
            let from = format!("{}=", pairs.signature);
            return value.replacen(&from, "v0=", 1);
        }
        match self.scheme.prefix.as_deref() {
            Some("sha256=") => value.replacen("sha256=", "sha1=", 1),
            Some(p) if !p.is_empty() => {
                let wrong: String = p
                    .chars()
                    .map(|c| if c.is_ascii_digit() { '9' } else { c })
                    .collect();
                value.replacen(p, &wrong, 1)
            }
            _ => format!("sha256={value}"),
        }
    }

    /// The right MAC in the other encoding (base64 for a hex scheme, and the reverse).
    fn wrong_encoding(&self, value: &str) -> String {
        let (head, sig) = match (&self.scheme.pairs, self.scheme.prefix.as_deref()) {
            (Some(pairs), _) => {
                let key = format!("{}=", pairs.signature);
                match value.find(&key) {
                    Some(at) => value.split_at(at + key.len()),
                    None => ("", value),
                }
            }
            (None, Some(p)) if value.starts_with(p) => value.split_at(p.len()),
            _ => ("", value),
        };
        let sig = sig.split([',', ' ']).next().unwrap_or(sig);
        match self.scheme.encoding.decode(sig) {
            Some(mac) => format!("{head}{}", self.scheme.encoding.other().encode(&mac)),
            None => format!("{head}{}", Encoding::Base64.encode(sig.as_bytes())),
        }
    }
}

/// Makes a malformed signature header from the right one.
type Mangle = fn(&Builder<'_>, &str) -> String;

/// Every probe for `profile`, in the order they run.
pub(super) fn plan(
    registry: &Registry,
    profile: &VendorProfile,
    secret: &str,
    opts: &CheckOptions,
) -> Result<Vec<Probe>> {
    let Some(scheme) = profile.signature.as_ref() else {
        return Err(Error::Invalid(format!(
            "{} does not sign its deliveries",
            profile.name
        )));
    };
    let b = Builder {
        registry,
        profile,
        scheme,
        secret,
    };
    let now = now_us();
    let mut probes = Vec::new();
    let refuse = |id, name: String, request: Request| Probe {
        id,
        name,
        expect: Expect::Refuse,
        requests: vec![request],
        effects: false,
        skip: None,
    };
    let accept = |id, name: String, requests: Vec<Request>| Probe {
        id,
        name,
        expect: Expect::Accept,
        requests,
        effects: false,
        skip: None,
    };

    // Every documented event (or those asked for), signed right.
    let events = sample::sample_events(registry, &profile.id);
    let mut chosen: Vec<(usize, String)> = events
        .iter()
        .filter(|(_, t)| opts.events.is_empty() || opts.events.iter().any(|e| e == t))
        .cloned()
        .collect();
    if chosen.is_empty() {
        return Err(Error::Invalid(format!(
            "{} has no example of {}; it has: {}",
            profile.name,
            opts.events.join(", "),
            events
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    chosen.dedup_by(|a, b| a.1 == b.1);
    for (pick, event) in &chosen {
        let base = b.base(*pick, now)?;
        probes.push(accept(
            "valid",
            format!("{event}, signed right"),
            vec![b.right(&base)],
        ));
    }
    let first = chosen[0].0;

    // An event type the handler cannot know, signed right.
    let mut base = b.base(first, now)?;
    if let Ok(mut json) = serde_json::from_slice::<Value>(&base.sample.body) {
        sample::generate::set_sources(
            &mut json,
            &mut base.sample.headers,
            &profile.envelope.event_type,
            &Value::from(UNKNOWN_EVENT),
        );
        base.sample.body = serde_json::to_vec(&json).unwrap_or_default();
    }
    probes.push(accept(
        "unknown-event",
        format!("an unknown event type ({UNKNOWN_EVENT}), signed right"),
        vec![b.right(&base)],
    ));

    // Forged: the body changed after signing, a wrong secret, no signature, a malformed one.
    let base = b.base(first, now)?;
    let right = b.right(&base);
    let mut tampered = right.clone();
    tampered.body = tamper(&right.body, profile);
    probes.push(refuse(
        "tampered-body",
        "one value of the body changed after signing".to_owned(),
        tampered,
    ));
    let base = b.base(first, now)?;
    let wrong = Request {
        headers: b.signed(
            base.sample.headers.clone(),
            &base.sample.body,
            &base.id,
            &b.wrong_secret(),
            base.timestamp,
        ),
        body: base.sample.body.clone(),
        event_id: Some(base.id.clone()),
        after: None,
        resign: None,
        repeat_previous: false,
    };
    probes.push(refuse(
        "wrong-secret",
        "signed with a secret that is not the handler's".to_owned(),
        wrong,
    ));
    let base = b.base(first, now)?;
    probes.push(refuse(
        "missing-signature",
        format!("no {} header", scheme.header),
        b.with_signature(b.right(&base), None),
    ));
    let malformed: [(&str, Mangle); 4] = [
        ("garbage", |_, _| "not a signature at all!".to_owned()),
        ("empty", |_, _| String::new()),
        ("a wrong prefix", |b, v| b.wrong_prefix(v)),
        ("the wrong encoding", |b, v| b.wrong_encoding(v)),
    ];
    for (what, make) in malformed {
        let base = b.base(first, now)?;
        let right = b.right(&base);
        let value = make(&b, &b.signature_value(&right));
        probes.push(refuse(
            "malformed-signature",
            format!("{} header: {what} ({value:?})", scheme.header),
            b.with_signature(right, Some(value)),
        ));
    }

    // Timestamps outside the tolerance, for schemes that sign one.
    match scheme.tolerance_secs {
        Some(tolerance) => {
            let off = i64::try_from(tolerance).unwrap_or(i64::MAX / 2) + 120;
            let stale = b.base(first, now - off * 1_000_000)?;
            probes.push(refuse(
                "stale-timestamp",
                format!(
                    "signed {} ago, past the {tolerance} s tolerance",
                    minutes(off)
                ),
                b.right(&stale),
            ));
            let mut future = b.base(first, now)?;
            future.timestamp += off;
            probes.push(refuse(
                "future-timestamp",
                format!(
                    "signed {} in the future, past the {tolerance} s tolerance",
                    minutes(off)
                ),
                b.right(&future),
            ));
            // A delivery the handler accepted, sent again as it was once its timestamp is
            // past the tolerance: signed just inside it, then replayed a few seconds later.
            let edge = b.base(first, now)?;
            let inside = i64::try_from(tolerance).unwrap_or(i64::MAX / 2) - REPLAY_MARGIN_SECS;
            let mut accepted = b.right(&edge);
            accepted.resign = Some(Box::new(Resign {
                scheme: scheme.clone(),
                secret: secret.to_owned(),
                id: edge.id.clone(),
                ago_secs: inside,
            }));
            let replayed = Request {
                after: Some(Duration::from_secs(REPLAY_MARGIN_SECS as u64 + 1)),
                repeat_previous: true,
                ..accepted.clone()
            };
            probes.push(Probe {
                id: "replay-as-sent",
                name: format!(
                    "accepted, then sent again as it was past the {tolerance} s tolerance"
                ),
                expect: Expect::AcceptThenRefuse,
                requests: vec![accepted, replayed],
                effects: false,
                skip: None,
            });
        }
        None => {
            for (id, name) in [
                ("stale-timestamp", "signed long ago"),
                ("future-timestamp", "signed in the future"),
                ("replay-as-sent", "sent again as it was, later"),
            ] {
                probes.push(Probe {
                    skip: Some(format!(
                        "{}'s signature covers no timestamp, so a handler cannot tell an old delivery from a new one",
                        profile.name
                    )),
                    ..refuse(id, name.to_owned(), b.right(&b.base(first, now)?))
                });
            }
        }
    }

    // Repeats: the same delivery twice, and a retry (the same event, signed again later).
    let base = b.base(first, now)?;
    let once = b.right(&base);
    let dedupe_by = profile
        .dedupe
        .first()
        .and_then(|d| d.headers.first().cloned())
        .unwrap_or_else(|| "its event id".to_owned());
    let mut duplicate = accept(
        "duplicate",
        format!("the same delivery twice (deduped by {dedupe_by})"),
        vec![once.clone(), once],
    );

    duplicate.effects = true;
    let first_try = b.base(first, now)?;
    let mut later = b.base(first, now)?;
    later.id = first_try.id.clone();
    later.sample = first_try.sample.clone();
    later.timestamp = first_try.timestamp + 2;
    let mut retry_request = b.right(&later);
    retry_request.after = Some(Duration::from_secs(2));
    let mut retry = accept(
        "retry",
        "a retry: the same event signed again 2 s later".to_owned(),
        vec![b.right(&first_try), retry_request],
    );
    if profile.dedupe.is_empty() {
        let why = format!(
            "{}'s deliveries carry no event id to dedupe on",
            profile.name
        );
        duplicate.skip = Some(why.clone());
        retry.skip = Some(why);
    }
    probes.push(duplicate);
    probes.push(retry);

    // Out of order: an older event about the same object after a newer one (the same example,
    // so the same object). Reported, not failed: vendors do not promise order.
    let newer = b.base(first, now)?;
    let older = b.base(first, now - 60_000_000)?;
    probes.push(Probe {
        id: "out-of-order",
        name: "an older event about the same object after a newer one".to_owned(),
        expect: Expect::Report,
        requests: vec![b.right(&newer), b.right(&older)],
        effects: false,
        skip: None,
    });

    // The exact bytes: pretty-printed, with non-ASCII text and escaped slashes, as Stripe and
    // others send, signed over those bytes.
    let base = b.base(first, now)?;
    if let Some(pretty) = raw_bytes(&base.sample.body, profile.envelope.data.as_deref()) {
        probes.push(accept(
            "raw-bytes",
            "pretty-printed, non-ASCII, escaped slashes; signed over its exact bytes".to_owned(),
            vec![b.request(&base, pretty)],
        ));
    }

    // Size: 1 MiB, and near the vendor's largest when it documents one.
    let base = b.base(first, now)?;
    let data = profile.envelope.data.as_deref();
    probes.push(accept(
        "large-body",
        "a 1 MiB body".to_owned(),
        vec![b.request(&base, padded(&base.sample.body, data, 1 << 20))],
    ));
    if let Some(max) = profile.delivery.max_body_bytes {
        let base = b.base(first, now)?;
        let size = usize::try_from(max.saturating_sub(64 * 1024)).unwrap_or(usize::MAX);
        probes.push(accept(
            "largest-body",
            format!(
                "a body of {} ({} sends up to {})",
                bytesize::ByteSize::b(size as u64),
                profile.name,
                bytesize::ByteSize::b(max)
            ),
            vec![b.request(&base, padded(&base.sample.body, data, size))],
        ));
    }

    // Content type with its parameters, as vendors send it.
    let mut base = b.base(first, now)?;
    sample::generate::upsert(
        &mut base.sample.headers,
        "Content-Type",
        "application/json; charset=utf-8",
    );
    probes.push(accept(
        "content-type",
        "Content-Type: application/json; charset=utf-8".to_owned(),
        vec![b.right(&base)],
    ));

    // Form-encoded, the JSON in a field, for a vendor that sends some deliveries so.
    if let Some(field) = &profile.delivery.form_field {
        let mut base = b.base(first, now)?;
        let json = String::from_utf8_lossy(&base.sample.body).into_owned();
        let body = serde_urlencoded::to_string([(field.as_str(), json.as_str())])
            .map_err(|e| Error::Invalid(format!("the form-encoded probe: {e}")))?;
        sample::generate::upsert(
            &mut base.sample.headers,
            "Content-Type",
            "application/x-www-form-urlencoded",
        );
        probes.push(accept(
            "form-encoded",
            format!(
                "form-encoded ({field}=<the event's JSON>), as {} sends some deliveries",
                profile.name
            ),
            vec![b.request(&base, body.into_bytes())],
        ));
    }
    Ok(probes)
}

fn minutes(secs: i64) -> String {
    if secs % 60 == 0 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

/// `body` with one value of the event's own data changed (the first string or number, never
/// the envelope's id, type or time), as an attacker who edits an amount would; a byte flipped
/// when it is not JSON.
pub(super) fn tamper(body: &[u8], profile: &VendorProfile) -> Vec<u8> {
    fn change(v: &mut Value) -> bool {
        match v {
            Value::String(s) if !s.is_empty() => {
                s.push_str(" (changed)");
                true
            }
            Value::Number(n) => {
                *v = Value::from(n.as_f64().unwrap_or(0.0) as i64 + 1);
                true
            }
            Value::Object(map) => map.values_mut().any(change),
            Value::Array(items) => items.iter_mut().any(change),
            _ => false,
        }
    }
    let e = &profile.envelope;
    // The top-level keys the envelope's fields live in.
    let envelope: Vec<&str> = [
        &e.event_type,
        &e.type_suffix,
        &e.id,
        &e.occurred_at,
        &e.tenant,
        &e.version,
    ]
    .into_iter()
    .flatten()
    .filter_map(|s| s.pointer.as_deref()?.split('/').nth(1))
    .collect();
    if let Ok(mut json) = serde_json::from_slice::<Value>(body) {
        let data = e.data.as_deref().unwrap_or("");
        let changed = match json.pointer_mut(data) {
            Some(Value::Object(map)) => map
                .iter_mut()
                .filter(|(k, _)| !data.is_empty() || !envelope.contains(&k.as_str()))
                .any(|(_, v)| change(v)),
            Some(other) => change(other),
            None => false,
        };
        if changed {
            return serde_json::to_vec(&json).unwrap_or_default();
        }
    }
    sample::send::tamper(body)
}

/// `body` pretty-printed, with a note of non-ASCII text and a URL whose slashes are escaped
/// (`\/`, as PHP and Stripe write them) under its data: bytes a parse and re-serialize cannot
/// give back.
fn raw_bytes(body: &[u8], data: Option<&str>) -> Option<Vec<u8>> {
    let mut json: Value = serde_json::from_slice(body).ok()?;
    let note = "Zoë's café — naïve ✓";
    let url = "https://example.com/check/raw-bytes";
    let target = json
        .pointer_mut(data.unwrap_or(""))
        .and_then(Value::as_object_mut)?;
    target.insert("hookscope_note".into(), Value::from(note));
    target.insert("hookscope_url".into(), Value::from(url));
    let pretty = serde_json::to_string_pretty(&json).ok()?;
    let escaped = pretty.replacen(
        &format!("\"{url}\""),
        &format!("\"{}\"", url.replace('/', "\\/")),
        1,
    );
    Some(escaped.into_bytes())
}

/// `body` with a field of about `size` bytes of text under its data.
fn padded(body: &[u8], data: Option<&str>, size: usize) -> Vec<u8> {
    let Ok(mut json) = serde_json::from_slice::<Value>(body) else {
        let mut out = body.to_vec();
        out.resize(size.max(body.len()), b' ');
        return out;
    };
    let words = "lorem ipsum dolor sit amet ";
    let fill: String =
        words.repeat(size / words.len() + 1)[..size.saturating_sub(body.len() + 32)].to_owned();
    if let Some(obj) = json
        .pointer_mut(data.unwrap_or(""))
        .and_then(Value::as_object_mut)
    {
        obj.insert("hookscope_padding".into(), Value::from(fill));
    }
    serde_json::to_vec(&json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::SignatureStatus;

    /// For every vendor that signs, each probe's requests are what they claim, as Hookscope's
    /// own verifier reads them: those a handler must accept verify, those it must refuse do
    /// not (a stale one is stale), and each carries its vendor's headers.
    #[test]
    fn every_signing_vendor_gets_probes_that_are_what_they_claim() {
        let registry = Registry::builtin();
        let signing: Vec<&VendorProfile> = registry
            .profiles()
            .filter(|p| p.signature.is_some())
            .collect();
        assert!(signing.len() >= 9, "{}", signing.len());
        for profile in signing {
            let endpoints = crate::sample::endpoints(&registry);
            let endpoint = endpoints
                .iter()
                .find(|e| e.vendor.as_deref() == Some(profile.id.as_str()))
                .unwrap();
            let (secret, _) = super::secret(profile, &endpoints, None);
            assert_eq!(secret, endpoint.secrets[0], "{}", profile.id);
            let plan = plan(&registry, profile, &secret, &CheckOptions::default()).unwrap();
            for probe in plan.iter().filter(|p| p.skip.is_none()) {
                for r in &probe.requests {
                    let analysis = registry.analyze(&crate::profile::Inspect {
                        headers: &r.headers,
                        body: &r.body,
                        received_at_us: now_us(),
                        endpoint: Some(endpoint),
                        all_secrets: &[],
                    });
                    let status = analysis.signature.status;
                    let label = format!("{} {} ({})", profile.id, probe.id, probe.name);
                    assert_eq!(
                        analysis.vendor.as_deref(),
                        Some(profile.id.as_str()),
                        "{label}"
                    );
                    match (probe.expect, probe.id) {
                        (Expect::Accept | Expect::AcceptThenRefuse | Expect::Report, _) => {
                            assert_eq!(
                                status,
                                SignatureStatus::Valid,
                                "{label}: {:?}",
                                analysis.signature
                            )
                        }
                        (Expect::Refuse, "stale-timestamp" | "future-timestamp") => {
                            assert_eq!(status, SignatureStatus::Stale, "{label}")
                        }
                        (Expect::Refuse, _) => {
                            assert_ne!(status, SignatureStatus::Valid, "{label}")
                        }
                    }
                }
            }
            // The seed vendors, whose documents do not give the scheme, have no timestamp to
            // probe; the rest of the plan is the same for every vendor.
            let ids: Vec<&str> = plan.iter().map(|p| p.id).collect();
            for id in [
                "valid",
                "unknown-event",
                "tampered-body",
                "wrong-secret",
                "missing-signature",
                "malformed-signature",
                "duplicate",
                "raw-bytes",
                "large-body",
                "content-type",
            ] {
                assert!(ids.contains(&id), "{}: {id} in {ids:?}", profile.id);
            }
            assert_eq!(
                ids.contains(&"form-encoded"),
                profile.delivery.form_field.is_some(),
                "{}",
                profile.id
            );
        }
        // Slack's interactions: the event's JSON in `payload`, form-encoded, signed as sent.
        let slack = registry.get("slack").unwrap();
        let plan = plan(&registry, slack, "s", &CheckOptions::default()).unwrap();
        let form = plan.iter().find(|p| p.id == "form-encoded").unwrap();
        let r = &form.requests[0];
        assert!(
            r.body.starts_with(b"payload=%7B"),
            "{:?}",
            String::from_utf8_lossy(&r.body)
        );
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&r.body).unwrap();
        let event: Value = serde_json::from_str(&fields[0].1).unwrap();
        assert_eq!(event["type"], "event_callback");
        assert!(
            r.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("content-type")
                    && v == "application/x-www-form-urlencoded")
        );
    }

    /// One value of the event's data changes, never the envelope's id, type or time.
    #[test]
    fn tampering_changes_one_value_of_the_data() {
        let registry = Registry::builtin();
        let stripe = registry.get("stripe").unwrap();
        let body = br#"{"data":{"object":{"amount":100,"note":"hi"}},"id":"evt_1","type":"x"}"#;
        assert_eq!(
            String::from_utf8(tamper(body, stripe)).unwrap(),
            r#"{"data":{"object":{"amount":101,"note":"hi"}},"id":"evt_1","type":"x"}"#
        );
        // A flat envelope (Cooledge): the first field that is not the envelope's.
        let cooledge = registry.get("cooledge").unwrap();
        let body = br#"{"business_id":"b","event_id":"e","event_type":"t","lead_id":"l","occurred_at":"o","version":"v1"}"#;
        assert_eq!(
            String::from_utf8(tamper(body, cooledge)).unwrap(),
            r#"{"business_id":"b","event_id":"e","event_type":"t","lead_id":"l (changed)","occurred_at":"o","version":"v1"}"#
        );
    }
}
