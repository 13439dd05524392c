//! The write-ahead log copied into the database beside the writer, not inside its commits.
//!
//! SQLite's automatic checkpoint runs in the commit that takes the log past 1,000 pages: that
//! commit, and every capture waiting for its acknowledgement, waits while the log is copied and
//! the database file synced (the 15–20 ms p99 of plain capture under load). The writer turns it
//! off; this thread, on a connection of its own, copies the log every [`WHILE_WRITING_EVERY`]
//! while commits come (every [`EVERY`] otherwise) without ever blocking the writer (a passive
//! checkpoint). A passive copy may never find the writer between two commits, and the log only
//! starts over once it is copied whole, so the writer finishes the job itself when the log is
//! long ([`Finisher`]): by then it has little left to copy.

use std::cell::Cell;
use std::os::raw::c_int;
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::hooks::Wal;

/// How often the log is copied while nothing is being written.
const EVERY: Duration = Duration::from_millis(50);
/// How often the log is copied while commits keep coming: what is left for the writer to copy
/// when it finishes a long log (a capture arriving meanwhile waits for it) is at most this much
/// of the log. Every 50 ms instead: plain capture's p99 under full load 8.8–9.1 ms against
/// 6.9 ms, p99 at 8,000/s 5.4–6.1 ms against 4.7–5.2 ms, the rate the same.
const WHILE_WRITING_EVERY: Duration = Duration::from_millis(10);

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

thread_local! {
    /// The log's length after the last commit on this thread, in pages: told by SQLite after
    /// each commit of the writer's connection, read by the same thread's [`Finisher`].
    static LOG_PAGES: Cell<i64> = const { Cell::new(0) };
}

/// Called by SQLite after each commit of the connection it is registered on.
fn heard(_: &Wal, pages: c_int) -> rusqlite::Result<()> {
    LOG_PAGES.set(i64::from(pages));
    Ok(())
}

/// What the writer reads after a commit: whether the log is long enough to finish copying.
pub(super) struct Finisher {
    /// When the writer last finished a copy: a reader holding on to the log's end (or the
    /// copying thread, busy copying) keeps it long, and the writer tries again a little later.
    finished: Option<std::time::Instant>,
}

impl Finisher {
    /// Turns the automatic checkpoint off on `writer` and has SQLite tell, after each of its
    /// commits, how long the log is (so the length read is never older than the last commit).
    pub fn new(writer: &Connection) -> rusqlite::Result<Finisher> {
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        // After the pragma, which registers a hook of its own.
        writer.wal_hook(Some(heard));
        Ok(Finisher { finished: None })
    }

    /// Copies what is left of a long log on `writer` (the one connection that writes, between
    /// its transactions, so nothing is added meanwhile and the next commit starts the log over).
    /// Call it on the thread that commits on `writer`.
    pub fn finish_if_long(&mut self, writer: &Connection) {
        if LOG_PAGES.get() < FINISH_AT_PAGES || self.finished.is_some_and(|at| at.elapsed() < EVERY)
        {
            return;
        }
        self.finished = Some(std::time::Instant::now());
        if let Err(e) = checkpoint(writer, "PASSIVE") {
            tracing::debug!(error = %e, "the writer could not finish a checkpoint");
        }
    }
}

impl Checkpointer {
    /// Starts copying the log of the database `conn` is open on.
    pub fn start(conn: Connection) -> std::io::Result<Checkpointer> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("hookscope-checkpoint".into())
            .spawn(move || {
                let mut every = EVERY;
                // How much of the log the last copy had copied: a change means commits came.
                let mut copied_before = 0;
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    match checkpoint(&conn, "PASSIVE") {
                        Ok((_, copied)) => {
                            every = if copied == copied_before {
                                EVERY
                            } else {
                                WHILE_WRITING_EVERY
                            };
                            copied_before = copied;
                        }
                        Err(e) => {
                            every = EVERY;
                            tracing::debug!(error = %e, "checkpoint failed; retried");
                        }
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
