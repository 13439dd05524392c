//! How the capture listener hands a stored delivery on to live forwarding, without knowing how a
//! forward is sent or recorded: the replay module implements [`Forward`], and `server.rs` wires
//! one in.

use bytes::Bytes;
use futures_util::future::BoxFuture;

use crate::config::ForwardConfig;
use crate::model::Outcome;

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
    /// The body was cut short at capture: it is not forwarded, as the target would get a
    /// different request than the sender sent.
    pub truncated: bool,
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

/// Sends a captured delivery on to a forward target and records the attempt.
pub trait Forward: Send + Sync + 'static {
    /// Forwards `delivery` as `to` says; resolves with the target's answer, or why there was
    /// none.
    fn forward(&self, to: ForwardConfig, delivery: Captured) -> BoxFuture<'static, Outcome>;
}
