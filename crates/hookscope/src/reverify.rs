//! Re-verification: when the user changes an endpoint's secrets, vendor or signature scheme
//! while the server runs, the deliveries already stored are decoded and verified again in the
//! background, with progress announced on the event stream. Capture goes on meanwhile; the
//! writer interleaves the updates with new deliveries.

use std::sync::Arc;

use crate::config::{EndpointConfig, Endpoints};
use crate::error::Result;
use crate::events::StreamEvent;
use crate::profile::{Decoded, Received, Registry};
use crate::store::{Filter, Store, Writer};

/// Deliveries read per page while scanning.
const PAGE: u32 = 500;
pub const TASK: &str = "reverify";

/// Checks every stored delivery whose endpoint settings differ between `old` and `new` again;
/// returns how many were re-analysed.
pub async fn run(
    store: Store,
    writer: Writer,
    registry: Arc<Registry>,
    old: Arc<Endpoints>,
    new: Arc<Endpoints>,
) -> Result<u64> {
    let total = {
        let store = store.clone();
        blocking(move || store.count()).await?
    };
    let (mut done, mut updated, mut before) = (0u64, 0u64, None);
    writer.bus().publish(progress(0, total));
    loop {
        let filter = Filter {
            limit: PAGE,
            before,
            ..Filter::default()
        };
        let page = {
            let store = store.clone();
            blocking(move || store.list(&filter)).await?
        };
        for summary in &page.items {
            done += 1;
            let was = summary.endpoint.as_deref().and_then(|p| old.by_path(p));
            let index = new.index(&summary.path);
            let now: Option<&EndpointConfig> = index.map(|i| &new.list[i]);
            if EndpointConfig::inspects_like(was, now) {
                continue;
            }
            let id = summary.id;
            let delivery = {
                let store = store.clone();
                blocking(move || store.get(id)).await?
            };
            let Some(delivery) = delivery else { continue };
            let (registry, new) = (registry.clone(), new.clone());
            let decoded = tokio::task::spawn_blocking(move || {
                let received = Received {
                    head: &delivery.head,
                    body: &delivery.body,
                    received_at_us: delivery.summary.received_at_us,
                    truncated: delivery.summary.truncated,
                };
                // Learned from once, when it came: its drift then stays what it was.
                let mut decoded = registry.analyze_delivery(&new, index, received, None);
                let drift = delivery.summary.validation.into_iter().filter(|f| f.drift);
                decoded.analysis.validation.extend(drift);
                Decoded::new(decoded.analysis)
            })
            .await
            .map_err(|e| crate::Error::Commit(format!("re-verification failed: {e}")))?;
            if writer
                .reanalyze(id, now.map(|e| e.path.clone()), decoded)
                .await?
            {
                updated += 1;
            }
        }
        writer.bus().publish(progress(done, total.max(done)));
        match page.next_cursor {
            Some(cursor) => before = Some(cursor),
            None => break,
        }
    }
    writer
        .bus()
        .publish(progress(total.max(done), total.max(done)));
    Ok(updated)
}

fn progress(done: u64, total: u64) -> StreamEvent {
    StreamEvent::Progress {
        task: TASK.to_owned(),
        done,
        total,
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| crate::Error::Commit(format!("store read failed: {e}")))?
}
