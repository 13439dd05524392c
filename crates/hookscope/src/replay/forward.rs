//! Live forwarding: each delivery on an endpoint with a forward target is also sent there as it
//! arrives, after it is stored. The forward runs beside the acknowledgement, or, in pass-through
//! mode, before it, and the target's answer becomes the answer to the sender.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use tokio::sync::Semaphore;

use super::{Client, ClientOptions, Outgoing};
use crate::capture::{Admission, Arrival, Captured, Forward, Place, relayed_status};
use crate::config::ForwardConfig;
use crate::events::{Bus, StreamEvent};
use crate::head::forwardable_headers;
use crate::model::{AttemptKind, NewAttempt, Outcome, now_us};
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
    /// Forwards not sent since [`Forwarder::take_backlog`] last looked, as the queue was full.
    unsent: AtomicU64,
}

/// A place in a gate's queue, given back when dropped.
struct Waiting {
    gate: Arc<Gate>,
    bytes: usize,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.gate.waiting.fetch_sub(1, Ordering::Relaxed);
        self.gate
            .waiting_bytes
            .fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

impl Gate {
    /// A place in the queue for a body of `bytes`, unless the queue is full; else how many wait.
    fn enter(gate: &Arc<Gate>, limits: ForwardLimits, bytes: usize) -> Result<Waiting, usize> {
        let waiting = gate.waiting.fetch_add(1, Ordering::Relaxed);
        let held = gate.waiting_bytes.fetch_add(bytes, Ordering::Relaxed);
        let place = Waiting {
            gate: gate.clone(),
            bytes,
        };
        // The first in line always fits, whatever its size.
        if waiting >= limits.queue || (waiting > 0 && held + bytes > QUEUE_BYTES) {
            drop(place);
            return Err(waiting);
        }
        Ok(place)
    }
}

/// A target whose queue was full: how many forwards were not sent since the last look, and how
/// many requests wait for it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlog {
    /// The target, as configured.
    pub to: String,
    pub not_sent: u64,
    /// Sent and not answered yet.
    pub in_flight: usize,
    /// Waiting for one of those to end.
    pub queued: usize,
}

/// A forward's result, for whoever watches them (`hookscope serve` prints each). Forwards not
/// sent because their target's queue was full are not announced one by one (a hanging handler
/// would make that one line per delivery): [`Forwarder::take_backlog`] counts them.
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

    /// The targets whose full queue kept forwards from being sent since the last call, and how
    /// many: what `hookscope serve` prints instead of a line per delivery.
    pub fn take_backlog(&self) -> Vec<Backlog> {
        let gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        let mut backlog: Vec<Backlog> = gates
            .iter()
            .filter_map(|(to, gate)| {
                let not_sent = gate.unsent.swap(0, Ordering::Relaxed);
                (not_sent > 0).then(|| Backlog {
                    to: to.clone(),
                    not_sent,
                    in_flight: self.limits.concurrency - gate.slots.available_permits(),
                    queued: gate.waiting.load(Ordering::Relaxed),
                })
            })
            .collect();
        backlog.sort_by(|a, b| a.to.cmp(&b.to));
        backlog
    }

    /// The request a forward of `delivery` sends as `fwd` says.
    fn outgoing(fwd: &ForwardConfig, delivery: &Captured) -> Outgoing {
        let origin = Origin {
            path: &delivery.path,
            query: delivery.query.as_deref(),
            endpoint: delivery.endpoint.as_deref(),
        };
        // Admitted, so its URL was made once already.
        let url = target_url_for(&fwd.to, fwd.path, origin).unwrap_or_else(|_| fwd.to.clone());
        Outgoing {
            delivery_id: Some(delivery.id),
            kind: AttemptKind::Forward,
            method: delivery.method.clone(),
            url,
            headers: forwardable_headers(&delivery.head),
            body: delivery.body.clone(),
            body_changed: false,
            resigned: false,
            event_id: None,
            stale_signature: None,
        }
    }

    /// Decides whether `arrival`, about to be stored, is forwarded: a place in its target's
    /// queue, or the attempt that says why it is not sent (with no request headers, as no
    /// request went out).
    pub fn admit(&self, fwd: &ForwardConfig, arrival: &Arrival<'_>) -> Admission {
        let origin = Origin {
            path: arrival.path,
            query: arrival.query,
            endpoint: arrival.endpoint,
        };
        let url = target_url_for(&fwd.to, fwd.path, origin);
        let not_sent = |url: Option<String>, error: String| {
            Admission::NotSent(Box::new(NewAttempt {
                delivery_id: None,
                kind: AttemptKind::Forward,
                started_at_us: now_us(),
                method: arrival.method.to_owned(),
                url: url.unwrap_or_else(|| fwd.to.clone()),
                request_headers: Vec::new(),
                request_body: None,
                request_size: arrival.body_len as u64,
                resigned: false,
                event_id: None,
                outcome: Outcome {
                    error: Some(error),
                    ..Outcome::default()
                },
                hint: None,
                sent: false,
            }))
        };
        let url = match url {
            Ok(url) => url,
            Err(e) => return not_sent(None, format!("not forwarded: {e}")),
        };
        if arrival.truncated {
            return not_sent(
                Some(url),
                "not forwarded: the body was cut short at capture (see the delivery's note)"
                    .to_owned(),
            );
        }
        let gate = self.gate(&fwd.to);
        match Gate::enter(&gate, self.limits, arrival.body_len) {
            Ok(place) => {
                if gate.full.swap(false, Ordering::Relaxed) {
                    tracing::info!(to = %fwd.to, "the forward target keeps up again; forwards are sent");
                }
                Admission::Queued(Place(Box::new(place)))
            }
            Err(waiting) => {
                gate.unsent.fetch_add(1, Ordering::Relaxed);
                let in_flight = self.limits.concurrency - gate.slots.available_permits();
                // Once, not per delivery: each delivery's attempt says it was not sent.
                if !gate.full.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        to = %fwd.to,
                        in_flight,
                        waiting,
                        "the forward target is not answering as fast as deliveries arrive; until it does, deliveries past its queue are stored but not forwarded"
                    );
                }
                not_sent(
                    Some(url),
                    format!(
                        "{NOT_SENT} the handler has {} requests waiting ({in_flight} unanswered, {waiting} queued)",
                        in_flight + waiting
                    ),
                )
            }
        }
    }

    /// Forwards `delivery`, admitted with `place`, to `fwd.to` once the target has a free slot
    /// (in arrival order), and stores the attempt; returns the outcome (whose body is the
    /// target's answer, up to 4 MiB).
    pub async fn forward(&self, fwd: &ForwardConfig, delivery: Captured, place: Place) -> Outcome {
        let out = Forwarder::outgoing(fwd, &delivery);
        let gate = self.gate(&fwd.to);
        // A gate's semaphore is never closed, so this always waits for a slot.
        let slot = gate.slots.clone().acquire_owned().await;
        drop(place);
        let (started_at_us, outcome) = self.client.send(&out).await;
        drop(slot);
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
        if let Some(e) = &outcome.error {
            tracing::warn!(delivery = delivery.id, to = %fwd.to, error = %e, "forward failed");
        }
        self.announce(delivery.id, &out.method, &out.url, &outcome);
        outcome
    }

    /// Says that `attempt`, not sent, was stored with delivery `id`.
    pub fn not_sent(&self, id: i64, attempt: &NewAttempt) {
        match &attempt.outcome.error {
            // A full queue was said once in the log, when it filled, and is counted for the
            // backlog: not announced one by one.
            Some(e) if e.starts_with(NOT_SENT) => {
                tracing::debug!(delivery = id, to = %attempt.url, error = %e, "forward not sent");
                return;
            }
            Some(e) => {
                tracing::warn!(delivery = id, to = %attempt.url, error = %e, "forward failed");
            }
            None => {}
        }
        self.announce(id, &attempt.method, &attempt.url, &attempt.outcome);
    }

    /// Tells whoever watches forwards (nobody watching is the usual case).
    fn announce(&self, delivery_id: i64, method: &str, url: &str, outcome: &Outcome) {
        if self.done.receiver_count() == 0 {
            return;
        }
        let _ = self.done.send(Forwarded {
            delivery_id,
            method: method.to_owned(),
            url: url.to_owned(),
            status: outcome.status,
            latency_us: outcome.latency_us,
            error: outcome.error.clone(),
        });
    }

    /// The gate of the target configured as `to`.
    fn gate(&self, to: &str) -> Arc<Gate> {
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(gate) = gates.get(to) {
            return gate.clone();
        }
        let gate = Arc::new(Gate {
            slots: Arc::new(Semaphore::new(self.limits.concurrency)),
            waiting: AtomicUsize::new(0),
            waiting_bytes: AtomicUsize::new(0),
            full: std::sync::atomic::AtomicBool::new(false),
            unsent: AtomicU64::new(0),
        });
        gates.insert(to.to_owned(), gate.clone());
        gate
    }
}

impl Forward for Forwarder {
    fn admit(&self, to: &ForwardConfig, arrival: &Arrival<'_>) -> Admission {
        Forwarder::admit(self, to, arrival)
    }

    fn forward(
        &self,
        to: ForwardConfig,
        delivery: Captured,
        place: Place,
    ) -> BoxFuture<'static, Outcome> {
        let forwarder = self.clone();
        Box::pin(async move { Forwarder::forward(&forwarder, &to, delivery, place).await })
    }

    fn not_sent(&self, id: i64, attempt: &NewAttempt) {
        Forwarder::not_sent(self, id, attempt);
    }

    fn record_not_sent(
        &self,
        id: i64,
        mut attempt: NewAttempt,
        sender_got: Option<u16>,
    ) -> BoxFuture<'static, ()> {
        let forwarder = self.clone();
        Box::pin(async move {
            Forwarder::not_sent(&forwarder, id, &attempt);
            attempt.delivery_id = Some(id);
            let store = forwarder.store.clone();
            let recorded =
                tokio::task::spawn_blocking(move || store.record_attempt(attempt, sender_got))
                    .await;
            match recorded {
                Ok(Ok(recorded)) => {
                    if let Some(handler) = recorded.handler {
                        forwarder.events.publish(StreamEvent::Answered {
                            id,
                            handler,
                            response_status: sender_got,
                        });
                    }
                }
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "a forward not sent could not be recorded")
                }
                Err(e) => tracing::error!(error = %e, "a forward not sent could not be recorded"),
            }
        })
    }
}
