//! How the capture listener hands a stored delivery on to live forwarding, without knowing how a
//! forward is sent or recorded: the replay module implements [`Forward`], and `server.rs` wires
//! one in.

use bytes::Bytes;
use futures_util::future::BoxFuture;

use crate::config::ForwardConfig;
use crate::model::{NewAttempt, Outcome};

/// A stored delivery as the capture listener has it when it forwards (the body is shared with
/// the stored one, not copied).
#[derive(Debug, Clone)]
pub struct Captured {
    pub id: i64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// The prefix of the endpoint it came to.
    pub endpoint: Option<String>,
    pub head: Vec<u8>,
    pub body: Bytes,
    /// The sender gets the target's answer (pass-through): it is stored as the delivery's
    /// answer too.
    pub pass_through: bool,
}

/// The status a pass-through sender gets for `outcome`: the target's, or 502 when it gave
/// none (or one HTTP cannot relay).
pub fn relayed_status(outcome: &Outcome) -> u16 {
    outcome
        .status
        .filter(|s| http::StatusCode::from_u16(*s).is_ok())
        .unwrap_or(502)
}

/// What deciding on a forward needs of a delivery about to be stored.
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// The prefix of the endpoint it came to.
    pub endpoint: Option<&'a str>,
    pub body_len: usize,
    /// The body was cut short at capture: it is not forwarded, as the target would get a
    /// different request than the sender sent.
    pub truncated: bool,
}

/// A forward's place in its target's queue, taken before its delivery is stored and held until
/// it is sent; dropping it gives the place back. What it holds is the forwarder's.
pub struct Place(pub Box<dyn Send>);

/// Whether a delivery about to be stored will be forwarded.
pub enum Admission {
    /// It will be, once stored, from this place in the queue.
    Queued(Place),
    /// It will not be (its target's queue is full, or it cannot be sent): the attempt that says
    /// why, to store with the delivery.
    NotSent(Box<NewAttempt>),
}

/// Sends a captured delivery on to a forward target and records the attempt.
pub trait Forward: Send + Sync + 'static {
    /// Decides, before `arrival` is stored, whether it will be forwarded as `to` says.
    fn admit(&self, to: &ForwardConfig, arrival: &Arrival<'_>) -> Admission;

    /// Forwards `delivery` (stored, and admitted with `place`) as `to` says; resolves with the
    /// target's answer, or why there was none.
    fn forward(
        &self,
        to: ForwardConfig,
        delivery: Captured,
        place: Place,
    ) -> BoxFuture<'static, Outcome>;

    /// Says that `attempt`, a forward not sent, was stored with delivery `id`.
    fn not_sent(&self, id: i64, attempt: &NewAttempt);

    /// Stores `attempt`, a forward of stored delivery `id` decided against after it was stored
    /// (a rule's target whose queue is full), and says so; `sender_got` is the status the
    /// sender was relayed instead (pass-through), stored as its answer.
    fn record_not_sent(
        &self,
        id: i64,
        attempt: NewAttempt,
        sender_got: Option<u16>,
    ) -> BoxFuture<'static, ()>;
}
