import { Fragment, useCallback, useEffect, useState } from "react";
import { useTransport } from "../api/context";
import type { CheckRun, CheckSummary } from "../api/transport";
import type { Attempt, Grade, ProbeResult, VendorProfile } from "../api/types.gen";
import { AttemptRow } from "./detail/ReplayTab";
import { Modal } from "./Modal";
import { useReplayTarget } from "./ReplayTarget";

/** `12 of 21 · 10 passed · 2 failed · 1 warning` */
export function runLine(run: CheckSummary): string {
  const parts = [`${run.done} of ${run.total}`, `${run.passed} passed`, `${run.failed} failed`];
  if (run.warned > 0) parts.push(`${run.warned} ${run.warned === 1 ? "warning" : "warnings"}`);
  if (run.skipped > 0) parts.push(`${run.skipped} skipped`);
  return parts.join(" · ");
}

/** How a run ended, in a sentence, as the terminal's summary says it. */
export function runOutcome(run: CheckSummary, durationMs?: number): string {
  const took = durationMs === undefined ? "" : ` in ${(durationMs / 1000).toFixed(1)} s`;
  switch (run.state) {
    case "running":
      return `Checking: ${runLine(run)}.`;
    case "cancelled":
      return `Cancelled after ${run.done} of ${run.total} probes${took}.`;
    case "interrupted":
      return `Interrupted after ${run.done} of ${run.total} probes: Hookscope stopped before the check ended.`;
    case "failed":
      return `${run.failed} of ${run.done} probes failed${took}: the handler is not ready.`;
    case "passed":
      return `${run.passed} passed${run.warned > 0 ? `, ${run.warned} with a warning` : ""}${took}: the handler treats deliveries as the vendor expects.`;
  }
}

/** The answers a probe got, `200 12 ms, 400 3 ms`. */
export function answers(p: ProbeResult): string {
  if (p.sent.length === 0) return "-";
  return p.sent.map((e) => (e.status !== null ? `${e.status} ${e.latency_ms.toFixed(0)} ms` : "no answer")).join(", ");
}

const GRADE_BADGE: Record<Grade, string> = {
  pass: "badge badge-ok",
  fail: "badge badge-bad",
  warn: "badge badge-warn",
  skip: "badge badge-muted",
};

/**
 * Grading a webhook handler the way its vendor will treat it, as `hookscope check` does: choose
 * the vendor and the handler's URL, start, and watch the report card fill in probe by probe (the
 * stream's `check` events), with cancel; each row opens the request it sent and the answer it
 * got. Past runs are listed; one opens with what changed since the run before it, and runs again.
 */
export function CheckHandler() {
  const transport = useTransport();
  const [open, setOpen] = useState(false);
  const [vendors, setVendors] = useState<VendorProfile[]>([]);
  const [vendor, setVendor] = useState("");
  const [target, setTarget] = useReplayTarget();
  const [secret, setSecret] = useState("");
  const [runs, setRuns] = useState<CheckSummary[]>([]);
  const [run, setRun] = useState<CheckRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The attempt a row opened, under that row (by the row's key). */
  const [shown, setShown] = useState<{ row: string; attempt: Attempt } | null>(null);

  const running = run !== null && run.state === "running";
  const close = useCallback(() => setOpen(false), []);

  const refreshRuns = useCallback(
    () =>
      transport.checkRuns().then(
        (items) => setRuns(items),
        () => {},
      ),
    [transport],
  );

  useEffect(() => {
    if (!open) return;
    let live = true;
    transport.vendors().then(
      (items) => {
        if (!live) return;
        const signing = items.filter((v) => v.signature !== null);
        setVendors(signing);
        setVendor((v) => v || (signing.find((p) => p.id === "stripe") ?? signing[0])?.id || "");
      },
      (e: Error) => setError(e.message),
    );
    void refreshRuns();
    return () => {
      live = false;
    };
  }, [open, transport, refreshRuns]);

  // Follow the open run on the stream: each graded probe re-reads its report.
  const runningId = running ? run.id : null;
  useEffect(() => {
    if (runningId === null) return;
    const reread = () =>
      transport.checkRun(runningId).then(
        (r) => {
          setRun(r);
          if (r.state !== "running") void refreshRuns();
        },
        () => {},
      );
    return transport.subscribe(
      (event) => {
        if ((event.type === "check" && event.run.id === runningId) || event.type === "lagged" || event.type === "ready")
          void reread();
      },
      () => {},
    );
  }, [runningId, transport, refreshRuns]);

  async function start(again?: CheckSummary) {
    setError(null);
    setShown(null);
    const chosen = again?.vendor ?? vendor;
    const to = (again?.to ?? target).trim();
    if (again) {
      setVendor(again.vendor);
      setTarget(again.to);
    }
    try {
      const started = await transport.startCheck({
        vendor: chosen,
        to,
        ...(secret.trim() ? { secret: secret.trim() } : {}),
        ...(again && again.events.length > 0 ? { events: again.events } : {}),
      });
      setRun({ ...started, report: null, previous: null, changes: [] });
      void refreshRuns();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function cancel() {
    if (!run) return;
    try {
      await transport.cancelCheck(run.id);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function reopen(id: number) {
    setError(null);
    setShown(null);
    try {
      setRun(await transport.checkRun(id));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function show(row: string, attemptId: number) {
    if (shown?.row === row) {
      setShown(null);
      return;
    }
    try {
      setShown({ row, attempt: await transport.attempt(attemptId) });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const report = run?.report ?? null;
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        title="Grade your webhook handler the way its vendor will treat it"
        data-testid="check-handler"
      >
        {running ? `Checking ${run.done}/${run.total}` : "Check…"}
      </button>
      {open && (
        <Modal title="Check a handler" className="check-dialog" testId="check-dialog" onClose={close}>
          <p className="muted">
            Sends your handler what the vendor would: every documented event signed right, forgeries, stale and repeated
            deliveries, large bodies; and grades each answer the way the vendor will treat it. It goes on if you close
            this.
          </p>
          <form
            className="check-form"
            onSubmit={(e) => {
              e.preventDefault();
              void start();
            }}
          >
            <label className="inline-field">
              Vendor{" "}
              <select
                value={vendor}
                onChange={(e) => setVendor(e.target.value)}
                disabled={running}
                data-testid="check-vendor"
              >
                {vendors.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="check-to">
              Handler URL{" "}
              <input
                type="url"
                value={target}
                onChange={(e) => setTarget(e.target.value)}
                disabled={running}
                required
                placeholder="http://localhost:3000/webhooks"
                data-testid="check-to"
              />
            </label>
            <label className="check-secret" title="Never stored">
              Secret{" "}
              <input
                type="password"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
                disabled={running}
                placeholder="the endpoint's, else the vendor's test secret"
                autoComplete="off"
                data-testid="check-secret"
              />
            </label>
            {running ? (
              <button type="button" onClick={() => void cancel()} data-testid="check-cancel">
                Cancel
              </button>
            ) : (
              <button type="submit" className="primary" disabled={!vendor} data-testid="check-start">
                Start
              </button>
            )}
          </form>
          {error && (
            <p className="error" role="alert" data-testid="check-error">
              {error}
            </p>
          )}
          {run && (
            <div className="check-report" data-testid="check-report">
              <div className="muted">
                Run {run.id}: {report?.vendor_name ?? run.vendor} at <span className="mono">{run.to}</span>
                {report
                  ? `, signed with ${report.signed_with}; ${report.timeout_ms} ms timeout (${report.timeout_source})`
                  : ""}
              </div>
              {report?.scheme_assumed && (
                <p className="muted" data-testid="check-assumed">
                  {report.vendor_name}'s documents do not say how it signs: the signature probes use the scheme
                  Hookscope assumes.
                </p>
              )}
              {running && <progress max={Math.max(run.total, 1)} value={run.done} aria-label="Check progress" />}
              <div
                className={run.state === "passed" ? "ok-text" : run.state === "running" ? "" : "bad-text"}
                data-testid="check-summary"
              >
                {runOutcome(run, run.state === "running" ? undefined : report?.duration_ms)}
              </div>
              {run.previous !== null && (
                <div className="check-changes" data-testid="check-changes">
                  {run.changes.length === 0 ? (
                    `No grade changed since run ${run.previous}.`
                  ) : (
                    <>
                      Since run {run.previous}:
                      <ul>
                        {run.changes.map((c) => (
                          <li key={`${c.probe} ${c.name}`} data-testid="check-change">
                            <span className={c.after === "fail" ? "bad-text" : c.after === "pass" ? "ok-text" : ""}>
                              {c.before ?? "absent"} → {c.after ?? "absent"}
                            </span>{" "}
                            {c.name}
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                </div>
              )}
              {report && (
                <table className="check-probes">
                  <colgroup>
                    <col className="check-grade" />
                    <col />
                    <col className="check-expected" />
                    <col className="check-answers" />
                  </colgroup>
                  <tbody>
                    {report.probes.map((p) => {
                      const attemptId = p.sent.find((e) => e.attempt_id !== undefined)?.attempt_id;
                      const key = `${p.probe} ${p.name}`;
                      return (
                        <Fragment key={key}>
                          <tr data-testid="check-row" data-probe={p.probe} data-grade={p.grade}>
                            <td>
                              <span className={GRADE_BADGE[p.grade]}>{p.grade}</span>
                            </td>
                            <td>
                              <div>{p.name}</div>
                              {p.grade !== "pass" && (
                                <div className="muted check-verdict" data-testid="check-verdict">
                                  {p.verdict}
                                </div>
                              )}
                            </td>
                            <td className="muted check-expected">expected {p.expected}</td>
                            <td className="mono check-answers">
                              {attemptId !== undefined ? (
                                <button
                                  type="button"
                                  className="link"
                                  onClick={() => void show(key, attemptId)}
                                  aria-expanded={shown?.row === key}
                                  title="What was sent and what came back"
                                  data-testid="check-open-attempt"
                                >
                                  {answers(p)}
                                </button>
                              ) : (
                                answers(p)
                              )}
                            </td>
                          </tr>
                          {shown?.row === key && (
                            <tr>
                              <td colSpan={4}>
                                <ul className="attempts" data-testid="check-attempt">
                                  <AttemptRow
                                    a={shown.attempt}
                                    eventId={shown.attempt.event_id}
                                    open
                                    onToggle={() => setShown(null)}
                                  />
                                </ul>
                              </td>
                            </tr>
                          )}
                        </Fragment>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </div>
          )}
          {runs.length > 0 && (
            <div className="check-history">
              <h3>Past checks</h3>
              <ul data-testid="check-history">
                {runs.map((r) => (
                  <li key={r.id} data-testid="check-past">
                    <button type="button" className="link" onClick={() => void reopen(r.id)}>
                      Run {r.id}
                    </button>{" "}
                    <span className={r.state === "passed" ? "ok-text" : r.state === "running" ? "" : "bad-text"}>
                      {r.state}
                    </span>{" "}
                    {r.vendor} <span className="mono">{r.to}</span> <span className="muted">{runLine(r)}</span>{" "}
                    <time className="muted" dateTime={r.started_at}>
                      {new Date(r.started_at).toLocaleString()}
                    </time>{" "}
                    {r.state !== "running" && !running && (
                      <button type="button" onClick={() => void start(r)} data-testid="check-again">
                        Run again
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Modal>
      )}
    </>
  );
}
