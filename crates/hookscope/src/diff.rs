//! What changed between two deliveries: their headers, and their bodies compared as what they
//! are (JSON structurally, by JSON pointer; text by lines; binary by size and first difference).
//! Fields that differ on every delivery by design (event ids, timestamps, signatures, what a
//! tunnel adds) are volatile: each vendor profile names its own, and they are hidden unless
//! asked for, so a retry's diff shows nothing but a real change.

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{Delivery, DuplicateKind};
use crate::profile::{Registry, VendorProfile};
use crate::store::{ListParams, Store};

/// Headers that a tunnel, proxy or client library adds or changes on every request, for any
/// vendor.
const TRANSPORT_HEADERS: &[&str] = &[
    "connection",
    "keep-alive",
    "date",
    "traceparent",
    "tracestate",
    "x-request-id",
    "x-amzn-trace-id",
    "x-cloud-trace-context",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-port",
    "x-forwarded-proto",
    "x-real-ip",
    "forwarded",
    "cf-ray",
    "cf-connecting-ip",
    "cf-ipcountry",
    "cdn-loop",
    "cf-visitor",
    "cf-warp-tag-id",
    "ngrok-trace-id",
    "x-vercel-id",
];

/// Which fields of a vendor's deliveries are volatile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Volatile {
    /// Header names, lower case.
    pub headers: Vec<String>,
    /// JSON pointers into the body; a segment `*` matches any array index or key.
    pub pointers: Vec<String>,
}

impl Volatile {
    /// What `profile` says varies per delivery: its event id and time sources, its dedupe
    /// sources, its signature's headers, and what it lists as volatile itself; and the headers a
    /// transport adds. `None` (the vendor unknown): the transport's headers only.
    pub fn of(profile: Option<&VendorProfile>) -> Volatile {
        let mut v = Volatile {
            headers: TRANSPORT_HEADERS.iter().map(|h| (*h).to_owned()).collect(),
            pointers: Vec::new(),
        };
        let Some(p) = profile else {
            return v;
        };
        for source in p.envelope.id.iter().chain(&p.envelope.occurred_at) {
            v.headers
                .extend(source.header.iter().map(|h| h.to_ascii_lowercase()));
            v.pointers.extend(source.pointer.iter().cloned());
        }
        for source in p.dedupe.iter().filter(|s| !s.fingerprint) {
            v.headers
                .extend(source.headers.iter().map(|h| h.to_ascii_lowercase()));
            v.pointers.extend(source.pointers.iter().cloned());
        }
        if let Some(s) = &p.signature {
            v.headers.push(s.header.to_ascii_lowercase());
            v.headers
                .extend(s.timestamp_header.iter().map(|h| h.to_ascii_lowercase()));
            v.headers
                .extend(s.id_header.iter().map(|h| h.to_ascii_lowercase()));
        }
        v.headers
            .extend(p.volatile.headers.iter().map(|h| h.to_ascii_lowercase()));
        v.pointers.extend(p.volatile.pointers.iter().cloned());
        v.headers.sort();
        v.headers.dedup();
        v.pointers.sort();
        v.pointers.dedup();
        v
    }

    fn header(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h.eq_ignore_ascii_case(name))
    }

    /// `path` is a volatile pointer, or inside one.
    fn pointer(&self, path: &str) -> bool {
        self.pointers.iter().any(|p| covers(p, path))
    }
}

/// `pattern` (a JSON pointer, `*` for any one segment) is `path` or one of its parents.
fn covers(pattern: &str, path: &str) -> bool {
    if pattern.is_empty() {
        return true;
    }
    let mut want = pattern.split('/').skip(1);
    let mut have = path.split('/').skip(1);
    loop {
        match (want.next(), have.next()) {
            (None, _) => return true,
            (Some(_), None) => return false,
            (Some(w), Some(h)) if w == "*" || w == h => {}
            _ => return false,
        }
    }
}

/// How one field differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum ChangeKind {
    /// Only the right-hand delivery has it.
    Added,
    /// Only the left-hand delivery has it.
    Removed,
    /// Both have it, with different values.
    Changed,
    /// The same value, at another place in its array (`from` is where it was).
    Moved,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Change {
    pub kind: ChangeKind,
    /// A header's name; a JSON pointer into the body (`/data/object/amount`); for text, the
    /// right-hand lines (`lines 3-5`, or `line 3` of the left for a removal).
    pub path: String,
    /// For a move: where the value was in the left-hand delivery.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub from: Option<String>,
    /// The left-hand value (JSON as JSON; a header's or text's as a string).
    #[cfg_attr(test, ts(type = "unknown"))]
    pub left: Option<Value>,
    #[cfg_attr(test, ts(type = "unknown"))]
    pub right: Option<Value>,
    /// The field varies on every delivery by design (its vendor says so).
    pub volatile: bool,
}

/// How the bodies were compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum BodyKind {
    /// Both are JSON: structurally.
    Json,
    /// Both are UTF-8 text (at least one not JSON): by lines.
    Text,
    /// At least one is not text: by size and first difference.
    Binary,
}

/// One side of a diff.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DiffSide {
    pub id: i64,
    pub received_at: String,
    pub vendor: Option<String>,
    pub event_type: Option<String>,
    pub event_id: Option<String>,
    pub body_size: u64,
}

impl DiffSide {
    fn of(d: &Delivery) -> DiffSide {
        let s = &d.summary;
        DiffSide {
            id: s.id,
            received_at: s.received_at.clone(),
            vendor: s.vendor.clone(),
            event_type: s.event.as_ref().and_then(|e| e.event_type.clone()),
            event_id: s.event.as_ref().and_then(|e| e.id.clone()),
            body_size: d.body.len() as u64,
        }
    }
}

/// Why these two deliveries are compared.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Basis {
    /// Both were chosen.
    Chosen,
    /// The left is the previous delivery of the right's vendor and event type.
    Previous,
    /// The left is the first delivery of the right's event (the right repeats it).
    FirstOfEvent,
}

/// What changed from `left` to `right`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DeliveryDiff {
    pub left: DiffSide,
    pub right: DiffSide,
    pub basis: Basis,
    pub headers: Vec<Change>,
    pub body_kind: BodyKind,
    pub body: Vec<Change>,
    /// Volatile changes left out (`show_volatile` lists them, marked).
    pub volatile_hidden: usize,
    /// Nothing differs but what is volatile.
    pub same: bool,
}

/// The request as compared: its headers and its body (decoded from its content coding).
pub struct Compared<'a> {
    pub delivery: &'a Delivery,
    pub headers: Vec<(String, String)>,
    pub body: std::borrow::Cow<'a, [u8]>,
}

impl<'a> Compared<'a> {
    /// `delivery` as received, its body decoded when it came compressed (up to the decoder's
    /// cap).
    pub fn new(delivery: &'a Delivery) -> Compared<'a> {
        let headers = crate::head::header_pairs(&delivery.head);
        let body = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-encoding"))
            .and_then(|(_, v)| crate::content_coding::decode(v, &delivery.body))
            .and_then(|d| match (d.text, d.base64) {
                (Some(text), _) => Some(text.into_bytes()),
                (None, Some(b64)) => {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD.decode(b64).ok()
                }
                _ => None,
            });
        Compared {
            delivery,
            headers,
            body: match body {
                Some(b) => std::borrow::Cow::Owned(b),
                None => std::borrow::Cow::Borrowed(&delivery.body),
            },
        }
    }
}

/// What a delivery is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum With {
    /// Another delivery, by id (it is the left-hand side).
    Delivery(i64),
    /// The previous delivery of its vendor and event type, in receive order.
    Previous,
    /// The first delivery of its event, when it repeats one.
    First,
    /// The first of its event when it repeats one, else the previous of its type.
    Default,
}

impl With {
    /// `previous`, `first`, or a delivery id.
    pub fn parse(text: &str) -> Result<With> {
        match text {
            "previous" => Ok(With::Previous),
            "first" => Ok(With::First),
            "" | "default" => Ok(With::Default),
            id => id.parse().map(With::Delivery).map_err(|_| {
                Error::Invalid(format!(
                    "with={id:?}: give a delivery id, `previous` or `first`"
                ))
            }),
        }
    }
}

/// Compares stored delivery `id` with what `with` names (the left-hand side), its vendor's
/// volatile fields hidden unless `show_volatile`. Blocks on SQLite.
pub fn compare(
    store: &Store,
    registry: &Registry,
    id: i64,
    with: With,
    show_volatile: bool,
) -> Result<DeliveryDiff> {
    let right = store.get(id)?.ok_or(Error::NotFound(id))?;
    let repeats = right
        .summary
        .duplicate
        .as_ref()
        .filter(|d| d.kind != DuplicateKind::First && d.first_id != id);
    let with = match with {
        With::Default if repeats.is_some() => With::First,
        With::Default => With::Previous,
        other => other,
    };
    let (left_id, basis) = match with {
        With::Delivery(other) => (other, Basis::Chosen),
        With::First => match repeats {
            Some(d) => (d.first_id, Basis::FirstOfEvent),
            None => {
                return Err(Error::Invalid(format!(
                    "delivery {id} repeats no earlier delivery of its event: compare it with `previous` or an id"
                )));
            }
        },
        With::Previous | With::Default => {
            let s = &right.summary;
            let event_type = s.event.as_ref().and_then(|e| e.event_type.clone());
            let (Some(vendor), Some(event_type)) = (s.vendor.clone(), event_type) else {
                return Err(Error::Invalid(format!(
                    "delivery {id} has no vendor and event type to find the previous one of: compare it with an id"
                )));
            };
            let filter = ListParams {
                vendor: Some(vendor.clone()),
                event_type: Some(event_type.clone()),
                before: Some(id),
                limit: Some(1),
                ..ListParams::default()
            }
            .parse()?;
            match store.list(&filter)?.items.first() {
                Some(previous) => (previous.id, Basis::Previous),
                None => {
                    return Err(Error::Invalid(format!(
                        "delivery {id} is the earliest stored {event_type} of {vendor}: compare it with an id"
                    )));
                }
            }
        }
    };
    let left = store.get(left_id)?.ok_or(Error::NotFound(left_id))?;
    let profile = right
        .summary
        .vendor
        .as_deref()
        .and_then(|v| registry.get(v));
    let mut volatile = Volatile::of(profile);
    // Two vendors' deliveries: what varies for either.
    if left.summary.vendor != right.summary.vendor {
        let other = Volatile::of(left.summary.vendor.as_deref().and_then(|v| registry.get(v)));
        volatile.headers.extend(other.headers);
        volatile.pointers.extend(other.pointers);
    }
    Ok(diff(
        &Compared::new(&left),
        &Compared::new(&right),
        basis,
        &volatile,
        show_volatile,
    ))
}

/// Compares `left` with `right`; volatile changes are counted, and listed (marked) only when
/// `show_volatile`.
pub fn diff(
    left: &Compared<'_>,
    right: &Compared<'_>,
    basis: Basis,
    volatile: &Volatile,
    show_volatile: bool,
) -> DeliveryDiff {
    let mut headers = header_changes(&left.headers, &right.headers, volatile);
    let (body_kind, mut body) = body_changes(&left.body, &right.body, volatile);
    let hidden = headers.iter().chain(&body).filter(|c| c.volatile).count();
    if !show_volatile {
        headers.retain(|c| !c.volatile);
        body.retain(|c| !c.volatile);
    }
    let same = headers.iter().chain(&body).all(|c| c.volatile);
    DeliveryDiff {
        left: DiffSide::of(left.delivery),
        right: DiffSide::of(right.delivery),
        basis,
        headers,
        body_kind,
        body,
        volatile_hidden: if show_volatile { 0 } else { hidden },
        same,
    }
}

/// Headers by name (case-insensitive), a repeated header's values joined with `, ` in order.
fn header_changes(
    left: &[(String, String)],
    right: &[(String, String)],
    volatile: &Volatile,
) -> Vec<Change> {
    fn by_name(headers: &[(String, String)]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (name, value) in headers {
            match out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((_, v)) => {
                    v.push_str(", ");
                    v.push_str(value);
                }
                None => out.push((name.clone(), value.clone())),
            }
        }
        out
    }
    let (left, right) = (by_name(left), by_name(right));
    let find = |list: &[(String, String)], name: &str| {
        list.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for (name, value) in &left {
        let change = |kind, right: Option<String>| Change {
            kind,
            path: name.clone(),
            from: None,
            left: Some(Value::String(value.clone())),
            right: right.map(Value::String),
            volatile: volatile.header(name),
        };
        match find(&right, name) {
            None => out.push(change(ChangeKind::Removed, None)),
            Some(other) if other != *value => out.push(change(ChangeKind::Changed, Some(other))),
            Some(_) => {}
        }
    }
    for (name, value) in &right {
        if find(&left, name).is_none() {
            out.push(Change {
                kind: ChangeKind::Added,
                path: name.clone(),
                from: None,
                left: None,
                right: Some(Value::String(value.clone())),
                volatile: volatile.header(name),
            });
        }
    }
    out
}

fn body_changes(left: &[u8], right: &[u8], volatile: &Volatile) -> (BodyKind, Vec<Change>) {
    let json = |b: &[u8]| serde_json::from_slice::<Value>(b).ok();
    if let (Some(l), Some(r)) = (json(left), json(right)) {
        return (BodyKind::Json, json_changes(&l, &r, volatile));
    }
    match (std::str::from_utf8(left), std::str::from_utf8(right)) {
        (Ok(l), Ok(r)) => (BodyKind::Text, text_changes(l, r)),
        _ => (BodyKind::Binary, binary_changes(left, right)),
    }
}

/// The JSON documents compared structurally (RFC 6902 operations, from `json-patch`), each
/// operation a change with both values; an array whose elements were only reordered says which
/// moved where.
fn json_changes(left: &Value, right: &Value, volatile: &Volatile) -> Vec<Change> {
    let patch = json_patch::diff(left, right);
    let mut out: Vec<Change> = patch
        .0
        .into_iter()
        .filter_map(|op| {
            let (kind, path, value) = match op {
                json_patch::PatchOperation::Add(a) => (ChangeKind::Added, a.path, Some(a.value)),
                json_patch::PatchOperation::Remove(r) => (ChangeKind::Removed, r.path, None),
                json_patch::PatchOperation::Replace(r) => {
                    (ChangeKind::Changed, r.path, Some(r.value))
                }
                // `diff` makes no other operations.
                _ => return None,
            };
            let path = path.to_string();
            Some(Change {
                kind,
                left: (kind != ChangeKind::Added)
                    .then(|| left.pointer(&path).cloned())
                    .flatten(),
                right: value,
                volatile: volatile.pointer(&path),
                from: None,
                path,
            })
        })
        .collect();
    moves(left, right, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Where an array holds the same elements in both documents in another order, its changes
/// become moves: each element that is elsewhere, from where it was to where it is.
fn moves(left: &Value, right: &Value, changes: &mut Vec<Change>) {
    // Every array that holds a change, at any depth; the outermost first.
    let mut arrays: Vec<String> = changes
        .iter()
        .flat_map(|c| {
            let segments: Vec<&str> = c.path.split('/').collect();
            (1..segments.len())
                .map(|k| segments[..k].join("/"))
                .collect::<Vec<_>>()
        })
        .collect();
    arrays.sort_by_key(|p| (p.matches('/').count(), p.clone()));
    arrays.dedup();
    let inside = |path: &str, parent: &str| {
        path.strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with('/'))
    };
    let mut collapsed: Vec<String> = Vec::new();
    for parent in arrays {
        if collapsed.iter().any(|c| inside(&parent, c)) {
            continue;
        }
        let (Some(Value::Array(l)), Some(Value::Array(r))) =
            (left.pointer(&parent), right.pointer(&parent))
        else {
            continue;
        };
        if l.len() != r.len() || !same_elements(l, r) {
            continue;
        }
        collapsed.push(parent.clone());
        changes.retain(|c| !inside(&c.path, &parent));
        let mut taken = vec![false; r.len()];
        for (i, value) in l.iter().enumerate() {
            if r[i] == *value && !taken[i] {
                taken[i] = true;
                continue;
            }
            if let Some(j) = (0..r.len()).find(|&j| !taken[j] && r[j] == *value && l[j] != r[j]) {
                taken[j] = true;
                changes.push(Change {
                    kind: ChangeKind::Moved,
                    path: format!("{parent}/{j}"),
                    from: Some(format!("{parent}/{i}")),
                    left: Some(value.clone()),
                    right: Some(value.clone()),
                    volatile: false,
                });
            }
        }
    }
}

/// The same elements, each as many times, in any order.
fn same_elements(l: &[Value], r: &[Value]) -> bool {
    let mut used = vec![false; r.len()];
    l.iter()
        .all(|v| match (0..r.len()).find(|&j| !used[j] && r[j] == *v) {
            Some(j) => {
                used[j] = true;
                true
            }
            None => false,
        })
}

/// Text compared by lines (`similar`): each run of changed lines is one change.
fn text_changes(left: &str, right: &str) -> Vec<Change> {
    use similar::{DiffOp, TextDiff};
    let diff = TextDiff::from_lines(left, right);
    let old: Vec<&str> = diff.iter_old_slices().collect();
    let new: Vec<&str> = diff.iter_new_slices().collect();
    let lines = |text: &[&str]| Value::String(text.concat());
    let range = |start: usize, len: usize| match len {
        1 => format!("line {}", start + 1),
        _ => format!("lines {}-{}", start + 1, start + len),
    };
    diff.ops()
        .iter()
        .filter_map(|op| match *op {
            DiffOp::Equal { .. } => None,
            DiffOp::Delete {
                old_index, old_len, ..
            } => Some(Change {
                kind: ChangeKind::Removed,
                path: range(old_index, old_len),
                from: None,
                left: Some(lines(&old[old_index..old_index + old_len])),
                right: None,
                volatile: false,
            }),
            DiffOp::Insert {
                new_index, new_len, ..
            } => Some(Change {
                kind: ChangeKind::Added,
                path: range(new_index, new_len),
                from: None,
                left: None,
                right: Some(lines(&new[new_index..new_index + new_len])),
                volatile: false,
            }),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => Some(Change {
                kind: ChangeKind::Changed,
                path: range(new_index, new_len),
                from: None,
                left: Some(lines(&old[old_index..old_index + old_len])),
                right: Some(lines(&new[new_index..new_index + new_len])),
                volatile: false,
            }),
        })
        .collect()
}

/// Bytes that are not text: whether they differ, their sizes and where they first differ.
fn binary_changes(left: &[u8], right: &[u8]) -> Vec<Change> {
    if left == right {
        return Vec::new();
    }
    let at = left
        .iter()
        .zip(right)
        .position(|(a, b)| a != b)
        .unwrap_or(left.len().min(right.len()));
    vec![Change {
        kind: ChangeKind::Changed,
        path: format!("bytes from offset {at}"),
        from: None,
        left: Some(serde_json::json!({ "size": left.len() })),
        right: Some(serde_json::json!({ "size": right.len() })),
        volatile: false,
    }]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn vol(pointers: &[&str]) -> Volatile {
        Volatile {
            headers: vec!["stripe-signature".into()],
            pointers: pointers.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn json_bodies_differ_by_pointer_with_both_values() {
        let l = json!({"id": "evt_1", "data": {"amount": 100, "tags": ["a"]}, "gone": true});
        let r = json!({"id": "evt_2", "data": {"amount": 250, "tags": ["a", "b"]}, "new": 1});
        let changes = json_changes(&l, &r, &vol(&["/id"]));
        let brief: Vec<(ChangeKind, &str, bool)> = changes
            .iter()
            .map(|c| (c.kind, c.path.as_str(), c.volatile))
            .collect();
        assert_eq!(
            brief,
            [
                (ChangeKind::Changed, "/data/amount", false),
                (ChangeKind::Added, "/data/tags/1", false),
                (ChangeKind::Removed, "/gone", false),
                (ChangeKind::Changed, "/id", true),
                (ChangeKind::Added, "/new", false),
            ]
        );
        assert_eq!(changes[0].left, Some(json!(100)));
        assert_eq!(changes[0].right, Some(json!(250)));
        assert_eq!(changes[2].left, Some(json!(true)));
        assert_eq!(changes[2].right, None);
    }

    #[test]
    fn a_reordered_array_is_moves() {
        let l = json!({"items": [{"sku": 1}, {"sku": 2}, {"sku": 3}]});
        let r = json!({"items": [{"sku": 3}, {"sku": 2}, {"sku": 1}]});
        let changes = json_changes(&l, &r, &Volatile::default());
        let brief: Vec<(ChangeKind, &str, Option<&str>)> = changes
            .iter()
            .map(|c| (c.kind, c.path.as_str(), c.from.as_deref()))
            .collect();
        assert_eq!(
            brief,
            [
                (ChangeKind::Moved, "/items/0", Some("/items/2")),
                (ChangeKind::Moved, "/items/2", Some("/items/0")),
            ]
        );
    }

    #[test]
    fn volatile_pointers_cover_their_insides_and_wildcards() {
        assert!(covers("/id", "/id"));
        assert!(covers("/request", "/request/id"));
        assert!(covers("/items/*/updated_at", "/items/3/updated_at"));
        assert!(!covers("/items/*/updated_at", "/items/3/price"));
        assert!(!covers("/id", "/identity"));
        assert!(covers("", "/anything"));
    }

    #[test]
    fn headers_compare_by_name_whatever_the_case() {
        let l = vec![
            ("Stripe-Signature".to_owned(), "t=1,v1=a".to_owned()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-Old".to_owned(), "1".to_owned()),
        ];
        let r = vec![
            ("stripe-signature".to_owned(), "t=2,v1=b".to_owned()),
            ("content-type".to_owned(), "application/json".to_owned()),
            ("X-New".to_owned(), "2".to_owned()),
        ];
        let changes = header_changes(&l, &r, &vol(&[]));
        let brief: Vec<(ChangeKind, &str, bool)> = changes
            .iter()
            .map(|c| (c.kind, c.path.as_str(), c.volatile))
            .collect();
        assert_eq!(
            brief,
            [
                (ChangeKind::Changed, "Stripe-Signature", true),
                (ChangeKind::Removed, "X-Old", false),
                (ChangeKind::Added, "X-New", false),
            ]
        );
    }

    #[test]
    fn text_and_binary_bodies() {
        let changes = text_changes("a=1\nb=2\nc=3\n", "a=1\nb=5\nc=3\nd=4\n");
        let brief: Vec<(ChangeKind, &str)> =
            changes.iter().map(|c| (c.kind, c.path.as_str())).collect();
        assert_eq!(
            brief,
            [
                (ChangeKind::Changed, "line 2"),
                (ChangeKind::Added, "line 4")
            ]
        );
        assert_eq!(changes[0].left, Some(json!("b=2\n")));
        assert_eq!(changes[0].right, Some(json!("b=5\n")));
        let bin = binary_changes(&[0, 1, 2, 0xff], &[0, 1, 9]);
        assert_eq!(bin[0].path, "bytes from offset 2");
        assert!(binary_changes(&[0xff], &[0xff]).is_empty());
    }
}
