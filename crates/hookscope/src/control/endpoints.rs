//! The vendor profiles and the endpoints in force: replacing the endpoints writes them to the
//! config file and re-verifies the stored deliveries they affect in the background.

use serde::Serialize;

use super::{Control, blocking};
use crate::config::{EndpointConfig, retire_secrets, validate_endpoints};

use crate::error::{Error, Result};
use crate::profile::VendorProfile;
use crate::profile::spec::{self, ImportRequest, SpecImported, VendorRemoved};

/// The endpoints after a change, and the re-verification of the stored deliveries they affect.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EndpointsSaved {
    pub items: Vec<EndpointConfig>,
    pub reverify: Reverify,
}

/// A background re-verification: its task name in `progress` stream events.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Reverify {
    pub task: String,
    pub started: bool,
}

impl Control {
    /// The vendor profiles in detection order, with their catalogs.
    pub fn vendors(&self) -> Vec<VendorProfile> {
        self.registry().profiles().cloned().collect()
    }

    /// The endpoints in force.
    pub fn endpoints(&self) -> Vec<EndpointConfig> {
        self.inner.endpoints.get().list.clone()
    }

    /// Replaces the endpoints: validated, written to the config file, in force for the next
    /// delivery, then the stored deliveries they affect are verified again in the background
    /// (`progress` events).
    pub async fn save_endpoints(&self, items: Vec<EndpointConfig>) -> Result<EndpointsSaved> {
        validate_endpoints(&items).map_err(Error::Invalid)?;
        for ep in &items {
            if let Some(vendor) = &ep.vendor
                && self.registry().get(vendor).is_none()
            {
                return Err(Error::Invalid(format!(
                    "endpoint {} names vendor {vendor:?}, which is not a known profile ({})",
                    ep.path,
                    self.known_vendors()
                )));
            }
        }
        // The endpoints' own rules go in force with them, beside the global ones.
        let _rules_unchanged_meanwhile = self.inner.rules_saving.lock().await;
        let global = self.inner.rules.current().sources().global.clone();
        let rules = crate::rules::RuleSet::compile(
            &crate::rules::RuleSources::of(&global, &items),
            &self.vendor_ids(),
        )
        .map_err(|e| Error::Invalid(e.to_string()))?;
        let items = retire_secrets(&self.inner.endpoints.get().list, items);
        let path = self.inner.config_path.clone();
        let to_write = items.clone();
        blocking(move || crate::config::write_endpoints(&path, &to_write)).await?;

        let old = self.inner.endpoints.replace(items);
        self.inner
            .rules
            .replace(rules, crate::rules::ReloadSource::Ui);
        self.announce_rules();
        let new = self.inner.endpoints.get();
        let task = crate::reverify::run(
            self.inner.store.clone(),
            self.inner.writer.clone(),
            self.registry(),
            old,
            new.clone(),
        );
        tokio::spawn(async move {
            match task.await {
                Ok(n) => tracing::info!(updated = n, "stored deliveries re-verified"),
                Err(e) => tracing::error!(error = %e, "re-verification stopped"),
            }
        });
        Ok(EndpointsSaved {
            items: new.list.clone(),
            reverify: Reverify {
                task: crate::reverify::TASK.to_owned(),
                started: true,
            },
        })
    }

    /// Makes a vendor profile from its OpenAPI or AsyncAPI description (see
    /// [`spec::install`]): written to the data directory's vendors/, in force for the next
    /// delivery.
    pub async fn import_spec(&self, text: String, request: ImportRequest) -> Result<SpecImported> {
        let _one_at_a_time = self.inner.importing.lock().await;
        let (dir, registry) = (self.inner.vendors_dir.clone(), self.registry());
        let (report, loaded) = blocking(move || {
            let (mut report, loaded) = spec::install(&dir, &registry, &text, &request)?;
            report
                .notes
                .extend(crate::sample::recognition_note(&loaded, &report.vendor));
            Ok((report, loaded))
        })
        .await?;
        self.inner.registry.replace(loaded);
        tracing::info!(vendor = %report.vendor, events = report.events, "vendor profile imported");
        Ok(report)
    }

    /// Removes the user's profile `id` (see [`spec::uninstall`]): the built-in one of that id,
    /// if any, is in force again for the next delivery.
    pub async fn remove_vendor(&self, id: String) -> Result<VendorRemoved> {
        let _one_at_a_time = self.inner.importing.lock().await;
        let dir = self.inner.vendors_dir.clone();
        let endpoints = self.inner.endpoints.get();
        let (removed, loaded) = blocking(move || {
            let bound: Vec<&str> = endpoints
                .list
                .iter()
                .filter_map(|e| e.vendor.as_deref())
                .collect();
            spec::uninstall(&dir, &id, &bound)
        })
        .await?;
        self.inner.registry.replace(loaded);
        tracing::info!(vendor = %removed.vendor, "vendor profile removed");
        Ok(removed)
    }

    fn known_vendors(&self) -> String {
        let registry = self.registry();
        let ids: Vec<&str> = registry.profiles().map(|p| p.id.as_str()).collect();
        ids.join(", ")
    }
}
