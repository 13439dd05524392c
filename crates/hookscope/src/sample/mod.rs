//! Deliveries made from the vendors' documented examples (`fixtures/<vendor>/<name>.json`, which
//! the profiles embed): a sample for the UI's empty state, signed test events ([`send`], as
//! `stripe trigger` makes them), and realistic traffic in bulk ([`generate`]) for benchmarks and
//! demos. Each is built from a profile's data (its envelope, dedupe sources, signature scheme and
//! `samples` spec), so a vendor added as a profile file and fixtures is offered everywhere with
//! no code naming it.

pub mod generate;
pub mod send;

use std::sync::Arc;

use crate::config::EndpointConfig;
use crate::profile::{Registry, VendorProfile};
use crate::signature;

pub use generate::{GenerateOptions, Generator};

/// One generated request, as a sender would make it.
#[derive(Debug, Clone)]
pub struct Sample {
    pub path: String,
    /// Headers in sending order, without `Host` and `Content-Length` (see [`Sample::head`]).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub received_at_us: i64,
    pub content_type: &'static str,
}

impl Sample {
    /// The request head as it would come off the wire.
    pub fn head(&self) -> Vec<u8> {
        let mut head = format!(
            "POST {} HTTP/1.1\r\nHost: hooks.example.test\r\nContent-Length: {}\r\n",
            self.path,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

/// The vendors a sample can be made of (those with documented examples), in detection order:
/// the first-class vendors first, then the common schemes.
pub fn vendors(registry: &Registry) -> Vec<String> {
    registry
        .profiles()
        .filter(|p| has_examples(p))
        .map(|p| p.id.clone())
        .collect()
}

fn has_examples(profile: &VendorProfile) -> bool {
    crate::profile::fixtures(&profile.id).next().is_some()
        || (profile.samples.from_events && profile.events.values().any(|e| e.example.is_some()))
}

/// A documented example samples are made of: a built-in fixture (`fixtures/<vendor>/`), or the
/// example of an event in the profile's catalog (`samples.from_events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    /// The fixture's name, or the event type.
    pub name: String,
    /// The headers the vendor sends besides its signature and event id, as `Name: value` lines.
    pub headers: Arc<str>,
    pub body: Arc<str>,
}

/// A vendor's examples in the order its profile offers them: its fixtures, then (when the
/// profile says so) its events' examples that no fixture covers.
pub(crate) fn templates(profile: &VendorProfile) -> Vec<Template> {
    let all: Vec<_> = crate::profile::fixtures(&profile.id).collect();
    let mut ordered: Vec<_> = profile
        .samples
        .fixtures
        .iter()
        .filter_map(|name| all.iter().find(|f| f.name == name).copied())
        .collect();
    let rest: Vec<_> = all.into_iter().filter(|f| !ordered.contains(f)).collect();
    ordered.extend(rest);
    let mut templates: Vec<Template> = ordered
        .into_iter()
        .map(|f| Template {
            name: f.name.to_owned(),
            headers: Arc::from(f.headers),
            body: Arc::from(f.body),
        })
        .collect();
    if profile.samples.from_events {
        for (event_type, spec) in &profile.events {
            let Some(example) = &spec.example else {
                continue;
            };
            let file_name = event_type.replace('/', "-");
            if templates
                .iter()
                .any(|t| t.name == *event_type || t.name == file_name)
            {
                continue;
            }
            let headers: String = spec
                .headers
                .iter()
                .map(|(name, value)| format!("{name}: {value}\n"))
                .collect();
            templates.push(Template {
                name: event_type.clone(),
                headers: Arc::from(headers),
                body: Arc::from(example.to_string()),
            });
        }
    }
    templates
}

/// One realistic delivery from `vendor` (see [`vendors`]), as it would arrive now: a
/// documented example with a fresh event id and time, signed with `secret` (by default the
/// secret of the vendor's [`endpoints`] entry). `pick` chooses among the vendor's examples. The
/// UI's "send a sample" uses this.
pub fn sample(
    registry: &Registry,
    vendor: &str,
    secret: Option<&str>,
    pick: usize,
) -> Option<Sample> {
    let now = crate::model::now_us();
    let g = Generator::new(
        registry,
        GenerateOptions {
            count: 1,
            days: 1,
            end_us: now,
            seed: now as u64,
        },
    );
    g.one(vendor, pick, now, secret)
}

/// Whether a delivery made from `vendor`'s first example (signed as it signs) is recognised as
/// `vendor` when no endpoint says so; when not, what to do.
pub fn recognition_note(registry: &Registry, vendor: &str) -> Option<String> {
    let sample = sample(registry, vendor, None, 0)?;
    let analysis = registry.analyze(&crate::profile::Inspect {
        headers: &sample.headers,
        body: &sample.body,
        received_at_us: sample.received_at_us,
        endpoint: None,
        all_secrets: &[],
    });
    if analysis.vendor.as_deref() == Some(vendor) {
        return None;
    }
    let seen_as = match (&analysis.vendor, &analysis.detected_by) {
        (Some(other), Some(how)) => format!("as {other} (by {how})"),
        _ => "as no vendor".to_owned(),
    };
    Some(format!(
        "a delivery made from its first example is recognised {seen_as}: bind an endpoint to {vendor} so that its deliveries are read by it (hookscope endpoints add /hooks/{vendor} --vendor {vendor})"
    ))
}

/// One delivery of `vendor` from its `pick`th example as it would arrive at `at`, unsigned, and
/// its fresh event id: what `hookscope check` signs, alters and sends.
pub fn unsigned(
    registry: &Registry,
    vendor: &str,
    pick: usize,
    at: i64,
) -> Option<(String, Sample)> {
    let g = Generator::new(
        registry,
        GenerateOptions {
            count: 1,
            days: 1,
            end_us: at,
            seed: crate::model::now_us() as u64 ^ pick as u64,
        },
    );
    g.unsigned(vendor, pick, at)
}

/// The events [`sample`] can make for `vendor`, in template order: (pick, event type).
pub fn sample_events(registry: &Registry, vendor: &str) -> Vec<(usize, String)> {
    let Some(profile) = registry.get(vendor) else {
        return Vec::new();
    };
    (0..templates(profile).len())
        .filter_map(|pick| {
            let s = sample(registry, vendor, None, pick)?;
            let analysis = registry.analyze(&crate::profile::Inspect {
                headers: &s.headers,
                body: &s.body,
                received_at_us: s.received_at_us,
                endpoint: None,
                all_secrets: &[],
            });
            Some((pick, analysis.event.event_type?))
        })
        .collect()
}

/// The word that [`Generator`] puts in about one body in ten thousand: a search for it is the
/// benchmark's rare-word search.
pub const RARE_WORD: &str = "quetzalcoatl";
/// A word in most bodies: the common-word search.
pub const COMMON_WORD: &str = "customer";

/// Path prefix of the generated endpoints: `/gen/<vendor>`.
pub const PATH_PREFIX: &str = "/gen/";

/// The endpoints the generated deliveries are sent to, one per signing vendor, with the secret
/// they are signed with. `hookscope generate` adds them to the config so that the store's
/// verdicts and a re-verification agree.
pub fn endpoints(registry: &Registry) -> Vec<EndpointConfig> {
    registry
        .profiles()
        .filter(|p| has_examples(p))
        .filter_map(|profile| {
            let scheme = profile.signature.as_ref()?;
            Some(EndpointConfig {
                path: format!("{PATH_PREFIX}{}", profile.id),
                vendor: Some(profile.id.clone()),
                secrets: vec![secret_for(&profile.id, scheme.secret)],
                retired_secrets: Vec::new(),
                signature: None,
                response: None,
                forward: None,
                rules: Vec::new(),
            })
        })
        .collect()
}

pub(crate) fn secret_for(vendor: &str, format: signature::SecretFormat) -> String {
    match format {
        // base64 of "hookscope generated secret"
        signature::SecretFormat::Whsec => "whsec_aG9va3Njb3BlIGdlbmVyYXRlZCBzZWNyZXQ=".to_owned(),
        signature::SecretFormat::Raw => format!("{vendor}-generated-secret"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fixture a sample is built from (`fixtures/<vendor>/<event>.json` and its headers)
    /// decodes as its vendor and event, with a valid signature from the endpoint's secret and
    /// no validation warning; the CRM's whole catalog is there.
    #[test]
    fn every_fixture_decodes_as_its_vendor_and_event_signed() {
        let registry = Registry::builtin();
        let endpoints = endpoints(&registry);
        let mut crm = 0;
        for vendor in vendors(&registry) {
            let vendor = vendor.as_str();
            let examples = templates(registry.get(vendor).unwrap()).len();
            let endpoint = endpoints
                .iter()
                .find(|e| e.vendor.as_deref() == Some(vendor));
            for pick in 0..examples {
                let s = sample(&registry, vendor, None, pick).unwrap();
                let analysis = registry.analyze(&crate::profile::Inspect {
                    headers: &s.headers,
                    body: &s.body,
                    received_at_us: s.received_at_us,
                    endpoint,
                    all_secrets: &[],
                });
                let label = format!("{vendor} #{pick}");
                assert_eq!(analysis.vendor.as_deref(), Some(vendor), "{label}");
                let event = analysis.event.event_type.clone();
                assert!(event.is_some(), "{label}: no event type");
                assert!(analysis.event.id.is_some(), "{label}: no event id");
                if endpoint.is_some() {
                    assert_eq!(
                        analysis.signature.status,
                        crate::signature::SignatureStatus::Valid,
                        "{label}: {:?}",
                        analysis.signature
                    );
                }
                let warnings: Vec<_> = analysis
                    .validation
                    .iter()
                    .filter(|f| f.level == "warning")
                    .collect();
                assert!(warnings.is_empty(), "{label} {event:?}: {warnings:?}");
                assert!(
                    s.headers
                        .iter()
                        .any(|(n, _)| n.eq_ignore_ascii_case("user-agent")),
                    "{label}"
                );
                if vendor == "event-timestamp-payload" {
                    crm += 1;
                }
            }
        }
        let catalog = registry
            .get("event-timestamp-payload")
            .unwrap()
            .events
            .len();
        assert_eq!(
            crm, catalog,
            "every event of the CRM's catalog has a fixture"
        );
    }

    #[test]
    fn vendors_come_in_detection_order_with_their_examples_in_the_profiles_order() {
        let registry = Registry::builtin();
        let all = vendors(&registry);
        assert_eq!(all[..3], ["cooledge", "leadron", "event-timestamp-payload"]);
        assert!(all.contains(&"stripe".to_owned()) && all.contains(&"slack".to_owned()));
        assert!(!all.contains(&"generic".to_owned()), "{all:?}");
        let cooledge: Vec<String> = templates(registry.get("cooledge").unwrap())
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(cooledge, ["lead.won", "customer.created", "job.completed"]);
        let stripe = sample(&registry, "stripe", None, 0).unwrap();
        let id = stripe
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("stripe-signature"));
        assert!(id.is_some(), "{:?}", stripe.headers);
        assert!(String::from_utf8_lossy(&stripe.body).contains("\"evt_"));
    }
}
