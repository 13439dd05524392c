//! Realistic deliveries in bulk, for benchmarks, demos and the UI's large-store checks
//! (`hookscope generate`): the fixture vendors in realistic proportions, each event with a fresh
//! id and its vendor's headers, signed with its endpoint's secret; bodies from 200 B to 64 KiB,
//! some binary, some signed with the wrong secret or not at all, some sent again (retries) or
//! sent again changed (conflicts), received over a span of days.
//!
//! The bodies are built from the vendors' documented examples (`fixtures/`), and the id, time and
//! type fields are found through the vendor profiles, so a generated delivery decodes exactly as
//! a real one would.

use std::collections::VecDeque;

use serde_json::Value;

use crate::config::EndpointConfig;
use crate::signature::{self, SignParams};
use crate::vendor::Registry;
use crate::vendor::{FieldSource, TimeFormat, VendorProfile};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub count: u64,
    /// The deliveries are received over this many days, ending at `end_us`.
    pub days: u32,
    pub end_us: i64,
    /// The same seed gives the same deliveries.
    pub seed: u64,
}

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

/// The vendors [`sample`] can make a delivery for, in the order the UI offers them: the
/// first-class vendors first, then the common schemes.
pub fn sample_vendors() -> impl Iterator<Item = &'static str> {
    const FIRST: [&str; 3] = ["cooledge", "leadron", "event-timestamp-payload"];
    let rest = MIX
        .iter()
        .filter_map(|m| m.vendor)
        .filter(|v| !FIRST.contains(v));
    FIRST.into_iter().chain(rest)
}

/// One realistic delivery from `vendor` (see [`sample_vendors`]), as it would arrive now: a
/// documented example with a fresh event id and time, signed with `secret` (by default the
/// secret of the vendor's [`endpoints`] entry).
/// `pick` chooses among the vendor's examples. The UI's "send a sample" uses this.
pub fn sample(
    registry: &Registry,
    vendor: &str,
    secret: Option<&str>,
    pick: usize,
) -> Option<Sample> {
    let which = MIX.iter().position(|m| m.vendor == Some(vendor))?;
    let now = crate::model::now_us();
    let mut g = Generator::new(
        registry,
        Options {
            count: 1,
            days: 1,
            end_us: now,
            seed: now as u64,
        },
    );
    let (id, mut sample) = g.build(which, pick, 0, now);
    let secret = secret
        .map(str::to_owned)
        .or_else(|| g.secrets[which].clone());
    g.sign(which, &mut sample, &id, secret.as_deref());
    Some(sample)
}

/// The events [`sample`] can make for `vendor`, in template order: (pick, event type).
pub fn sample_events(registry: &Registry, vendor: &str) -> Vec<(usize, String)> {
    let Some(mix) = MIX.iter().find(|m| m.vendor == Some(vendor)) else {
        return Vec::new();
    };
    (0..mix.templates.len())
        .filter_map(|pick| {
            let s = sample(registry, vendor, None, pick)?;
            let headers = s.headers.clone();
            let analysis = registry.analyze(&crate::vendor::Inspect {
                headers: &headers,
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
    MIX.iter()
        .filter_map(|m| {
            let profile = registry.get(m.vendor?)?;
            let scheme = profile.signature.as_ref()?;
            Some(EndpointConfig {
                path: format!("{PATH_PREFIX}{}", profile.id),
                vendor: Some(profile.id.clone()),
                secrets: vec![secret_for(&profile.id, scheme.secret)],
                retired_secrets: Vec::new(),
                signature: None,
                response: None,
                forward: None,
            })
        })
        .collect()
}

fn secret_for(vendor: &str, format: signature::SecretFormat) -> String {
    match format {
        // base64 of "hookscope generated secret"
        signature::SecretFormat::Whsec => "whsec_aG9va3Njb3BlIGdlbmVyYXRlZCBzZWNyZXQ=".to_owned(),
        signature::SecretFormat::Raw => format!("{vendor}-generated-secret"),
    }
}

/// A share of the traffic: a vendor (or none: unrecognised JSON, binary) and its templates.
struct Mix {
    vendor: Option<&'static str>,
    /// Parts per thousand.
    share: u32,
    templates: &'static [Template],
}

/// A delivery to vary: the headers the vendor sends besides its signature and event id (as
/// `Name: value` lines), and a body.
struct Template {
    headers: &'static str,
    body: &'static str,
}

/// `fixtures/<vendor>/<event>.json` as the body; with `headers`, also the `<event>.headers`
/// beside it.
macro_rules! fixture {
    ($dir:literal, $name:literal) => {
        Template {
            headers: "",
            body: include_str!(concat!("../../../fixtures/", $dir, "/", $name, ".json")),
        }
    };
    ($dir:literal, $name:literal, headers) => {
        Template {
            headers: include_str!(concat!("../../../fixtures/", $dir, "/", $name, ".headers")),
            body: include_str!(concat!("../../../fixtures/", $dir, "/", $name, ".json")),
        }
    };
}

const COOLEDGE: &[Template] = &[
    fixture!("cooledge", "lead.won"),
    fixture!("cooledge", "customer.created"),
    fixture!("cooledge", "job.completed"),
];

const LEADRON: &[Template] = &[
    fixture!("leadron", "lead.created"),
    fixture!("leadron", "lead.updated"),
    fixture!("leadron", "lead.deleted"),
    fixture!("leadron", "opportunity.created"),
    fixture!("leadron", "opportunity.stage_changed"),
    fixture!("leadron", "opportunity.won"),
    fixture!("leadron", "opportunity.lost"),
    fixture!("leadron", "task.created"),
    fixture!("leadron", "task.completed"),
    fixture!("leadron", "form.submitted"),
    fixture!("leadron", "partner.registered"),
    fixture!("leadron", "partner.approved"),
    fixture!("leadron", "commission.earned"),
    fixture!("leadron", "commission.paid"),
];

/// Every event of the CRM's catalog, in its order.
const CRM: &[Template] = &[
    fixture!("event-timestamp-payload", "lead.created"),
    fixture!("event-timestamp-payload", "lead.updated"),
    fixture!("event-timestamp-payload", "lead.deleted"),
    fixture!("event-timestamp-payload", "lead.stageChanged"),
    fixture!("event-timestamp-payload", "deal.created"),
    fixture!("event-timestamp-payload", "deal.updated"),
    fixture!("event-timestamp-payload", "deal.deleted"),
    fixture!("event-timestamp-payload", "deal.stageChanged"),
    fixture!("event-timestamp-payload", "client.created"),
    fixture!("event-timestamp-payload", "client.updated"),
    fixture!("event-timestamp-payload", "client.deleted"),
    fixture!("event-timestamp-payload", "contact.created"),
    fixture!("event-timestamp-payload", "contact.updated"),
    fixture!("event-timestamp-payload", "contact.deleted"),
    fixture!("event-timestamp-payload", "contact.stageChanged"),
    fixture!("event-timestamp-payload", "invoice.created"),
    fixture!("event-timestamp-payload", "invoice.updated"),
    fixture!("event-timestamp-payload", "invoice.paid"),
    fixture!("event-timestamp-payload", "invoice.deleted"),
    fixture!("event-timestamp-payload", "invoice.statusChanged"),
    fixture!("event-timestamp-payload", "quotation.created"),
    fixture!("event-timestamp-payload", "quotation.updated"),
    fixture!("event-timestamp-payload", "quotation.deleted"),
    fixture!("event-timestamp-payload", "quotation.statusChanged"),
    fixture!("event-timestamp-payload", "payment.received"),
    fixture!("event-timestamp-payload", "form.response.created"),
];

const STRIPE: &[Template] = &[
    fixture!("stripe", "invoice.paid", headers),
    fixture!("stripe", "payment_intent.succeeded", headers),
    fixture!("stripe", "customer.created", headers),
    fixture!("stripe", "charge.refunded", headers),
];

const GITHUB: &[Template] = &[
    fixture!("github", "push", headers),
    fixture!("github", "pull_request.opened", headers),
    fixture!("github", "issues.closed", headers),
];

const SHOPIFY: &[Template] = &[
    fixture!("shopify", "orders-create", headers),
    fixture!("shopify", "customers-update", headers),
];

const SLACK: &[Template] = &[fixture!("slack", "message", headers)];

const STANDARD: &[Template] = &[fixture!("standard-webhooks", "invoice.paid", headers)];

const UNKNOWN: &[Template] = &[Template {
    headers: "User-Agent: internal-notifier/2.3\n",
    body: r#"{"kind":"sync.finished","records":1204,"customer":"acme","ok":true}"#,
}];

const MIX: &[Mix] = &[
    Mix {
        vendor: Some("stripe"),
        share: 220,
        templates: STRIPE,
    },
    Mix {
        vendor: Some("github"),
        share: 130,
        templates: GITHUB,
    },
    Mix {
        vendor: Some("cooledge"),
        share: 140,
        templates: COOLEDGE,
    },
    Mix {
        vendor: Some("leadron"),
        share: 140,
        templates: LEADRON,
    },
    Mix {
        vendor: Some("event-timestamp-payload"),
        share: 120,
        templates: CRM,
    },
    Mix {
        vendor: Some("shopify"),
        share: 80,
        templates: SHOPIFY,
    },
    Mix {
        vendor: Some("standard-webhooks"),
        share: 60,
        templates: STANDARD,
    },
    Mix {
        vendor: Some("slack"),
        share: 40,
        templates: SLACK,
    },
    Mix {
        vendor: None,
        share: 60,
        templates: UNKNOWN,
    },
    // Binary bodies: no template, random bytes.
    Mix {
        vendor: None,
        share: 10,
        templates: &[],
    },
];

/// Words the padding is drawn from, so that full-text search meets a realistic vocabulary.
const WORDS: &[&str] = &[
    "account",
    "address",
    "amount",
    "approved",
    "balance",
    "billing",
    "cancelled",
    "card",
    "checkout",
    "city",
    "company",
    "confirmed",
    "contact",
    "country",
    "created",
    "credit",
    "currency",
    "customer",
    "date",
    "delivery",
    "description",
    "discount",
    "email",
    "estimate",
    "failed",
    "invoice",
    "item",
    "job",
    "lead",
    "line",
    "message",
    "method",
    "note",
    "number",
    "order",
    "owner",
    "paid",
    "partner",
    "payment",
    "pending",
    "phone",
    "price",
    "product",
    "quantity",
    "quote",
    "reference",
    "refund",
    "region",
    "renewal",
    "request",
    "schedule",
    "service",
    "shipping",
    "source",
    "stage",
    "status",
    "street",
    "subscription",
    "subtotal",
    "task",
    "tax",
    "team",
    "total",
    "trial",
    "updated",
    "user",
    "visit",
    "warranty",
    "won",
];

/// A stream of [`Sample`]s.
pub struct Generator {
    rng: fastrand::Rng,
    opts: Options,
    profiles: Vec<Option<VendorProfile>>,
    secrets: Vec<Option<String>>,
    produced: u64,
    /// Recent signed samples, for retries and conflicts.
    recent: VecDeque<(usize, String, Sample)>,
}

impl Generator {
    pub fn new(registry: &Registry, opts: Options) -> Generator {
        let profiles: Vec<Option<VendorProfile>> = MIX
            .iter()
            .map(|m| m.vendor.and_then(|v| registry.get(v).cloned()))
            .collect();
        let secrets = profiles
            .iter()
            .map(|p| {
                let p = p.as_ref()?;
                Some(secret_for(&p.id, p.signature.as_ref()?.secret))
            })
            .collect();
        Generator {
            rng: fastrand::Rng::with_seed(opts.seed),
            opts,
            profiles,
            secrets,
            produced: 0,
            recent: VecDeque::with_capacity(512),
        }
    }

    /// The receive time of the `n`th delivery: evenly spread, in order, with jitter.
    fn time_of(&mut self, n: u64) -> i64 {
        let span = i64::from(self.opts.days.max(1)) * 86_400_000_000;
        let start = self.opts.end_us - span;
        let step = span / self.opts.count.max(1) as i64;
        start + n as i64 * step + self.rng.i64(0..step.max(1))
    }

    fn body_size(&mut self) -> usize {
        let (lo, hi) = match self.rng.u32(0..1000) {
            0..600 => (200, 1024),
            600..900 => (1024, 4096),
            900..990 => (4096, 16_384),
            _ => (16_384, 65_536),
        };
        self.rng.usize(lo..hi)
    }

    fn words(&mut self, bytes: usize) -> String {
        let mut text = String::with_capacity(bytes + 16);
        while text.len() < bytes {
            if !text.is_empty() {
                text.push(' ');
            }
            if self.rng.u32(0..10_000) == 0 {
                text.push_str(RARE_WORD);
            } else {
                text.push_str(WORDS[self.rng.usize(0..WORDS.len())]);
            }
        }
        text.truncate(bytes);
        text
    }

    fn fresh(&mut self, at: i64) -> (usize, String, Sample) {
        let mut pick = self.rng.u32(0..MIX.iter().map(|m| m.share).sum());
        let which = MIX
            .iter()
            .position(|m| {
                let hit = pick < m.share;
                pick = pick.saturating_sub(m.share);
                hit
            })
            .unwrap_or(0);
        let size = self.body_size();
        let template = self.rng.usize(0..MIX[which].templates.len().max(1));
        let (id, mut sample) = self.build(which, template, size, at);
        if MIX[which].templates.is_empty() {
            return (which, id, sample);
        }
        // 2 % signed with a secret the endpoint does not know, 0.5 % not signed at all.
        let roll = self.rng.u32(0..1000);
        if roll >= 5 {
            let secret = if roll < 25 {
                Some("a-secret-the-endpoint-does-not-know".to_owned())
            } else {
                self.secrets[which].clone()
            };
            self.sign(which, &mut sample, &id, secret.as_deref());
        }
        (which, id, sample)
    }

    /// One unsigned delivery of `MIX[which]` from its `template`th template, padded to about
    /// `size` bytes, with a fresh event id (returned beside it).
    fn build(&mut self, which: usize, template: usize, size: usize, at: i64) -> (String, Sample) {
        let mix = &MIX[which];
        if mix.templates.is_empty() {
            let mut body = vec![0u8; size];
            self.rng.fill(&mut body);
            return (
                String::new(),
                Sample {
                    path: "/gen/upload".to_owned(),
                    headers: vec![("Content-Type".into(), "application/octet-stream".into())],
                    body,
                    received_at_us: at,
                    content_type: "application/octet-stream",
                },
            );
        }
        let template = &mix.templates[template % mix.templates.len()];
        let mut json: Value = serde_json::from_str(template.body).unwrap_or(Value::Null);
        let mut headers: Vec<(String, String)> =
            vec![("Content-Type".into(), "application/json".into())];
        headers.extend(template.headers.lines().filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        }));
        // A vendor whose documents name no User-Agent gets a plain one of its name.
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("user-agent"))
        {
            let agent = mix.vendor.map_or_else(
                || "hookscope-generate".to_owned(),
                |v| format!("{v}-webhooks/1.0"),
            );
            headers.insert(1, ("User-Agent".into(), agent));
        }
        let r = self.rng.u128(..);
        let id = match mix.vendor {
            Some("stripe") => format!("evt_{:024x}", r >> 32),
            _ => uuid::Builder::from_random_bytes(r.to_le_bytes())
                .into_uuid()
                .to_string(),
        };
        if let Some(profile) = &self.profiles[which] {
            set_sources(
                &mut json,
                &mut headers,
                &profile.envelope.id,
                &Value::from(id.clone()),
            );
            for d in &profile.dedupe {
                for h in &d.headers {
                    upsert(&mut headers, h, &id);
                }
            }
            set_time(&mut json, &profile.envelope.occurred_at, at);
        }
        let pad = size.saturating_sub(template.body.len());
        if pad > 0 {
            let note = Value::from(self.words(pad));
            let data = self.profiles[which]
                .as_ref()
                .and_then(|p| p.envelope.data.clone())
                .unwrap_or_default();
            match json.pointer_mut(&data).and_then(Value::as_object_mut) {
                Some(obj) => obj.insert("notes".into(), note),
                None => json
                    .as_object_mut()
                    .and_then(|obj| obj.insert("notes".into(), note)),
            };
        }
        let body = serde_json::to_vec(&json).unwrap_or_default();
        let path = match mix.vendor {
            Some(v) => format!("{PATH_PREFIX}{v}"),
            None => format!("{PATH_PREFIX}internal"),
        };
        let sample = Sample {
            path,
            headers,
            body,
            received_at_us: at,
            content_type: "application/json",
        };
        (id, sample)
    }

    fn sign(&self, which: usize, sample: &mut Sample, id: &str, secret: Option<&str>) {
        let (Some(profile), Some(secret)) = (&self.profiles[which], secret) else {
            return;
        };
        let Some(scheme) = &profile.signature else {
            return;
        };
        let secret = match scheme.secret {
            // A wrong whsec_ secret must still be readable, or it tests something else.
            signature::SecretFormat::Whsec if !secret.starts_with("whsec_") => {
                "whsec_d3Jvbmcgc2VjcmV0"
            }
            _ => secret,
        };
        let signed = signature::sign(
            scheme,
            &sample.body,
            SignParams {
                secret,
                id: Some(id),
                timestamp: sample.received_at_us / 1_000_000,
            },
        );
        for (name, value) in signed.unwrap_or_default() {
            upsert(&mut sample.headers, &name, &value);
        }
    }
}

impl Iterator for Generator {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        if self.produced >= self.opts.count {
            return None;
        }
        let at = self.time_of(self.produced);
        let roll = self.rng.u32(0..1000);
        let sample = if roll < 33 && !self.recent.is_empty() {
            // 3 % retries: the same request again, later (its signature re-made for the new
            // time, as a sender's retry does); 0.3 % of them changed: a conflict.
            let (which, id, mut again) = self.recent[self.rng.usize(0..self.recent.len())].clone();
            again.received_at_us = at;
            if roll < 3 && again.content_type == "application/json" {
                again
                    .body
                    .splice(1..1, br#""changed_on_retry":true,"#.iter().copied());
            }
            let secret = self.secrets[which].clone();
            self.sign(which, &mut again, &id, secret.as_deref());
            again
        } else {
            let (which, id, fresh) = self.fresh(at);
            if self.recent.len() == self.recent.capacity() {
                self.recent.pop_front();
            }
            if fresh.content_type == "application/json" {
                self.recent.push_back((which, id, fresh.clone()));
            }
            fresh
        };
        self.produced += 1;
        Some(sample)
    }
}

fn upsert(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    match headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        Some(h) => h.1 = value.to_owned(),
        None => headers.push((name.to_owned(), value.to_owned())),
    }
}

/// Writes `value` everywhere `sources` says the field may live: the first header source, and
/// every pointer the body already has, so that header and body agree.
fn set_sources(
    json: &mut Value,
    headers: &mut Vec<(String, String)>,
    sources: &[FieldSource],
    value: &Value,
) {
    if let Some(h) = sources.iter().find_map(|s| s.header.as_ref()) {
        upsert(headers, h, value.as_str().unwrap_or_default());
    }
    for p in sources.iter().filter_map(|s| s.pointer.as_ref()) {
        if let Some(slot) = json.pointer_mut(p) {
            *slot = value.clone();
        }
    }
}

fn set_time(json: &mut Value, sources: &[FieldSource], at_us: i64) {
    let Some(source) = sources.first() else {
        return;
    };
    let Some(slot) = source.pointer.as_deref().and_then(|p| json.pointer_mut(p)) else {
        return;
    };
    // Sent a little before it arrived, as a real delivery is.
    let sent = at_us - 350_000;
    *slot = match source.format {
        Some(TimeFormat::UnixSeconds) => Value::from(sent / 1_000_000),
        None => Value::from(
            humantime::format_rfc3339_millis(
                std::time::UNIX_EPOCH + std::time::Duration::from_micros(sent.max(0) as u64),
            )
            .to_string(),
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(count: u64) -> Options {
        Options {
            count,
            days: 30,
            end_us: 1_800_000_000_000_000,
            seed: 7,
        }
    }

    #[test]
    fn same_seed_same_deliveries_in_time_order() {
        let registry = Registry::builtin();
        let a: Vec<Sample> = Generator::new(&registry, opts(300)).collect();
        let b: Vec<Sample> = Generator::new(&registry, opts(300)).collect();
        assert_eq!(a.len(), 300);
        assert!(a.iter().zip(&b).all(|(x, y)| x.body == y.body));
        assert!(
            a.windows(2)
                .all(|w| w[0].received_at_us <= w[1].received_at_us)
        );
        let span = a.last().unwrap().received_at_us - a[0].received_at_us;
        assert!(span > 29 * 86_400_000_000, "spread over 30 days: {span}");
    }

    /// Every fixture a sample is built from (`fixtures/<vendor>/<event>.json` and its headers)
    /// decodes as its vendor and event, with a valid signature from the endpoint's secret and
    /// no validation warning; the CRM's whole catalog is there.
    #[test]
    fn every_fixture_decodes_as_its_vendor_and_event_signed() {
        let registry = Registry::builtin();
        let endpoints = endpoints(&registry);
        let mut crm = 0;
        for vendor in sample_vendors() {
            let mix = MIX.iter().find(|m| m.vendor == Some(vendor)).unwrap();
            let endpoint = endpoints
                .iter()
                .find(|e| e.vendor.as_deref() == Some(vendor));
            for pick in 0..mix.templates.len() {
                let s = sample(&registry, vendor, None, pick).unwrap();
                let analysis = registry.analyze(&crate::vendor::Inspect {
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
    fn sizes_span_the_range_and_some_are_binary() {
        let registry = Registry::builtin();
        let all: Vec<Sample> = Generator::new(&registry, opts(5000)).collect();
        let sizes: Vec<usize> = all.iter().map(|s| s.body.len()).collect();
        assert!(sizes.iter().all(|n| (60..=66_000).contains(n)), "{sizes:?}");
        assert!(sizes.iter().any(|&n| n > 16_384));
        assert!(
            all.iter()
                .any(|s| s.content_type == "application/octet-stream")
        );
    }
}
