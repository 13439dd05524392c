//! What the rules would do with one request, without sending or storing anything: what
//! `hookscope rules test` prints and the rules editor shows for a stored delivery.

use indexmap::IndexMap;
use serde::Serialize;

use super::{Facts, Forwarding, RuleSet};
use crate::config::{EndpointConfig, ForwardConfig};

/// What the rules would do with a request: which apply, and the answer and forwards that follow.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RuleTrial {
    /// What the rules were shown of the request.
    pub facts: TrialFacts,
    /// The rules whose conditions known before storing hold, in order; the arrival and the
    /// duplicate kind decide among them.
    pub considered: Vec<String>,
    /// The rules that would apply, in order; empty when none would.
    pub applied: Vec<String>,
    /// The answer's status (a rule's, else the endpoint's, else 200). With `pass_through` the
    /// sender gets the first target's instead.
    pub status: u16,
    /// The answer's headers: the endpoint's, with those a rule sets in their place.
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub headers: IndexMap<String, String>,
    /// The answer's body: a rule's (rendered) or the endpoint's; `null` for the default, JSON
    /// naming the stored delivery.
    pub body: Option<String>,
    /// Waited before answering, in milliseconds.
    pub delay_ms: Option<u64>,
    /// Where the delivery would be forwarded.
    pub forward: Vec<String>,
    /// What decides `forward`.
    pub forward_from: ForwardFrom,
    /// The sender would get the first target's answer.
    pub pass_through: bool,
    /// Why a rule's answer could not be made (the endpoint's would be given).
    pub errors: Vec<String>,
    /// What the rules did, as the delivery would record it; `null` when none applied.
    pub did: Option<String>,
}

/// What decides where a delivery is forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum ForwardFrom {
    /// A rule: its targets, or nowhere.
    Rule,
    /// The endpoint's forward (or `serve --forward-to`).
    Endpoint,
    /// Nothing forwards it.
    None,
}

/// The request as the rules see it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TrialFacts {
    pub method: String,
    pub path: String,
    /// The endpoint prefix it would come to.
    pub endpoint: Option<String>,
    pub vendor: Option<String>,
    pub event_type: Option<String>,
    pub event_id: Option<String>,
    /// The signature verdict.
    pub signature: Option<String>,
    /// Its duplicate kind (`first`, `retry`, `conflict`); `null` without an event id.
    pub duplicate: Option<String>,
    /// Which arrival of its event id it is (1 for the first).
    pub arrival: Option<u64>,
}

/// What `set` would do with the request `facts` describes, as the `duplicate` arrival of its
/// event id (kind and number), on `endpoint`; `default_forward` is `serve --forward-to`'s.
pub fn trial(
    set: &RuleSet,
    facts: &Facts<'_>,
    duplicate: Option<(&str, u64)>,
    endpoint: Option<&EndpointConfig>,
    default_forward: Option<&ForwardConfig>,
) -> RuleTrial {
    let considered = set.consider(facts);
    let decision = considered.decide(duplicate);
    let response = endpoint.and_then(|e| e.response.as_ref());
    let mut headers: IndexMap<String, String> =
        response.map(|r| r.headers.clone()).unwrap_or_default();
    for (name, value) in &decision.headers {
        headers.retain(|n, _| !n.eq_ignore_ascii_case(name.as_str()));
        headers.insert(
            name.as_str().to_owned(),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        );
    }
    let own_forward = endpoint
        .and_then(|e| e.forward.as_ref())
        .or(default_forward);
    let (forward, forward_from, pass_through) = match &decision.forward {
        Forwarding::AsEndpoint => match own_forward {
            Some(f) => (
                vec![f.to.clone()],
                ForwardFrom::Endpoint,
                f.pass_through || decision.pass_through,
            ),
            None => (Vec::new(), ForwardFrom::None, false),
        },
        Forwarding::Skip => (Vec::new(), ForwardFrom::Rule, false),
        Forwarding::To(targets) => (targets.clone(), ForwardFrom::Rule, decision.pass_through),
    };
    let outcome = decision.outcome();
    RuleTrial {
        facts: TrialFacts {
            method: facts.method.to_owned(),
            path: facts.path.to_owned(),
            endpoint: facts.endpoint.map(str::to_owned),
            vendor: facts.vendor.map(str::to_owned),
            event_type: facts.event_type.map(str::to_owned),
            event_id: facts.event_id.map(str::to_owned),
            signature: facts.signature.map(str::to_owned),
            duplicate: duplicate.map(|(kind, _)| kind.to_owned()),
            arrival: duplicate.map(|(_, nth)| nth),
        },
        considered: considered.labels(),
        applied: decision.rules.iter().map(|r| r.to_string()).collect(),
        status: decision
            .status
            .or(response.map(|r| r.status))
            .unwrap_or(200),
        headers,
        body: decision
            .body
            .clone()
            .or_else(|| response.and_then(|r| r.body.clone())),
        delay_ms: decision
            .delay
            .or(response.and_then(|r| r.delay))
            .map(|d| d.as_millis().min(u64::MAX as u128) as u64),
        forward,
        forward_from,
        pass_through,
        errors: decision.errors.clone(),
        did: outcome.map(|o| o.did),
    }
}
