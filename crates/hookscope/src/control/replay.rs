//! Replays: one delivery (as sent, re-signed, fresh or edited), a filtered set as a job whose
//! progress goes out on the event stream, and the attempts made from a delivery.

use super::{Control, MAX_BULK, blocking};
use crate::error::{Error, Result};
use crate::events::StreamEvent;
use crate::model::{Attempt, ReplayJob, ReplayProgress};
use crate::replay::bulk::{BulkOptions, Item};
use crate::replay::jobs::StartReplay;
use crate::replay::{self, EditedRequest, ReplayOptions};
use crate::store::Filter;

impl Control {
    /// Sends a stored delivery to `opts.to` again (edited first, when `edited` is given) and
    /// stores the attempt.
    pub async fn replay_delivery(
        &self,
        id: i64,
        opts: ReplayOptions,
        edited: Option<EditedRequest>,
    ) -> Result<Attempt> {
        self.replayer().one(id, &opts, edited.as_ref()).await
    }

    /// Replays the deliveries `filter` selects, oldest first, reporting progress to `progress`
    /// after each one.
    pub async fn replay_many(
        &self,
        filter: Filter,
        opts: ReplayOptions,
        bulk: BulkOptions,
        cancel: &tokio_util::sync::CancellationToken,
        progress: impl FnMut(&ReplayProgress, &Item),
    ) -> Result<ReplayProgress> {
        let filter = self.resolved(filter).await?;
        let store = self.inner.store.clone();
        let ids = blocking(move || store.ids_matching(&filter, MAX_BULK)).await?;
        Ok(self
            .replayer()
            .many(&ids, &opts, bulk, cancel, progress)
            .await)
    }

    /// Starts replaying the deliveries `filter` selects (or `start.ids`), oldest first, as a
    /// task of its own; its progress goes out as [`StreamEvent::Replay`] and through
    /// [`Control::replay_job`]. Must be called within a Tokio runtime.
    pub async fn start_replay(&self, filter: Filter, start: StartReplay) -> Result<ReplayJob> {
        use replay::jobs::{MAX_CONCURRENCY, Throttle};
        crate::target::check_target(&start.options.to)?;
        let bulk = start.bulk;
        if bulk.concurrency == 0 || bulk.concurrency > MAX_CONCURRENCY {
            return Err(Error::Invalid(format!(
                "concurrency must be 1 to {MAX_CONCURRENCY}, not {}",
                bulk.concurrency
            )));
        }
        if let Some(rate) = bulk.rate
            && !(rate.is_finite() && rate > 0.0)
        {
            return Err(Error::Invalid(format!(
                "rate must be a number of deliveries a second above 0, not {rate}"
            )));
        }
        let store = self.inner.store.clone();
        let ids = match start.ids {
            Some(mut ids) => {
                if ids.len() as u64 > MAX_BULK {
                    return Err(Error::Invalid(format!(
                        "at most {MAX_BULK} deliveries at once"
                    )));
                }
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            None => {
                let filter = self.resolved(filter).await?;
                blocking(move || store.ids_matching(&filter, MAX_BULK)).await?
            }
        };
        if ids.is_empty() {
            return Err(Error::Invalid(
                "no delivery matches; nothing to replay".into(),
            ));
        }
        let (job, cancel) = self.inner.jobs.create(&start.options.to, ids.len() as u64);
        self.inner
            .writer
            .bus()
            .publish(StreamEvent::Replay { job: job.clone() });
        let control = self.clone();
        let id = job.id;
        let opts = start.options;
        tokio::spawn(async move {
            let inner = &control.inner;
            let mut throttle = Throttle::new();
            let report = control
                .replayer()
                .many(&ids, &opts, bulk, &cancel, |p, _| {
                    let job = inner.jobs.update(id, p, false);
                    if throttle.ready()
                        && let Some(job) = job
                    {
                        inner.writer.bus().publish(StreamEvent::Replay { job });
                    }
                })
                .await;
            if let Some(job) = inner.jobs.update(id, &report, true) {
                tracing::info!(
                    job = id,
                    to = %job.to,
                    ok = report.ok,
                    failed = report.failed,
                    skipped = report.skipped,
                    "bulk replay ended"
                );
                inner.writer.bus().publish(StreamEvent::Replay { job });
            }
        });
        Ok(job)
    }

    /// A bulk replay as it stands.
    pub fn replay_job(&self, id: u64) -> Result<ReplayJob> {
        self.inner.jobs.get(id).ok_or(Error::NoReplayJob(id))
    }

    /// The bulk replays running or recently finished, newest first.
    pub fn replay_jobs(&self) -> Vec<ReplayJob> {
        self.inner.jobs.list()
    }

    /// Stops a bulk replay from starting more requests; those in flight finish.
    pub fn cancel_replay(&self, id: u64) -> Result<ReplayJob> {
        self.inner.jobs.cancel(id).ok_or(Error::NoReplayJob(id))
    }

    /// The attempts made from one delivery, newest first.
    pub async fn attempts(&self, id: i64) -> Result<Vec<Attempt>> {
        let store = self.inner.store.clone();
        blocking(move || {
            if store.get(id)?.is_none() {
                return Err(Error::NotFound(id));
            }
            store.attempts_for(id, 200)
        })
        .await
    }
}
