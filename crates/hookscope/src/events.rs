//! What is streamed to the UI: every change the store commits and every background task's
//! progress, as one [`StreamEvent`] enum published on one [`Bus`]. The store's writer, bulk
//! replays and re-verification publish; the control API's SSE stream and the desktop shell's
//! window events subscribe, and both send each event as the same JSON. It knows no transport.

use serde::Serialize;
use tokio::sync::broadcast;

use crate::model::{CheckSummary, DeliverySummary, HandlerAnswer, ReplayJob};

/// Events a subscriber may fall behind by before it gets [`StreamEvent::Lagged`].
const CAPACITY: usize = 1024;

/// One event of the stream the UI follows: a change the store committed, a background task's
/// progress, or the stream's own state. Serialised with its `type`, the same JSON on both
/// transports.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum StreamEvent {
    /// The first event of every stream: the subscription is live, and nothing before it will
    /// be announced.
    Ready,
    Delivery {
        delivery: Box<DeliverySummary>,
    },
    Deleted {
        id: i64,
    },
    Cleared {
        count: u64,
    },
    /// A delivery was pinned or unpinned.
    Pinned {
        id: i64,
        pinned: bool,
    },
    /// A forward or replay of a delivery came back: its handler's answer, and with
    /// pass-through the answer its sender got (`response_status`).
    Answered {
        id: i64,
        handler: HandlerAnswer,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(test, ts(optional))]
        response_status: Option<u16>,
    },
    /// Retention deleted every delivery with an id up to `through_id`.
    Pruned {
        through_id: i64,
        count: u64,
    },
    /// A background task's progress (`reverify`: stored deliveries checked again after the
    /// endpoints changed). Re-read the list when `done == total`.
    Progress {
        task: String,
        done: u64,
        total: u64,
    },
    /// A bulk replay's progress, at most ten times a second, and once more when it ends.
    Replay {
        job: ReplayJob,
    },
    /// A handler check run started, graded a probe, or ended (read the run for its report).
    Check {
        run: CheckSummary,
    },
    /// The rules were put in force (saved, or the config file changed), or a reload failed and
    /// the rules in force stayed (`reload.failed`).
    Rules {
        reload: crate::rules::RulesReload,
    },
    /// The receiver fell behind and `missed` events were dropped: re-read what is shown.
    Lagged {
        missed: u64,
    },
}

/// Where events are published and subscribed to. Cheap to clone. It holds the channel weakly:
/// the streams end when the [`Keeper`] (the store writer's) is dropped.
#[derive(Clone)]
pub struct Bus {
    tx: broadcast::WeakSender<StreamEvent>,
}

/// Keeps a [`Bus`] open while it lives.
pub struct Keeper(broadcast::Sender<StreamEvent>);

impl Keeper {
    /// Whether anyone would receive an event (building one can then be skipped).
    pub fn has_subscribers(&self) -> bool {
        self.0.receiver_count() > 0
    }

    pub fn publish(&self, event: StreamEvent) {
        // Nobody listening is the usual case.
        let _ = self.0.send(event);
    }
}

impl Bus {
    /// A bus, and what keeps it open.
    pub fn new() -> (Bus, Keeper) {
        let (tx, _) = broadcast::channel(CAPACITY);
        (Bus { tx: tx.downgrade() }, Keeper(tx))
    }

    /// Sends an event to every subscriber; nothing when the bus has closed.
    pub fn publish(&self, event: StreamEvent) {
        if let Some(tx) = self.tx.upgrade() {
            let _ = tx.send(event);
        }
    }

    /// Every event from now on; see [`next`].
    pub fn subscribe(&self) -> Subscription {
        Subscription(match self.tx.upgrade() {
            Some(tx) => tx.subscribe(),
            None => broadcast::channel(1).1,
        })
    }
}

/// One subscriber's events.
pub struct Subscription(broadcast::Receiver<StreamEvent>);

impl Subscription {
    /// The next event: [`StreamEvent::Lagged`] when this subscriber fell behind, `None` once the
    /// bus has closed.
    pub async fn next(&mut self) -> Option<StreamEvent> {
        match self.0.recv().await {
            Ok(event) => Some(event),
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                Some(StreamEvent::Lagged { missed })
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }

    /// The next event if one is waiting, without waiting for one.
    pub fn try_next(&mut self) -> Option<StreamEvent> {
        match self.0.try_recv() {
            Ok(event) => Some(event),
            Err(broadcast::error::TryRecvError::Lagged(missed)) => {
                Some(StreamEvent::Lagged { missed })
            }
            Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slow_subscriber_is_told_how_many_it_missed() {
        let (bus, keeper) = Bus::new();
        let mut sub = bus.subscribe();
        for id in 0..(CAPACITY as i64 + 5) {
            bus.publish(StreamEvent::Deleted { id });
        }
        assert_eq!(sub.next().await, Some(StreamEvent::Lagged { missed: 5 }));
        assert_eq!(sub.next().await, Some(StreamEvent::Deleted { id: 5 }));
        drop(keeper);
        let mut late = bus.subscribe();
        assert_eq!(late.next().await, None);
    }

    #[test]
    fn events_carry_their_type_in_the_json() {
        let json = serde_json::to_string(&StreamEvent::Lagged { missed: 3 }).unwrap();
        assert_eq!(json, r#"{"type":"lagged","missed":3}"#);
        let json = serde_json::to_string(&StreamEvent::Ready).unwrap();
        assert_eq!(json, r#"{"type":"ready"}"#);
    }
}
