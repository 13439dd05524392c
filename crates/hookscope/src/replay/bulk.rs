//! Replaying many deliveries: in the order they were received, at most `concurrency` at a time
//! and `rate` a second, stopping at the first failure or going on, with progress as it goes,
//! until done or cancelled.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::{Client, Context, ReplayOptions, prepare};
use crate::config::Endpoints;
use crate::error::Result;
use crate::events::{Bus, StreamEvent};
use crate::model::{Attempt, ReplayProgress};
use crate::profile::Registry;
use crate::store::Store;

/// How a bulk replay paces itself.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(default)]
pub struct BulkOptions {
    /// Requests in flight at once; 1 keeps the receive order strictly.
    #[cfg_attr(test, ts(as = "Option<usize>", optional))]
    pub concurrency: usize,
    /// Requests started per second at most; `None` for as fast as the target answers.
    #[cfg_attr(test, ts(optional))]
    pub rate: Option<f64>,
    /// Stop starting new requests after the first failure (no answer, or not a 2xx).
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub stop_on_failure: bool,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            concurrency: 1,
            rate: None,
            stop_on_failure: false,
        }
    }
}

/// One finished item: the stored attempt, or why the delivery was not sent.
pub enum Item {
    Sent(Box<Attempt>),
    NotSent { delivery_id: i64, why: String },
}

/// Sends the deliveries of one store again and records each attempt: the client, the store,
/// and what re-signing needs (the vendor profiles, and the endpoints in force when it was made).
/// Cheap to clone.
#[derive(Clone)]
pub struct Replayer {
    pub client: Client,
    pub store: Store,
    pub registry: Arc<Registry>,
    pub endpoints: Arc<Endpoints>,
    /// Where each delivery's new handler answer is announced, when something is listening (a
    /// server's UI); `None` from the command line.
    pub events: Option<Bus>,
}

impl Replayer {
    /// Replays one delivery and stores the attempt: what [`Replayer::many`] does per id, and
    /// what the API's single replay does.
    pub async fn one(
        &self,
        id: i64,
        opts: &ReplayOptions,
        edited: Option<&super::EditedRequest>,
    ) -> Result<Attempt> {
        let delivery = self
            .store
            .get(id)?
            .ok_or(crate::error::Error::NotFound(id))?;
        let ctx = Context {
            endpoints: &self.endpoints,
            registry: &self.registry,
        };
        let out = prepare(&ctx, &delivery, opts, edited)?;
        let (started_at_us, outcome) = self.client.send(&out).await;
        let record = out.attempt(started_at_us, outcome);
        let store = self.store.clone();
        let (recorded, attempt) = tokio::task::spawn_blocking(move || {
            let recorded = store.record_attempt(record, None)?;
            let attempt = store.attempt(recorded.id)?;
            Ok::<_, crate::error::Error>((recorded, attempt))
        })
        .await
        .map_err(|e| crate::error::Error::Task(e.to_string()))??;
        if let (Some(events), Some(handler)) = (&self.events, recorded.handler) {
            events.publish(StreamEvent::Answered {
                id,
                handler,
                response_status: None,
            });
        }
        attempt.ok_or_else(|| crate::error::Error::Commit("the attempt was not recorded".into()))
    }

    /// Replays `ids` in that order (pass them oldest first), calling `progress` after each. Once
    /// `cancel` fires no request starts; those in flight finish and are counted.
    pub async fn many(
        &self,
        ids: &[i64],
        opts: &ReplayOptions,
        bulk: BulkOptions,
        cancel: &CancellationToken,
        progress: impl FnMut(&ReplayProgress, &Item),
    ) -> ReplayProgress {
        replay_many(self, ids, opts, bulk, cancel, progress).await
    }
}

async fn replay_many(
    replayer: &Replayer,
    ids: &[i64],
    opts: &ReplayOptions,
    bulk: BulkOptions,
    cancel: &CancellationToken,
    mut progress: impl FnMut(&ReplayProgress, &Item),
) -> ReplayProgress {
    let started = Instant::now();
    let mut state = ReplayProgress {
        total: ids.len() as u64,
        ..ReplayProgress::default()
    };
    let mut ticker = bulk.rate.filter(|r| *r > 0.0).map(|r| {
        let mut t = tokio::time::interval(Duration::from_secs_f64(1.0 / r));
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    let concurrency = bulk.concurrency.max(1);
    let mut in_flight = FuturesUnordered::new();
    let mut next = ids.iter();
    let mut stop = false;
    loop {
        // Start as many as the limits allow, in order.
        while !stop && !cancel.is_cancelled() && in_flight.len() < concurrency {
            let Some(&id) = next.next() else { break };
            if let Some(t) = &mut ticker {
                tokio::select! {
                    _ = t.tick() => {}
                    // Not sent: counted as skipped.
                    () = cancel.cancelled() => break,
                }
            }
            in_flight.push(async move {
                match replayer.one(id, opts, None).await {
                    Ok(a) => Item::Sent(Box::new(a)),
                    Err(e) => Item::NotSent {
                        delivery_id: id,
                        why: e.to_string(),
                    },
                }
            });
        }
        let Some(item) = in_flight.next().await else {
            break;
        };
        state.done += 1;
        let failure = match &item {
            Item::Sent(a) if a.ok => None,
            Item::Sent(a) => Some(format!(
                "delivery {}: {}",
                a.delivery_id.unwrap_or_default(),
                match (&a.error, a.status) {
                    (Some(e), _) => e.clone(),
                    (None, Some(s)) => format!("{} answered {s}", a.url),
                    (None, None) => "no answer".to_owned(),
                }
            )),
            Item::NotSent { delivery_id, why } => Some(format!("delivery {delivery_id}: {why}")),
        };
        match failure {
            None => state.ok += 1,
            Some(why) => {
                state.failed += 1;
                state.first_failure.get_or_insert(why);
                if bulk.stop_on_failure {
                    stop = true;
                }
            }
        }
        state.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        progress(&state, &item);
    }
    state.skipped = state.total - state.done;
    state.stopped = stop && state.skipped > 0;
    state.cancelled = !state.stopped && cancel.is_cancelled() && state.skipped > 0;
    state.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    state
}
