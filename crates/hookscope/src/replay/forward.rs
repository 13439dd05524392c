//! Live forwarding: each delivery on an endpoint with a forward target is also sent there as it
//! arrives, after it is stored. The forward runs beside the acknowledgement, or, in pass-through
//! mode, before it, and the target's answer becomes the answer to the sender.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use tokio::sync::Semaphore;

use super::{Client, ClientOptions, Outgoing};
use crate::capture::{Captured, Forward, relayed_status};
use crate::config::ForwardConfig;
use crate::events::{Bus, StreamEvent};
use crate::head::forwardable_headers;
use crate::model::{AttemptKind, Outcome, now_us};
use crate::store::Store;
use crate::target::{Origin, target_url_for};

/// How much of an answer pass-through relays to the sender; the stored attempt keeps the first
/// 64 KiB of it, as every attempt does.
const PASS_THROUGH_MAX: usize = 4 * 1024 * 1024;
const STORED_RESPONSE_MAX: usize = 64 * 1024;

/// How the outcome of a forward that found its target's queue full begins.
const NOT_SENT: &str = "not sent:";

/// Most body bytes waiting for one target, whatever `queue` allows.
const QUEUE_BYTES: usize = 64 << 20;

/// How much one forward target is asked to take at once (`capture.forward_concurrency`,
/// `capture.forward_queue`).
#[derive(Debug, Clone, Copy)]
pub struct ForwardLimits {
    /// Forwards in flight to one target at once.
    pub concurrency: usize,
    /// Forwards waiting for one target beside those in flight.
    pub queue: usize,
}

/// Sends forwards and records them as attempts of their delivery. Cheap to clone.
#[derive(Clone)]
pub struct Forwarder {
    client: Client,
    store: Store,
    events: Bus,
    done: tokio::sync::broadcast::Sender<Forwarded>,
    limits: ForwardLimits,
    /// Each target's gate, by its URL as configured.
    gates: Arc<Mutex<HashMap<String, Arc<Gate>>>>,
}

/// One target's share: the forwards in flight, and those waiting in order behind them.
struct Gate {
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    waiting_bytes: AtomicUsize,
    /// The queue was found full, and no forward has found room since: said once in the log.
    full: std::sync::atomic::AtomicBool,
}

/// A place in a gate's queue, given back when dropped.
struct Waiting<'a> {
    gate: &'a Gate,
    bytes: usize,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.gate.waiting.fetch_sub(1, Ordering::Relaxed);
        self.gate
            .waiting_bytes
            .fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

impl Gate {
    /// A place in the queue for a body of `bytes`, unless the queue is full; else how many wait.
    fn enter(&self, limits: ForwardLimits, bytes: usize) -> Result<Waiting<'_>, usize> {
        let waiting = self.waiting.fetch_add(1, Ordering::Relaxed);
        let held = self.waiting_bytes.fetch_add(bytes, Ordering::Relaxed);
        let place = Waiting { gate: self, bytes };
        // The first in line always fits, whatever its size.
        if waiting >= limits.queue || (waiting > 0 && held + bytes > QUEUE_BYTES) {
            drop(place);
            return Err(waiting);
        }
        Ok(place)
    }
}

/// A forward's result, for whoever watches them (`hookscope serve` prints each).
#[derive(Debug, Clone)]
pub struct Forwarded {
    pub delivery_id: i64,
    pub method: String,
    pub url: String,
    pub status: Option<u16>,
    pub latency_us: i64,
    pub error: Option<String>,
}

impl Forwarder {
    /// Records forwards in `store` and announces each delivery's new handler answer on `events`.
    pub fn new(store: Store, events: Bus, limits: ForwardLimits) -> Forwarder {
        Forwarder {
            limits: ForwardLimits {
                concurrency: limits.concurrency.max(1),
                ..limits
            },
            gates: Arc::default(),
            client: Client::new(ClientOptions {
                keep_response: PASS_THROUGH_MAX,
                ..ClientOptions::default()
            }),
            store,
            events,
            done: tokio::sync::broadcast::Sender::new(1024),
        }
    }

    /// Each forward's result from now on (a slow watcher misses some; the attempts are stored).
    pub fn watch(&self) -> tokio::sync::broadcast::Receiver<Forwarded> {
        self.done.subscribe()
    }

    /// Forwards `delivery` to `fwd.to` and stores the attempt; returns the outcome (whose body
    /// is the target's answer, up to 4 MiB).
    pub async fn forward(&self, fwd: &ForwardConfig, delivery: Captured) -> Outcome {
        let origin = Origin {
            path: &delivery.path,
            query: delivery.query.as_deref(),
            endpoint: delivery.endpoint.as_deref(),
        };
        let url = target_url_for(&fwd.to, fwd.path, origin).map_err(|e| e.to_string());
        let out = Outgoing {
            delivery_id: Some(delivery.id),
            kind: AttemptKind::Forward,
            method: delivery.method.clone(),
            url: url.clone().unwrap_or_else(|_| fwd.to.clone()),
            headers: forwardable_headers(&delivery.head),
            body: delivery.body,
            body_changed: false,
            resigned: false,
            event_id: None,
            stale_signature: None,
        };
        let (started_at_us, outcome) = match (url, delivery.truncated) {
            (Err(e), _) => (
                now_us(),
                Outcome {
                    error: Some(format!("not forwarded: {e}")),
                    ..Outcome::default()
                },
            ),
            (Ok(_), true) => (
                now_us(),
                Outcome {
                    error: Some(
                        "not forwarded: the body was cut short at capture (see the delivery's note)"
                            .to_owned(),
                    ),
                    ..Outcome::default()
                },
            ),
            (Ok(_), false) => self.send_in_turn(&fwd.to, &out).await,
        };
        let mut stored = outcome.clone();
        stored.body.truncate(STORED_RESPONSE_MAX);
        let record = out.attempt(started_at_us, stored);
        let store = self.store.clone();
        // With pass-through the sender gets the target's answer, so that is the answer stored;
        // it is committed before the sender has it.
        let sender_got = delivery.pass_through.then(|| relayed_status(&outcome));
        let recorded =
            tokio::task::spawn_blocking(move || store.record_attempt(record, sender_got)).await;
        match recorded {
            Ok(Ok(recorded)) => {
                if let Some(handler) = recorded.handler {
                    self.events.publish(StreamEvent::Answered {
                        id: delivery.id,
                        handler,
                        response_status: sender_got,
                    });
                }
            }
            Ok(Err(e)) => tracing::error!(error = %e, "a forward could not be recorded"),
            Err(e) => tracing::error!(error = %e, "a forward could not be recorded"),
        }
        match &outcome.error {
            // A full queue was said once, when it filled.
            Some(e) if e.starts_with(NOT_SENT) => {
                tracing::debug!(delivery = delivery.id, to = %fwd.to, error = %e, "forward not sent");
            }
            Some(e) => {
                tracing::warn!(delivery = delivery.id, to = %fwd.to, error = %e, "forward failed");
            }
            None => {}
        }
        // Nobody watching is the usual case.
        let _ = self.done.send(Forwarded {
            delivery_id: delivery.id,
            method: out.method.clone(),
            url: out.url.clone(),
            status: outcome.status,
            latency_us: outcome.latency_us,
            error: outcome.error.clone(),
        });
        outcome
    }
}

impl Forwarder {
    /// Sends `out` once the target has a free slot, in arrival order; a forward that finds the
    /// target's queue full is not sent, and its outcome says why.
    async fn send_in_turn(&self, to: &str, out: &Outgoing) -> (i64, Outcome) {
        let gate = {
            let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
            gates
                .entry(to.to_owned())
                .or_insert_with(|| {
                    Arc::new(Gate {
                        slots: Arc::new(Semaphore::new(self.limits.concurrency)),
                        waiting: AtomicUsize::new(0),
                        waiting_bytes: AtomicUsize::new(0),
                        full: std::sync::atomic::AtomicBool::new(false),
                    })
                })
                .clone()
        };
        let place = match gate.enter(self.limits, out.body.len()) {
            Ok(place) => {
                if gate.full.swap(false, Ordering::Relaxed) {
                    tracing::info!(%to, "the forward target keeps up again; forwards are sent");
                }
                place
            }
            Err(waiting) => {
                let in_flight = self.limits.concurrency - gate.slots.available_permits();
                // Once, not per delivery: each delivery's attempt says it was not sent.
                if !gate.full.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        %to,
                        in_flight,
                        waiting,
                        "the forward target is not answering as fast as deliveries arrive; until it does, deliveries past its queue are stored but not forwarded"
                    );
                }
                return (
                    now_us(),
                    Outcome {
                        error: Some(format!(
                            "{NOT_SENT} the handler has {} requests waiting ({in_flight} sent and unanswered, {waiting} queued behind them); it is not answering as fast as deliveries arrive",
                            in_flight + waiting
                        )),
                        ..Outcome::default()
                    },
                );
            }
        };
        // A gate's semaphore is never closed, so this always waits for a slot.
        let _slot = gate.slots.clone().acquire_owned().await;
        drop(place);
        self.client.send(out).await
    }
}

impl Forward for Forwarder {
    fn forward(&self, to: ForwardConfig, delivery: Captured) -> BoxFuture<'static, Outcome> {
        let forwarder = self.clone();
        Box::pin(async move { Forwarder::forward(&forwarder, &to, delivery).await })
    }
}
