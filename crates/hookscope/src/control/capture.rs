//! The capture listener's state as the UI shows it: where it listens, or why it does not (the
//! port is taken) and which free address to offer instead.

use serde::Serialize;
use tokio::sync::watch;

/// Where the capture listener is, or why it is not listening.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CaptureStatus {
    /// The address asked for (`127.0.0.1:8787`).
    pub addr: String,
    /// The base URL senders and tunnels reach, while listening.
    pub url: Option<String>,
    pub listening: bool,
    /// Why it is not listening, in words a person can act on.
    pub error: Option<String>,
    /// A free address to offer when the one asked for is taken.
    pub suggestion: Option<String>,
    /// Where every delivery is also sent (`hookscope serve --forward-to`), unless its endpoint
    /// forwards elsewhere.
    pub forward: Option<String>,
}

/// Holds the current [`CaptureStatus`]; watchers see each change.
pub struct CaptureWatch {
    tx: watch::Sender<CaptureStatus>,
}

impl Default for CaptureWatch {
    fn default() -> Self {
        CaptureWatch {
            tx: watch::Sender::new(CaptureStatus::default()),
        }
    }
}

impl CaptureWatch {
    pub fn status(&self) -> CaptureStatus {
        self.tx.borrow().clone()
    }

    /// A receiver that wakes on every change.
    pub fn watch(&self) -> watch::Receiver<CaptureStatus> {
        self.tx.subscribe()
    }

    pub(crate) fn set(&self, status: CaptureStatus) {
        self.tx.send_replace(status);
    }
}
