//! The vendor profiles and the endpoints in force: replacing the endpoints writes them to the
//! config file and re-verifies the stored deliveries they affect in the background.

use serde::Serialize;

use super::{Control, blocking};
use crate::config::{EndpointConfig, retire_secrets, validate_endpoints};
use crate::error::{Error, Result};
use crate::profile::VendorProfile;

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
        self.inner.registry.profiles().cloned().collect()
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
                && self.inner.registry.get(vendor).is_none()
            {
                return Err(Error::Invalid(format!(
                    "endpoint {} names vendor {vendor:?}, which is not a known profile ({})",
                    ep.path,
                    self.known_vendors()
                )));
            }
        }
        let items = retire_secrets(&self.inner.endpoints.get().list, items);
        let path = self.inner.config_path.clone();
        let to_write = items.clone();
        blocking(move || crate::config::write_endpoints(&path, &to_write)).await?;

        let old = self.inner.endpoints.replace(items);
        let new = self.inner.endpoints.get();
        let task = crate::reverify::run(
            self.inner.store.clone(),
            self.inner.writer.clone(),
            self.inner.registry.clone(),
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

    fn known_vendors(&self) -> String {
        let ids: Vec<&str> = self
            .inner
            .registry
            .profiles()
            .map(|p| p.id.as_str())
            .collect();
        ids.join(", ")
    }
}
