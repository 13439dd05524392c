//! The analysis every delivery gets, wherever it comes from (the capture listener, an import,
//! re-verification after the endpoints changed, the benchmark generator): decode the envelope,
//! verify the signature, validate the payload, and (where a learner is given) say how the payload
//! differs from the earlier ones of its event type before learning from it. Guarded, so that a bug costs the analysis and
//! never the delivery.

use super::{Analysis, Finding, Inspect, Registry};
use crate::config::Endpoints;
use crate::learn::Learner;
use crate::signature::SignatureStatus;

/// The analysis of a delivery, with the facts the store indexes drawn out of it.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub analysis: Analysis,
    /// `analysis` as JSON, made off the writer thread.
    pub json: String,
    /// The body as parsed for the analysis (an object or an array), for the rules to read
    /// rather than parse again; capture takes it before the delivery goes to the store.
    pub body: Option<std::sync::Arc<serde_json::Value>>,
}

impl Decoded {
    pub fn new(analysis: Analysis) -> Self {
        let json = serde_json::to_string(&analysis).unwrap_or_default();
        Decoded {
            analysis,
            json,
            body: None,
        }
    }

    pub fn warnings(&self) -> usize {
        self.analysis
            .validation
            .iter()
            .filter(|f| f.level == "warning")
            .count()
    }
}

/// A delivery as analysis sees it: what was received, and when.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// The request head in wire form.
    pub head: &'a [u8],
    pub body: &'a [u8],
    pub received_at_us: i64,
    /// The body was cut short at capture.
    pub truncated: bool,
}

impl Registry {
    /// Decodes, verifies and validates a delivery that came to `endpoint` (an index into
    /// `endpoints`). With a `learner`, a JSON payload of a known vendor and event type is folded
    /// into that type's learned shape, and its drift from the earlier ones noted (`info`). A
    /// panic inside is caught: the delivery then carries a finding that says so.
    pub fn analyze_delivery(
        &self,
        endpoints: &Endpoints,
        endpoint: Option<usize>,
        received: Received<'_>,
        learner: Option<&Learner>,
    ) -> Decoded {
        let run = || self.analyze_unguarded(endpoints, endpoint, received, learner);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
            .unwrap_or_else(|panic| failed_analysis(&panic_text(&*panic)))
    }

    fn analyze_unguarded(
        &self,
        endpoints: &Endpoints,
        endpoint: Option<usize>,
        received: Received<'_>,
        learner: Option<&Learner>,
    ) -> Decoded {
        let headers = crate::head::header_pairs(received.head);
        let json = super::parse_json(received.body);
        let inspect = Inspect {
            headers: &headers,
            body: received.body,
            received_at_us: received.received_at_us,
            endpoint: endpoint.map(|i| &endpoints.list[i]),
            all_secrets: &endpoints.all_secrets,
        };
        let mut analysis = self.analyze_json(&inspect, json.as_ref());
        // A body cut short is not what the vendor sends: nothing to learn from it.
        if let (Some(learner), Some(json), Some(vendor), Some(event_type), false) = (
            learner,
            &json,
            &analysis.vendor,
            &analysis.event.event_type,
            received.truncated,
        ) && let Some(folded) = learner.fold(vendor, event_type, json, received.received_at_us)
        {
            // At most `learn::shape`'s twenty, after the vendor's own findings.
            analysis.validation.extend(
                folded
                    .drift
                    .iter()
                    .map(|d| Finding::drift(d, folded.earlier, event_type)),
            );
        }
        if received.truncated && analysis.signature.status == SignatureStatus::Invalid {
            analysis.signature.reason =
                Some("the body was truncated (see the note), so its signature cannot match".into());
            analysis.signature.doctor = None;
        }
        Decoded {
            body: json.map(std::sync::Arc::new),
            ..Decoded::new(analysis)
        }
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// What a delivery carries when its analysis failed: no vendor, no signature verdict, and a
/// finding that says why.
pub fn failed_analysis(why: &str) -> Decoded {
    tracing::error!(%why, "delivery analysis failed; the delivery is stored without it");
    Decoded::new(Analysis {
        vendor: None,
        detected_by: None,
        event: Default::default(),
        signature: crate::signature::no_scheme(None),
        validation: vec![Finding::warning(
            "",
            format!(
                "Hookscope could not analyse this delivery ({why}); it is stored as received. Please report this."
            ),
        )],
        dedupe: None,
    })
}
