import { useCallback, useEffect, useState } from "react";
import { useTransport } from "../api/context";
import type { ReplayJob } from "../api/types.gen";
import type { Filters } from "../lib/filters";
import { Modal } from "./Modal";
import { ReplayTargetFields, usePathMode, useReplayTarget } from "./ReplayTarget";

/** `12 of 40 · 11 ok · 1 failed · 18/s` */
export function jobLine(job: ReplayJob): string {
  const p = job.progress;
  const rate = p.elapsed_ms > 0 ? p.done / (p.elapsed_ms / 1000) : 0;
  const parts = [
    `${p.done.toLocaleString()} of ${p.total.toLocaleString()}`,
    `${p.ok.toLocaleString()} ok`,
    `${p.failed.toLocaleString()} failed`,
  ];
  if (p.skipped > 0) parts.push(`${p.skipped.toLocaleString()} not sent`);
  if (p.done > 0) parts.push(`${rate < 10 ? rate.toFixed(1) : Math.round(rate).toLocaleString()}/s`);
  return parts.join(" · ");
}

/** How a finished job ended, in a sentence. */
export function jobOutcome(job: ReplayJob): string {
  const p = job.progress;
  const seconds = (p.elapsed_ms / 1000).toFixed(p.elapsed_ms < 10_000 ? 2 : 0);
  if (p.cancelled) return `Cancelled after ${p.done.toLocaleString()} of ${p.total.toLocaleString()} (${seconds} s).`;
  if (p.stopped) return `Stopped at the first failure after ${p.done.toLocaleString()} of ${p.total.toLocaleString()}.`;
  if (p.failed > 0) return `Done in ${seconds} s, with ${p.failed.toLocaleString()} failed.`;
  return `Done: all ${p.ok.toLocaleString()} answered 2xx in ${seconds} s.`;
}

/** The newest running job, else the newest one. */
function pick(jobs: ReplayJob[]): ReplayJob | null {
  return jobs.find((j) => !j.finished) ?? jobs[0] ?? null;
}

/**
 * Replaying every listed delivery (the filters in force), oldest first, to a handler: the
 * options and pace, then a progress bar fed by the stream's `replay` events, with cancel. The
 * button shows the share done while a replay runs with the dialog closed.
 */
export function BulkReplay({ filters, total }: { filters: Filters; total: number | null }) {
  const transport = useTransport();
  const [open, setOpen] = useState(false);
  const [job, setJob] = useState<ReplayJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useReplayTarget();
  const [path, setPath] = usePathMode();
  const [resign, setResign] = useState(false);
  const [freshId, setFreshId] = useState(false);
  const [concurrency, setConcurrency] = useState(1);
  const [rate, setRate] = useState("");
  const [stopOnFailure, setStopOnFailure] = useState(false);

  const running = job !== null && !job.finished;
  const close = useCallback(() => setOpen(false), []);

  // A job started from another window or tab (or before a reload) shows up when this opens.
  useEffect(() => {
    if (!open) return;
    let live = true;
    transport.replayJobs().then(
      (jobs) => live && setJob((current) => (current && !current.finished ? current : pick(jobs))),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [open, transport]);

  // Follow the running job on the stream; re-read it if the stream missed events.
  const follow = useCallback(
    (id: number) =>
      transport.subscribe(
        (event) => {
          if (event.type === "replay" && event.job.id === id) setJob(event.job);
          if (event.type === "lagged" || event.type === "ready") {
            transport.replayJobs().then(
              (jobs) => {
                const found = jobs.find((j) => j.id === id);
                if (found) setJob(found);
              },
              () => {},
            );
          }
        },
        () => {},
      ),
    [transport],
  );
  const runningId = running ? job.id : null;
  useEffect(() => (runningId === null ? undefined : follow(runningId)), [runningId, follow]);

  async function start() {
    setError(null);
    const pace = rate.trim() === "" ? null : Number(rate);
    if (pace !== null && !(pace > 0)) {
      setError("Rate: a number of deliveries a second above 0, or empty for as fast as the handler answers.");
      return;
    }
    try {
      setJob(
        await transport.startReplay(filters, {
          to: target.trim(),
          path,
          resign,
          fresh_id: freshId,
          concurrency,
          rate: pace ?? undefined,
          stop_on_failure: stopOnFailure,
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function cancel() {
    if (!job) return;
    try {
      setJob(await transport.cancelReplay(job.id));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const share = job && job.progress.total > 0 ? Math.floor((job.progress.done / job.progress.total) * 100) : 0;
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        disabled={!running && total === 0}
        title="Send every listed delivery again to your handler, oldest first"
        data-testid="bulk-replay"
      >
        {running ? `Replaying ${share}%` : "Replay…"}
      </button>
      {open && (
        <Modal title="Replay the listed deliveries" className="bulk-replay" testId="bulk-replay-dialog" onClose={close}>
          <p className="muted">
            {total === null
              ? "The deliveries the list shows"
              : `The ${total.toLocaleString()} ${total === 1 ? "delivery" : "deliveries"} the list shows`}
            , oldest first, each as a stored attempt. It goes on if you close this.
          </p>
          <form
            className="replay-form"
            onSubmit={(e) => {
              e.preventDefault();
              void start();
            }}
          >
            <ReplayTargetFields
              target={target}
              onTarget={setTarget}
              path={path}
              onPath={setPath}
              disabled={running}
              testIdPrefix="bulk"
            />
            <div className="replay-options">
              <label className="inline-field">
                In flight{" "}
                <input
                  type="number"
                  min={1}
                  max={64}
                  value={concurrency}
                  disabled={running}
                  onChange={(e) => setConcurrency(Math.min(64, Math.max(1, Number(e.target.value) || 1)))}
                  data-testid="bulk-concurrency"
                />
              </label>
              <label className="inline-field" title="Empty: as fast as the handler answers">
                At most{" "}
                <input
                  type="number"
                  min={0}
                  step="any"
                  placeholder="∞"
                  value={rate}
                  disabled={running}
                  onChange={(e) => setRate(e.target.value)}
                  data-testid="bulk-rate"
                />{" "}
                a second
              </label>
              <label title="Compute each signature anew with the current time and the endpoint's secret">
                <input
                  type="checkbox"
                  checked={resign || freshId}
                  disabled={freshId || running}
                  onChange={(e) => setResign(e.target.checked)}
                />{" "}
                Re-sign
              </label>
              <label title="Send each as a new event: a new event id in the headers and body, re-signed">
                <input
                  type="checkbox"
                  checked={freshId}
                  disabled={running}
                  onChange={(e) => setFreshId(e.target.checked)}
                />{" "}
                New event ids
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={stopOnFailure}
                  disabled={running}
                  onChange={(e) => setStopOnFailure(e.target.checked)}
                  data-testid="bulk-stop"
                />{" "}
                Stop at the first failure
              </label>
              {running ? (
                <button type="button" onClick={() => void cancel()} data-testid="bulk-cancel">
                  Cancel
                </button>
              ) : (
                <button type="submit" className="primary" disabled={total === 0} data-testid="bulk-start">
                  Start
                </button>
              )}
            </div>
          </form>
          {error && (
            <p className="error" role="alert" data-testid="bulk-error">
              {error}
            </p>
          )}
          {job && (
            <div className="bulk-progress" data-testid="bulk-progress">
              <div className="muted">
                {running ? "Replaying" : "Replayed"} to {job.to}
              </div>
              <progress max={Math.max(job.progress.total, 1)} value={job.progress.done} aria-label="Replay progress" />
              <div data-testid="bulk-counts">{jobLine(job)}</div>
              {job.finished && (
                <div
                  className={job.progress.failed > 0 || job.progress.cancelled ? "bad-text" : "ok-text"}
                  data-testid="bulk-outcome"
                >
                  {jobOutcome(job)}
                </div>
              )}
              {job.progress.first_failure && (
                <div className="bad-text" data-testid="bulk-first-failure">
                  First failure: {job.progress.first_failure}
                </div>
              )}
            </div>
          )}
        </Modal>
      )}
    </>
  );
}
