//! `hookscope vendor`: list the vendor profiles, import a vendor's event catalog.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::OrUsage;
use clap::Subcommand;
use hookscope::contract::SpecImported;
use hookscope::profile::{Registry, spec};

#[derive(Subcommand)]
pub enum VendorCommand {
    /// List the vendor profiles in detection order.
    List {
        /// Print JSON (docs/schema/vendor-list.json).
        #[arg(long)]
        json: bool,
    },
    /// Extend a profile's events from a catalog response (Leadron's GET .../webhooks/catalog):
    /// writes the extended profile to the data directory's vendors/ folder, which overrides the
    /// built-in one.
    ImportCatalog {
        /// Profile id, e.g. leadron.
        vendor: String,
        /// The catalog response, as JSON.
        file: PathBuf,
        /// Print what was imported as JSON (docs/schema/vendor-import-catalog.json).
        #[arg(long)]
        json: bool,
    },
    /// Make a vendor profile from the vendor's API description: an OpenAPI 3.1 document's
    /// `webhooks`, or an AsyncAPI 2.x/3.0 document's messages (JSON or YAML). Each event gets its
    /// schema (deliveries are validated against it) and its documented example (`hookscope send`
    /// and `hookscope check` send it). Written to the data directory's vendors/ folder.
    #[command(after_help = "Examples:\n  \
        hookscope vendor import-spec transfer-webhooks.json\n  \
        hookscope vendor import-spec events.asyncapi.yaml --into slack\n  \
        hookscope vendor import-spec orders.yaml --id orders --type-pointer /event/name --signature-like standard-webhooks")]
    ImportSpec {
        /// The OpenAPI or AsyncAPI document.
        file: PathBuf,
        /// Add the events to this profile (its detection, envelope and signature stay) instead
        /// of making a new one.
        #[arg(long, value_name = "VENDOR")]
        into: Option<String>,
        /// The new profile's id (default: from the document's title).
        #[arg(long, conflicts_with = "into")]
        id: Option<String>,
        /// The new profile's name (default: the document's title).
        #[arg(long, conflicts_with = "into")]
        name: Option<String>,
        /// Where a delivery names its event type, as a JSON pointer (default: found in the
        /// examples, where they carry their event's name).
        #[arg(long, value_name = "POINTER", conflicts_with = "into")]
        type_pointer: Option<String>,
        /// The header a delivery names its event type in.
        #[arg(long, value_name = "NAME", conflicts_with_all = ["into", "type_pointer"])]
        type_header: Option<String>,
        /// The new profile signs as this profile does (e.g. standard-webhooks): descriptions
        /// do not say how a vendor signs.
        #[arg(long, value_name = "VENDOR", conflicts_with = "into")]
        signature_like: Option<String>,
        /// Print what was imported as JSON (docs/schema/vendor-import-spec.json).
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile of yours (one imported, from the data directory's vendors/ folder); a
    /// built-in profile it extended is in force again.
    Remove {
        /// Profile id.
        vendor: String,
        /// Print what was removed as JSON (docs/schema/vendor-remove.json).
        #[arg(long)]
        json: bool,
    },
}

pub fn vendor(command: VendorCommand, data_dir: &std::path::Path) -> Result<()> {
    let vendors_dir = data_dir.join(hookscope::server::VENDORS_DIR);
    let registry = Registry::load(&vendors_dir)?;
    let mut out = std::io::stdout().lock();
    match command {
        VendorCommand::List { json: true } => {
            let profiles: Vec<_> = registry.profiles().cloned().collect();
            let catalog: Vec<_> = hookscope::sample::send::catalog(&registry)
                .into_iter()
                .map(|(vendor, event)| hookscope::model::SampleEvent { vendor, event })
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &hookscope::contract::vendors(&profiles, &catalog),
            )?;
            writeln!(out)?;
        }
        VendorCommand::List { json: false } => {
            writeln!(
                out,
                "{:<24}  {:<32}  {:>6}  SIGNATURE",
                "ID", "NAME", "EVENTS"
            )?;
            for p in registry.profiles() {
                let signature = match &p.signature {
                    Some(s) if s.documented => s.header.clone(),
                    Some(s) => format!("{} (assumed)", s.header),
                    None => "-".to_owned(),
                };
                writeln!(
                    out,
                    "{:<24}  {:<32}  {:>6}  {signature}",
                    p.id,
                    p.name,
                    p.events.len()
                )?;
            }
        }
        VendorCommand::ImportCatalog { vendor, file, json } => {
            let mut profile = registry
                .get(&vendor)
                .cloned()
                .or_usage(|| format!("unknown vendor {vendor:?}; see `hookscope vendor list`"))?;
            let text = std::fs::read_to_string(&file)
                .or_usage(|| format!("cannot read {}", file.display()))?;
            let catalog: serde_json::Value = serde_json::from_str(&text)
                .or_usage(|| format!("{} is not JSON", file.display()))?;
            let before = profile.events.len();
            let n = hookscope::profile::catalog::import_catalog(&mut profile, &catalog)
                .or_usage(|| format!("{} is not a catalog this profile reads", file.display()))?;
            std::fs::create_dir_all(&vendors_dir)
                .with_context(|| format!("cannot create {}", vendors_dir.display()))?;
            let path = vendors_dir.join(format!("{vendor}.json"));
            std::fs::write(&path, serde_json::to_string_pretty(&profile)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
            // Loading it back proves the file is a valid profile before the server reads it.
            Registry::load(&vendors_dir)?;
            if json {
                let imported = hookscope::contract::CatalogImported {
                    vendor,
                    imported: n,
                    added: profile.events.len() - before,
                    events: profile.events.len(),
                    path: path.display().to_string(),
                };
                return print_json(&mut out, &imported);
            }
            writeln!(
                out,
                "{n} events imported ({} new); {vendor} now has {} events. Written to {}.",
                profile.events.len() - before,
                profile.events.len(),
                path.display()
            )?;
        }
        VendorCommand::ImportSpec {
            file,
            into,
            id,
            name,
            type_pointer,
            type_header,
            signature_like,
            json,
        } => {
            let text = std::fs::read_to_string(&file)
                .or_usage(|| format!("cannot read {}", file.display()))?;
            let request = spec::ImportRequest {
                into,
                id,
                name,
                type_pointer,
                type_header,
                signature_like,
            };
            let cannot = || format!("{} cannot be imported", file.display());
            // A server holding this data directory's store imports it itself: it applies at
            // once, and its profiles and the file stay one.
            let (_, running) = through_server(data_dir, "an imported profile")?;
            let (report, applied_by) = match running {
                Some(running) => {
                    let query = serde_urlencoded::to_string(&request)?;
                    let answer = block_on(running.call(
                        "POST",
                        &format!("/vendors/import-spec?{query}"),
                        "application/octet-stream",
                        text.into_bytes(),
                    ))
                    .or_usage(cannot)?;
                    let report: SpecImported = serde_json::from_slice(&answer)
                        .context("the running server answered the import with something else")?;
                    (report, Some(running.api))
                }
                None => {
                    // An input error (exit status 2) or another failure, its cause kept.
                    let (mut report, loaded) =
                        spec::install(&vendors_dir, &registry, &text, &request)
                            .with_context(cannot)?;
                    report
                        .notes
                        .extend(hookscope::sample::recognition_note(&loaded, &report.vendor));
                    (report, None)
                }
            };
            if json {
                return print_json(&mut out, &report);
            }
            print_spec_import(&mut out, &report, applied_by)?;
        }
        VendorCommand::Remove { vendor, json } => {
            let (config, running) = through_server(data_dir, "removing a profile")?;
            let cannot = || format!("{vendor} cannot be removed");
            let removed: spec::VendorRemoved = match running {
                Some(running) => {
                    let path = url_segment(&vendor);
                    block_on(running.json("DELETE", &format!("/vendors/{path}"), None))
                        .or_usage(cannot)?
                }
                None => {
                    let bound: Vec<&str> = config
                        .endpoints
                        .iter()
                        .filter_map(|e| e.vendor.as_deref())
                        .collect();
                    spec::uninstall(&vendors_dir, &vendor, &bound)
                        .with_context(cannot)?
                        .0
                }
            };
            if json {
                return print_json(&mut out, &removed);
            }
            writeln!(
                out,
                "Removed {} ({}){}.",
                removed.vendor,
                removed.path,
                if removed.builtin_restored {
                    "; the built-in profile is in force again"
                } else {
                    ""
                }
            )?;
        }
    }
    Ok(())
}

/// `value` as pretty JSON, a line.
fn print_json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// The config, and the server holding this data directory's store when one runs: a change to
/// the profiles goes through it, so that it applies at once.
fn through_server(
    data_dir: &std::path::Path,
    what: &str,
) -> Result<(hookscope::config::Config, Option<crate::through::Running>)> {
    let (config, _) = crate::load_config(None, data_dir).map_err(crate::usage)?;
    let db = data_dir.join(hookscope::config::DB_FILE);
    let running = crate::through::Running::find(&db, config.api.token.clone(), data_dir, what)?;
    Ok((config, running))
}

/// Runs `call` to its end on a runtime of its own.
fn block_on<T>(call: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(call)
}

/// `text` as one URL path segment.
fn url_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn print_spec_import(
    out: &mut impl Write,
    r: &SpecImported,
    applied_by: Option<std::net::SocketAddr>,
) -> Result<()> {
    use hookscope::visible::visible;
    writeln!(
        out,
        "{} events from {} {} ({}) {} {}:",
        r.imported.len(),
        visible(&r.title),
        visible(&r.version),
        r.format,
        if r.created {
            "make the new profile"
        } else {
            "were added to"
        },
        r.vendor
    )?;
    let width = r
        .imported
        .iter()
        .map(|e| e.event_type.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    for e in &r.imported {
        let mut what = Vec::new();
        if e.has_schema {
            what.push("schema");
        }
        match (e.has_example, e.example_made) {
            (true, false) => what.push("example"),
            (true, true) => what.push("example made from its schema"),
            _ => what.push("no example (cannot be sent)"),
        }
        writeln!(
            out,
            "  {:<width$}  {}",
            visible(&e.event_type),
            what.join(", ")
        )?;
        for f in &e.example_findings {
            writeln!(
                out,
                "  {:<width$}  ! the description's example breaks its own schema: {}",
                "",
                visible(f)
            )?;
        }
    }
    writeln!(out, "The event type is read from {}.", r.type_from)?;
    if r.newly_catalogued {
        writeln!(
            out,
            "{} had no event catalog: event types not among these are now flagged as unknown.",
            r.vendor
        )?;
    }
    if r.created {
        match &r.detected_by {
            Some(how) => writeln!(out, "Deliveries are recognised by {how}.")?,
            None => writeln!(
                out,
                "Deliveries are not recognised by themselves: bind an endpoint to it (hookscope endpoints add PATH --vendor {}).",
                r.vendor
            )?,
        }
        if !r.signs {
            writeln!(
                out,
                "The description does not say how {} signs; pass --signature-like VENDOR to check signatures.",
                r.vendor
            )?;
        }
    }
    for n in &r.notes {
        writeln!(out, "Note: {}", visible(n))?;
    }
    for s in &r.skipped {
        writeln!(
            out,
            "Not imported: {}: {}",
            visible(&s.name),
            visible(&s.reason)
        )?;
    }
    match applied_by {
        Some(api) => writeln!(
            out,
            "Written to {} by the running server (API at {api}): it applies now.",
            r.path
        )?,
        None => writeln!(
            out,
            "Written to {}; a server started from now on reads it.",
            r.path
        )?,
    }
    if let Some(e) = r.imported.iter().find(|e| e.has_example) {
        writeln!(
            out,
            "Send one: hookscope send {}:{} --to URL",
            r.vendor,
            visible(&e.event_type)
        )?;
    }
    Ok(())
}
