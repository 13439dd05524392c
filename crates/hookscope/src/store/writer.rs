//! The single writer: a thread that owns the write connection and commits whatever jobs are
//! waiting as one transaction (group commit). A job's reply is sent only after its transaction
//! committed, so the capture listener acknowledges a delivery only once it is durable.

use std::sync::Arc;
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::space::{DiskState, Space, is_disk_full};
use super::{attempts, checkpoint, dedupe, deliveries, dictionaries, learned, retention, search};
use crate::config::RetentionConfig;
use crate::error::{Error, Result};
use crate::events::{Bus, Keeper, StreamEvent};
use crate::learn::Learner;
use crate::model::{Duplicate, NewAttempt, NewDelivery};
use crate::profile::Decoded;
use crate::rules::Decided;

/// Most jobs one transaction takes; more wait for the next.
const MAX_BATCH: usize = 1024;
/// Most body bytes one transaction takes (at least one job always goes in).
const MAX_BATCH_BYTES: usize = 32 << 20;
/// Deliveries indexed for search per idle-time transaction: small, because a capture arriving
/// meanwhile waits for it.
const INDEX_BATCH: usize = 64;
/// How long the writer waits for a job before it indexes for search.
const INDEX_WHEN_IDLE_FOR: std::time::Duration = std::time::Duration::from_millis(50);
/// While captures keep coming, indexing takes up to this share of the writer's time, so that
/// search keeps up with any rate that leaves the writer that much room, and under more than
/// that lags by what `GET /api` reports (`search.indexed_through`) instead of going blind.
const INDEX_SHARE: f64 = 0.25;
/// Most indexing time saved up (in seconds) while there was nothing to index.
const INDEX_BUDGET_MAX: f64 = 0.05;
/// Jobs that may wait for the writer before senders wait for room.
const QUEUE: usize = 4096;
/// Learned schemas are saved at most this often while deliveries come (and when the writer is
/// idle or stops): a `kill -9` loses at most this much learning, never a delivery.
const SAVE_LEARNED_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

pub(super) enum Job {
    Insert {
        delivery: Box<NewDelivery>,
        reply: oneshot::Sender<Result<(i64, Option<Box<Decided>>)>>,
    },
    Delete {
        id: i64,
        reply: oneshot::Sender<Result<bool>>,
    },
    DeleteAll {
        reply: oneshot::Sender<Result<u64>>,
    },
    Pin {
        id: i64,
        pinned: bool,
        reply: oneshot::Sender<Result<bool>>,
    },
    /// New retention limits, applied from this batch on.
    Retention {
        max_count: u64,
        max_bytes: u64,
        reply: oneshot::Sender<Result<()>>,
    },
    /// Replace a stored delivery's analysis (and the endpoint it now belongs to).
    Reanalyze {
        id: i64,
        endpoint: Option<String>,
        decoded: Box<Decoded>,
        reply: oneshot::Sender<Result<bool>>,
    },
    /// Record an outgoing request (a forward, a replay), in the same commit as the captures.
    Attempt {
        attempt: Box<NewAttempt>,
        sender_got: Option<u16>,
        reply: oneshot::Sender<Result<attempts::Recorded>>,
    },
    /// Commit what was sent before, refuse what comes after, and stop.
    Close,
}

/// Jobs that need room on the disk: refused while it is full, so that deleting still works.
fn takes_room(job: &Job) -> bool {
    matches!(job, Job::Insert { .. } | Job::Attempt { .. })
}

/// A handle to the writer thread; cheap to clone. The thread stops once every handle is dropped
/// and the jobs already sent are committed.
#[derive(Clone)]
pub struct Writer {
    dicts: Arc<crate::packed::Dictionaries>,
    jobs: mpsc::Sender<Job>,
    /// Weak, so that event streams end when the writer thread stops.
    events: Bus,
    disk: Arc<DiskState>,
    learner: Arc<Learner>,
}

/// The writer thread, to join on shutdown once every [`Writer`] is dropped.
pub struct WriterThread(JoinHandle<()>);

impl WriterThread {
    pub fn join(self) {
        if self.0.join().is_err() {
            tracing::error!("the store writer thread panicked");
        }
    }
}

impl Writer {
    /// Stores a delivery; resolves with its id once the transaction holding it has committed.
    pub async fn insert(&self, delivery: NewDelivery) -> Result<i64> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::Insert {
            delivery: Box::new(delivery),
            reply,
        })
        .await?;
        rx.await.map_err(|_| Error::WriterGone)?.map(|(id, _)| id)
    }

    /// Stores a delivery as [`Writer::insert`] does, deciding among the rules it carries once
    /// its arrival is counted; returns its id and that decision.
    pub async fn insert_deciding(
        &self,
        delivery: NewDelivery,
    ) -> Result<(i64, Option<Box<Decided>>)> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::Insert {
            delivery: Box::new(delivery),
            reply,
        })
        .await?;
        rx.await.map_err(|_| Error::WriterGone)?
    }

    /// Deletes one delivery; `false` when there was none with that id.
    pub async fn delete(&self, id: i64) -> Result<bool> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::Delete { id, reply }).await?;
        rx.await.map_err(|_| Error::WriterGone)?
    }

    /// Pins or unpins a delivery; `false` when there is no such delivery.
    pub async fn set_pinned(&self, id: i64, pinned: bool) -> Result<bool> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::Pin { id, pinned, reply }).await?;
        rx.await.map_err(|_| Error::WriterGone)?
    }

    /// Changes the retention limits; the next commit prunes to them.
    pub async fn set_retention(&self, retention: &RetentionConfig) -> Result<()> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::Retention {
            max_count: retention.max_deliveries,
            max_bytes: retention.max_bytes.as_u64(),
            reply,
        })
        .await?;
        rx.await.map_err(|_| Error::WriterGone)?
    }

    /// Deletes every delivery; returns how many there were.
    pub async fn delete_all(&self) -> Result<u64> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::DeleteAll { reply }).await?;
        rx.await.map_err(|_| Error::WriterGone)?
    }

    /// Replaces a stored delivery's analysis; `false` when it no longer exists.
    pub async fn reanalyze(
        &self,
        id: i64,
        endpoint: Option<String>,
        decoded: Decoded,
    ) -> Result<bool> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::Reanalyze {
            id,
            endpoint,
            decoded: Box::new(decoded),
            reply,
        })
        .await?;
        rx.await.map_err(|_| Error::WriterGone)?
    }

    /// Records an attempt in the writer's next commit, from a thread that may block (not from
    /// async code). `Err(attempt)` when the writer has stopped.
    pub(super) fn record_attempt_blocking(
        jobs: &mpsc::WeakSender<Job>,
        attempt: NewAttempt,
        sender_got: Option<u16>,
    ) -> std::result::Result<Result<attempts::Recorded>, Box<NewAttempt>> {
        let Some(jobs) = jobs.upgrade() else {
            return Err(Box::new(attempt));
        };
        let (reply, rx) = oneshot::channel();
        let job = Job::Attempt {
            attempt: Box::new(attempt),
            sender_got,
            reply,
        };
        match jobs.blocking_send(job) {
            Ok(()) => Ok(rx.blocking_recv().unwrap_or(Err(Error::WriterGone))),
            Err(mpsc::error::SendError(Job::Attempt { attempt, .. })) => Err(attempt),
            Err(_) => unreachable!("the job sent is an attempt"),
        }
    }

    /// A handle that does not keep the writer running, for the store's attempts.
    pub(super) fn weak_jobs(&self) -> mpsc::WeakSender<Job> {
        self.jobs.downgrade()
    }

    /// The event bus the writer announces its commits on; others publish on it too. Its streams
    /// end when the writer stops.
    pub fn bus(&self) -> &Bus {
        &self.events
    }

    /// Whether the store's disk is full, and how much room it has.
    pub fn disk(&self) -> &DiskState {
        &self.disk
    }

    /// The schemas learned from the deliveries stored: read back when the store opened, folded
    /// into by whoever analyses a delivery, saved by the writer, emptied with the deliveries.
    pub fn learner(&self) -> &Arc<Learner> {
        &self.learner
    }

    /// The dictionaries payloads are packed with: capture packs with them, off this thread.
    pub fn dictionaries(&self) -> &Arc<crate::packed::Dictionaries> {
        &self.dicts
    }

    /// Stops the writer once everything sent before has been committed; later writes fail with
    /// [`Error::WriterGone`]. Join the [`WriterThread`] to wait for it.
    pub async fn close(&self) {
        let _ = self.jobs.send(Job::Close).await;
    }

    async fn send(&self, job: Job) -> Result<()> {
        self.jobs.send(job).await.map_err(|_| Error::WriterGone)
    }
}

pub(super) fn start(
    conn: Connection,
    retention: &RetentionConfig,
    dicts: Arc<crate::packed::Dictionaries>,
) -> Result<(Writer, WriterThread)> {
    let (count, bytes) = retention::totals(&conn)?;
    let (newest_id, high_water) = deliveries::last_ids(&conn)?;
    let learner = Arc::new(Learner::new(learned::load(&conn)?));
    let (jobs, rx) = mpsc::channel(QUEUE);
    let (bus, events) = Bus::new();
    let space = Space::new(conn.path().map(std::path::Path::new));
    let disk = space.state();
    // The log is copied into the database on a thread of its own, not in the commits.
    let finisher = checkpoint::Finisher::new(&conn)?;
    let checkpointer =
        match conn.path().filter(|p| !p.is_empty()) {
            Some(path) => {
                let copier = super::open_connection(std::path::Path::new(path))?;
                Some(checkpoint::Checkpointer::start(copier).map_err(|e| {
                    Error::Commit(format!("cannot start the checkpoint thread: {e}"))
                })?)
            }
            None => None,
        };
    let mut state = WriterState {
        space,
        conn,
        events,
        count,
        bytes,
        last_id: newest_id.max(high_water),
        newest_gone: high_water > newest_id,
        search_caught_up: false,
        merge_pending: true,
        max_count: retention.max_deliveries,
        max_bytes: retention.max_bytes.as_u64(),
        learner: learner.clone(),
        learned_saved: std::time::Instant::now(),
        dicts: dicts.clone(),
        sampler: dictionaries::Sampler::default(),
        finisher,
        _checkpointer: checkpointer,
    };
    let thread = std::thread::Builder::new()
        .name("hookscope-store-writer".into())
        .spawn(move || {
            let mut rx = rx;
            // A bug that panics mid-batch loses that batch's answers (its senders reply 503,
            // nothing unstored is acknowledged) but must not stop every later capture: only
            // shutdown (every handle dropped, or a close) ends this loop.
            loop {
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    state.run(&mut rx);
                }));
                let Err(panic) = ran else { break };
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let restarted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    tracing::error!(panic = %what, "the store writer panicked; restarting it");
                    // Totals unread (a full disk, a locked file) are read again, until they are.
                    while let Err(e) = state.reload_totals() {
                        tracing::error!(error = %e, "the store writer cannot restart yet; retrying");
                        if rx.is_closed() {
                            return false;
                        }
                        std::thread::sleep(std::time::Duration::from_secs(1));
                    }
                    true
                }));
                if matches!(restarted, Ok(false)) {
                    break;
                }
            }
        })
        .map_err(|e| Error::Commit(format!("cannot start the writer thread: {e}")))?;
    Ok((
        Writer {
            dicts,
            jobs,
            events: bus,
            disk,
            learner,
        },
        WriterThread(thread),
    ))
}

struct WriterState {
    /// Finishes copying a long write-ahead log between batches.
    finisher: checkpoint::Finisher,
    /// Copies the write-ahead log beside the writer (stopped with it).
    _checkpointer: Option<checkpoint::Checkpointer>,
    /// Room on the disk: the reserve, and whether the last write found none.
    space: Space,
    conn: Connection,
    events: Keeper,
    count: u64,
    bytes: u64,
    /// The highest id assigned; the next insert takes the one after.
    last_id: i64,
    /// Nothing is waiting to be indexed for search, nor merged (until the next insert).
    search_caught_up: bool,
    /// The search index has segments to merge (see [`search::merge_some`]).
    merge_pending: bool,
    /// Deliveries were deleted since the last insert, perhaps the newest: the next insert names
    /// its id instead of taking SQLite's next rowid, which could reuse a deleted one.
    newest_gone: bool,
    max_count: u64,
    max_bytes: u64,
    learner: Arc<Learner>,
    /// When learned schemas were last saved.
    learned_saved: std::time::Instant,
    /// What payloads are packed with, and the samples each vendor's are trained on.
    dicts: Arc<crate::packed::Dictionaries>,
    sampler: dictionaries::Sampler,
}

/// What a job did inside the transaction, announced after commit.
enum Done {
    Inserted {
        id: i64,
        duplicate: Option<Duplicate>,
        handler: Option<crate::model::HandlerAnswer>,
        decided: Option<Box<Decided>>,
    },
    Deleted {
        id: i64,
        existed: bool,
    },
    Cleared {
        count: u64,
    },
    Reanalyzed {
        existed: bool,
    },
    Pinned {
        id: i64,
        pinned: bool,
        existed: bool,
    },
    RetentionSet,
    Attempted(Result<attempts::Recorded>),
}

/// A committed batch: each job's result, the new totals, and what retention pruned.
struct Applied {
    done: Vec<Done>,
    count: u64,
    bytes: u64,
    last_id: i64,
    newest_gone: bool,
    pruned: Option<(i64, u64)>,
    /// New retention limits set in this batch.
    retention: Option<(u64, u64)>,
}

impl WriterState {
    /// Re-reads the totals and ids from the database, after a panic left them unknown.
    fn reload_totals(&mut self) -> Result<()> {
        (self.count, self.bytes) = retention::totals(&self.conn)?;
        let (newest_id, high_water) = deliveries::last_ids(&self.conn)?;
        self.last_id = newest_id.max(high_water);
        self.newest_gone = high_water > newest_id;
        self.search_caught_up = false;
        Ok(())
    }

    fn run(&mut self, rx: &mut mpsc::Receiver<Job>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        // Only to wait for a job with a time limit.
        let timer = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime starts");
        // Seconds of indexing the writer may still spend while jobs wait: it grows with the
        // time that passes and shrinks by what indexing takes (below zero after a long batch).
        let mut budget = 0.0f64;
        let mut refilled = std::time::Instant::now();
        // Set once the writer has been idle long enough; cleared by the next job.
        let mut idle = false;
        loop {
            // Search indexing fills the writer's idle time: it starts once no job has come for
            // a while, and a waiting job goes first. Under sustained load it takes its share of
            // the writer's time between commits.
            let now = std::time::Instant::now();
            budget = (budget + now.duration_since(refilled).as_secs_f64() * INDEX_SHARE)
                .min(INDEX_BUDGET_MAX);
            refilled = now;
            if !self.search_caught_up && budget > 0.0 {
                self.index_some();
                let spent = refilled.elapsed().as_secs_f64();
                budget -= spent;
                // The time indexing took earns no budget of its own.
                refilled += std::time::Duration::from_secs_f64(spent);
            }
            let job = match rx.try_recv() {
                Ok(job) => job,
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) if self.search_caught_up => {
                    if self.learner.is_dirty() && !self.space.is_full() {
                        // Nothing to index, but learned schemas to save once no job comes.
                        let waited = timer.block_on(async {
                            tokio::time::timeout(SAVE_LEARNED_EVERY, rx.recv()).await
                        });
                        match waited {
                            Ok(Some(job)) => job,
                            Ok(None) => break,
                            Err(_) => {
                                self.save_learned(true);
                                continue;
                            }
                        }
                    } else {
                        match rx.blocking_recv() {
                            Some(job) => job,
                            None => break,
                        }
                    }
                }
                Err(mpsc::error::TryRecvError::Empty) if idle => {
                    // Still idle: index the next batch straight away.
                    self.index_some();
                    continue;
                }
                Err(mpsc::error::TryRecvError::Empty) => {
                    let waited = timer.block_on(async {
                        tokio::time::timeout(INDEX_WHEN_IDLE_FOR, rx.recv()).await
                    });
                    match waited {
                        Ok(Some(job)) => job,
                        Ok(None) => break,
                        Err(_) => {
                            idle = true;
                            self.save_learned(true);
                            self.index_some();
                            continue;
                        }
                    }
                }
            };
            idle = false;
            let mut closing = matches!(job, Job::Close);
            let mut batch_bytes = job_bytes(&job);
            if !closing {
                batch.push(job);
            }
            while !closing && batch.len() < MAX_BATCH && batch_bytes < MAX_BATCH_BYTES {
                match rx.try_recv() {
                    Ok(Job::Close) => closing = true,
                    Ok(job) => {
                        batch_bytes += job_bytes(&job);
                        batch.push(job);
                    }
                    Err(_) => break,
                }
            }
            if !batch.is_empty() {
                self.commit(&mut batch);
                // After the answers went out: nobody waits for this.
                self.finisher.finish_if_long(&self.conn);
            }
            self.save_learned(closing);
            self.save_dictionaries();
            if closing {
                // Jobs already queued behind the close are refused: their senders see the
                // writer gone and answer that nothing was stored.
                rx.close();
                break;
            }
        }
        self.save_learned(true);
    }

    /// Stores the dictionaries trained since the last batch, each in a transaction of its own,
    /// then packs the vendor's next payloads with them (only once stored: a frame never names a
    /// dictionary the store lacks).
    fn save_dictionaries(&mut self) {
        for trained in self.sampler.take_trained() {
            for (part, dict) in [
                (crate::packed::HEAD, &trained.head),
                (crate::packed::BODY, &trained.body),
                (crate::packed::ANALYSIS, &trained.analysis),
            ] {
                let Some(dict) = dict else { continue };
                let saved =
                    dictionaries::save(&self.conn, &trained.vendor, part, dict, trained.samples);
                match saved {
                    Ok(()) => {
                        self.dicts.add(&trained.vendor, part, dict.clone());
                        tracing::debug!(vendor = %trained.vendor, part, bytes = dict.bytes.len(), "dictionary trained");
                    }
                    Err(e) => {
                        tracing::warn!(vendor = %trained.vendor, error = %e, "a trained dictionary was not stored; payloads are packed without it");
                    }
                }
            }
        }
    }

    /// Saves the learned schemas that grew, if the last save is [`SAVE_LEARNED_EVERY`] ago (or
    /// `now`), in a transaction of their own: a save that fails (a full disk) costs no capture,
    /// and what it held is saved at the next.
    fn save_learned(&mut self, now: bool) {
        if !now && self.learned_saved.elapsed() < SAVE_LEARNED_EVERY {
            return;
        }
        if self.space.is_full() || !self.learner.is_dirty() {
            return;
        }
        self.learned_saved = std::time::Instant::now();
        let taken = self.learner.take_dirty();
        let saved = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )
        .map_err(crate::Error::from)
        .and_then(|tx| {
            learned::save(&tx, &taken)?;
            Ok(tx.commit()?)
        });
        if let Err(e) = saved {
            tracing::debug!(error = %e, "learned schemas not saved yet; trying again later");
            self.learner.unsaved(&taken);
        }
    }

    fn commit(&mut self, batch: &mut Vec<Job>) {
        let mut result = self.apply(batch);
        if let Err(e) = &result
            && is_disk_full(e)
        {
            self.space.set_full(true);
            // Deleting (and pinning, and settings) must work on a full disk, deleting above all
            // since it is how a user makes room: the captures in the batch are refused, and the
            // rest is tried again with the reserve given back to the disk.
            if batch.iter().any(|j| !takes_room(j)) {
                for job in batch.extract_if(.., |j| takes_room(j)) {
                    match job {
                        Job::Insert { reply, .. } => {
                            let _ = reply.send(Err(self.disk_full_error()));
                        }
                        Job::Attempt { reply, .. } => {
                            let _ = reply.send(Err(self.disk_full_error()));
                        }
                        _ => {}
                    }
                }
                self.space.release_reserve();
                result = self.apply(batch);
            }
        }
        match result {
            Ok(applied) => {
                if batch.iter().any(takes_room) {
                    self.space.set_full(false);
                } else if self.space.is_full()
                    && batch
                        .iter()
                        .any(|j| matches!(j, Job::Delete { .. } | Job::DeleteAll { .. }))
                {
                    // What was deleted is free inside the database, but the log still holds
                    // it: moving it into the database (which may need the reserve's room) and
                    // truncating the log gives captures their room back.
                    self.space.release_reserve();
                    if self.give_back_log_room() {
                        self.space.set_full(false);
                    }
                }
                if !self.space.is_full() {
                    self.space.keep_reserve();
                }
                (self.count, self.bytes) = (applied.count, applied.bytes);
                self.search_caught_up &= !batch.iter().any(|j| matches!(j, Job::Insert { .. }));
                if batch.iter().any(|j| matches!(j, Job::DeleteAll { .. })) {
                    // What deliveries analysed meanwhile folded in goes too: learning starts
                    // again from the next one.
                    self.learner.clear();
                }
                self.last_id = applied.last_id;
                self.newest_gone = applied.newest_gone;
                for job in batch.iter() {
                    if let Job::Insert { delivery, .. } = job
                        && let Some(decoded) = delivery.decoded.as_ref()
                        && let Some(vendor) = decoded.analysis.vendor.as_deref()
                    {
                        self.sampler.note(
                            &self.dicts,
                            vendor,
                            &delivery.head,
                            &delivery.body,
                            Some(&decoded.json),
                        );
                    }
                }
                if let Some((max_count, max_bytes)) = applied.retention {
                    (self.max_count, self.max_bytes) = (max_count, max_bytes);
                }
                // Announce before answering: whoever sees an acknowledgement can rely on the
                // event having gone out already.
                if self.events.has_subscribers() {
                    for (job, done) in batch.iter().zip(&applied.done) {
                        if let Some(event) = event_for(job, done) {
                            self.events.publish(event);
                        }
                    }
                    if let Some((through_id, count)) = applied.pruned {
                        self.events
                            .publish(StreamEvent::Pruned { through_id, count });
                    }
                }
                if let Some((through_id, count)) = applied.pruned {
                    tracing::debug!(through_id, count, "retention pruned the oldest deliveries");
                }
                for (job, done) in batch.drain(..).zip(applied.done) {
                    reply(job, done);
                }
            }
            Err(e) => {
                let full = is_disk_full(&e);
                if !full {
                    tracing::error!(error = %e, jobs = batch.len(), "store transaction failed");
                }
                let message = e.to_string();
                for job in batch.drain(..) {
                    let err = || {
                        if full {
                            self.disk_full_error()
                        } else {
                            Error::Commit(message.clone())
                        }
                    };
                    // A receiver that is gone (its request was cancelled) needs no answer.
                    let _ = match job {
                        Job::Insert { reply, .. } => reply.send(Err(err())).map_err(drop),
                        Job::Delete { reply, .. } => reply.send(Err(err())).map_err(drop),
                        Job::DeleteAll { reply } => reply.send(Err(err())).map_err(drop),
                        Job::Pin { reply, .. } => reply.send(Err(err())).map_err(drop),
                        Job::Retention { reply, .. } => reply.send(Err(err())).map_err(drop),
                        Job::Reanalyze { reply, .. } => reply.send(Err(err())).map_err(drop),
                        Job::Attempt { reply, .. } => reply.send(Err(err())).map_err(drop),
                        Job::Close => Ok(()),
                    };
                }
            }
        }
    }

    /// What a write refused for want of room answers.
    fn disk_full_error(&self) -> Error {
        Error::DiskFull {
            dir: self
                .space
                .state()
                .dir()
                .map(ToOwned::to_owned)
                .unwrap_or_default(),
        }
    }

    /// After deleting on a full disk: moves what the write-ahead log holds into the database
    /// and truncates the log, so its room goes back to the disk.
    fn give_back_log_room(&self) -> bool {
        match self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            }) {
            Ok(busy) => busy == 0,
            Err(e) => {
                tracing::debug!(error = %e, "cannot truncate the write-ahead log yet");
                false
            }
        }
    }

    /// Indexes a few deliveries for search, or merges some of the index's segments, in a
    /// transaction of its own; `true` when there may be more to do.
    fn index_some(&mut self) -> bool {
        if self.search_caught_up {
            return false;
        }
        if !self.space.room_to_index() {
            // Captures come first: search waits until the disk has room (checked again at the
            // next capture).
            self.search_caught_up = true;
            return false;
        }
        if self.merge_pending {
            // Merging goes first, a step at a time: left behind, the segments would pile up
            // until FTS5 merged a whole level of them inside an indexing transaction.
            let merged = search::merge_some(&self.conn);
            self.finisher.finish_if_long(&self.conn);
            self.merge_pending = match merged {
                Ok(more) => more,
                Err(e) => {
                    tracing::warn!(error = %e, "merging the search index failed; it is tried again after the next index batch");
                    false
                }
            };
            // Whether there is more to index, the next call finds out.
            return true;
        }
        let indexed = search::index_pending(&self.conn, INDEX_BATCH, &self.dicts);
        // Indexing runs batch after batch while the writer is idle: the log must start over
        // between them too.
        self.finisher.finish_if_long(&self.conn);
        match indexed {
            Ok(n) => {
                self.merge_pending = n > 0;
                self.search_caught_up = n < INDEX_BATCH && !self.merge_pending;
                if self.search_caught_up {
                    // Idle until the next capture: the pages cached for indexing go back.
                    let _ = self.conn.execute_batch("PRAGMA shrink_memory");
                }
                !self.search_caught_up
            }
            Err(e) => {
                tracing::error!(error = %e, "search indexing failed; search will miss new deliveries");
                self.search_caught_up = true;
                false
            }
        }
    }

    /// Runs the batch in one transaction; the writer's totals change only once it commits.
    fn apply(&self, batch: &[Job]) -> Result<Applied> {
        // Immediate: the write lock first, so that another connection's write (an attempt from
        // `hookscope replay` beside the server) is waited for rather than failing the batch.
        let mut tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let (mut max_count, mut max_bytes) = (self.max_count, self.max_bytes);
        let mut retention = None;
        let mut done = Vec::with_capacity(batch.len());
        let (mut count, mut bytes, mut last_id) = (self.count, self.bytes, self.last_id);
        let mut newest_gone = self.newest_gone;
        let mut first_inserted = i64::MAX;
        for job in batch {
            done.push(match job {
                Job::Insert { delivery, .. } => {
                    let next = last_id + 1;
                    let event = match delivery
                        .decoded
                        .as_ref()
                        .and_then(|d| d.analysis.dedupe.as_ref())
                    {
                        Some(key) => Some(dedupe::record_event(
                            &tx,
                            key,
                            next,
                            delivery.received_at_us,
                        )?),
                        None => None,
                    };
                    let named = newest_gone.then_some(next);
                    // A forward decided against at capture is the delivery's handler answer
                    // from its first row: no update of it follows.
                    let handler = match &delivery.not_sent {
                        Some(attempt) => Some(attempts::answer_of(
                            attempts::insert_row(&tx, Some(next), attempt)?,
                            attempt,
                        )),
                        None => None,
                    };
                    // The rules that wait on the arrival are decided now that it is counted.
                    let decided = delivery.rules.as_ref().map(|rules| {
                        let arrival = event.as_ref().map(|e| (e.1.kind.as_str(), e.1.attempt));
                        Box::new(Decided::new(rules.decide(arrival)))
                    });
                    let (id, b) = deliveries::insert(
                        &tx,
                        named,
                        delivery,
                        event.as_ref(),
                        handler.as_ref(),
                        decided.as_deref(),
                        &self.dicts,
                    )?;
                    debug_assert_eq!(id, next, "ids are assigned in order");
                    (last_id, newest_gone) = (id, false);
                    count += 1;
                    bytes += b;
                    first_inserted = first_inserted.min(id);
                    Done::Inserted {
                        id,
                        duplicate: event.map(|e| e.1),
                        handler,
                        decided,
                    }
                }
                Job::Delete { id, .. } => {
                    deliveries::keep_high_water(&tx, last_id)?;
                    newest_gone = true;
                    let removed = deliveries::delete(&tx, *id)?;
                    if let Some(b) = removed {
                        count -= 1;
                        bytes -= b;
                    }
                    Done::Deleted {
                        id: *id,
                        existed: removed.is_some(),
                    }
                }
                Job::DeleteAll { .. } => {
                    deliveries::keep_high_water(&tx, last_id)?;
                    newest_gone = true;
                    let n = deliveries::delete_all(&tx)?;
                    learned::clear(&tx)?;
                    (count, bytes) = (0, 0);
                    Done::Cleared { count: n }
                }
                Job::Retention {
                    max_count: c,
                    max_bytes: b,
                    ..
                } => {
                    (max_count, max_bytes) = (*c, *b);
                    retention = Some((*c, *b));
                    Done::RetentionSet
                }
                Job::Pin { id, pinned, .. } => Done::Pinned {
                    id: *id,
                    pinned: *pinned,
                    existed: deliveries::set_pinned(&tx, *id, *pinned)?,
                },
                Job::Reanalyze {
                    id,
                    endpoint,
                    decoded,
                    ..
                } => Done::Reanalyzed {
                    existed: deliveries::update_analysis(
                        &tx,
                        *id,
                        endpoint.as_deref(),
                        decoded,
                        &self.dicts,
                    )?,
                },
                Job::Attempt {
                    attempt,
                    sender_got,
                    ..
                } => {
                    // Its own savepoint: an attempt that cannot be stored costs only itself.
                    let sp = tx.savepoint()?;
                    let recorded = attempts::insert_one(&sp, attempt, *sender_got);
                    if recorded.is_ok() {
                        sp.commit()?;
                    }
                    Done::Attempted(recorded)
                }
                Job::Close => unreachable!("a close is never part of a batch"),
            });
        }
        let pruned = retention::prune(&tx, count, bytes, max_count, max_bytes, first_inserted)?;
        if pruned.is_some() && first_inserted == i64::MAX {
            // Retention spares this batch's inserts; a batch without any may prune the newest.
            deliveries::keep_high_water(&tx, last_id)?;
            newest_gone = true;
        }
        tx.commit()?;
        let pruned = pruned.map(|(through_id, n, b)| {
            count -= n;
            bytes -= b;
            (through_id, n)
        });
        Ok(Applied {
            done,
            count,
            bytes,
            last_id,
            newest_gone,
            pruned,
            retention,
        })
    }
}

/// The event that announces a committed job.
fn event_for(job: &Job, done: &Done) -> Option<StreamEvent> {
    match (job, done) {
        (
            Job::Insert { delivery, .. },
            Done::Inserted {
                id,
                duplicate,
                handler,
                decided,
            },
        ) => Some(StreamEvent::Delivery {
            delivery: Box::new(deliveries::summary_of(
                *id,
                delivery,
                duplicate.clone(),
                handler.clone(),
                decided.as_deref(),
            )),
        }),
        (Job::Delete { .. }, Done::Deleted { id, existed: true }) => {
            Some(StreamEvent::Deleted { id: *id })
        }
        (Job::DeleteAll { .. }, Done::Cleared { count }) => {
            Some(StreamEvent::Cleared { count: *count })
        }
        (
            Job::Pin { .. },
            Done::Pinned {
                id,
                pinned,
                existed: true,
            },
        ) => Some(StreamEvent::Pinned {
            id: *id,
            pinned: *pinned,
        }),
        _ => None,
    }
}

/// Answers a committed job. A receiver that is gone (its request was cancelled) needs no answer.
fn reply(job: Job, done: Done) {
    match (job, done) {
        (Job::Insert { reply, .. }, Done::Inserted { id, decided, .. }) => {
            let _ = reply.send(Ok((id, decided)));
        }
        (Job::Delete { reply, .. }, Done::Deleted { existed, .. }) => {
            let _ = reply.send(Ok(existed));
        }
        (Job::DeleteAll { reply }, Done::Cleared { count }) => {
            let _ = reply.send(Ok(count));
        }
        (Job::Retention { reply, .. }, Done::RetentionSet) => {
            let _ = reply.send(Ok(()));
        }
        (Job::Pin { reply, .. }, Done::Pinned { existed, .. }) => {
            let _ = reply.send(Ok(existed));
        }
        (Job::Reanalyze { reply, .. }, Done::Reanalyzed { existed }) => {
            let _ = reply.send(Ok(existed));
        }
        (Job::Attempt { reply, .. }, Done::Attempted(recorded)) => {
            let _ = reply.send(recorded);
        }
        _ => unreachable!("results are produced in job order"),
    }
}

fn job_bytes(job: &Job) -> usize {
    match job {
        Job::Insert { delivery, .. } => delivery.body.len() + delivery.head.len(),
        Job::Attempt { attempt, .. } => attempt.request_body.as_ref().map_or(0, Vec::len),
        _ => 0,
    }
}
