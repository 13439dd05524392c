//! The rules in force: read, checked as the editor types, saved to the config file and put in
//! force, reloaded from the file, and tried on a stored delivery without sending anything.

use http::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use super::{Control, blocking};
use crate::config::{Config, EndpointConfig, Endpoints, ForwardConfig};
use crate::error::{Error, Result};
use crate::events::StreamEvent;
use crate::model::Delivery;
use crate::rules::{
    CompileError, EndpointRules, ReloadSource, RuleSet, RuleSources, RuleTrial, RulesReload,
};

/// The rules in force: the global ones, every endpoint's (empty for one without), and when
/// they were put in force.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RulesInForce {
    pub global: Vec<crate::config::RuleConfig>,
    /// Every endpoint in force, with its own rules.
    pub endpoints: Vec<EndpointRules>,
    pub reload: RulesReload,
}

/// What is wrong with rules being edited: one problem per rule at most.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RulesChecked {
    pub problems: Vec<CompileError>,
}

/// A stored delivery to try rules on: the rules in force, or `rules` as edited.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TryRules {
    pub delivery: i64,
    /// Try it as this arrival of its event id; by default the arrival it was.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub arrival: Option<u64>,
    /// Rules being edited; by default the ones in force.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub rules: Option<RuleSources>,
}

impl Control {
    /// The rules in force and when they were put in force.
    pub fn rules(&self) -> RulesInForce {
        let set = self.inner.rules.current();
        let sources = set.sources();
        RulesInForce {
            global: sources.global.clone(),
            endpoints: self
                .inner
                .endpoints
                .get()
                .list
                .iter()
                .map(|e| EndpointRules {
                    path: e.path.clone(),
                    rules: e.rules.clone(),
                })
                .collect(),
            reload: self.inner.rules.status(),
        }
    }

    /// What is wrong with `rules`, per rule: the editor shows each where it is edited.
    pub fn check_rules(&self, rules: &RuleSources) -> RulesChecked {
        let mut problems = rules.problems(&self.vendor_ids());
        let endpoints = self.inner.endpoints.get();
        for e in &rules.endpoints {
            if endpoints.by_path(&e.path).is_none() {
                problems.push(CompileError {
                    rule: format!("endpoint {}", e.path),
                    endpoint: Some(e.path.clone()),
                    index: 0,
                    key: String::new(),
                    message: "there is no endpoint with this path prefix; add it first".into(),
                });
            }
        }
        RulesChecked { problems }
    }

    /// Puts `rules` in force for the next delivery and writes them to the config file (the
    /// global ones as `[[rules]]`, each endpoint's in its `[[endpoints]]`), refusing rules with
    /// a problem.
    pub async fn save_rules(&self, rules: RuleSources) -> Result<RulesInForce> {
        let _one_at_a_time = self.inner.rules_saving.lock().await;
        if let Some(first) = self.check_rules(&rules).problems.into_iter().next() {
            return Err(Error::Invalid(first.to_string()));
        }
        let endpoints = with_rules(&self.inner.endpoints.get(), &rules.endpoints);
        let set = RuleSet::compile(
            &RuleSources::of(&rules.global, &endpoints),
            &self.vendor_ids(),
        )
        .map_err(|e| Error::Invalid(e.to_string()))?;
        let (path, global, list) = (
            self.inner.config_path.clone(),
            rules.global.clone(),
            endpoints.clone(),
        );
        blocking(move || crate::config::write_rules(&path, &global, &list)).await?;
        self.put_in_force(set, endpoints, ReloadSource::Ui);
        Ok(self.rules())
    }

    /// Reads the config file's rules again and puts them in force (`source` says why). A file
    /// that does not load, or rules that do not compile, leave the rules in force; the reload
    /// status says why, and so does the error.
    pub async fn reload_rules(&self, source: ReloadSource) -> Result<RulesInForce> {
        let _one_at_a_time = self.inner.rules_saving.lock().await;
        let path = self.inner.config_path.clone();
        let loaded = blocking(move || Config::load(&path, false)).await;
        let compiled = loaded.and_then(|config| {
            let own: Vec<EndpointRules> = config
                .endpoints
                .iter()
                .map(|e| EndpointRules {
                    path: e.path.clone(),
                    rules: e.rules.clone(),
                })
                .collect();
            let endpoints = with_rules(&self.inner.endpoints.get(), &own);
            let set = RuleSet::compile(
                &RuleSources::of(&config.rules, &endpoints),
                &self.vendor_ids(),
            )
            .map_err(|e| Error::Config {
                path: self.inner.config_path.clone(),
                message: e.to_string(),
            })?;
            Ok((set, endpoints))
        });
        match compiled {
            Ok((set, _))
                if source == ReloadSource::File
                    && set.sources() == self.inner.rules.current().sources()
                    && self.inner.rules.status().failed.is_none() =>
            {
                // The file holds the rules in force (it was just saved from here, say).
                Ok(self.rules())
            }
            Ok((set, endpoints)) => {
                let count = set.len();
                self.put_in_force(set, endpoints, source);
                tracing::info!(rules = count, file = %self.inner.config_path.display(), "rules reloaded");
                Ok(self.rules())
            }
            Err(e) => {
                tracing::warn!(
                    file = %self.inner.config_path.display(),
                    error = %e,
                    "the rules were not reloaded; the ones in force stay"
                );
                self.inner.rules.failed(source, e.to_string());
                self.announce_rules();
                // The file is the user's to fix: a bad request, not the server failing.
                Err(Error::Invalid(e.to_string()))
            }
        }
    }

    /// What the rules in force (or `request.rules`) would do with a stored delivery, without
    /// sending or storing anything.
    pub async fn try_rules(&self, request: TryRules) -> Result<RuleTrial> {
        let set = match &request.rules {
            None => self.inner.rules.current(),
            Some(rules) => {
                if let Some(first) = self.check_rules(rules).problems.into_iter().next() {
                    return Err(Error::Invalid(first.to_string()));
                }
                let endpoints = with_rules(&self.inner.endpoints.get(), &rules.endpoints);
                std::sync::Arc::new(
                    RuleSet::compile(
                        &RuleSources::of(&rules.global, &endpoints),
                        &self.vendor_ids(),
                    )
                    .map_err(|e| Error::Invalid(e.to_string()))?,
                )
            }
        };
        let store = self.inner.store.clone();
        let id = request.delivery;
        let delivery = blocking(move || store.get(id)?.ok_or(Error::NotFound(id))).await?;
        let endpoints = self.inner.endpoints.get();
        Ok(try_on_delivery(
            &set,
            &delivery,
            &endpoints,
            self.inner.forward.as_ref(),
            request.arrival,
        ))
    }

    fn put_in_force(&self, set: RuleSet, endpoints: Vec<EndpointConfig>, source: ReloadSource) {
        // The endpoints carry their rules, so an endpoint saved later writes them back as they are.
        self.inner.endpoints.replace(endpoints);
        self.inner.rules.replace(set, source);
        self.announce_rules();
    }

    pub(super) fn announce_rules(&self) {
        self.inner.writer.bus().publish(StreamEvent::Rules {
            reload: self.inner.rules.status(),
        });
    }

    /// The known vendor profile ids: a rule naming another could never match.
    pub(super) fn vendor_ids(&self) -> Vec<String> {
        self.registry().profiles().map(|p| p.id.clone()).collect()
    }
}

/// `endpoints` with each one's rules as `own` gives them (none where it gives none).
fn with_rules(endpoints: &Endpoints, own: &[EndpointRules]) -> Vec<EndpointConfig> {
    endpoints
        .list
        .iter()
        .map(|e| EndpointConfig {
            rules: own
                .iter()
                .find(|o| o.path == e.path)
                .map(|o| o.rules.clone())
                .unwrap_or_default(),
            ..e.clone()
        })
        .collect()
}

/// What `set` would do with a stored delivery as the `arrival`th of its event id (by default
/// the arrival it was), on the endpoints in force.
pub fn try_on_delivery(
    set: &RuleSet,
    delivery: &Delivery,
    endpoints: &Endpoints,
    default_forward: Option<&ForwardConfig>,
    arrival: Option<u64>,
) -> RuleTrial {
    let s = &delivery.summary;
    let mut headers = HeaderMap::new();
    for (name, value) in crate::head::header_pairs(&delivery.head) {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(n, v);
        }
    }
    let endpoint = endpoints.matching(&s.path);
    let event = s.event.as_ref();
    let duplicate = s.duplicate.as_ref().map(|d| (d.kind.as_str(), d.attempt));
    let duplicate = match (arrival, duplicate) {
        (Some(n), _) if event.and_then(|e| e.id.as_ref()).is_some() => {
            Some((if n > 1 { "retry" } else { "first" }, n))
        }
        (_, d) => d,
    };
    crate::rules::trial(
        set,
        &crate::rules::Facts {
            json: None,
            method: &s.method,
            path: &s.path,
            query: s.query.as_deref(),
            headers: &headers,
            body: &delivery.body,
            endpoint: endpoint.map(|e| e.path.as_str()),
            vendor: s.vendor.as_deref(),
            event_type: event.and_then(|e| e.event_type.as_deref()),
            event_id: event.and_then(|e| e.id.as_deref()),
            signature: s.signature.as_ref().map(|c| c.status.as_str()),
        },
        duplicate,
        endpoint,
        default_forward,
    )
}
