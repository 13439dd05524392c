//! Export of a filtered set (HAR, JSON Lines, cURL) and import of a HAR or JSON Lines file.

use super::{Control, MAX_BULK, blocking};
use crate::error::{Error, Result};
use crate::model::ImportResult;
use crate::store::Filter;

impl Control {
    /// The deliveries `filter` selects (or `ids`), oldest first, written as `format`.
    pub async fn export(
        &self,
        filter: Filter,
        ids: Option<Vec<i64>>,
        format: crate::export::Format,
        opts: crate::export::ExportOptions,
    ) -> Result<Vec<u8>> {
        let filter = self.resolved(filter).await?;
        let store = self.inner.store.clone();
        blocking(move || {
            let ids = match ids {
                Some(ids) => ids,
                None => store.ids_matching(&filter, MAX_BULK)?,
            };
            let mut out = Vec::new();
            crate::export::write(&store, &ids, format, &opts, &mut out)?;
            Ok(out)
        })
        .await
    }

    /// Reads a HAR document or Hookscope JSON Lines and stores its deliveries as imported,
    /// decoded and verified with the endpoints in force; returns their ids.
    pub async fn import(&self, bytes: Vec<u8>) -> Result<ImportResult> {
        let items = blocking(move || crate::export::import::parse(&bytes)).await?;
        if items.is_empty() {
            return Err(Error::Invalid("the file holds no deliveries".to_owned()));
        }
        let endpoints = self.inner.endpoints.get();
        let ids =
            crate::export::import::store(items, &self.inner.writer, &self.registry(), &endpoints)
                .await?;
        Ok(ImportResult {
            imported: ids.len(),
            ids,
        })
    }
}
