//! The machine contract of the `hookscope` command: what each command prints with `--json`, as
//! types, and their JSON Schemas. `docs/schema/<command>.json` holds each schema (a test keeps
//! them in step with these types) and `hookscope schema COMMAND` prints it.
//!
//! The types here are the ones only the command line and the MCP tools print; the others are the
//! control API's own ([`crate::model`], [`crate::check`], [`crate::profile`]).

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings};
use serde::Serialize;

use crate::check::{CheckReport, Exchange};
use crate::config::EndpointConfig;
use crate::export::jsonl::Record;
use crate::model::{
    Attempt, DeliveryDetail, ImportResult, Items, Page, ReplayProgress, SampleEvent,
};
use crate::profile::{Analysis, VendorProfile};

/// What `serve --ready-file` writes and `serve --json` prints once capture and the API listen.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Ready {
    /// Always `ready`.
    pub event: String,
    /// Hookscope's version.
    pub version: String,
    pub pid: u32,
    /// Where senders (and a tunnel) deliver.
    pub capture_url: String,
    /// The control API's root; it takes `api_token` as `Authorization: Bearer …`.
    pub api_url: String,
    pub api_token: String,
    /// A one-time link that signs a browser in to the UI.
    pub ui_url: String,
    /// The SQLite file the deliveries are stored in.
    pub database: String,
    /// The config file the endpoints are read from and saved to.
    pub config: String,
}

/// An endpoint as `endpoints` lists it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Endpoint {
    /// The path prefix on the capture port.
    pub path: String,
    /// The vendor profile id; `null` where the vendor is detected per delivery.
    pub vendor: Option<String>,
    /// The signing secrets, in the order they are tried; masked (`whsec_…a1b2`) unless asked.
    pub secrets: Vec<String>,
    /// Where every delivery is also sent as it arrives, or `null`.
    pub forward_to: Option<String>,
}

impl Endpoint {
    /// `e` as listed, its secrets whole or masked.
    pub fn of(e: &EndpointConfig, show_secrets: bool) -> Endpoint {
        Endpoint {
            path: e.path.clone(),
            vendor: e.vendor.clone(),
            secrets: e
                .secrets
                .iter()
                .map(|s| if show_secrets { s.clone() } else { mask(s) })
                .collect(),
            forward_to: e.forward.as_ref().map(|f| f.to.clone()),
        }
    }
}

/// A secret as a list shows it: enough to tell two apart, not enough to sign with.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 10 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// What `endpoints add --json` prints: the endpoint added, its secret whole.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EndpointAdded {
    #[serde(flatten)]
    pub endpoint: Endpoint,
    /// The config file that holds it.
    pub config: String,
    /// The running server's API origin when it was added through it (and applies at once);
    /// `null` when it was written to the config file.
    pub applied_by: Option<String>,
}

/// A vendor profile as `vendor list` and the MCP `list_vendors` tool describe it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    /// How many event types its catalog knows.
    pub events: usize,
    /// It signs its deliveries.
    pub signs: bool,
    /// The header its signature travels in.
    pub signature_header: Option<String>,
    /// The signature scheme is the vendor's documented one (`false`: assumed).
    pub signature_documented: bool,
    /// The events a test delivery (`send`, `check`) can be made of.
    pub test_events: Vec<String>,
}

/// The vendors, in detection order, with the events each can be sent as.
pub fn vendors(profiles: &[VendorProfile], catalog: &[SampleEvent]) -> Items<Vendor> {
    profiles
        .iter()
        .map(|p| Vendor {
            id: p.id.clone(),
            name: p.name.clone(),
            events: p.events.len(),
            signs: p.signature.is_some(),
            signature_header: p.signature.as_ref().map(|s| s.header.clone()),
            signature_documented: p.signature.as_ref().is_some_and(|s| s.documented),
            test_events: catalog
                .iter()
                .filter(|s| s.vendor == p.id)
                .map(|s| s.event.clone())
                .collect(),
        })
        .collect::<Vec<_>>()
        .into()
}

/// What `vendor import-catalog --json` prints.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CatalogImported {
    pub vendor: String,
    /// Event types read from the catalog.
    pub imported: usize,
    /// Of them, the ones the profile did not know.
    pub added: usize,
    /// The profile's event types now.
    pub events: usize,
    /// The profile written (it overrides the built-in one).
    pub path: String,
}

pub use crate::profile::spec::SpecImported;

/// What `send --json` prints: the test delivery, and each time it was sent.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SendReport {
    /// What was sent: `vendor:event, signed with …`, or the recorded fixture's name.
    pub label: String,
    pub vendor: Option<String>,
    pub event: Option<String>,
    /// The body was altered after signing (`--tamper`).
    pub tampered: bool,
    pub to: String,
    /// One per send (two with `--dup`), in order; `attempt_id` when a store recorded it.
    pub sends: Vec<Exchange>,
}

/// One line of `replay --json`: a request sent, a delivery not sent, or, last, the summary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ReplayLine {
    Sent(Box<Attempt>),
    NotSent {
        delivery_id: i64,
        /// Why it was not sent.
        error: String,
    },
    Finished {
        /// The last line: the counts, the first failure, and how it ended.
        report: ReplayProgress,
    },
}

/// What `generate --json` prints.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Generated {
    /// Deliveries written.
    pub deliveries: u64,
    /// The `/gen/<vendor>` endpoints added to the config (those it lacked).
    pub endpoints_added: usize,
    /// Writing them took this long.
    pub fill_ms: f64,
    /// Deliveries written a second.
    pub rate: f64,
    /// Indexing them for search took this much longer; `null` with `--no-index`.
    pub index_ms: Option<f64>,
    /// Learning each one's schema took this long on average (µs, one thread's time);
    /// `null` when none was learned.
    pub learn_us_per_delivery: Option<f64>,
    /// The same over the last tenth written: against the whole, whether learning slows as
    /// the store grows.
    pub learn_us_per_delivery_last_tenth: Option<f64>,
    pub database: String,
    /// The deliveries the store holds now, and its file's size in bytes.
    pub stored: u64,
    pub bytes: u64,
}

/// What `open --json` prints.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Link {
    /// A one-time link that signs a browser in to the running server's UI.
    pub url: String,
}

/// How a command prints its results with `--json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One JSON document.
    Document,
    /// JSON Lines: one value a line, each matching the schema.
    Lines,
}

/// A command's part of the contract.
pub struct Command {
    /// As typed: `list`, `endpoints add`.
    pub name: &'static str,
    /// The flags that make it print JSON.
    pub flag: &'static str,
    pub shape: Shape,
    /// What it prints (each line's, for [`Shape::Lines`]).
    pub schema: Schema,
}

impl Command {
    /// `endpoints-add`, `send-list`: its file in `docs/schema/` with `.json`.
    pub fn slug(&self) -> String {
        slug(self.name)
    }

    pub fn file_name(&self) -> String {
        format!("{}.json", self.slug())
    }
}

fn slug(name: &str) -> String {
    name.split_whitespace()
        .map(|w| w.trim_start_matches('-'))
        .collect::<Vec<_>>()
        .join("-")
}

fn schema<T: JsonSchema>(name: &str, about: &str) -> Schema {
    let mut generator = SchemaGenerator::new(SchemaSettings::draft2020_12().for_serialize());
    let mut schema = generator.root_schema_for::<T>();
    schema.insert(
        "$id".into(),
        format!("https://hookscope.dev/schema/{}.json", slug(name)).into(),
    );
    schema.insert("title".into(), format!("hookscope {name}").into());
    schema.insert("description".into(), about.into());
    schema
}

/// Every command that prints results, with the schema of what it prints.
pub fn commands() -> Vec<Command> {
    use Shape::{Document, Lines};
    let c = |name, flag, shape, schema| Command {
        name,
        flag,
        shape,
        schema,
    };
    vec![
        c(
            "serve",
            "--json, --ready-file FILE",
            Document,
            schema::<Ready>(
                "serve",
                "The line `serve --json` prints, and the file `serve --ready-file` writes, once capture and the control API listen.",
            ),
        ),
        c(
            "list",
            "--json",
            Document,
            schema::<Page>(
                "list",
                "A page of stored deliveries, newest first: the control API's GET /api/deliveries answer.",
            ),
        ),
        c(
            "show",
            "--json",
            Document,
            schema::<DeliveryDetail>(
                "show",
                "One stored delivery: what was decoded, the verdicts, the request as received.",
            ),
        ),
        c(
            "diff",
            "--json",
            Document,
            schema::<crate::diff::DeliveryDiff>(
                "diff",
                "What changed between two deliveries: headers and body, each change with both values; volatile fields hidden unless asked.",
            ),
        ),
        c(
            "learned",
            "--json",
            Document,
            schema::<Items<crate::control::LearnedSchema>>(
                "learned",
                "The schemas learned from the stored deliveries, per vendor and event type: each field's presence, nulls, types, formats, value set and example, and the JSON Schema they make.",
            ),
        ),
        c(
            "verify",
            "--json",
            Document,
            schema::<Analysis>(
                "verify",
                "What a saved request is: its vendor, event, signature verdict (with the doctor's reason) and payload findings.",
            ),
        ),
        c(
            "rules test",
            "--json",
            Document,
            schema::<crate::rules::RuleTrial>(
                "rules test",
                "What the rules would do with a saved request or a stored delivery: the rules that apply, the answer, the delay and the forward targets; nothing is sent.",
            ),
        ),
        c(
            "vendor list",
            "--json",
            Document,
            schema::<Items<Vendor>>("vendor list", "The vendor profiles in detection order."),
        ),
        c(
            "vendor import-catalog",
            "--json",
            Document,
            schema::<CatalogImported>(
                "vendor import-catalog",
                "A vendor's event catalog read into its profile.",
            ),
        ),
        c(
            "vendor import-spec",
            "--json",
            Document,
            schema::<SpecImported>(
                "vendor import-spec",
                "A vendor's OpenAPI 3.1 webhooks or AsyncAPI messages read into a profile: each event, where its type is read, and what was left out.",
            ),
        ),
        c(
            "vendor remove",
            "--json",
            Document,
            schema::<crate::profile::spec::VendorRemoved>(
                "vendor remove",
                "A profile of the user's removed; the built-in one of its id in force again, if any.",
            ),
        ),
        c(
            "generate",
            "--json",
            Document,
            schema::<Generated>("generate", "Deliveries generated into the store."),
        ),
        c(
            "replay",
            "--json",
            Lines,
            schema::<ReplayLine>(
                "replay",
                "One line per delivery sent (the attempt) or not sent, then the summary.",
            ),
        ),
        c(
            "attempts",
            "--json",
            Lines,
            schema::<Attempt>(
                "attempts",
                "One attempt a line, newest first: what was sent from a delivery and what came back.",
            ),
        ),
        c(
            "export",
            "--format jsonl",
            Lines,
            schema::<Record>(
                "export",
                "One delivery a line, byte-exact (base64) with readable copies beside; `import` reads it back.",
            ),
        ),
        c(
            "import",
            "--json",
            Document,
            schema::<ImportResult>("import", "What an import stored."),
        ),
        c(
            "send",
            "--json",
            Document,
            schema::<SendReport>(
                "send",
                "A signed test delivery and what the handler answered each time it was sent.",
            ),
        ),
        c(
            "send --list",
            "--json",
            Document,
            schema::<Items<SampleEvent>>(
                "send --list",
                "The vendors' events a test delivery can be made of.",
            ),
        ),
        c(
            "check",
            "--json",
            Document,
            schema::<CheckReport>(
                "check",
                "A handler check's report: each probe's grade, what was sent and what came back.",
            ),
        ),
        c(
            "open",
            "--json",
            Document,
            schema::<Link>(
                "open",
                "A one-time sign-in link to the running server's UI.",
            ),
        ),
        c(
            "endpoints",
            "--json",
            Document,
            schema::<Items<Endpoint>>("endpoints", "The endpoints in the config's order."),
        ),
        c(
            "endpoints add",
            "--json",
            Document,
            schema::<EndpointAdded>("endpoints add", "The endpoint added, its secret whole."),
        ),
    ]
}

/// The command named `name`, as typed (`endpoints add`) or as its file (`endpoints-add`).
pub fn command(name: &str) -> Option<Command> {
    let wanted = slug(name);
    commands().into_iter().find(|c| c.slug() == wanted)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema")
    }

    /// docs/schema/ is what the types say; `UPDATE_SCHEMAS=1` rewrites it.
    #[test]
    fn docs_hold_the_schemas() {
        let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
        let dir = dir();
        let mut stale = Vec::new();
        let mut names = Vec::new();
        for c in super::commands() {
            let text = serde_json::to_string_pretty(&c.schema).unwrap() + "\n";
            let path = dir.join(c.file_name());
            names.push(c.file_name());
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(c.file_name());
            }
        }
        assert!(
            stale.is_empty(),
            "docs/schema/ is out of date for {stale:?}: run UPDATE_SCHEMAS=1 cargo test -p hookscope --lib contract"
        );
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                names.contains(&name),
                "docs/schema/{name} is no command's: remove it"
            );
        }
    }

    #[test]
    fn each_schema_is_valid_json_schema() {
        for c in super::commands() {
            let value = serde_json::to_value(&c.schema).unwrap();
            assert!(
                jsonschema::draft202012::meta::is_valid(&value),
                "{}: not a valid draft 2020-12 schema",
                c.name
            );
        }
    }

    #[test]
    fn commands_are_found_by_either_spelling() {
        assert_eq!(
            super::command("endpoints-add").unwrap().name,
            "endpoints add"
        );
        assert_eq!(super::command("list").unwrap().name, "list");
        assert_eq!(super::command("send --list").unwrap().name, "send --list");
        assert_eq!(super::command("send-list").unwrap().name, "send --list");
        assert!(super::command("nothing").is_none());
    }
}
