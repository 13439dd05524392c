import { useEffect, useState } from "react";
import { useTransport } from "../../api/context";
import type { Attempt, CurlCommand, DeliveryDetail, EditedRequest } from "../../api/types.gen";
import { copyText } from "../../lib/clipboard";
import { formatSize } from "../../lib/format";
import { CodeEditor } from "../CodeView";
import { ReplayTargetFields, usePathMode, useReplayTarget } from "../ReplayTarget";

/** `Name: value` lines into pairs; blank lines are skipped, a line without a colon is an error. */
export function parseHeaderLines(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`Header line ${i + 1} has no "Name: value": ${line}`);
    pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  });
  return pairs;
}

/**
 * Sending this delivery again to the handler being built, as it came, re-signed, as a fresh
 * event or edited; the history of every attempt with the handler's answer.
 */
export function ReplayTab({
  d,
  openAttempt,
  onCopied,
}: {
  d: DeliveryDetail;
  /** The attempt to show opened (the handler's answer, from the Overview). */
  openAttempt: number | null;
  onCopied(ok: boolean): void;
}) {
  const transport = useTransport();
  // The endpoint's forward target when it has one (the handler this delivery goes to), else
  // the target last used.
  const [remembered, remember] = useReplayTarget();
  const [target, setTargetText] = useState(d.forward_to ?? remembered);
  const setTarget = (url: string) => {
    setTargetText(url);
    remember(url);
  };
  const [path, setPath] = usePathMode();
  const [resign, setResign] = useState(false);
  const [freshId, setFreshId] = useState(false);
  const [editing, setEditing] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempts, setAttempts] = useState<Attempt[] | null>(null);
  const [open, setOpen] = useState<number | null>(openAttempt);

  // The headers the core will send: those the connection owns are already left out.
  const initialHeaders = d.replay_headers.map(([name, value]) => `${name}: ${value}`).join("\n");
  const [method, setMethod] = useState(d.method);
  const [headersText, setHeadersText] = useState(initialHeaders);
  const [bodyText, setBodyText] = useState(d.body ?? "");
  const binary = d.body === null;
  const jsonBody = (d.content_type ?? "").includes("json");

  // Read again every few seconds while the tab is open: live forwards and replays from the
  // command line add attempts without this page asking.
  useEffect(() => {
    let live = true;
    setAttempts(null);
    const load = () =>
      transport
        .attempts(d.id)
        .then((items) => {
          // A read that started before a send finished must not hide what it sent.
          if (live) setAttempts((prev) => ((prev?.[0]?.id ?? 0) > (items[0]?.id ?? 0) ? prev : items));
        })
        .catch((e: Error) => live && setError(e.message));
    void load();
    const timer = window.setInterval(load, 2000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [transport, d.id]);

  async function send() {
    setError(null);
    let edited: EditedRequest | undefined;
    if (editing) {
      try {
        edited = {
          method,
          headers: parseHeaderLines(headersText),
          ...(binary ? { body_base64: d.body_base64 } : { body: bodyText }),
        };
      } catch (e) {
        setError((e as Error).message);
        return;
      }
    }
    setSending(true);
    try {
      const attempt = await transport.replayDelivery(
        d.id,
        { to: target.trim(), path, resign, fresh_id: freshId },
        edited,
      );
      setAttempts((prev) => [attempt, ...(prev ?? [])]);
      setOpen(attempt.id);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  }

  // The core writes the command, so it is the one `hookscope export --format curl` gives.
  const [curl, setCurl] = useState<CurlCommand | null>(null);
  const [curlError, setCurlError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    transport
      .curl(d.id, target.trim(), path)
      .then((c) => {
        if (!live) return;
        setCurl(c);
        setCurlError(null);
      })
      .catch((e: Error) => {
        if (!live) return;
        setCurl(null);
        setCurlError(e.message);
      });
    return () => {
      live = false;
    };
  }, [transport, d.id, target, path]);
  return (
    <div className="replay-tab">
      <form
        className="replay-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <ReplayTargetFields target={target} onTarget={setTarget} path={path} onPath={setPath} testIdPrefix="replay" />
        <div className="replay-options">
          <label title="Compute the signature anew with the current time and the endpoint's secret">
            <input
              type="checkbox"
              checked={resign || freshId}
              disabled={freshId}
              onChange={(e) => setResign(e.target.checked)}
              data-testid="replay-resign"
            />{" "}
            Re-sign
          </label>
          <label title="Send it as a new event: a new event id in the headers and body, re-signed">
            <input
              type="checkbox"
              checked={freshId}
              onChange={(e) => setFreshId(e.target.checked)}
              data-testid="replay-fresh"
            />{" "}
            New event id
          </label>
          <label>
            <input
              type="checkbox"
              checked={editing}
              onChange={(e) => setEditing(e.target.checked)}
              data-testid="replay-edit"
            />{" "}
            Edit before sending
          </label>
          <button type="submit" className="primary" disabled={sending} data-testid="replay-send">
            {sending ? "Sending…" : editing ? "Send edited" : "Send"}
          </button>
        </div>
      </form>
      <p className="muted replay-help">
        {resign || freshId
          ? "The signature headers are computed anew with the current time, so a handler with a timestamp tolerance accepts it."
          : "Sent as it came: the same method, headers and body byte-exact, with the original signature, so a handler with replay protection should refuse it once the tolerance has passed."}
        {d.truncated && !editing
          ? " This delivery was cut short at capture: only an edited send can carry what was kept."
          : ""}
      </p>
      {error && (
        <p className="error" role="alert" data-testid="replay-error">
          {error}
        </p>
      )}
      {editing && (
        <div className="replay-editor" data-testid="replay-editor">
          <label className="field replay-method">
            <span>Method</span>
            <input value={method} onChange={(e) => setMethod(e.target.value)} data-testid="replay-method" />
          </label>
          <div className="field">
            <span>Headers (one "Name: value" a line; Host and Content-Length are written for the new connection)</span>
            <CodeEditor
              initial={initialHeaders}
              language="text"
              onChange={setHeadersText}
              label="Headers"
              testId="replay-headers-editor"
            />
          </div>
          <div className="field">
            <span>Body{binary ? " (binary: sent as stored, not editable here)" : ""}</span>
            {binary ? (
              <p className="muted">{formatSize(d.stored_size)} of binary data.</p>
            ) : (
              <CodeEditor
                initial={d.body ?? ""}
                language={jsonBody ? "json" : "text"}
                onChange={setBodyText}
                label="Body"
                testId="replay-body-editor"
              />
            )}
          </div>
        </div>
      )}
      <h4>Attempts</h4>
      {attempts === null ? (
        <p className="muted">Loading…</p>
      ) : attempts.length === 0 ? (
        <p className="muted" data-testid="attempts-empty">
          Not sent anywhere yet.
        </p>
      ) : (
        <ul className="attempts" data-testid="attempts">
          {attempts.map((a) => (
            <AttemptRow
              key={a.id}
              a={a}
              eventId={d.event?.id ?? null}
              open={open === a.id}
              onToggle={() => setOpen(open === a.id ? null : a.id)}
            />
          ))}
        </ul>
      )}
      <h4>As a cURL command</h4>
      <div className="toolbar">
        <span className="muted">
          The same request from a terminal
          {curl?.body_file ? `; the binary body is read from ${curl.body_file} (Download raw)` : ""}.
        </span>
        <button type="button" disabled={!curl} onClick={async () => curl && onCopied(await copyText(curl.command))}>
          Copy command
        </button>
      </div>
      {curlError !== null ? (
        <p className="error">{curlError}</p>
      ) : (
        <pre className="snippet wrap" data-testid="replay-command">
          {curl?.command ?? ""}
        </pre>
      )}
    </div>
  );
}

/** One attempt: its answer in a line, and when open what was sent and what came back. */
export function AttemptRow({
  a,
  eventId,
  open,
  onToggle,
}: {
  a: Attempt;
  /** The delivery's own event id: an attempt that carried another is labelled so. */
  eventId: string | null;
  open: boolean;
  onToggle(): void;
}) {
  const outcome = a.status !== null ? String(a.status) : a.sent ? "no answer" : "not sent";
  const newId = a.event_id !== null && a.event_id !== eventId;
  return (
    <li className={a.ok ? "attempt attempt-ok" : "attempt attempt-bad"} data-testid="attempt">
      <button type="button" className="attempt-head" onClick={onToggle} aria-expanded={open}>
        <span className={a.ok ? "badge badge-ok" : "badge badge-bad"} data-testid="attempt-status">
          {outcome}
        </span>
        <span className="attempt-kind">{a.kind}</span>
        {a.resigned && <span className="badge badge-muted">re-signed</span>}
        {newId && (
          <span className="badge badge-muted" data-testid="attempt-new-id" title={a.event_id ?? ""}>
            new event id
          </span>
        )}
        {a.kind === "edit" && a.event_id !== null && (
          <span className="muted mono" data-testid="attempt-event-id">
            id {a.event_id}
          </span>
        )}
        <span className="attempt-url mono">
          {a.method} {a.url}
        </span>
        <span className="muted">{a.latency_ms !== null ? `${a.latency_ms.toFixed(1)} ms` : ""}</span>
        <time className="muted" dateTime={a.started_at}>
          {new Date(a.started_at_us / 1000).toLocaleTimeString()}
        </time>
      </button>
      {a.error && (
        <p className="error" data-testid="attempt-error">
          {a.error}
        </p>
      )}
      {!a.ok && a.answer_line && (
        <p className="attempt-said" data-testid="attempt-said">
          Answered {a.status}: <q>{a.answer_line}</q>
        </p>
      )}
      {a.hint && (
        <p className="muted" data-testid="attempt-hint">
          Hint: {a.hint}
        </p>
      )}
      {open && !a.sent && (
        <div className="attempt-detail">
          <p className="muted" data-testid="attempt-not-sent">
            No request went out (see why above), so there is no request or answer to show.
          </p>
        </div>
      )}
      {open && a.sent && (
        <div className="attempt-detail">
          <h4>Sent</h4>
          <pre className="snippet wrap">
            {a.request_headers.map(([n, v]) => `${n}: ${v}`).join("\n")}
            {a.event_id ? `\n\n(event id ${a.event_id})` : ""}
            {a.request_body !== null
              ? `\n\n${a.request_body}`
              : a.request_body_base64 !== null
                ? "\n\n(binary body)"
                : "\n\n(the delivery's body, byte-exact)"}
          </pre>
          {a.status !== null && (
            <>
              <h4>Answer</h4>
              <pre className="snippet wrap" data-testid="attempt-response">
                {`${a.status}\n${a.response_headers.map(([n, v]) => `${n}: ${v}`).join("\n")}\n\n`}
                {a.response_body ?? (a.response_body_base64 ? "(binary body)" : "")}
                {a.response_truncated ? `\n… (${formatSize(a.response_size)} in all)` : ""}
              </pre>
            </>
          )}
        </div>
      )}
    </li>
  );
}
