//! Reading, pinning and deleting stored deliveries, and the cURL command that sends one again.

use super::{Control, blocking};
use crate::error::{Error, Result};
use crate::model::{CurlCommand, Deleted, DeliveryDetail, Facets, Page};
use crate::profile::Registry;
use crate::store::{Filter, Store};
use crate::target::PathMode;

impl Control {
    /// What changed from the delivery `with` names to delivery `id` ([`crate::diff::compare`]).
    pub async fn diff(
        &self,
        id: i64,
        with: crate::diff::With,
        show_volatile: bool,
    ) -> Result<crate::diff::DeliveryDiff> {
        let (store, registry) = (self.inner.store.clone(), self.registry());
        blocking(move || crate::diff::compare(&store, &registry, id, with, show_volatile)).await
    }

    /// A page of deliveries, newest first.
    pub async fn list(&self, filter: Filter) -> Result<Page> {
        let (store, registry) = (self.inner.store.clone(), self.registry());
        blocking(move || store.list(&resolve_filter(&registry, &store, filter)?)).await
    }

    /// Counts for the filter sidebar, over the deliveries the same filters select.
    pub async fn facets(&self, filter: Filter) -> Result<Facets> {
        let (store, registry) = (self.inner.store.clone(), self.registry());
        blocking(move || store.facets(&resolve_filter(&registry, &store, filter)?)).await
    }

    /// [`resolve_filter`] with this instance's profiles and store.
    pub(super) async fn resolved(&self, filter: Filter) -> Result<Filter> {
        let (store, registry) = (self.inner.store.clone(), self.registry());
        blocking(move || resolve_filter(&registry, &store, filter)).await
    }

    pub async fn get_delivery(&self, id: i64) -> Result<DeliveryDetail> {
        let store = self.inner.store.clone();
        let last = self.inner.decoded.clone();
        // Off the async threads: undoing a content coding may take a while (a compression bomb
        // takes it to the cap). One decoding at a time, and the last one kept, so parallel or
        // repeated reads of one body cost one decoding's memory and time.
        let mut detail = blocking(move || {
            let delivery = store.get(id)?.ok_or(Error::NotFound(id))?;
            Ok(DeliveryDetail::decoded_by(delivery, |encoding, body| {
                let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
                match &*last {
                    Some((at, decoded)) if *at == id => decoded.clone(),
                    _ => {
                        let decoded =
                            crate::content_coding::decode(encoding, body).map(std::sync::Arc::new);
                        *last = Some((id, decoded.clone()));
                        decoded
                    }
                }
            }))
        })
        .await?;
        let endpoints = self.inner.endpoints.get();
        let own = endpoints
            .list
            .iter()
            .find(|e| Some(&e.path) == detail.summary.endpoint.as_ref())
            .and_then(|e| e.forward.as_ref())
            .map(|f| f.to.clone());
        detail.forward_to = own.or_else(|| self.inner.capture.status().forward);
        Ok(detail)
    }

    /// What the inspector makes of `headers` and `body` received at `received_at_us`, verified
    /// with `secrets` as `vendor`'s (detected when `None`): `hookscope verify` on a running
    /// instance, for a stored delivery or a request from elsewhere.
    pub fn analyze(
        &self,
        headers: &[(String, String)],
        body: &[u8],
        received_at_us: i64,
        vendor: Option<String>,
        secrets: Vec<String>,
    ) -> Result<crate::profile::Analysis> {
        let registry = self.registry();
        if let Some(v) = &vendor
            && registry.get(v).is_none()
        {
            let known: Vec<&str> = registry.profiles().map(|p| p.id.as_str()).collect();
            return Err(Error::Invalid(format!(
                "unknown vendor {v:?}; known profiles: {}",
                known.join(", ")
            )));
        }
        let endpoint = crate::config::EndpointConfig {
            path: "/".into(),
            vendor,
            secrets,
            retired_secrets: Vec::new(),
            signature: None,
            response: None,
            forward: None,
            rules: Vec::new(),
        };
        Ok(registry.analyze(&crate::profile::Inspect {
            headers,
            body,
            received_at_us,
            endpoint: Some(&endpoint),
            all_secrets: &[],
        }))
    }

    /// The body bytes as received, with the sender's content type.
    pub async fn raw_body(&self, id: i64) -> Result<(Option<String>, bytes::Bytes)> {
        let store = self.inner.store.clone();
        let (content_type, body) = blocking(move || store.body(id))
            .await?
            .ok_or(Error::NotFound(id))?;
        Ok((content_type, body.into()))
    }

    pub async fn delete_delivery(&self, id: i64) -> Result<()> {
        if self.inner.writer.delete(id).await? {
            Ok(())
        } else {
            Err(Error::NotFound(id))
        }
    }

    /// Deletes every delivery; returns how many there were.
    pub async fn delete_all(&self) -> Result<Deleted> {
        let deleted = self.inner.writer.delete_all().await?;
        Ok(Deleted { deleted })
    }

    /// Pins or unpins a delivery (retention spares pinned ones).
    pub async fn set_pinned(&self, id: i64, pinned: bool) -> Result<()> {
        if self.inner.writer.set_pinned(id, pinned).await? {
            Ok(())
        } else {
            Err(Error::NotFound(id))
        }
    }

    /// A cURL command that sends delivery `id` again to `to` under `path` (without `to`, to the
    /// URL it reached), byte-exact: the one `hookscope export --format curl` writes.
    /// The cURL command that sends delivery `id` again: to `to` under `path`, or (without a
    /// target, or an empty one) to the URL it was sent to.
    pub async fn curl(&self, id: i64, to: Option<String>, path: PathMode) -> Result<CurlCommand> {
        let to = to.filter(|t| !t.trim().is_empty());
        let store = self.inner.store.clone();
        let delivery = blocking(move || store.get(id))
            .await?
            .ok_or(Error::NotFound(id))?;
        let curl = crate::export::curl::command(&delivery, to.as_deref(), path)?;
        Ok(CurlCommand {
            command: curl.command,
            body_file: curl.body_file.map(|(name, _)| name),
        })
    }
}

/// `f` as a person meant it: a vendor named by its profile's name or id in any case becomes the
/// id; a vendor no profile is, or an event type no delivery has and no catalog lists, is an
/// error that says so (rather than an empty list).
pub fn resolve_filter(registry: &Registry, store: &Store, mut f: Filter) -> Result<Filter> {
    if let Some(v) = f.vendor.take() {
        let Some(profile) = registry.find(&v) else {
            let known: Vec<String> = registry
                .profiles()
                .map(|p| format!("{} ({})", p.id, p.name))
                .collect();
            return Err(Error::Filter(format!(
                "no vendor is called {v:?}; the vendors are {}",
                known.join(", ")
            )));
        };
        f.vendor = Some(profile.id.clone());
    }
    if let Some(t) = &f.event_type
        && !registry.catalogues(t)
        && !store.has_event_type(t)?
    {
        return Err(Error::Filter(format!(
            "no delivery has the event type {t:?}, and no vendor's catalog lists it"
        )));
    }
    Ok(f)
}
