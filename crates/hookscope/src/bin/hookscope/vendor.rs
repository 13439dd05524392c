//! `hookscope vendor`: list the vendor profiles, import a vendor's event catalog.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::OrUsage;
use clap::Subcommand;
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
                serde_json::to_writer_pretty(&mut out, &imported)?;
                writeln!(out)?;
                return Ok(());
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
            let description =
                spec::read(&text).or_usage(|| format!("{} cannot be imported", file.display()))?;
            let into = into
                .map(|v| {
                    registry
                        .find(&v)
                        .cloned()
                        .or_usage(|| format!("unknown vendor {v:?}; see `hookscope vendor list`"))
                })
                .transpose()?;
            let signature = signature_like
                .map(|v| {
                    let p = registry.find(&v).or_usage(|| {
                        format!("unknown vendor {v:?}; see `hookscope vendor list`")
                    })?;
                    p.signature.clone().or_usage(|| {
                        format!("{} does not sign, so there is nothing to sign like", p.id)
                    })
                })
                .transpose()?;
            let created = into.is_none();
            let options = spec::ImportOptions {
                into,
                id,
                name,
                type_pointer,
                type_header,
                signature,
            };
            let imported = spec::import(&description, &options)
                .or_usage(|| format!("{} cannot be imported", file.display()))?;
            let profile = &imported.profile;
            if created
                && let Some(existing) = registry.get(&profile.id)
                && !existing.source.starts_with(spec::IMPORTED_FROM)
            {
                return Err(crate::usage(format!(
                    "a profile {} ({}) exists already; pass --into {} to add these events to it, or --id to name a new one",
                    existing.id, existing.name, existing.id
                )));
            }
            std::fs::create_dir_all(&vendors_dir)
                .with_context(|| format!("cannot create {}", vendors_dir.display()))?;
            let path = vendors_dir.join(format!("{}.json", profile.id));
            let before = std::fs::read(&path).ok();
            std::fs::write(&path, serde_json::to_string_pretty(profile)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
            // Loading it back proves the file is a valid profile before a server reads it; one
            // that is not is taken back.
            if let Err(e) = Registry::load(&vendors_dir) {
                match before {
                    Some(old) => std::fs::write(&path, old)?,
                    None => std::fs::remove_file(&path)?,
                }
                return Err(anyhow::Error::from(e).context("the profile made cannot be loaded"));
            }
            let report = hookscope::contract::SpecImported {
                vendor: profile.id.clone(),
                created,
                format: description.format.clone(),
                title: description.title.clone(),
                version: description.version.clone(),
                type_from: imported.type_from.clone(),
                imported: imported.events.clone(),
                skipped: imported.skipped.clone(),
                events: profile.events.len(),
                path: path.display().to_string(),
            };
            if json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
                return Ok(());
            }
            print_spec_import(&mut out, &report, profile)?;
        }
    }
    Ok(())
}

fn print_spec_import(
    out: &mut impl Write,
    r: &hookscope::contract::SpecImported,
    profile: &hookscope::profile::VendorProfile,
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
    if r.created {
        let mut how: Vec<String> = Vec::new();
        if !profile.detect.headers.is_empty() {
            how.push(format!("header {}", profile.detect.headers.join(" or ")));
        }
        if !profile.detect.body.is_empty() {
            how.push(format!("body fields {}", profile.detect.body.join(", ")));
        }
        if how.is_empty() {
            writeln!(
                out,
                "Deliveries are not recognised by themselves: bind an endpoint to it (hookscope endpoints add PATH --vendor {}).",
                r.vendor
            )?;
        } else {
            writeln!(out, "Deliveries are recognised by {}.", how.join(", else "))?;
        }
        if profile.signature.is_none() {
            writeln!(
                out,
                "The description does not say how {} signs; pass --signature-like VENDOR to check signatures.",
                r.vendor
            )?;
        }
    }
    for s in &r.skipped {
        writeln!(
            out,
            "Not imported: {}: {}",
            visible(&s.name),
            visible(&s.reason)
        )?;
    }
    writeln!(
        out,
        "Written to {}; a running server reads it when it starts.",
        r.path
    )?;
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
