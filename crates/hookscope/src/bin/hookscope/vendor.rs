//! `hookscope vendor`: list the vendor profiles, import a vendor's event catalog.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::OrUsage;
use clap::Subcommand;
use hookscope::profile::Registry;

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
    }
    Ok(())
}
