//! Rules as written in `hookscope.toml`: `[[rules]]` for every delivery and `[[endpoints.rules]]`
//! for one endpoint's (tried first). Each says what a delivery must be (`match`) and what is done
//! with it (`do`). This file holds their shape and the checks that need no compiling; the
//! `rules` module compiles their patterns and templates and decides per delivery.

use std::time::Duration;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::values;

/// Longest delay a rule may add before answering: a sender gives up within a minute or so.
pub const MAX_DELAY: Duration = Duration::from_secs(600);

/// Most targets one rule forwards to.
pub const MAX_TARGETS: usize = 16;

/// One rule: the first whose `match` holds decides (unless it says `continue`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RuleConfig {
    /// What the rule is shown as; by default its place (`rules[2]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub name: Option<String>,
    /// Every condition given must hold; a rule with none matches every delivery.
    #[serde(default, rename = "match")]
    pub when: RuleMatch,
    /// What is done with a delivery it matches.
    #[serde(default, rename = "do")]
    pub then: RuleDo,
}

/// A rule's conditions. Patterns are globs (`*` any run of characters, `?` one, `[ab]` a class;
/// in paths `*` stays within a segment and `**` crosses them).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RuleMatch {
    /// Request methods, any case (`["POST", "PUT"]`, or one as a string).
    #[serde(default, deserialize_with = "one_or_many")]
    pub method: Vec<String>,
    /// The path: a glob when it holds `*`, `?` or `[`, else a prefix of whole segments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub path: Option<String>,
    /// Headers by name (any case): a glob of the value, or `"*"` for any value present.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// Values in the JSON body by JSON pointer (`"/data/object/amount" = 1000`): equal, or for a
    /// string pattern, matching it as a glob.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "Record<string, unknown>"))]
    pub body: IndexMap<String, serde_json::Value>,
    /// Vendor profile ids (`stripe`), one or several.
    #[serde(default, deserialize_with = "one_or_many")]
    pub vendor: Vec<String>,
    /// Event types as globs (`invoice.*`), one or several.
    #[serde(default, deserialize_with = "one_or_many")]
    pub event: Vec<String>,
    /// Signature verdicts: `valid`, `invalid`, `missing`, `stale`, `malformed`, `unchecked`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub signature: Vec<String>,
    /// Duplicate kinds: `first`, `retry`, `conflict`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub duplicate: Vec<String>,
    /// Which arrival of its event id the delivery is (1 for the first): `2`, or a range as
    /// `"1..2"` (both ends included), `"3.."` or `"..2"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(type = "number | string", optional))]
    pub arrival: Option<Arrival>,
}

/// Which arrivals of an event id a rule is for, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    pub from: u64,
    pub to: u64,
}

impl Arrival {
    pub fn holds(&self, nth: u64) -> bool {
        (self.from..=self.to).contains(&nth)
    }
}

impl std::fmt::Display for Arrival {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.from, self.to) {
            (a, b) if a == b => write!(f, "{a}"),
            (a, u64::MAX) => write!(f, "{a}.."),
            (a, b) => write!(f, "{a}..{b}"),
        }
    }
}

impl std::str::FromStr for Arrival {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "expected an arrival such as 2, \"1..2\", \"3..\" or \"..2\" (the first arrival is 1), got {text:?}"
            )
        };
        let number = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
        let (from, to) = match text.split_once("..") {
            None => {
                let n = number(text)?;
                (n, n)
            }
            Some((a, b)) => (
                if a.trim().is_empty() { 1 } else { number(a)? },
                if b.trim().is_empty() {
                    u64::MAX
                } else {
                    number(b.trim_start_matches('='))?
                },
            ),
        };
        if from == 0 || to < from {
            return Err(bad());
        }
        Ok(Arrival { from, to })
    }
}

impl Serialize for Arrival {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.from == self.to {
            s.serialize_u64(self.from)
        } else {
            s.collect_str(self)
        }
    }
}

impl<'de> Deserialize<'de> for Arrival {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Number(u64),
            Text(String),
        }
        use serde::de::Error as _;
        match Written::deserialize(d).map_err(|_| {
            D::Error::custom("expected an arrival such as 2, \"1..2\", \"3..\" or \"..2\"")
        })? {
            Written::Number(n) => format!("{n}").parse().map_err(D::Error::custom),
            Written::Text(t) => t.parse().map_err(D::Error::custom),
        }
    }
}

/// What a matching rule does. Without `status`, `headers`, `body` or `delay` it answers as the
/// endpoint would; without `forward` or `skip_forward` the endpoint's forward still runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RuleDo {
    /// The answer's status (200-599).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub status: Option<u16>,
    /// The answer's headers; values are templates.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// The answer's body, a MiniJinja template: `{{ body.data.id }}`, `{{ headers["x-request-id"] }}`,
    /// `{{ event.type }}` (rendered before the arrival is counted, so not the arrival itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub body: Option<String>,
    /// Waited before answering (at most 10 minutes).
    #[serde(
        default,
        serialize_with = "humantime_serde::serialize",
        deserialize_with = "values::optional_duration",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(test, ts(type = "string", optional))]
    pub delay: Option<Duration>,
    /// Forward to these targets (one URL, or several to fan out), in place of the endpoint's.
    #[serde(default, deserialize_with = "one_or_many")]
    pub forward: Vec<String>,
    /// Answer the sender with the first forward target's answer.
    #[serde(default)]
    pub pass_through: bool,
    /// Forward nowhere, not even to the endpoint's target.
    #[serde(default)]
    pub skip_forward: bool,
    /// Go on to the rules after this one: what they set replaces what this one set, and their
    /// forward targets are added.
    #[serde(default, rename = "continue")]
    pub and_continue: bool,
}

/// A string or a list of strings, as a list.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        One(String),
        Many(Vec<String>),
    }
    use serde::de::Error as _;
    match Written::deserialize(d)
        .map_err(|_| D::Error::custom("expected a string or a list of strings"))?
    {
        Written::One(s) => Ok(vec![s]),
        Written::Many(v) => Ok(v),
    }
}

impl RuleConfig {
    /// What the rule is called in messages: its name, else `where`.
    pub fn label(&self, place: &str) -> String {
        match &self.name {
            Some(name) => format!("{place} ({name:?})"),
            None => place.to_owned(),
        }
    }
}

/// What is wrong with one rule: the key it is at (`do.status`, `match.event`) and why, in words
/// that start with the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFault {
    pub key: String,
    pub message: String,
}

fn fault(key: &str, message: String) -> RuleFault {
    RuleFault {
        key: key.to_owned(),
        message,
    }
}

/// Checks what needs no compiling (statuses, delays, targets, header names, the words of
/// `signature` and `duplicate`); `place` says where the rules are (`rules`, or
/// `endpoint /hooks/a: rules`). Patterns and templates are checked when the rules are compiled.
pub fn check_rules(place: &str, rules: &[RuleConfig]) -> Result<(), String> {
    for (i, rule) in rules.iter().enumerate() {
        check_rule(rule)
            .map_err(|f| format!("{}: {}", rule.label(&format!("{place}[{i}]")), f.message))?;
    }
    Ok(())
}

/// [`check_rules`] for one rule, naming the key at fault.
pub fn check_rule(rule: &RuleConfig) -> Result<(), RuleFault> {
    let w = &rule.when;
    for m in &w.method {
        http::Method::from_bytes(m.to_ascii_uppercase().as_bytes()).map_err(|_| {
            fault(
                "match.method",
                format!("match.method {m:?} is not a method (for example \"POST\")"),
            )
        })?;
    }
    if let Some(p) = &w.path
        && !p.starts_with('/')
        && !p.starts_with('*')
    {
        return Err(fault(
            "match.path",
            format!(
                "match.path {p:?} must start with '/' (for example \"/hooks/stripe\" or \"/hooks/*/events\")"
            ),
        ));
    }
    for name in w.headers.keys() {
        http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            fault(
                "match.headers",
                format!("match.headers: {name:?} is not a header name (for example \"X-Env\")"),
            )
        })?;
    }
    for pointer in w.body.keys() {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(fault(
                "match.body",
                format!(
                    "match.body: {pointer:?} is not a JSON pointer (for example \"/data/object/id\")"
                ),
            ));
        }
    }
    const SIGNATURES: [&str; 6] = [
        "valid",
        "invalid",
        "missing",
        "stale",
        "malformed",
        "unchecked",
    ];
    for s in &w.signature {
        if !SIGNATURES.contains(&s.as_str()) {
            return Err(fault(
                "match.signature",
                format!(
                    "match.signature {s:?} is not a verdict: one of {}",
                    SIGNATURES.join(", ")
                ),
            ));
        }
    }
    const DUPLICATES: [&str; 3] = ["first", "retry", "conflict"];
    for s in &w.duplicate {
        if !DUPLICATES.contains(&s.as_str()) {
            return Err(fault(
                "match.duplicate",
                format!(
                    "match.duplicate {s:?} is not a kind: one of {}",
                    DUPLICATES.join(", ")
                ),
            ));
        }
    }
    let d = &rule.then;
    if let Some(status) = d.status
        && !(200..=599).contains(&status)
    {
        return Err(fault(
            "do.status",
            format!("do.status {status} is not a final HTTP status (200-599, for example 503)"),
        ));
    }
    if let Some(delay) = d.delay {
        values::check_duration("do.delay", delay, Duration::ZERO, MAX_DELAY)
            .map_err(|m| fault("do.delay", m))?;
    }
    for name in d.headers.keys() {
        http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            fault(
                "do.headers",
                format!("do.headers: {name:?} is not a header name (for example \"Retry-After\")"),
            )
        })?;
    }
    if d.forward.len() > MAX_TARGETS {
        return Err(fault(
            "do.forward",
            format!(
                "do.forward names {} targets; at most {MAX_TARGETS}",
                d.forward.len()
            ),
        ));
    }
    for to in &d.forward {
        crate::target::check_target(to)
            .map_err(|e| fault("do.forward", format!("do.forward: {e}")))?;
    }
    if d.skip_forward && !d.forward.is_empty() {
        return Err(fault(
            "do.skip_forward",
            "do.skip_forward and do.forward cannot both be given (skip_forward sends nothing)"
                .into(),
        ));
    }
    if d.pass_through && d.forward.is_empty() {
        return Err(fault(
            "do.pass_through",
            "do.pass_through relays the first forward target's answer: give do.forward (for example \"http://localhost:3000/webhooks\")".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct File {
        rules: Vec<RuleConfig>,
    }

    fn parse(text: &str) -> Result<Vec<RuleConfig>, String> {
        let f: File = toml::from_str(text).map_err(|e| e.to_string())?;
        check_rules("rules", &f.rules)?;
        Ok(f.rules)
    }

    #[test]
    fn rules_read_as_written() {
        let rules = parse(
            r#"
[[rules]]
name = "orders"
match = { event = "order.*", vendor = "stripe", headers = { "X-Env" = "prod" } }
do = { forward = ["http://localhost:3001/hooks", "http://localhost:3002/hooks"] }

[[rules]]
match = { arrival = "1..2" }
do = { status = 503, headers = { "Retry-After" = "1" }, delay = "250ms", continue = true }
"#,
        )
        .unwrap();
        assert_eq!(rules[0].when.event, ["order.*"]);
        assert_eq!(rules[0].when.vendor, ["stripe"]);
        assert_eq!(rules[0].then.forward.len(), 2);
        assert_eq!(rules[1].when.arrival, Some(Arrival { from: 1, to: 2 }));
        assert_eq!(rules[1].then.delay, Some(Duration::from_millis(250)));
        assert!(rules[1].then.and_continue);
    }

    #[test]
    fn arrivals_read_every_way_they_are_written() {
        let a = |t: &str| t.parse::<Arrival>();
        assert_eq!(a("2"), Ok(Arrival { from: 2, to: 2 }));
        assert_eq!(a("1..2"), Ok(Arrival { from: 1, to: 2 }));
        assert_eq!(a("1..=2"), Ok(Arrival { from: 1, to: 2 }));
        assert_eq!(
            a("3.."),
            Ok(Arrival {
                from: 3,
                to: u64::MAX
            })
        );
        assert_eq!(a("..2"), Ok(Arrival { from: 1, to: 2 }));
        assert!(a("0").unwrap_err().contains("the first arrival is 1"));
        assert!(a("3..1").is_err());
        assert!(a("soon").is_err());
        for text in ["2", "1..2", "3.."] {
            assert_eq!(a(text).unwrap().to_string(), text);
        }
        assert_eq!(a("..2").unwrap().to_string(), "1..2");
        let r = parse("[[rules]]\nmatch = { arrival = 3 }\n").unwrap();
        assert_eq!(r[0].when.arrival, Some(Arrival { from: 3, to: 3 }));
    }

    #[test]
    fn wrong_rules_are_named_with_a_right_value() {
        let e = |t: &str| parse(t).unwrap_err();
        assert!(e("[[rules]]\ndo = { status = 999 }").contains("rules[0]: do.status 999"));
        assert!(
            e("[[rules]]\nname = \"slow\"\ndo = { delay = \"100y\" }")
                .contains("rules[0] (\"slow\"): do.delay")
        );
        assert!(e("[[rules]]\nmatch = { signature = \"ok\" }").contains("one of valid, invalid"));
        assert!(
            e("[[rules]]\nmatch = { duplicate = \"twice\" }").contains("first, retry, conflict")
        );
        assert!(e("[[rules]]\ndo = { forward = \"localhost\" }").contains("do.forward"));
        assert!(e("[[rules]]\ndo = { pass_through = true }").contains("give do.forward"));
        assert!(
            e("[[rules]]\ndo = { skip_forward = true, forward = \"http://localhost:1\" }")
                .contains("cannot both")
        );
        assert!(e("[[rules]]\nmatch = { path = \"hooks\" }").contains("must start with '/'"));
        assert!(e("[[rules]]\nmatch = { body = { \"data\" = 1 } }").contains("JSON pointer"));
        assert!(e("[[rules]]\nmatch = { arrival = 0 }").contains("the first arrival is 1"));
        assert!(e("[[rules]]\nmatch = { colour = \"red\" }").contains("unknown field"));
    }
}
