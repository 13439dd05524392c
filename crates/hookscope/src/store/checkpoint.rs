//! The write-ahead log copied into the database beside the writer, not inside its commits.
//!
//! SQLite's automatic checkpoint runs in the commit that takes the log past 1,000 pages: that
//! commit, and every capture waiting for its acknowledgement, waits while the log is copied and
//! the database file synced (the 15–20 ms p99 of plain capture under load). The writer turns it
//! off; this thread, on a connection of its own, copies the log every [`EVERY`] without ever
//! blocking the writer (a passive checkpoint). A passive copy may never find the writer between
//! two commits, and the log only starts over once it is copied whole, so the writer finishes
//! the job itself when the log is long ([`Finisher`]): by then it has little left to copy.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is copied.
const EVERY: Duration = Duration::from_millis(50);

/// Log pages (4 KiB each) past which the writer copies the rest itself, between two batches,
/// so that the log starts over: 16 MiB.
const FINISH_AT_PAGES: i64 = 4096;

/// One checkpoint: the log's length and how much of it is in the database, in pages.
fn checkpoint(conn: &Connection, mode: &str) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
        Ok((r.get(1)?, r.get(2)?))
    })
}

/// The thread copying the log; stopped and joined when dropped.
pub(super) struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the writer reads after a commit: whether the log is long enough to finish copying.
#[derive(Default)]
pub(super) struct Finisher {
    /// The log's length at the last copy, in pages (the copying thread writes it).
    log_pages: Arc<AtomicI64>,
    /// When the writer last finished a copy: a reader holding on to the log's end keeps it long,
    /// and the writer tries again only after the next copy.
    finished: Option<std::time::Instant>,
}

impl Finisher {
    /// Copies what is left of a long log on `writer` (the one connection that writes, between
    /// its transactions, so nothing is added meanwhile and the next commit starts the log over).
    pub fn finish_if_long(&mut self, writer: &Connection) {
        if self.log_pages.load(Ordering::Relaxed) < FINISH_AT_PAGES
            || self.finished.is_some_and(|at| at.elapsed() < EVERY)
        {
            return;
        }
        self.finished = Some(std::time::Instant::now());
        match checkpoint(writer, "PASSIVE") {
            Ok((log, copied)) => {
                // Until the next copy says otherwise, what is left is what this one left.
                self.log_pages.store(log - copied, Ordering::Relaxed);
            }
            Err(e) => tracing::debug!(error = %e, "the writer could not finish a checkpoint"),
        }
    }
}

impl Checkpointer {
    /// Starts copying the log of the database `conn` is open on; `finisher` hears its length.
    pub fn start(conn: Connection, finisher: &Finisher) -> std::io::Result<Checkpointer> {
        let log_pages = finisher.log_pages.clone();
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("hookscope-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    match checkpoint(&conn, "PASSIVE") {
                        Ok((log, _)) => log_pages.store(log, Ordering::Relaxed),
                        Err(e) => tracing::debug!(error = %e, "checkpoint failed; retried"),
                    }
                }
            })?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
