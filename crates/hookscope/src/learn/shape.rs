//! The shape of one event type's payloads, folded one delivery at a time: each field's JSON
//! types, how often it is present and how often null, the values of low-cardinality strings, the
//! formats its strings have (date-time, UUID, email, URL), and an example. From it: a JSON Schema,
//! the fields as rows, and drift, a payload unlike the ones before it (a field never seen, a type
//! never seen, a value outside a small set).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Distinct string values kept per field; past this the field is not an enum.
const MAX_VALUES: usize = 16;
/// A value is kept as an example up to this many characters.
const EXAMPLE_CHARS: usize = 120;
/// Drift is only said of a field seen at least this often: before that, everything is new.
pub const DRIFT_AFTER: u64 = 10;
/// Fields kept per object: a payload with thousands of keys (a map keyed by ids, or a hostile
/// one) does not grow the shape past this; later keys are counted in `more_fields`.
const MAX_FIELDS: usize = 200;
/// Objects and arrays deeper than this are counted, not looked into.
const MAX_DEPTH: usize = 16;
/// Fields kept in one shape at every depth together: wide objects nested in wide objects stop
/// here (later keys are counted in `more_fields`).
const MAX_NODES: u64 = 5000;
/// Most drift findings said of one payload.
const MAX_DRIFT: usize = 20;

/// A JSON type, `integer` apart from `number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
}

impl Kind {
    fn of(v: &Value) -> Option<Kind> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(_) => Kind::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Object => "object",
            Kind::Array => "array",
        }
    }
}

/// A format recognised in strings (the JSON Schema `format` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    DateTime,
    Uuid,
    Email,
    Uri,
}

impl Format {
    fn of(s: &str) -> Option<Format> {
        if s.len() > 200 {
            return None;
        }
        // `2026-06-23T05:18:42Z` at the shortest: most strings are not parsed at all.
        if s.len() >= 20 && s.as_bytes()[0].is_ascii_digit() && s.parse::<jiff::Timestamp>().is_ok()
        {
            Some(Format::DateTime)
        } else if s.len() == 36 && uuid::Uuid::parse_str(s).is_ok() {
            Some(Format::Uuid)
        } else if (s.starts_with("https://") || s.starts_with("http://"))
            && s.parse::<http::Uri>().is_ok()
        {
            Some(Format::Uri)
        } else if is_email(s) {
            Some(Format::Email)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Uuid => "uuid",
            Format::Email => "email",
            Format::Uri => "uri",
        }
    }
}

/// `local@domain.tld`, with nothing a mail address cannot hold: enough to call a field an email
/// field, not a validation.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
}

/// What one field (or the document, or an array's elements) has looked like.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Times it was present (null included).
    pub seen: u64,
    /// Of them, null.
    pub nulls: u64,
    /// Its non-null values by type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds: BTreeMap<Kind, u64>,
    /// Its strings by recognised format (the others are not counted).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub formats: BTreeMap<Format, u64>,
    /// Its distinct strings and how often each came, while there are at most [`MAX_VALUES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<BTreeMap<String, u64>>,
    /// Strings stopped being counted: more distinct values than [`MAX_VALUES`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub many_values: bool,
    /// The first non-null scalar value seen (strings cut short).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// An object's fields.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Field>,
    /// An array's elements, all folded together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Field>>,
    /// Keys not kept as fields: the object had more than [`MAX_FIELDS`], or the shape more
    /// than [`MAX_NODES`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more_fields: u64,
    /// At the top of a shape: the fields it holds at every depth.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub nodes: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One step into a payload: an object's key or an array's index.
#[derive(Debug, Clone, Copy)]
enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

impl Drift {
    /// A drift at `at`, its pointer and path written out.
    fn at(at: &[Seg<'_>], what: DriftKind) -> Drift {
        use std::fmt::Write;
        let (mut pointer, mut path) = (String::new(), String::new());
        for seg in at {
            match seg {
                Seg::Key(k) => {
                    pointer.push('/');
                    pointer.push_str(&escape(k));
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                Seg::Index(i) => {
                    let _ = write!(pointer, "/{i}");
                    let _ = write!(path, "[{i}]");
                }
            }
        }
        Drift {
            pointer,
            path,
            what,
        }
    }
}

/// One field of a learned shape, as a table shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(schemars::JsonSchema)]
pub struct Row {
    /// Its JSON pointer, with `*` standing for every element of an array: `/data/items/*` is
    /// each of the items.
    pub pointer: String,
    /// The same as a person reads it: `data.items[]`, `data.items[].sku`.
    pub path: String,
    /// 1 for a top-level field.
    pub depth: u32,
    /// Times the object holding it was present (for an array's elements, the elements seen):
    /// `seen` of `within` is how often it is there.
    pub within: u64,
    /// Times it was present, null included.
    pub seen: u64,
    /// Of them, null.
    pub nulls: u64,
    /// Its JSON types other than null (`string`, `integer`, `number`, `boolean`, `object`,
    /// `array`).
    pub types: Vec<String>,
    /// Formats its strings had: `date-time`, `uuid`, `email`, `uri`.
    pub formats: Vec<String>,
    /// Its few values and how often each came, when it looks like a set of choices.
    pub values: Option<Vec<(String, u64)>>,
    /// The first value seen (a scalar; strings cut short).
    #[cfg_attr(test, ts(type = "unknown"))]
    pub example: Option<Value>,
    /// Fields it holds that were not kept (too many of them).
    pub more_fields: u64,
}

/// How a payload differs from the ones of its event type before it, at `pointer` (the JSON
/// pointer of the value in this payload) or `path` (the same as a person reads it:
/// `data.items[0].sku`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    pub pointer: String,
    pub path: String,
    pub what: DriftKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DriftKind {
    /// A field never seen in this event type.
    NewField,
    /// A type the field never had.
    NewType { found: String, known: Vec<String> },
    /// A value outside the few the field has always had.
    NewValue { value: String, known: Vec<String> },
}

impl Drift {
    /// In words, with how many earlier deliveries it is measured against:
    /// "`won_via` = `coin_toss`: not seen in 1,240 earlier `lead.won`".
    pub fn describe(&self, earlier: u64, event_type: &str) -> String {
        let (path, earlier) = (&self.path, thousands(earlier));
        match &self.what {
            DriftKind::NewField => {
                format!("`{path}`: a field not seen in {earlier} earlier `{event_type}`")
            }
            DriftKind::NewType { found, known } => format!(
                "`{path}` is {found}: it was {} in {earlier} earlier `{event_type}`",
                known.join(" or ")
            ),
            DriftKind::NewValue { value, .. } => {
                format!("`{path}` = `{value}`: not seen in {earlier} earlier `{event_type}`")
            }
        }
    }
}

/// `1240` as `1,240`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Field {
    /// Folds `v` in.
    pub fn observe(&mut self, v: &Value) {
        let mut room = MAX_NODES.saturating_sub(self.nodes);
        self.observe_at(v, 0, &mut room);
        self.nodes = MAX_NODES - room;
    }

    fn observe_at(&mut self, v: &Value, depth: usize, room: &mut u64) {
        self.seen += 1;
        let Some(kind) = Kind::of(v) else {
            self.nulls += 1;
            return;
        };
        *self.kinds.entry(kind).or_default() += 1;
        match v {
            Value::String(s) => {
                if let Some(f) = Format::of(s) {
                    *self.formats.entry(f).or_default() += 1;
                }
                if !self.many_values {
                    let values = self.values.get_or_insert_with(BTreeMap::new);
                    if let Some(n) = values.get_mut(s.as_str()) {
                        *n += 1;
                    } else if values.len() < MAX_VALUES && s.chars().count() <= 64 {
                        values.insert(s.clone(), 1);
                    } else {
                        self.values = None;
                        self.many_values = true;
                    }
                }
                if self.example.is_none() {
                    self.example = Some(Value::String(s.chars().take(EXAMPLE_CHARS).collect()));
                }
            }
            Value::Object(_) | Value::Array(_) if depth >= MAX_DEPTH => {}
            Value::Object(map) => {
                for (k, v) in map {
                    if let Some(field) = self.fields.get_mut(k.as_str()) {
                        field.observe_at(v, depth + 1, room);
                    } else if self.fields.len() < MAX_FIELDS && *room > 0 {
                        *room -= 1;
                        let mut field = Field::default();
                        field.observe_at(v, depth + 1, room);
                        self.fields.insert(k.clone(), field);
                    } else {
                        self.more_fields += 1;
                    }
                }
            }
            Value::Array(items) => {
                if self.items.is_none() && *room > 0 {
                    *room -= 1;
                    self.items = Some(Box::default());
                }
                if let Some(element) = &mut self.items {
                    for item in items {
                        element.observe_at(item, depth + 1, room);
                    }
                }
            }
            scalar => {
                if self.example.is_none() {
                    self.example = Some(scalar.clone());
                }
            }
        }
    }

    /// Every field at every depth, parents before their fields, as a table shows them.
    pub fn rows(&self) -> Vec<Row> {
        let mut out = Vec::new();
        self.rows_at("", "", 0, self.seen, &mut out);
        out
    }

    fn rows_at(&self, pointer: &str, path: &str, depth: u32, within: u64, out: &mut Vec<Row>) {
        if !pointer.is_empty() {
            out.push(Row {
                pointer: pointer.to_owned(),
                path: path.to_owned(),
                depth,
                within,
                seen: self.seen,
                nulls: self.nulls,
                types: self.kinds.keys().map(|k| k.as_str().to_owned()).collect(),
                formats: self.formats.keys().map(|f| f.as_str().to_owned()).collect(),
                values: self
                    .enum_values()
                    .map(|v| v.iter().map(|(s, n)| (s.clone(), *n)).collect()),
                example: self.example.clone(),
                more_fields: self.more_fields,
            });
        }
        let objects = self.kinds.get(&Kind::Object).copied().unwrap_or(0);
        for (k, field) in &self.fields {
            let path = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            let pointer = format!("{pointer}/{}", escape(k));
            field.rows_at(&pointer, &path, depth + 1, objects, out);
        }
        if let Some(items) = &self.items {
            items.rows_at(
                &format!("{pointer}/*"),
                &format!("{path}[]"),
                depth + 1,
                items.seen,
                out,
            );
        }
    }

    /// How `v` differs from what this field has been (before folding it in).
    pub fn drift(&self, v: &Value) -> Vec<Drift> {
        let mut out = Vec::new();
        self.drift_at(v, &mut Vec::new(), 0, &mut out);
        out
    }

    /// `at` is where `v` is, as keys and indexes: the pointer and path are written only for
    /// a drift found, not for every field walked.
    fn drift_at<'v>(
        &self,
        v: &'v Value,
        at: &mut Vec<Seg<'v>>,
        depth: usize,
        out: &mut Vec<Drift>,
    ) {
        let Some(kind) = Kind::of(v) else {
            return;
        };
        if out.len() >= MAX_DRIFT {
            return;
        }
        // An integer where numbers come is a number. A field that was only ever null and now
        // has a value has a new type too.
        let known = self.kinds.contains_key(&kind)
            || (kind == Kind::Integer && self.kinds.contains_key(&Kind::Number));
        if self.seen >= DRIFT_AFTER && !known && (!self.kinds.is_empty() || self.nulls > 0) {
            let mut types: Vec<String> = self.kinds.keys().map(|k| k.as_str().into()).collect();
            if self.nulls > 0 {
                types.push("null".into());
            }
            out.push(Drift::at(
                at,
                DriftKind::NewType {
                    found: kind.as_str().to_owned(),
                    known: types,
                },
            ));
            return;
        }
        if depth >= MAX_DEPTH {
            return;
        }
        match v {
            Value::String(s) => {
                if let Some(values) = self.enum_values()
                    && !values.contains_key(s.as_str())
                {
                    out.push(Drift::at(
                        at,
                        DriftKind::NewValue {
                            value: s.chars().take(EXAMPLE_CHARS).collect(),
                            known: values.keys().cloned().collect(),
                        },
                    ));
                }
            }
            Value::Object(map) => {
                let counted: u64 = self.kinds.get(&Kind::Object).copied().unwrap_or(0);
                // An object full of fields takes new keys as they come (a map keyed by ids).
                let closed = counted >= DRIFT_AFTER && self.more_fields == 0;
                for (k, v) in map {
                    at.push(Seg::Key(k));
                    match self.fields.get(k) {
                        Some(field) => field.drift_at(v, at, depth + 1, out),
                        None if closed && out.len() < MAX_DRIFT => {
                            out.push(Drift::at(at, DriftKind::NewField));
                        }
                        None => {}
                    }
                    at.pop();
                }
            }
            Value::Array(items) => {
                if let Some(element) = &self.items {
                    for (i, item) in items.iter().enumerate() {
                        at.push(Seg::Index(i));
                        element.drift_at(item, at, depth + 1, out);
                        at.pop();
                        if out.len() >= MAX_DRIFT {
                            return;
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The field's values as an enum: a few (two or more: one value seen is not yet a set),
    /// each seen more than once on the whole, the field seen often enough to say so, and its
    /// strings not of a format (times, ids, addresses are not choices).
    pub(super) fn enum_values(&self) -> Option<&BTreeMap<String, u64>> {
        let values = self.values.as_ref()?;
        let strings = self.kinds.get(&Kind::String).copied().unwrap_or(0);
        (strings >= DRIFT_AFTER
            && self.formats.is_empty()
            && (2..=10).contains(&values.len())
            && (values.len() as u64) * 3 <= strings)
            .then_some(values)
    }

    /// The field as JSON Schema (draft 2020-12): its types (with `null` when it was null), the
    /// format its strings always had, its enum, its object fields (`required` for the ones always
    /// present), its array elements.
    pub fn json_schema(&self) -> Value {
        let mut s = Map::new();
        let mut types: Vec<&str> = self.kinds.keys().map(|k| k.as_str()).collect();
        // An integer field that is sometimes fractional is a number field.
        if types.contains(&"number") {
            types.retain(|t| *t != "integer");
        }
        if self.nulls > 0 {
            types.push("null");
        }
        match types.as_slice() {
            [] => {}
            [one] => {
                s.insert("type".into(), json!(one));
            }
            many => {
                s.insert("type".into(), json!(many));
            }
        }
        let strings = self.kinds.get(&Kind::String).copied().unwrap_or(0);
        if let Some((format, n)) = self.formats.iter().next()
            && *n == strings
            && self.formats.len() == 1
        {
            s.insert("format".into(), json!(format.as_str()));
        }
        if let Some(values) = self.enum_values() {
            let mut e: Vec<Value> = values.keys().map(|v| json!(v)).collect();
            if self.nulls > 0 {
                e.push(Value::Null);
            }
            s.insert("enum".into(), Value::Array(e));
        }
        if !self.fields.is_empty() {
            let objects = self.kinds.get(&Kind::Object).copied().unwrap_or(0);
            let props: Map<String, Value> = self
                .fields
                .iter()
                .map(|(k, f)| (k.clone(), f.json_schema()))
                .collect();
            let required: Vec<Value> = self
                .fields
                .iter()
                .filter(|(_, f)| f.seen == objects)
                .map(|(k, _)| json!(k))
                .collect();
            s.insert("properties".into(), Value::Object(props));
            if !required.is_empty() {
                s.insert("required".into(), Value::Array(required));
            }
        }
        if let Some(items) = &self.items {
            s.insert("items".into(), items.json_schema());
        }
        if let Some(example) = &self.example {
            s.insert("examples".into(), json!([example]));
        }
        // How often it came, for a reader: JSON Schema allows annotations it does not know.
        s.insert("x-seen".into(), json!(self.seen));
        if self.nulls > 0 {
            s.insert("x-null".into(), json!(self.nulls));
        }
        Value::Object(s)
    }
}

/// A JSON pointer segment, escaped (`~0`, `~1`).
pub(super) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
pub(super) mod tests {
    use serde_json::json;

    use super::*;

    pub(crate) fn won(i: u64, via: &str) -> Value {
        json!({
            "id": format!("9f1c2d4e-0000-4000-8000-{i:012}"),
            "type": "lead.won",
            "createdAt": "2026-05-27T23:34:12.000Z",
            "data": {
                "amount": 100 + i,
                "wonVia": via,
                "contact": {"email": format!("a{i}@example.com"), "site": "https://example.com/x"},
                "note": if i.is_multiple_of(2) { Value::Null } else { json!("call back") },
                "tags": ["vip"],
            }
        })
    }

    pub(crate) fn learned(n: u64) -> Field {
        let mut f = Field::default();
        for i in 0..n {
            f.observe(&won(i, if i % 3 == 0 { "call" } else { "email" }));
        }
        f
    }

    #[test]
    fn fields_keep_types_presence_nulls_formats_and_small_value_sets() {
        let f = learned(30);
        assert_eq!(f.seen, 30);
        let data = &f.fields["data"];
        assert_eq!(data.fields["amount"].kinds[&Kind::Integer], 30);
        assert_eq!(data.fields["note"].nulls, 15);
        assert_eq!(f.fields["id"].formats[&Format::Uuid], 30);
        assert_eq!(f.fields["createdAt"].formats[&Format::DateTime], 30);
        assert_eq!(
            data.fields["contact"].fields["email"].formats[&Format::Email],
            30
        );
        assert_eq!(
            data.fields["contact"].fields["site"].formats[&Format::Uri],
            30
        );
        let via = data.fields["wonVia"].values.as_ref().unwrap();
        assert_eq!(via.keys().collect::<Vec<_>>(), ["call", "email"]);
        // Ids are all different: not an enum, and not counted past the limit.
        assert!(f.fields["id"].many_values && f.fields["id"].values.is_none());
    }

    #[test]
    fn a_json_schema_for_the_handler() {
        let f = learned(30);
        let schema = f.json_schema();
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["properties"]["id"]["format"], "uuid");
        let data = &schema["properties"]["data"];
        assert_eq!(
            data["properties"]["note"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(
            data["properties"]["wonVia"]["enum"],
            json!(["call", "email"])
        );
        assert_eq!(data["properties"]["tags"]["items"]["type"], "string");
        assert!(
            data["required"]
                .as_array()
                .unwrap()
                .contains(&json!("amount"))
        );
        // What was learned accepts what it was learned from (validated by the jsonschema crate).
        let validator = jsonschema::validator_for(&schema).unwrap();
        assert!(validator.is_valid(&won(99, "email")));
        assert!(!validator.is_valid(&json!({"id": 1})));
    }

    #[test]
    fn drift_is_a_new_field_a_new_type_or_a_value_outside_a_small_set() {
        let f = learned(30);
        let mut odd = won(31, "coin_toss");
        odd["data"]["amount"] = json!("100");
        odd["data"]["extra"] = json!(true);
        odd["data"]["tags"] = json!(["vip", 7]);
        let out = f.drift(&odd);
        let at = |pointer: &str, path: &str, what| Drift {
            pointer: pointer.into(),
            path: path.into(),
            what,
        };
        assert_eq!(
            out,
            [
                at(
                    "/data/amount",
                    "data.amount",
                    DriftKind::NewType {
                        found: "string".into(),
                        known: vec!["integer".into()]
                    }
                ),
                at("/data/extra", "data.extra", DriftKind::NewField),
                at(
                    "/data/tags/1",
                    "data.tags[1]",
                    DriftKind::NewType {
                        found: "integer".into(),
                        known: vec!["string".into()]
                    }
                ),
                at(
                    "/data/wonVia",
                    "data.wonVia",
                    DriftKind::NewValue {
                        value: "coin_toss".into(),
                        known: vec!["call".into(), "email".into()]
                    }
                ),
            ]
        );
        assert_eq!(
            out[3].describe(1240, "lead.won"),
            "`data.wonVia` = `coin_toss`: not seen in 1,240 earlier `lead.won`"
        );
        // Nothing is drift before enough deliveries came.
        let early = learned(3).drift(&odd);
        assert!(early.is_empty(), "{early:?}");
        // A usual delivery is no drift.
        let usual = f.drift(&won(40, "call"));
        assert!(usual.is_empty(), "{usual:?}");
    }

    #[test]
    fn a_hostile_payload_does_not_grow_the_shape_past_its_limits() {
        let mut f = Field::default();
        let wide: Map<String, Value> = (0..5000).map(|i| (format!("k{i}"), json!(i))).collect();
        f.observe(&Value::Object(wide));
        assert_eq!(f.fields.len(), MAX_FIELDS);
        assert_eq!(f.more_fields, 5000 - MAX_FIELDS as u64);
        let mut deep = json!(1);
        for _ in 0..1000 {
            deep = json!({ "a": deep });
        }
        let mut g = Field::default();
        g.observe(&deep);
        let mut depth = 0;
        let mut at = &g;
        while let Some(inner) = at.fields.get("a") {
            at = inner;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
        // Wide objects in wide objects stop at the shape's limit.
        let nested: Map<String, Value> = (0..100)
            .map(|i| {
                let inner: Map<String, Value> =
                    (0..100).map(|j| (format!("f{j}"), json!(j))).collect();
                (format!("o{i}"), Value::Object(inner))
            })
            .collect();
        let mut h = Field::default();
        h.observe(&Value::Object(nested.clone()));
        h.observe(&Value::Object(nested));
        assert_eq!(h.nodes, MAX_NODES);
        // What did not fit is counted, once per key that did not (not per key inside it).
        let dropped = h.more_fields + h.fields.values().map(|f| f.more_fields).sum::<u64>();
        assert!(dropped > 0 && dropped < 2 * 100 * 101, "{dropped}");
        // An object past its field limit takes new keys without drift.
        for _ in 0..DRIFT_AFTER {
            f.observe(&json!({"k1": 1}));
        }
        assert!(f.drift(&json!({"brand_new": 1})).is_empty());
    }

    #[test]
    fn it_round_trips_through_json_for_storage() {
        let f = learned(12);
        let text = serde_json::to_string(&f).unwrap();
        let back: Field = serde_json::from_str(&text).unwrap();
        assert_eq!(back, f);
    }
}
