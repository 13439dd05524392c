//! Rules compiled and decided: which rules a delivery matches and what they do with it (answer,
//! delay, forward, fan out), from the `[[rules]]` the config holds.
//!
//! A delivery is decided in two steps, because two of a rule's conditions (its duplicate kind and
//! which arrival of its event id it is) are known only once the store has counted it:
//! - before it is stored, [`RuleSet::consider`] keeps the rules whose other conditions hold, each
//!   with its answer rendered (templates see the request, never other deliveries);
//! - when the store has counted the arrival, [`Considered::decide`] picks among those, as plain
//!   data, and the delivery is stored with the [`Decision`]'s summary.
//!
//! Templates run in MiniJinja with no loader, a fuel limit and bounded output: a template that
//! fails or runs too long makes its rule answer as the endpoint would, and the delivery says why.

use std::cell::OnceCell;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use globset::{GlobBuilder, GlobMatcher};
use http::{HeaderMap, HeaderName, HeaderValue};
use minijinja::value::{Enumerator, Object, ObjectRepr};
use minijinja::{Environment, Value};
use serde::Serialize;

use crate::config::{Arrival, RuleConfig};

mod trial;
pub use trial::{ForwardFrom, RuleTrial, TrialFacts, trial};

/// Work a template may do per rendering (MiniJinja's fuel): ample for lookups and loops over a
/// payload, short of a loop that would hold the capture path.
const FUEL: u64 = 50_000;

/// Longest rendered body or header value; past it the rule answers as the endpoint would.
const MAX_RENDERED: usize = 1024 * 1024;

/// What the rules see of a delivery before it is stored.
pub struct Facts<'a> {
    /// `body` already parsed as JSON (by the analysis), if it was; else the rules parse it
    /// when one reads it.
    pub json: Option<Arc<serde_json::Value>>,
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The endpoint prefix it came to.
    pub endpoint: Option<&'a str>,
    pub vendor: Option<&'a str>,
    pub event_type: Option<&'a str>,
    pub event_id: Option<&'a str>,
    /// The signature verdict (`valid`, `invalid`, ...).
    pub signature: Option<&'a str>,
}

/// Where a matching rule sends the delivery.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Forwarding {
    /// As the endpoint says (its forward, or none).
    #[default]
    AsEndpoint,
    /// Nowhere.
    Skip,
    /// To these targets, in place of the endpoint's.
    To(Vec<String>),
}

/// The rules in force, compiled: patterns built and templates parsed.
pub struct RuleSet {
    rules: Vec<Rule>,
    env: Environment<'static>,
    /// Some rule reads the body as JSON (a condition or a template).
    reads_body: bool,
    sources: RuleSources,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules.len())
            .finish()
    }
}

struct Rule {
    label: Arc<str>,
    /// The endpoint prefix the rule belongs to; `None` for a global rule.
    endpoint: Option<String>,
    when: Matcher,
    then: Then,
}

#[derive(Default)]
struct Matcher {
    methods: Vec<String>,
    path: Option<PathPattern>,
    headers: Vec<(HeaderName, Option<GlobMatcher>)>,
    body: Vec<(String, ValuePattern)>,
    vendors: Vec<String>,
    events: Vec<GlobMatcher>,
    signatures: Vec<String>,
    duplicates: Vec<String>,
    arrival: Option<Arrival>,
}

enum PathPattern {
    Prefix(String),
    Glob(GlobMatcher),
}

enum ValuePattern {
    Equal(serde_json::Value),
    Glob(GlobMatcher),
}

struct Then {
    status: Option<u16>,
    /// Header names with the name of their value's template.
    headers: Vec<(HeaderName, String)>,
    /// The name of the body's template.
    body: Option<String>,
    delay: Option<Duration>,
    forward: Forwarding,
    pass_through: bool,
    continues: bool,
}

/// A rule that cannot be compiled: which rule, the key at fault and why.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[error("{rule}: {key}: {message}")]
pub struct CompileError {
    /// The rule's name or place (`rules[2]`, `endpoint /hooks/a: rules[0] ("orders")`).
    pub rule: String,
    /// Its endpoint's prefix; `None` for a global rule.
    pub endpoint: Option<String>,
    /// Its place in its list.
    pub index: usize,
    /// `match.event`, `do.body`, `do.headers.Retry-After`.
    pub key: String,
    pub message: String,
}

/// The rules as written: the global ones and each endpoint's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RuleSources {
    /// `[[rules]]`: tried for every delivery, after its endpoint's own.
    #[serde(default)]
    pub global: Vec<RuleConfig>,
    /// Each endpoint's `[[endpoints.rules]]`, by its path prefix.
    #[serde(default)]
    pub endpoints: Vec<EndpointRules>,
}

/// One endpoint's rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EndpointRules {
    /// The endpoint's path prefix.
    pub path: String,
    #[serde(default)]
    pub rules: Vec<RuleConfig>,
}

impl RuleSources {
    /// The global `rules` and those of each of `endpoints`.
    pub fn of(global: &[RuleConfig], endpoints: &[crate::config::EndpointConfig]) -> RuleSources {
        RuleSources {
            global: global.to_vec(),
            endpoints: endpoints
                .iter()
                .filter(|e| !e.rules.is_empty())
                .map(|e| EndpointRules {
                    path: e.path.clone(),
                    rules: e.rules.clone(),
                })
                .collect(),
        }
    }

    /// Every rule with its endpoint (or `None`) and place in its list, endpoints' first.
    fn each(&self) -> impl Iterator<Item = (Option<&str>, usize, &RuleConfig)> {
        let own = self.endpoints.iter().flat_map(|e| {
            e.rules
                .iter()
                .enumerate()
                .map(move |(i, r)| (Some(e.path.as_str()), i, r))
        });
        own.chain(self.global.iter().enumerate().map(|(i, r)| (None, i, r)))
    }

    pub fn len(&self) -> usize {
        self.each().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What is wrong with each rule (its first fault), as the editor shows it: the checks that
    /// need no compiling, then patterns and templates, then vendors none of `vendors` is.
    pub fn problems(&self, vendors: &[String]) -> Vec<CompileError> {
        let mut found = Vec::new();
        for (endpoint, index, rule) in self.each() {
            let rule_at = label_at(endpoint, index, rule);
            if let Err(f) = crate::config::check_rule(rule) {
                found.push(CompileError {
                    rule: rule_at,
                    endpoint: endpoint.map(str::to_owned),
                    index,
                    key: f.key,
                    message: f.message,
                });
                continue;
            }
            let mut alone = RuleSet::empty();
            alone.env = RuleSet::environment();
            if let Err(e) = alone
                .add(endpoint, index, rule)
                .and_then(|()| check_vendors(endpoint, index, rule, vendors))
            {
                found.push(e);
            }
        }
        found
    }
}

fn label_at(endpoint: Option<&str>, index: usize, rule: &RuleConfig) -> String {
    match endpoint {
        Some(prefix) => rule.label(&format!("endpoint {prefix}: rules[{index}]")),
        None => rule.label(&format!("rules[{index}]")),
    }
}

/// A rule naming a vendor no profile has could never match.
fn check_vendors(
    endpoint: Option<&str>,
    index: usize,
    rule: &RuleConfig,
    vendors: &[String],
) -> Result<(), CompileError> {
    match rule.when.vendor.iter().find(|v| !vendors.contains(v)) {
        None => Ok(()),
        Some(vendor) => Err(CompileError {
            rule: label_at(endpoint, index, rule),
            endpoint: endpoint.map(str::to_owned),
            index,
            key: "match.vendor".into(),
            message: format!(
                "{vendor:?} is not a known profile, so the rule would never match ({})",
                vendors.join(", ")
            ),
        }),
    }
}

fn is_glob(p: &str) -> bool {
    p.contains(['*', '?', '['])
}

fn glob(pattern: &str, in_paths: bool) -> Result<GlobMatcher, String> {
    GlobBuilder::new(pattern)
        .literal_separator(in_paths)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("{pattern:?} is not a pattern: {e}"))
}

impl RuleSet {
    /// No rules: every delivery is answered and forwarded as its endpoint says.
    pub fn empty() -> RuleSet {
        RuleSet {
            rules: Vec::new(),
            env: Environment::empty(),
            reads_body: false,
            sources: RuleSources::default(),
        }
    }

    fn environment() -> Environment<'static> {
        let mut env = Environment::new();
        env.set_fuel(Some(FUEL));
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        // Answers are not HTML: nothing is escaped.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env
    }

    /// Compiles each endpoint's rules (tried first, for its deliveries) and then the global
    /// ones, naming the first rule that cannot be compiled or names a vendor none of `vendors`
    /// is (known profile ids), and why.
    pub fn compile(sources: &RuleSources, vendors: &[String]) -> Result<RuleSet, CompileError> {
        let mut set = RuleSet {
            rules: Vec::new(),
            env: RuleSet::environment(),
            reads_body: false,
            sources: sources.clone(),
        };
        for (endpoint, index, rule) in sources.each() {
            check_vendors(endpoint, index, rule, vendors)?;
            set.add(endpoint, index, rule)?;
        }
        Ok(set)
    }

    /// The rules as written that this set was compiled from.
    pub fn sources(&self) -> &RuleSources {
        &self.sources
    }

    fn add(
        &mut self,
        endpoint: Option<&str>,
        index: usize,
        rule: &RuleConfig,
    ) -> Result<(), CompileError> {
        let label: Arc<str> = label_at(endpoint, index, rule).into();
        let fault = |key: &str, message: String| CompileError {
            rule: label.to_string(),
            endpoint: endpoint.map(str::to_owned),
            index,
            key: key.to_owned(),
            message,
        };
        let glob = |key: &str, pattern: &str, in_paths: bool| {
            glob(pattern, in_paths).map_err(|m| fault(key, m))
        };
        let w = &rule.when;
        let mut when = Matcher {
            methods: w.method.iter().map(|m| m.to_ascii_uppercase()).collect(),
            vendors: w.vendor.clone(),
            signatures: w.signature.clone(),
            duplicates: w.duplicate.clone(),
            arrival: w.arrival,
            ..Matcher::default()
        };
        when.path = match &w.path {
            Some(p) if is_glob(p) => Some(PathPattern::Glob(glob("match.path", p, true)?)),
            Some(p) => Some(PathPattern::Prefix(p.clone())),
            None => None,
        };
        for (name, pattern) in &w.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| fault("match.headers", format!("{name:?} is not a header name")))?;
            let value = match pattern.as_str() {
                "*" => None,
                p => Some(glob("match.headers", p, false)?),
            };
            when.headers.push((header, value));
        }
        for (pointer, value) in &w.body {
            let pattern = match value {
                serde_json::Value::String(s) if is_glob(s) => {
                    ValuePattern::Glob(glob("match.body", s, false)?)
                }
                v => ValuePattern::Equal(v.clone()),
            };
            when.body.push((pointer.clone(), pattern));
            self.reads_body = true;
        }
        for e in &w.event {
            when.events.push(glob("match.event", e, false)?);
        }
        let d = &rule.then;
        let mut then = Then {
            status: d.status,
            headers: Vec::new(),
            body: None,
            delay: d.delay,
            forward: if d.skip_forward {
                Forwarding::Skip
            } else if d.forward.is_empty() {
                Forwarding::AsEndpoint
            } else {
                Forwarding::To(d.forward.clone())
            },
            pass_through: d.pass_through,
            continues: d.and_continue,
        };
        for (name, value) in &d.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| fault("do.headers", format!("{name:?} is not a header name")))?;
            let key = format!("do.headers.{name}");
            let template = format!("{label}: {key}");
            self.template(&template, value)
                .map_err(|m| fault(&key, m))?;
            then.headers.push((header, template));
        }
        if let Some(body) = &d.body {
            let template = format!("{label}: do.body");
            self.template(&template, body)
                .map_err(|m| fault("do.body", m))?;
            then.body = Some(template);
        }
        self.rules.push(Rule {
            label,
            endpoint: endpoint.map(str::to_owned),
            when,
            then,
        });
        Ok(())
    }

    fn template(&mut self, name: &str, source: &str) -> Result<(), String> {
        self.env
            .add_template_owned(name.to_owned(), source.to_owned())
            .map_err(|e| template_error(&e))?;
        // Whether it reads the body: the names it uses, as MiniJinja reports them.
        if let Ok(t) = self.env.get_template(name)
            && t.undeclared_variables(false).contains("body")
        {
            self.reads_body = true;
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// The rules whose conditions known before storing hold for `facts`, in order, each with
    /// its answer rendered.
    pub fn consider(&self, facts: &Facts<'_>) -> Considered {
        if self.rules.is_empty() {
            return Considered::default();
        }
        let json: OnceCell<Option<Arc<serde_json::Value>>> = OnceCell::new();
        let body = || {
            json.get_or_init(|| {
                if !self.reads_body {
                    return None;
                }
                facts
                    .json
                    .clone()
                    .or_else(|| serde_json::from_slice(facts.body).ok().map(Arc::new))
            })
            .as_ref()
        };
        let context = OnceCell::new();
        let mut candidates = Vec::new();
        for rule in &self.rules {
            if !rule
                .when
                .holds_before_storing(rule.endpoint.as_deref(), facts, || body().map(|j| &**j))
            {
                continue;
            }
            let mut prepared = Prepared {
                label: rule.label.clone(),
                duplicates: rule.when.duplicates.clone(),
                arrival: rule.when.arrival,
                status: rule.then.status,
                headers: Vec::new(),
                body: None,
                delay: rule.then.delay,
                forward: rule.then.forward.clone(),
                pass_through: rule.then.pass_through,
                continues: rule.then.continues,
                error: None,
            };
            if rule.then.body.is_some() || !rule.then.headers.is_empty() {
                let ctx = context.get_or_init(|| template_context(facts, body().cloned()));
                if let Err(e) = self.render(rule, ctx, &mut prepared) {
                    // The rule's answer falls back to the endpoint's; what it forwards stands.
                    prepared.status = None;
                    prepared.headers.clear();
                    prepared.body = None;
                    prepared.error = Some(e);
                }
            }
            candidates.push(prepared);
        }
        Considered { candidates }
    }

    fn render(&self, rule: &Rule, ctx: &Value, out: &mut Prepared) -> Result<(), String> {
        let render = |key: &str| -> Result<String, String> {
            let t = self.env.get_template(key).map_err(|e| template_error(&e))?;
            let text = t
                .render(ctx)
                .map_err(|e| format!("{key}: {}", template_error(&e)))?;
            if text.len() > MAX_RENDERED {
                return Err(format!(
                    "{key}: the rendered text is {} bytes; at most {MAX_RENDERED}",
                    text.len()
                ));
            }
            Ok(text)
        };
        for (name, key) in &rule.then.headers {
            let text = render(key)?;
            let value = HeaderValue::from_str(&text).map_err(|_| {
                format!("{key}: the rendered value {text:?} cannot be a header value")
            })?;
            out.headers.push((name.clone(), value));
        }
        if let Some(key) = &rule.then.body {
            out.body = Some(render(key)?);
        }
        Ok(())
    }
}

/// A MiniJinja error in one line, with its place in the template when known.
fn template_error(e: &minijinja::Error) -> String {
    let mut text = e
        .detail()
        .map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
    if let Some(line) = e.line() {
        text.push_str(&format!(" (line {line})"));
    }
    text
}

impl Matcher {
    fn holds_before_storing<'b>(
        &self,
        endpoint: Option<&str>,
        f: &Facts<'_>,
        body: impl Fn() -> Option<&'b serde_json::Value>,
    ) -> bool {
        if endpoint.is_some() && endpoint != f.endpoint {
            return false;
        }
        if !self.methods.is_empty() && !self.methods.iter().any(|m| m == f.method) {
            return false;
        }
        match &self.path {
            Some(PathPattern::Prefix(p)) if !crate::config::prefix_matches(p, f.path) => {
                return false;
            }
            Some(PathPattern::Glob(g)) if !g.is_match(f.path) => return false,
            _ => {}
        }
        for (name, pattern) in &self.headers {
            let mut values = f.headers.get_all(name).iter();
            let found = match pattern {
                None => values.next().is_some(),
                Some(g) => {
                    values.any(|v| g.is_match(String::from_utf8_lossy(v.as_bytes()).as_ref()))
                }
            };
            if !found {
                return false;
            }
        }
        let one_of = |list: &[String], value: Option<&str>| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|l| l == v))
        };
        if !one_of(&self.vendors, f.vendor) || !one_of(&self.signatures, f.signature) {
            return false;
        }
        if !self.events.is_empty()
            && !f
                .event_type
                .is_some_and(|t| self.events.iter().any(|g| g.is_match(t)))
        {
            return false;
        }
        if !self.body.is_empty() {
            let Some(json) = body() else { return false };
            for (pointer, pattern) in &self.body {
                let Some(found) = json.pointer(pointer) else {
                    return false;
                };
                let holds = match pattern {
                    ValuePattern::Equal(want) => json_equal(want, found),
                    ValuePattern::Glob(g) => found.as_str().is_some_and(|s| g.is_match(s)),
                };
                if !holds {
                    return false;
                }
            }
        }
        true
    }
}

/// Equal as JSON values, numbers by value (`1000` is `1000.0`).
fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => {
            x == y || x.as_f64().zip(y.as_f64()).is_some_and(|(x, y)| x == y)
        }
        _ => a == b,
    }
}

/// A request's headers for templates: looked up by name in any case (`headers["X-Request-Id"]`),
/// several values of one name joined by `, `.
#[derive(Debug)]
struct Headers(Vec<(String, String)>);

impl Object for Headers {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let name = key.as_str()?.to_ascii_lowercase();
        let values: Vec<&str> = self
            .0
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| Value::from(values.join(", ")))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut names: Vec<Value> = Vec::new();
        for (n, _) in &self.0 {
            let n = Value::from(n.as_str());
            if !names.contains(&n) {
                names.push(n);
            }
        }
        Enumerator::Values(names)
    }
}

/// A JSON body as templates see it, looked into only as far as a template reaches: a payload is
/// not converted whole for each delivery. `path` leads from `root` to this value.
#[derive(Debug)]
struct Json {
    root: Arc<serde_json::Value>,
    path: Vec<Step>,
}

#[derive(Debug, Clone)]
enum Step {
    Key(Arc<str>),
    Index(usize),
}

impl Json {
    fn get(&self) -> &serde_json::Value {
        let mut at = &*self.root;
        for step in &self.path {
            at = match (step, at) {
                (Step::Key(k), serde_json::Value::Object(m)) => &m[&**k],
                (Step::Index(i), serde_json::Value::Array(a)) => &a[*i],
                _ => unreachable!("a path is made only of steps that exist"),
            };
        }
        at
    }

    fn child(&self, step: Step) -> Json {
        let mut path = self.path.clone();
        path.push(step);
        Json {
            root: self.root.clone(),
            path,
        }
    }
}

/// A JSON value for a template: a number, string, boolean or none as itself, an object or an
/// array as a [`Json`] looked into lazily.
fn json_value(node: &Json) -> Value {
    match node.get() {
        serde_json::Value::Null => Value::from(()),
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::from)
            .or_else(|| n.as_u64().map(Value::from))
            .unwrap_or_else(|| Value::from(n.as_f64().unwrap_or(f64::NAN))),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Object(_) | serde_json::Value::Array(_) => Value::from_object(Json {
            root: node.root.clone(),
            path: node.path.clone(),
        }),
    }
}

impl Object for Json {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        match self.get() {
            serde_json::Value::Array(_) => ObjectRepr::Seq,
            _ => ObjectRepr::Map,
        }
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let step = match self.get() {
            serde_json::Value::Object(m) => {
                let k = key.as_str()?;
                m.contains_key(k).then(|| Step::Key(k.into()))?
            }
            serde_json::Value::Array(a) => {
                let i = key.as_usize()?;
                (i < a.len()).then_some(Step::Index(i))?
            }
            _ => return None,
        };
        Some(json_value(&self.child(step)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match self.get() {
            serde_json::Value::Object(m) => {
                Enumerator::Values(m.keys().map(|k| Value::from(k.as_str())).collect())
            }
            serde_json::Value::Array(a) => Enumerator::Seq(a.len()),
            _ => Enumerator::Empty,
        }
    }
}

/// What a template sees: `body` (the JSON body, or its text), `raw_body`, `headers`, `method`,
/// `path`, `query` (its parameters), `endpoint`, `vendor`, `event.type`, `event.id` and
/// `signature`.
fn template_context(f: &Facts<'_>, json: Option<Arc<serde_json::Value>>) -> Value {
    let text = String::from_utf8_lossy(f.body);
    let body = match json {
        Some(root) => json_value(&Json {
            root,
            path: Vec::new(),
        }),
        None if f.body.is_empty() => Value::from(()),
        None => Value::from(text.as_ref()),
    };
    let headers = Headers(
        f.headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
    );
    let query = f
        .query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default();
    minijinja::context! {
        body => body,
        raw_body => text.as_ref(),
        headers => Value::from_object(headers),
        method => f.method,
        path => f.path,
        query => Value::from_pairs(query),
        endpoint => f.endpoint,
        vendor => f.vendor,
        event => minijinja::context! { type => f.event_type, id => f.event_id },
        signature => f.signature,
    }
}

/// A rule that holds for a delivery so far, with its answer rendered.
#[derive(Debug, Clone)]
pub struct Prepared {
    label: Arc<str>,
    duplicates: Vec<String>,
    arrival: Option<Arrival>,
    status: Option<u16>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<String>,
    delay: Option<Duration>,
    forward: Forwarding,
    pass_through: bool,
    continues: bool,
    error: Option<String>,
}

/// The rules that hold for a delivery before it is stored; the store's count decides among them.
#[derive(Debug, Clone, Default)]
pub struct Considered {
    candidates: Vec<Prepared>,
}

impl Considered {
    /// The rules kept, in order.
    pub fn labels(&self) -> Vec<String> {
        self.candidates
            .iter()
            .map(|c| c.label.to_string())
            .collect()
    }

    /// No rule can match: the delivery is answered and forwarded as its endpoint says.
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The answer's status the rules give, when it is known before the arrival is counted.
    pub fn needs_arrival(&self) -> bool {
        self.candidates
            .iter()
            .any(|c| c.arrival.is_some() || !c.duplicates.is_empty())
    }

    /// Applies the rules that hold for the delivery's duplicate kind and arrival (`None` when it
    /// has no event id): the first, and after it the ones a `continue` lets through.
    pub fn decide(&self, duplicate: Option<(&str, u64)>) -> Decision {
        let mut d = Decision::default();
        for c in &self.candidates {
            if let Some(range) = c.arrival
                && !duplicate.is_some_and(|(_, nth)| range.holds(nth))
            {
                continue;
            }
            if !c.duplicates.is_empty()
                && !duplicate.is_some_and(|(kind, _)| c.duplicates.iter().any(|k| k == kind))
            {
                continue;
            }
            d.rules.push(c.label.clone());
            if let Some(e) = &c.error {
                d.errors.push(e.clone());
            }
            if c.status.is_some() {
                d.status = c.status;
            }
            for (name, value) in &c.headers {
                d.headers.retain(|(n, _)| n != name);
                d.headers.push((name.clone(), value.clone()));
            }
            if c.body.is_some() {
                d.body.clone_from(&c.body);
            }
            if c.delay.is_some() {
                d.delay = c.delay;
            }
            match (&mut d.forward, &c.forward) {
                (_, Forwarding::AsEndpoint) => {}
                (Forwarding::To(have), Forwarding::To(more)) => {
                    for t in more {
                        if !have.contains(t) {
                            have.push(t.clone());
                        }
                    }
                }
                (slot, f) => *slot = f.clone(),
            }
            d.pass_through |= c.pass_through;
            if !c.continues {
                break;
            }
        }
        d
    }
}

/// What the rules decided for one delivery. Fields left empty are the endpoint's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// The rules applied, in order (their names or places).
    pub rules: Vec<Arc<str>>,
    pub status: Option<u16>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<String>,
    pub delay: Option<Duration>,
    pub forward: Forwarding,
    pub pass_through: bool,
    /// Why a rule's answer could not be made (it fell back to the endpoint's).
    pub errors: Vec<String>,
}

/// What is kept with a delivery of the rules that applied to it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RuleOutcome {
    /// The rules applied, in order.
    pub rules: Vec<String>,
    /// What they did, in words ("answered 503; forwarded to 2 targets").
    pub did: String,
    /// Why a rule's answer could not be made; the endpoint's answer was given instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub error: Option<String>,
}

impl Decision {
    /// Whether any rule applied.
    pub fn applied(&self) -> bool {
        !self.rules.is_empty()
    }

    /// The summary kept with the delivery; `None` when no rule applied.
    pub fn outcome(&self) -> Option<RuleOutcome> {
        if !self.applied() {
            return None;
        }
        let mut did = Vec::new();
        if let Some(s) = self.status {
            did.push(format!("answered {s}"));
        }
        if self.body.is_some() {
            did.push("with its own body".to_owned());
        }
        if !self.headers.is_empty() {
            did.push(format!(
                "set {}",
                self.headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(d) = self.delay {
            did.push(format!("waited {}", humantime::format_duration(d)));
        }
        match &self.forward {
            Forwarding::AsEndpoint => {}
            Forwarding::Skip => did.push("forwarded nowhere".to_owned()),
            Forwarding::To(t) if t.len() == 1 => did.push(format!("forwarded to {}", t[0])),
            Forwarding::To(t) => did.push(format!("forwarded to {} targets", t.len())),
        }
        if self.pass_through {
            did.push("relayed the first target's answer".to_owned());
        }
        if did.is_empty() {
            did.push("nothing beyond the endpoint's answer".to_owned());
        }
        Some(RuleOutcome {
            rules: self.rules.iter().map(|r| r.to_string()).collect(),
            did: did.join("; "),
            error: (!self.errors.is_empty()).then(|| self.errors.join("; ")),
        })
    }
}

/// A delivery's decision with the summary stored of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    pub decision: Decision,
    pub outcome: Option<RuleOutcome>,
}

impl Decided {
    pub fn new(decision: Decision) -> Decided {
        let outcome = decision.outcome();
        Decided { decision, outcome }
    }

    /// The status a delivery is answered (and stored) with: the rules', else `otherwise`.
    pub fn status(decided: Option<&Decided>, otherwise: u16) -> u16 {
        decided.and_then(|d| d.decision.status).unwrap_or(otherwise)
    }
}

/// What put the rules in force, or tried to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum ReloadSource {
    /// Read when the server started.
    Start,
    /// The config file changed.
    File,
    /// Saved or reloaded from the UI (or the control API).
    Ui,
}

/// When the rules in force were put in force, and the last attempt since that failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RulesReload {
    /// When (RFC 3339).
    pub at: String,
    pub source: ReloadSource,
    /// How many rules are in force.
    pub rules: usize,
    /// The last reload, when it failed after this set was put in force: the set stayed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub failed: Option<ReloadFailure>,
}

/// A reload that left the rules in force as they were.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReloadFailure {
    pub at: String,
    pub source: ReloadSource,
    /// Why: the file does not load, or which rule does not compile and why.
    pub error: String,
}

fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// The rules in force, swapped whole on reload: a delivery is decided by one set, never by a
/// half-loaded one.
#[derive(Debug)]
pub struct LiveRules {
    set: RwLock<Arc<RuleSet>>,
    reload: RwLock<RulesReload>,
}

impl Default for LiveRules {
    fn default() -> Self {
        LiveRules::new(RuleSet::empty())
    }
}

impl LiveRules {
    pub fn new(set: RuleSet) -> Self {
        let reload = RulesReload {
            at: now(),
            source: ReloadSource::Start,
            rules: set.len(),
            failed: None,
        };
        LiveRules {
            set: RwLock::new(Arc::new(set)),
            reload: RwLock::new(reload),
        }
    }

    pub fn current(&self) -> Arc<RuleSet> {
        self.set.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Puts `set` in force; returns the set it replaced.
    pub fn replace(&self, set: RuleSet, source: ReloadSource) -> Arc<RuleSet> {
        let reload = RulesReload {
            at: now(),
            source,
            rules: set.len(),
            failed: None,
        };
        let old = std::mem::replace(
            &mut *self.set.write().unwrap_or_else(|e| e.into_inner()),
            Arc::new(set),
        );
        *self.reload.write().unwrap_or_else(|e| e.into_inner()) = reload;
        old
    }

    /// Records a reload that failed: the set in force stays.
    pub fn failed(&self, source: ReloadSource, error: String) {
        self.reload
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .failed = Some(ReloadFailure {
            at: now(),
            source,
            error,
        });
    }

    /// When the set in force was put in force, and the last failed attempt since.
    pub fn status(&self) -> RulesReload {
        self.reload
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests;
