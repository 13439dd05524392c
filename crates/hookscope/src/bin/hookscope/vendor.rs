//! `hookscope vendor`: list the vendor profiles, import a vendor's event catalog.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;
use hookscope::profile::Registry;

#[derive(Subcommand)]
pub enum VendorCommand {
    /// List the vendor profiles in detection order.
    List,
    /// Extend a profile's events from a catalog response (Leadron's GET .../webhooks/catalog):
    /// writes the extended profile to the data directory's vendors/ folder, which overrides the
    /// built-in one.
    ImportCatalog {
        /// Profile id, e.g. leadron.
        vendor: String,
        /// The catalog response, as JSON.
        file: PathBuf,
    },
}

pub fn vendor(command: VendorCommand, data_dir: &std::path::Path) -> Result<()> {
    let vendors_dir = data_dir.join(hookscope::server::VENDORS_DIR);
    let registry = Registry::load(&vendors_dir)?;
    let mut out = std::io::stdout().lock();
    match command {
        VendorCommand::List => {
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
        VendorCommand::ImportCatalog { vendor, file } => {
            let mut profile = registry.get(&vendor).cloned().with_context(|| {
                format!("unknown vendor {vendor:?}; see `hookscope vendor list`")
            })?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let catalog: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            let before = profile.events.len();
            let n = hookscope::profile::catalog::import_catalog(&mut profile, &catalog)?;
            std::fs::create_dir_all(&vendors_dir)
                .with_context(|| format!("cannot create {}", vendors_dir.display()))?;
            let path = vendors_dir.join(format!("{vendor}.json"));
            std::fs::write(&path, serde_json::to_string_pretty(&profile)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
            // Loading it back proves the file is a valid profile before the server reads it.
            Registry::load(&vendors_dir)?;
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
