//! The capture listener's state as the UI shows it: where it listens, or why it does not (the
//! port is taken) and which free address to offer instead.

use tokio::sync::watch;

use crate::model::CaptureStatus;

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
