//! AsyncAPI 2.x and 3.0: the messages the described application sends (2.x: the channels'
//! `subscribe` operations; 3.0: the `send` operations, or every channel's messages when no
//! operation says) become described events, with their payload schema, examples and headers.
//! No maintained Rust crate reads AsyncAPI, so this is a small typed model of the parts used,
//! with `$ref`s resolved against the document.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{DescribedEvent, Description, Skipped, bundle, first_sentence, header_value};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Info {
    title: String,
    version: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Operation2 {
    operation_id: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    tags: Vec<Tag>,
    message: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Channel2 {
    subscribe: Option<Operation2>,
    publish: Option<Operation2>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Operation3 {
    action: String,
    channel: Option<Value>,
    messages: Vec<Value>,
    title: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    tags: Vec<Tag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Channel3 {
    address: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Tag {
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Message {
    name: Option<String>,
    message_id: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    content_type: Option<String>,
    tags: Vec<Tag>,
    payload: Option<Value>,
    headers: Option<Value>,
    examples: Vec<MessageExample>,
    external_docs: Option<ExternalDocs>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ExternalDocs {
    url: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MessageExample {
    headers: Option<serde_json::Map<String, Value>>,
    payload: Option<Value>,
}

/// A message as found, before it is read: where it was and what names it there.
struct Found {
    /// Its key in a channel's or the components' messages (3.0), the channel (2.x).
    key: String,
    channel: String,
    message: Value,
    op_summary: Option<String>,
    op_tags: Vec<String>,
    op_id: Option<String>,
}

pub(super) fn read(root: &Value) -> Result<Description, String> {
    let version = root
        .get("asyncapi")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let info: Info = parse(root.get("info").unwrap_or(&Value::Null), "info")?;
    let mut skipped = Vec::new();
    let found = if version.starts_with("2.") {
        messages_2(root, &mut skipped)?
    } else if version.starts_with("3.") {
        messages_3(root, &mut skipped)?
    } else {
        return Err(format!(
            "AsyncAPI {version:?} is not a version import-spec reads (2.x or 3.0)"
        ));
    };
    let mut events = Vec::new();
    for f in found {
        let label = if f.key.is_empty() {
            f.channel.clone()
        } else {
            f.key.clone()
        };
        match event(root, f) {
            Ok(e) => events.push(e),
            Err(reason) => skipped.push(Skipped {
                name: label,
                reason,
            }),
        }
    }
    Ok(Description {
        format: format!("AsyncAPI {version}"),
        title: info.title,
        version: info.version,
        events,
        skipped,
    })
}

fn parse<T: DeserializeOwned>(value: &Value, what: &str) -> Result<T, String> {
    serde_json::from_value(value.clone()).map_err(|e| format!("its {what} cannot be read: {e}"))
}

/// `value`, or what its `$ref` points at (followed up to eight times).
fn deref<'a>(root: &'a Value, mut value: &'a Value) -> Result<&'a Value, String> {
    for _ in 0..8 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => value = bundle::resolve(root, r)?,
            None => return Ok(value),
        }
    }
    Err("its references go round in a loop".into())
}

fn ref_name(value: &Value) -> Option<String> {
    let r = value.get("$ref")?.as_str()?;
    Some(r.rsplit('/').next()?.replace("~1", "/").replace("~0", "~"))
}

fn messages_2(root: &Value, skipped: &mut Vec<Skipped>) -> Result<Vec<Found>, String> {
    let channels = root
        .get("channels")
        .and_then(Value::as_object)
        .ok_or("it has no `channels`")?;
    let mut parsed = Vec::new();
    for (name, channel) in channels {
        let channel = deref(root, channel)?;
        let c: Channel2 = parse(channel, &format!("channel {name}"))?;
        parsed.push((name, c));
    }
    // The application's sent messages are what a consumer subscribes to; a document written
    // from the receiver's side has only `publish`.
    let any_subscribe = parsed.iter().any(|(_, c)| c.subscribe.is_some());
    let mut found = Vec::new();
    for (name, c) in parsed {
        let Some(op) = (if any_subscribe {
            c.subscribe
        } else {
            c.publish
        }) else {
            continue;
        };
        let Some(message) = op.message.as_ref() else {
            skipped.push(Skipped {
                name: name.clone(),
                reason: "its operation has no message".into(),
            });
            continue;
        };
        let message = deref(root, message)?;
        let one_of: Vec<&Value> = match message.get("oneOf").and_then(Value::as_array) {
            Some(list) => list.iter().collect(),
            None => vec![message],
        };
        for m in one_of {
            // An inline message has no key; the channel names it when nothing else does.
            let key = ref_name(m).unwrap_or_default();
            found.push(Found {
                key,
                channel: name.clone(),
                message: deref(root, m)?.clone(),
                op_summary: op.summary.clone().or(op.description.clone()),
                op_tags: op.tags.iter().map(|t| t.name.clone()).collect(),
                op_id: op.operation_id.clone(),
            });
        }
    }
    Ok(found)
}

fn messages_3(root: &Value, skipped: &mut Vec<Skipped>) -> Result<Vec<Found>, String> {
    let empty = serde_json::Map::new();
    let channels = root
        .get("channels")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let operations = root
        .get("operations")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut found = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut push =
        |key: String, channel: String, message: &Value, op: Option<(&str, &Operation3)>| {
            // The same message sent on two channels is one event.
            if seen.insert(key.clone()) {
                found.push(Found {
                    key,
                    channel,
                    message: message.clone(),
                    op_summary: op.and_then(|(_, o)| {
                        o.summary
                            .clone()
                            .or(o.title.clone())
                            .or(o.description.clone())
                    }),
                    op_tags: op
                        .map(|(_, o)| o.tags.iter().map(|t| t.name.clone()).collect())
                        .unwrap_or_default(),
                    op_id: op.map(|(id, _)| id.to_owned()),
                });
            }
        };
    let sends: Vec<(&String, Operation3)> = operations
        .iter()
        .map(|(id, o)| {
            Ok((
                id,
                parse::<Operation3>(deref(root, o)?, &format!("operation {id}"))?,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?
        .into_iter()
        .filter(|(_, o)| o.action == "send")
        .collect();
    if sends.is_empty() {
        // No operation says what is sent: every channel's messages.
        for (name, channel) in channels {
            let channel = deref(root, channel)?;
            let c: Channel3 = parse(channel, &format!("channel {name}"))?;
            let address = c.address.unwrap_or_else(|| name.clone());
            for (key, m) in channel
                .get("messages")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let key = ref_name(m).unwrap_or_else(|| key.clone());
                push(key, address.clone(), deref(root, m)?, None);
            }
        }
    } else {
        for (id, op) in &sends {
            let Some(channel_ref) = &op.channel else {
                skipped.push(Skipped {
                    name: (*id).clone(),
                    reason: "the operation names no channel".into(),
                });
                continue;
            };
            let channel_name = ref_name(channel_ref).unwrap_or_default();
            let channel = deref(root, channel_ref)?;
            let address = channel
                .get("address")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| channel_name.clone());
            let listed: Vec<(String, &Value)> = if op.messages.is_empty() {
                channel
                    .get("messages")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(k, m)| (ref_name(m).unwrap_or_else(|| k.clone()), m))
                    .collect()
            } else {
                op.messages
                    .iter()
                    .map(|m| (ref_name(m).unwrap_or_default(), m))
                    .collect()
            };
            for (key, m) in listed {
                // An operation's message is a reference into its channel's messages, which
                // may be a reference again.
                let m = deref(root, m)?;
                let key = ref_name(m).unwrap_or(key);
                push(
                    key,
                    address.clone(),
                    deref(root, m)?,
                    Some((id.as_str(), op)),
                );
            }
        }
    }
    Ok(found)
}

fn event(root: &Value, f: Found) -> Result<DescribedEvent, String> {
    let m: Message = parse(&f.message, "message")?;
    // 3.0 puts a schema of another format in { schemaFormat, schema }.
    let payload = m
        .payload
        .as_ref()
        .map(|p| match (p.get("schemaFormat"), p.get("schema")) {
            (Some(_), Some(schema)) => schema,
            _ => p,
        });
    let schema = payload.map(|p| bundle::bundle(root, p)).transpose()?;
    let mut examples: Vec<Value> = m
        .examples
        .iter()
        .filter_map(|x| x.payload.clone())
        .collect();
    if examples.is_empty()
        && let Some(x) = payload.and_then(|p| super::openapi::schema_example_raw(root, p))
    {
        examples.push(x);
    }
    let mut headers: Vec<(String, String)> = m
        .examples
        .iter()
        .find_map(|x| x.headers.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|(n, v)| Some((n.clone(), header_value(v)?)))
        .collect();
    let mut header_names: Vec<String> = headers.iter().map(|(n, _)| n.clone()).collect();
    if let Some(h) = m.headers.as_ref() {
        let h = deref(root, h)?;
        for (name, prop) in h
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !header_names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                header_names.push(name.clone());
            }
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
                && let Some(v) = super::openapi::schema_example_raw(root, prop)
                    .as_ref()
                    .and_then(header_value)
            {
                headers.push((name.clone(), v));
            }
        }
    }
    let name = m
        .name
        .clone()
        .or(m.message_id.clone())
        .or(if f.key.is_empty() {
            None
        } else {
            Some(f.key.clone())
        })
        .or(m.title.clone())
        .or(f.op_id.clone())
        .or_else(|| m.external_docs.as_ref().and_then(|d| documented_as(&d.url)))
        .unwrap_or(f.channel.clone());
    let description = m
        .summary
        .clone()
        .or(m.title.clone())
        .or(m.description.as_deref().map(first_sentence))
        .or(f.op_summary.clone())
        .unwrap_or_default();
    let category = m
        .tags
        .first()
        .map(|t| t.name.clone())
        .or(f.op_tags.first().cloned());
    Ok(DescribedEvent {
        name,
        description,
        category,
        content_type: m
            .content_type
            .clone()
            .or_else(|| root.get("defaultContentType")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| "application/json".to_owned()),
        schema,
        examples,
        headers,
        header_names,
    })
}

/// The name a message's documentation page is published under (`…/events/app_mention`), for a
/// message the description names no other way (Slack's Events API document names its messages
/// only by their pages).
fn documented_as(url: &str) -> Option<String> {
    let last = url.trim_end_matches('/').rsplit('/').next()?;
    let last = last.split(['?', '#']).next()?;
    (!last.is_empty()
        && !last.contains('.')
        && last
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':')))
    .then(|| last.to_owned())
}
