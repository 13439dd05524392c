//! Writing changes back into `hookscope.toml`: the endpoints, retention, the desktop settings and
//! the capture address, each merged into the file as it is with `toml_edit`, so the user's
//! comments, blank lines and key order survive. A write goes to a temporary file renamed into
//! place, so a crash leaves the old file or the new one.

use std::net::SocketAddr;
use std::path::Path;

use serde::Serialize;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use super::{DesktopConfig, EndpointConfig, RetentionConfig, RuleConfig};
use crate::error::{Error, Result};

/// Rewrites the `endpoints` of the config file at `path`, keeping its other settings. An endpoint
/// whose path was already there keeps its comments.
pub fn write_endpoints(path: &Path, endpoints: &[EndpointConfig]) -> Result<()> {
    #[derive(Serialize)]
    struct Section<'a> {
        endpoints: &'a [EndpointConfig],
    }
    write_section(path, "endpoints", &Section { endpoints })
}

/// Writes the retention limits to the config file at `path`, keeping its other settings.
pub fn write_retention(path: &Path, retention: &RetentionConfig) -> Result<()> {
    #[derive(Serialize)]
    struct Limits {
        max_deliveries: u64,
        // In bytes: exact, where a "1.2 GiB" display would round.
        max_bytes: u64,
    }
    #[derive(Serialize)]
    struct Section {
        retention: Limits,
    }
    let section = Section {
        retention: Limits {
            max_deliveries: retention.max_deliveries.min(i64::MAX as u64),
            max_bytes: retention.max_bytes.as_u64().min(i64::MAX as u64),
        },
    };
    write_section(path, "retention", &section)
}

/// Writes the desktop app's settings to the config file at `path`, keeping its other settings.
pub fn write_desktop(path: &Path, desktop: &DesktopConfig) -> Result<()> {
    #[derive(Serialize)]
    struct Section<'a> {
        desktop: &'a DesktopConfig,
    }
    write_section(path, "desktop", &Section { desktop })
}

/// Sets `capture.addr` in the config file at `path`, keeping the other capture settings.
pub fn write_capture_addr(path: &Path, addr: SocketAddr) -> Result<()> {
    update_file(path, |doc| {
        let capture = doc
            .as_table_mut()
            .entry("capture")
            .or_insert_with(|| Item::Table(Table::new()));
        let Some(table) = capture.as_table_like_mut() else {
            return Err("`capture` in the config file is not a table".into());
        };
        match table.get_mut("addr") {
            Some(existing) => merge(existing, toml_edit::value(addr.to_string())),
            None => {
                table.insert("addr", toml_edit::value(addr.to_string()));
            }
        }
        Ok(())
    })
}

/// Writes the global rules (`[[rules]]`) and the endpoints with their own rules to the config
/// file at `path` in one change, keeping its other settings; no global rules leave no `rules`.
pub fn write_rules(path: &Path, rules: &[RuleConfig], endpoints: &[EndpointConfig]) -> Result<()> {
    #[derive(Serialize)]
    struct Rules<'a> {
        rules: &'a [RuleConfig],
    }
    #[derive(Serialize)]
    struct Endpoints<'a> {
        endpoints: &'a [EndpointConfig],
    }
    let mut rules_item = section_item(path, "rules", &Rules { rules })?;
    let mut endpoints_item = section_item(path, "endpoints", &Endpoints { endpoints })?;
    tidy_rules(&mut rules_item);
    if let Some(list) = endpoints_item.as_array_of_tables_mut() {
        for endpoint in list.iter_mut() {
            if let Some(own) = endpoint.get_mut("rules") {
                tidy_rules(own);
            }
        }
    }
    update_file(path, |doc| {
        let root = doc.as_table_mut();
        if rules.is_empty() {
            root.remove("rules");
        } else {
            put(root, "rules", rules_item);
        }
        put(root, "endpoints", endpoints_item);
        Ok(())
    })
}

/// Rules as a person writes them: `match = { … }` and `do = { … }` a line each, without the
/// keys left at their defaults (empty lists and tables, `false`).
fn tidy_rules(rules: &mut Item) {
    let Some(list) = rules.as_array_of_tables_mut() else {
        return;
    };
    for rule in list.iter_mut() {
        for key in ["match", "do"] {
            let inline = match rule.remove(key) {
                Some(Item::Table(t)) => t.into_inline_table(),
                Some(Item::Value(toml_edit::Value::InlineTable(t))) => t,
                Some(other) => {
                    rule.insert(key, other);
                    continue;
                }
                None => continue,
            };
            let mut inline = inline;
            inline.retain(|_, v| !is_default(v));
            if !inline.is_empty() {
                inline.fmt();
                rule.insert(key, Item::Value(toml_edit::Value::InlineTable(inline)));
            }
        }
    }
}

fn is_default(v: &toml_edit::Value) -> bool {
    match v {
        toml_edit::Value::Array(a) => a.is_empty(),
        toml_edit::Value::InlineTable(t) => t.is_empty(),
        toml_edit::Value::Boolean(b) => !*b.value(),
        _ => false,
    }
}

/// The one top-level `key` of `section` (a struct holding only it), as TOML.
fn section_item(path: &Path, key: &str, section: &impl Serialize) -> Result<Item> {
    let text = toml::to_string(section).map_err(|e| Error::WriteConfig {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let fresh: DocumentMut = text.parse().map_err(|e| Error::WriteConfig {
        path: path.to_owned(),
        message: format!("internal: {e}"),
    })?;
    Ok(fresh.as_table().get(key).cloned().unwrap_or(Item::None))
}

/// Merges `new` into the table's `key`.
fn put(root: &mut Table, key: &str, new: Item) {
    match root.get_mut(key) {
        Some(existing) => merge(existing, new),
        None => {
            root.insert(key, detached(new));
        }
    }
}

/// Merges the one top-level `key` of `section` (a struct holding only it) into the file.
fn write_section(path: &Path, key: &str, section: &impl Serialize) -> Result<()> {
    let new = section_item(path, key, section)?;
    update_file(path, |doc| {
        put(doc.as_table_mut(), key, new);
        Ok(())
    })
}

/// Puts `new` in place of `old`, keeping what `old` carries that `new` cannot: the comments and
/// blank lines around keys and tables, the order of keys that stay, and, for an array of
/// tables, the comments of each table whose `path` (or, without one, position) is still there.
fn merge(old: &mut Item, new: Item) {
    match (old, new) {
        (Item::Table(old), Item::Table(new)) => merge_table(old, new),
        (Item::ArrayOfTables(old), Item::ArrayOfTables(new)) => merge_tables(old, new),
        (Item::Value(old), Item::Value(mut new)) => {
            // Same kind of value: keep its comment (`max_deliveries = 5  # enough`).
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        (old, new) => *old = detached(new),
    }
}

fn merge_table(old: &mut Table, new: Table) {
    let keys: Vec<String> = new.iter().map(|(k, _)| k.to_owned()).collect();
    old.retain(|k, _| keys.iter().any(|n| n == k));
    for (key, item) in new {
        match old.get_mut(&key) {
            Some(existing) => merge(existing, item),
            None => {
                old.insert(&key, detached(item));
            }
        }
    }
}

fn merge_tables(old: &mut ArrayOfTables, new: ArrayOfTables) {
    let mut previous: Vec<Option<Table>> = std::mem::take(old).into_iter().map(Some).collect();
    let path_of = |t: &Table| t.get("path").and_then(Item::as_str).map(str::to_owned);
    for (i, table) in new.into_iter().enumerate() {
        let wanted = path_of(&table);
        let slot = previous.iter().position(|p| {
            p.as_ref().is_some_and(|p| match &wanted {
                Some(path) => path_of(p).as_ref() == Some(path),
                None => false,
            })
        });
        let slot = slot.or_else(|| {
            (wanted.is_none() && previous.get(i).is_some_and(Option::is_some)).then_some(i)
        });
        match slot.and_then(|s| previous[s].take()) {
            Some(mut kept) => {
                merge_table(&mut kept, table);
                old.push(kept);
            }
            None => {
                let Item::Table(table) = detached(Item::Table(table)) else {
                    unreachable!("detached keeps the kind of item")
                };
                old.push(table);
            }
        }
    }
}

/// `item` with the document positions of its tables cleared, so that it is written where it is
/// inserted rather than where it stood in the document it was parsed from.
fn detached(mut item: Item) -> Item {
    fn clear(table: &mut Table) {
        table.set_position(None);
        for (_, item) in table.iter_mut() {
            match item {
                Item::Table(t) => clear(t),
                Item::ArrayOfTables(a) => a.iter_mut().for_each(clear),
                _ => {}
            }
        }
    }
    match &mut item {
        Item::Table(t) => clear(t),
        Item::ArrayOfTables(a) => a.iter_mut().for_each(clear),
        _ => {}
    }
    item
}

/// Reads the config file (or starts an empty one), applies `change`, and writes it whole and
/// renamed into place.
fn update_file(
    path: &Path,
    change: impl FnOnce(&mut DocumentMut) -> std::result::Result<(), String>,
) -> Result<()> {
    let failed = |message: String| Error::WriteConfig {
        path: path.to_owned(),
        message,
    };
    let mut doc: DocumentMut = match std::fs::read_to_string(path) {
        Ok(text) => text.parse().map_err(|e| failed(format!("{e}")))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => DocumentMut::new(),
        Err(e) => return Err(failed(e.to_string())),
    };
    change(&mut doc).map_err(failed)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        super::private::create_dir(dir).map_err(|e| failed(format!("{}: {e}", dir.display())))?;
    }
    // It holds endpoint secrets: the owner's alone.
    let tmp = path.with_extension("toml.tmp");
    super::private::write(&tmp, &doc.to_string())
        .map_err(|e| failed(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const COMMENTED: &str = r#"# Hookscope's settings. Every key is optional.

[capture]
# Where senders and tunnels reach Hookscope.
addr = "127.0.0.1:8787"   # loopback only
max_body = "2 MiB"

# Keep a week of traffic at most.
[retention]
max_deliveries = 5000 # enough for a day of testing
max_bytes = 104857600

# Stripe, through `stripe listen`.
[[endpoints]]
path = "/hooks/stripe"
vendor = "stripe"
# the CLI's signing secret
secrets = ["whsec_old"]

# A handler under construction.
[[endpoints]]
path = "/hooks/crm"
vendor = "event-timestamp-payload"
"#;

    #[test]
    fn saving_keeps_every_comment_and_the_order_of_what_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hookscope.toml");
        std::fs::write(&path, COMMENTED).unwrap();

        let mut config = Config::load(&path, true).unwrap();
        config.endpoints[0].secrets = vec!["whsec_new".to_owned()];
        config.endpoints.push(EndpointConfig {
            path: "/hooks/github".to_owned(),
            vendor: Some("github".to_owned()),
            ..config.endpoints[1].clone()
        });
        write_endpoints(&path, &config.endpoints).unwrap();
        let mut retention = config.retention.clone();
        retention.max_deliveries = 9000;
        write_retention(&path, &retention).unwrap();
        write_capture_addr(&path, "127.0.0.1:9797".parse().unwrap()).unwrap();
        write_desktop(
            &path,
            &DesktopConfig {
                tray: true,
                api: false,
            },
        )
        .unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        for comment in COMMENTED.lines().filter(|l| l.contains('#')) {
            let comment = &comment[comment.find('#').unwrap()..];
            assert!(text.contains(comment), "{comment:?} was lost:\n{text}");
        }
        assert!(text.contains("max_deliveries = 9000 # enough"), "{text}");
        assert!(
            text.contains("addr = \"127.0.0.1:9797\"   # loopback only"),
            "{text}"
        );
        let order = [
            "[capture]",
            "[retention]",
            "\"/hooks/stripe\"",
            "\"/hooks/crm\"",
            "\"/hooks/github\"",
        ];
        let at: Vec<usize> = order
            .iter()
            .map(|k| text.find(k).unwrap_or(usize::MAX))
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "{order:?} at {at:?}:\n{text}"
        );

        let reread = Config::load(&path, true).unwrap();
        assert_eq!(reread.endpoints.len(), 3);
        assert_eq!(reread.endpoints[0].secrets, ["whsec_new"]);
        assert_eq!(reread.endpoints[2].vendor.as_deref(), Some("github"));
        assert_eq!(reread.retention.max_deliveries, 9000);
        assert_eq!(reread.capture.max_body, bytesize::ByteSize::mib(2));
        assert_eq!(reread.capture.addr.to_string(), "127.0.0.1:9797");
        assert!(reread.desktop.tray);
    }

    #[test]
    fn a_removed_endpoint_goes_with_its_comment_and_the_rest_keep_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hookscope.toml");
        std::fs::write(&path, COMMENTED).unwrap();
        let config = Config::load(&path, true).unwrap();
        write_endpoints(&path, &config.endpoints[1..]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("/hooks/stripe"), "{text}");
        assert!(text.contains("# A handler under construction."), "{text}");
        assert!(
            text.contains("# Where senders and tunnels reach Hookscope."),
            "{text}"
        );
        assert_eq!(Config::load(&path, true).unwrap().endpoints.len(), 1);
    }

    #[test]
    fn rules_are_written_as_a_person_writes_them_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hookscope.toml");
        std::fs::write(&path, COMMENTED).unwrap();
        let mut config = Config::load(&path, true).unwrap();
        let global: Vec<RuleConfig> = toml::from_str::<Config>(
            r#"
[[rules]]
name = "retry twice"
match = { arrival = "1..2", event = "invoice.*" }
do = { status = 503, headers = { "Retry-After" = "1" }, body = """
{"id": "{{ body.id }}"}
""" }
"#,
        )
        .unwrap()
        .rules;
        config.endpoints[1].rules = vec![RuleConfig {
            then: crate::config::RuleDo {
                forward: vec![
                    "http://localhost:3001/a".into(),
                    "http://localhost:3002/b".into(),
                ],
                ..Default::default()
            },
            ..Default::default()
        }];
        write_rules(&path, &global, &config.endpoints).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("# A handler under construction."), "{text}");
        assert!(
            text.contains(r#"match = { event = ["invoice.*"], arrival = "1..2" }"#),
            "{text}"
        );
        assert!(!text.contains("pass_through = false"), "{text}");
        assert!(!text.contains("method = []"), "{text}");
        assert!(!text.contains("[rules.do]"), "{text}");
        let reread = Config::load(&path, true).unwrap();
        assert_eq!(reread.rules, global);
        assert_eq!(reread.endpoints[1].rules, config.endpoints[1].rules);
        // No rules left: no `rules` key, and the endpoint's go too.
        config.endpoints[1].rules.clear();
        write_rules(&path, &[], &config.endpoints).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("rules"), "{text}");
    }

    #[test]
    fn a_missing_file_is_created_and_a_broken_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/hookscope.toml");
        write_capture_addr(&path, "127.0.0.1:9000".parse().unwrap()).unwrap();
        assert_eq!(
            Config::load(&path, true).unwrap().capture.addr.to_string(),
            "127.0.0.1:9000"
        );
        std::fs::write(&path, "[capture\n").unwrap();
        let err = write_retention(&path, &RetentionConfig::default()).unwrap_err();
        assert!(matches!(err, Error::WriteConfig { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[capture\n");
    }
}
