//! Realistic deliveries in bulk, for benchmarks, demos and the UI's large-store checks
//! (`hookscope generate`): the vendors with examples in the shares their profiles give
//! (`samples.share`), each event with a fresh id and its vendor's headers, signed with its
//! endpoint's secret; bodies from 200 B to 64 KiB, some binary, some signed with the wrong secret
//! or not at all, some sent again (retries) or sent again changed (conflicts), received over a
//! span of days.
//!
//! The id, time and type fields are found through the vendor profiles, so a generated delivery
//! decodes exactly as a real one would.

use std::collections::VecDeque;

use serde_json::Value;

use super::{PATH_PREFIX, RARE_WORD, Sample, Template};
use crate::profile::{FieldSource, Registry, TimeFormat, VendorProfile};
use crate::signature::{self, SignParams};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenerateOptions {
    pub count: u64,
    /// The deliveries are received over this many days, ending at `end_us`.
    pub days: u32,
    pub end_us: i64,
    /// The same seed gives the same deliveries.
    pub seed: u64,
}

/// A share of the traffic: a vendor's examples, unrecognised JSON (`vendor` none, one template),
/// or binary bodies (no template).
struct Mix {
    vendor: Option<Vendor>,
    /// Parts per thousand.
    share: u32,
    templates: Vec<Template>,
}

struct Vendor {
    profile: VendorProfile,
    /// The secret of its generated endpoint ([`super::endpoints`]).
    secret: Option<String>,
}

/// JSON that no profile recognises.
fn unknown() -> Template {
    Template {
        name: "internal".into(),
        headers: "User-Agent: internal-notifier/2.3\n".into(),
        body: r#"{"kind":"sync.finished","records":1204,"customer":"acme","ok":true}"#.into(),
    }
}

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
    opts: GenerateOptions,
    mix: Vec<Mix>,
    produced: u64,
    /// Recent signed samples, for retries and conflicts.
    recent: VecDeque<(usize, String, Sample)>,
}

impl Generator {
    pub fn new(registry: &Registry, opts: GenerateOptions) -> Generator {
        let mut mix: Vec<Mix> = registry
            .profiles()
            .filter_map(|profile| {
                let templates = super::templates(profile);
                if templates.is_empty() {
                    return None;
                }
                let secret = profile
                    .signature
                    .as_ref()
                    .map(|s| super::secret_for(&profile.id, s.secret));
                Some(Mix {
                    share: profile.samples.share,
                    templates,
                    vendor: Some(Vendor {
                        profile: profile.clone(),
                        secret,
                    }),
                })
            })
            .collect();
        mix.push(Mix {
            share: 60,
            templates: vec![unknown()],
            vendor: None,
        });
        // Binary bodies: no template, random bytes.
        mix.push(Mix {
            share: 10,
            templates: Vec::new(),
            vendor: None,
        });
        Generator {
            rng: fastrand::Rng::with_seed(opts.seed),
            opts,
            mix,
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

    /// One delivery of `vendor` from its `pick`th example (wrapping around), received at `at`,
    /// not padded, signed with `secret` or its generated endpoint's.
    pub(super) fn one(
        mut self,
        vendor: &str,
        pick: usize,
        at: i64,
        secret: Option<&str>,
    ) -> Option<Sample> {
        let which = self
            .mix
            .iter()
            .position(|m| m.vendor.as_ref().is_some_and(|v| v.profile.id == vendor))?;
        let (id, mut sample) = self.build(which, pick, 0, at);
        let secret = secret.map(str::to_owned).or_else(|| self.secret(which));
        self.sign(which, &mut sample, &id, secret.as_deref());
        Some(sample)
    }

    /// One unsigned delivery of `vendor` from its `pick`th example, received at `at`, with a
    /// fresh event id (returned beside it): what `hookscope check` signs its own ways.
    pub(super) fn unsigned(
        mut self,
        vendor: &str,
        pick: usize,
        at: i64,
    ) -> Option<(String, Sample)> {
        let which = self
            .mix
            .iter()
            .position(|m| m.vendor.as_ref().is_some_and(|v| v.profile.id == vendor))?;
        Some(self.build(which, pick, 0, at))
    }

    fn secret(&self, which: usize) -> Option<String> {
        self.mix[which].vendor.as_ref()?.secret.clone()
    }

    fn fresh(&mut self, at: i64) -> (usize, String, Sample) {
        let mut pick = self
            .rng
            .u32(0..self.mix.iter().map(|m| m.share).sum::<u32>().max(1));
        let which = self
            .mix
            .iter()
            .position(|m| {
                let hit = pick < m.share;
                pick = pick.saturating_sub(m.share);
                hit
            })
            .unwrap_or(0);
        let size = self.body_size();
        let template = self.rng.usize(0..self.mix[which].templates.len().max(1));
        let (id, mut sample) = self.build(which, template, size, at);
        if self.mix[which].vendor.is_none() {
            return (which, id, sample);
        }
        // 2 % signed with a secret the endpoint does not know, 0.5 % not signed at all.
        let roll = self.rng.u32(0..1000);
        if roll >= 5 {
            let secret = if roll < 25 {
                Some("a-secret-the-endpoint-does-not-know".to_owned())
            } else {
                self.secret(which)
            };
            self.sign(which, &mut sample, &id, secret.as_deref());
        }
        (which, id, sample)
    }

    /// One unsigned delivery of `self.mix[which]` from its `template`th template, padded to
    /// about `size` bytes, with a fresh event id (returned beside it).
    fn build(&mut self, which: usize, template: usize, size: usize, at: i64) -> (String, Sample) {
        let mix = &self.mix[which];
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
        let template = mix.templates[template % mix.templates.len()].clone();
        let profile = mix.vendor.as_ref().map(|v| &v.profile);
        let mut json: Value = serde_json::from_str(&template.body).unwrap_or(Value::Null);
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
            let agent = profile.map_or_else(
                || "hookscope-generate".to_owned(),
                |p| format!("{}-webhooks/1.0", p.id),
            );
            headers.insert(1, ("User-Agent".into(), agent));
        }
        let r = self.rng.u128(..);
        let id = match profile.and_then(|p| p.samples.id_prefix.as_deref()) {
            Some(prefix) => format!("{prefix}{:024x}", r >> 32),
            None => uuid::Builder::from_random_bytes(r.to_le_bytes())
                .into_uuid()
                .to_string(),
        };
        let path = match profile {
            Some(p) => format!("{PATH_PREFIX}{}", p.id),
            None => format!("{PATH_PREFIX}internal"),
        };
        let profile = profile.cloned();
        if let Some(profile) = &profile {
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
            let data = profile
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
        let (Some(vendor), Some(secret)) = (&self.mix[which].vendor, secret) else {
            return;
        };
        let Some(scheme) = &vendor.profile.signature else {
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
            let secret = self.secret(which);
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

pub(crate) fn upsert(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
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
pub(crate) fn set_sources(
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
    // Written as the example writes it: a vendor with Unix times may send some events with
    // RFC 3339 ones (Stripe's thin events).
    *slot = match source.format {
        Some(TimeFormat::UnixSeconds) if !slot.is_string() => Value::from(sent / 1_000_000),
        _ => Value::from(
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

    #[test]
    fn a_fresh_time_is_written_as_the_example_writes_it() {
        let unix = [FieldSource {
            header: None,
            pointer: Some("/created".into()),
            format: Some(TimeFormat::UnixSeconds),
        }];
        let at_us = 1_800_000_000_350_000;
        // A snapshot event's Unix seconds, and a thin event's RFC 3339 under the same profile.
        let mut snapshot = serde_json::json!({"created": 1});
        set_time(&mut snapshot, &unix, at_us);
        assert_eq!(snapshot["created"], 1_800_000_000);
        let mut thin = serde_json::json!({"created": "2024-09-17T06:20:52.246Z"});
        set_time(&mut thin, &unix, at_us);
        assert_eq!(thin["created"], "2027-01-15T08:00:00.000Z");
    }

    fn opts(count: u64) -> GenerateOptions {
        GenerateOptions {
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
