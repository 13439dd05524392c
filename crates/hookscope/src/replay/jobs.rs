//! Bulk replays started from the control API or the desktop window: each runs as a task of its
//! own, announces its progress on the store's event stream (so the UI draws a progress bar from
//! the same stream as the list), can be read back by id, and can be cancelled.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::ReplayOptions;
use super::bulk::BulkOptions;
use crate::model::{ReplayJob, ReplayProgress};

/// Finished jobs kept for reading back; the oldest go first.
const KEEP_FINISHED: usize = 32;

/// How often a running job announces its progress at most (the last one always goes out).
pub const ANNOUNCE_EVERY: Duration = Duration::from_millis(100);

/// Most requests a bulk replay keeps in flight.
pub const MAX_CONCURRENCY: usize = 64;

/// What starts a bulk replay: where and how to send, and how fast. Which deliveries go is the
/// list filter (the API's query string), or `ids`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StartReplay {
    #[serde(flatten)]
    pub options: ReplayOptions,
    #[serde(flatten)]
    pub bulk: BulkOptions,
    /// These deliveries instead of the filter's, sent oldest first whatever their order here.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub ids: Option<Vec<i64>>,
}

struct Entry {
    job: ReplayJob,
    cancel: CancellationToken,
}

/// The bulk replays of one instance.
#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    entries: Mutex<BTreeMap<u64, Entry>>,
}

impl Jobs {
    /// Registers a job about to start with `total` deliveries to `to`.
    pub fn create(&self, to: &str, total: u64) -> (ReplayJob, CancellationToken) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = ReplayJob {
            id,
            to: to.to_owned(),
            started_at_us: crate::model::now_us(),
            progress: ReplayProgress {
                total,
                ..ReplayProgress::default()
            },
            finished: false,
        };
        let cancel = CancellationToken::new();
        let mut entries = self.lock();
        entries.insert(
            id,
            Entry {
                job: job.clone(),
                cancel: cancel.clone(),
            },
        );
        // Forget the oldest finished jobs beyond the limit; running ones always stay.
        let finished: Vec<u64> = entries
            .iter()
            .filter(|(_, e)| e.job.finished)
            .map(|(id, _)| *id)
            .collect();
        for old in finished
            .iter()
            .take(finished.len().saturating_sub(KEEP_FINISHED))
        {
            entries.remove(old);
        }
        (job, cancel)
    }

    /// Records a job's progress; the job as it now stands.
    pub fn update(&self, id: u64, progress: &ReplayProgress, finished: bool) -> Option<ReplayJob> {
        let mut entries = self.lock();
        let entry = entries.get_mut(&id)?;
        entry.job.progress = progress.clone();
        entry.job.finished = finished;
        Some(entry.job.clone())
    }

    pub fn get(&self, id: u64) -> Option<ReplayJob> {
        self.lock().get(&id).map(|e| e.job.clone())
    }

    /// Every job kept, newest first.
    pub fn list(&self) -> Vec<ReplayJob> {
        self.lock().values().rev().map(|e| e.job.clone()).collect()
    }

    /// Asks a job to stop starting requests; the job, or `None` when there is no such job.
    pub fn cancel(&self, id: u64) -> Option<ReplayJob> {
        let entries = self.lock();
        let entry = entries.get(&id)?;
        entry.cancel.cancel();
        Some(entry.job.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Entry>> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Lets through one progress report per [`ANNOUNCE_EVERY`].
pub struct Throttle {
    last: Option<Instant>,
}

impl Throttle {
    pub fn new() -> Self {
        Throttle { last: None }
    }

    pub fn ready(&mut self) -> bool {
        let now = Instant::now();
        match self.last {
            Some(last) if now.duration_since(last) < ANNOUNCE_EVERY => false,
            _ => {
                self.last = Some(now);
                true
            }
        }
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_jobs_beyond_the_limit_are_forgotten_running_ones_kept() {
        let jobs = Jobs::default();
        let (running, _) = jobs.create("http://a/", 1);
        for _ in 0..KEEP_FINISHED + 5 {
            let (job, _) = jobs.create("http://b/", 1);
            jobs.update(job.id, &ReplayProgress::default(), true);
        }
        jobs.create("http://c/", 1);
        let list = jobs.list();
        assert!(list.iter().any(|j| j.id == running.id), "running job kept");
        assert_eq!(list.iter().filter(|j| j.finished).count(), KEEP_FINISHED);
        assert!(list.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    }

    #[test]
    fn cancel_reaches_the_token_and_unknown_ids_are_none() {
        let jobs = Jobs::default();
        let (job, token) = jobs.create("http://a/", 3);
        assert!(jobs.cancel(job.id + 100).is_none());
        assert!(!token.is_cancelled());
        assert_eq!(jobs.cancel(job.id).map(|j| j.id), Some(job.id));
        assert!(token.is_cancelled());
    }

    #[test]
    fn the_throttle_lets_the_first_through_then_waits() {
        let mut t = Throttle::new();
        assert!(t.ready());
        assert!(!t.ready());
    }
}
