//! Handler checks: started here as tasks of their own (progress goes out as
//! [`StreamEvent::Check`]), stored as runs, read back with the run before compared, cancelled,
//! deleted; and any one attempt, for the report's rows to open.

use tokio_util::sync::CancellationToken;

use super::{Control, blocking};
use crate::check::{CheckRun, Prepared, StartCheck, runs};
use crate::error::{Error, Result};
use crate::events::StreamEvent;
use crate::model::{Attempt, CheckState, CheckSummary};

/// Most runs one listing returns.
pub const MAX_CHECKS_LISTED: u32 = 200;

impl Control {
    /// Starts a handler check as a task of its own, once what it asks for is checked (an error
    /// here is the caller's to fix); the run as it starts. Must be called within a Tokio
    /// runtime.
    pub async fn start_check(&self, start: StartCheck) -> Result<CheckSummary> {
        let opts = start.options();
        let endpoints = self.inner.endpoints.get();
        Prepared::new(&self.registry(), &endpoints.list, &opts)?;
        let (first, started) = tokio::sync::oneshot::channel();
        let control = self.clone();
        let cancel = CancellationToken::new();
        tokio::spawn(async move {
            let inner = &control.inner;
            let registry = inner.registry.current();
            let prepared = match Prepared::new(&registry, &endpoints.list, &opts) {
                Ok(p) => p,
                Err(e) => {
                    let _ = first.send(Err(e));
                    return;
                }
            };
            let bus = inner.writer.bus().clone();
            let mut first = Some(first);
            let ended = runs::run_stored(
                prepared,
                &inner.store,
                &opts.events,
                &cancel,
                |run| {
                    inner.checks_lock().insert(run.id, cancel.clone());
                    bus.publish(StreamEvent::Check { run: run.clone() });
                    if let Some(first) = first.take() {
                        let _ = first.send(Ok(run.clone()));
                    }
                },
                |run| bus.publish(StreamEvent::Check { run: run.clone() }),
            )
            .await;
            match ended {
                Ok(run) => {
                    inner.checks_lock().remove(&run.summary.id);
                    tracing::info!(
                        check = run.summary.id,
                        vendor = %run.summary.vendor,
                        to = %run.summary.to,
                        state = run.summary.state.as_str(),
                        failed = run.summary.failed,
                        "handler check ended"
                    );
                    bus.publish(StreamEvent::Check { run: run.summary });
                }
                Err(e) => {
                    if let Some(first) = first.take() {
                        let _ = first.send(Err(e));
                    } else {
                        tracing::warn!(error = %e, "a handler check could not be stored");
                    }
                }
            }
        });
        started
            .await
            .map_err(|_| Error::Task("the check ended before it started".into()))?
    }

    /// Check runs, newest first (below `before`, when given), without their reports.
    pub async fn check_runs(&self, before: Option<i64>, limit: u32) -> Result<Vec<CheckSummary>> {
        let store = self.inner.store.clone();
        let limit = limit.clamp(1, MAX_CHECKS_LISTED);
        let rows = blocking(move || store.checks(before, limit)).await?;
        Ok(rows.into_iter().map(runs::summary).collect())
    }

    /// One run with its report, compared with the run before it against the same handler.
    pub async fn check_run(&self, id: i64) -> Result<CheckRun> {
        let store = self.inner.store.clone();
        blocking(move || runs::load(&store, id))
            .await?
            .ok_or(Error::NoCheckRun(id))
    }

    /// Stops a run started here before its next request; it ends `cancelled` with the probes
    /// graded so far.
    pub async fn cancel_check(&self, id: i64) -> Result<CheckSummary> {
        let token = self.inner.checks_lock().get(&id).cloned();
        match token {
            Some(token) => {
                token.cancel();
                let mut run = self.check_run(id).await?.summary;
                run.state = CheckState::Cancelled;
                Ok(run)
            }
            None => {
                let run = self.check_run(id).await?.summary;
                Err(Error::Invalid(format!(
                    "check run {id} is {}, not running here; nothing to cancel",
                    run.state.as_str()
                )))
            }
        }
    }

    /// Deletes a run (stopping it first when it runs here) and the attempts its probes made.
    pub async fn delete_check(&self, id: i64) -> Result<()> {
        if let Some(token) = self.inner.checks_lock().remove(&id) {
            token.cancel();
        }
        let store = self.inner.store.clone();
        if blocking(move || store.delete_check(id)).await? {
            Ok(())
        } else {
            Err(Error::NoCheckRun(id))
        }
    }

    /// One stored attempt (a replay, forward, test send or check probe).
    pub async fn attempt(&self, id: i64) -> Result<Attempt> {
        let store = self.inner.store.clone();
        blocking(move || store.attempt(id))
            .await?
            .ok_or(Error::NoAttempt(id))
    }
}

impl super::Inner {
    fn checks_lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<i64, CancellationToken>> {
        self.checks.lock().unwrap_or_else(|e| e.into_inner())
    }
}
