import { useCallback, useEffect, useState } from "react";
import { useTransport } from "../api/context";
import type { SampleEvent } from "../api/transport";
import type { SampleSent } from "../api/types.gen";
import { Modal } from "./Modal";
import { useVendorNames } from "../lib/useVendorNames";
import { useReplayTarget } from "./ReplayTarget";

/** `→ 200 in 3.1 ms` for each request of a test send, or why no answer came. */
export function answerLines(sent: SampleSent): string[] {
  return sent.answers.map((a, i) => {
    const again = i > 0 ? " (again, same id)" : "";
    return a.status !== null
      ? `→ ${a.status} in ${a.latency_ms.toFixed(1)} ms${again}`
      : `✗ ${a.error ?? "no answer"}${again}`;
  });
}

/** Vendors in catalog order, each with its events. */
export function groupCatalog(items: SampleEvent[]): Array<[string, string[]]> {
  const groups = new Map<string, string[]>();
  for (const { vendor, event } of items) groups.set(vendor, [...(groups.get(vendor) ?? []), event]);
  return Array.from(groups);
}

/**
 * Signed test events, as `hookscope send` makes them: a vendor's documented event with a fresh id
 * and time, signed with its scheme, to this Hookscope or to the handler being built; sent twice
 * with the same id (dedupe) or altered after signing (signature check).
 */
export function TestEvent({ onSent }: { onSent(id: number): void }) {
  const transport = useTransport();
  const [open, setOpen] = useState(false);
  const [catalog, setCatalog] = useState<SampleEvent[]>([]);
  const [choice, setChoice] = useState("");
  const [toHandler, setToHandler] = useState(false);
  const [target, setTarget] = useReplayTarget();
  const [secret, setSecret] = useState("");
  const [dup, setDup] = useState(false);
  const [tamper, setTamper] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<SampleSent | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Read at every opening: a vendor imported meanwhile brings events of its own.
  useEffect(() => {
    if (!open) return;
    transport.sampleCatalog().then(
      (items) => {
        setCatalog(items);
        setChoice((c) => c || (items[0] ? `${items[0].vendor}:${items[0].event}` : ""));
      },
      (e: Error) => setError(e.message),
    );
  }, [open, transport]);
  const names = useVendorNames(open);

  const close = useCallback(() => setOpen(false), []);

  async function send() {
    const colon = choice.indexOf(":");
    if (colon < 0) return;
    setBusy(true);
    setError(null);
    setSent(null);
    try {
      const result = await transport.sendSample({
        vendor: choice.slice(0, colon),
        event: choice.slice(colon + 1),
        ...(toHandler ? { to: target.trim() } : {}),
        ...(secret.trim() ? { secret: secret.trim() } : {}),
        dup,
        tamper,
      });
      setSent(result);
      if (result.id !== null) onSent(result.id);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        title="Send a vendor's event, signed, to Hookscope or to your handler"
        data-testid="test-event"
      >
        Test event…
      </button>
      {open && (
        <Modal title="Send a test event" className="bulk-replay" testId="test-event-dialog" onClose={close}>
          <p className="muted">
            The vendor's documented example with a fresh event id and time, its headers, and its signature (the secret
            below, else the one of your endpoint for that vendor, else a test secret).
          </p>
          <form
            className="test-event-form"
            onSubmit={(e) => {
              e.preventDefault();
              void send();
            }}
          >
            <label className="field">
              <span>Event</span>
              <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="test-event-choice">
                {groupCatalog(catalog).map(([vendor, events]) => (
                  <optgroup key={vendor} label={names[vendor] ?? vendor}>
                    {events.map((event) => (
                      <option key={event} value={`${vendor}:${event}`}>
                        {event}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </label>
            <fieldset className="field test-event-to">
              <legend>To</legend>
              <label>
                <input type="radio" checked={!toHandler} onChange={() => setToHandler(false)} /> This Hookscope (its
                capture listener, on the vendor's endpoint)
              </label>
              <label>
                <input
                  type="radio"
                  checked={toHandler}
                  onChange={() => setToHandler(true)}
                  data-testid="test-event-to-handler"
                />{" "}
                Your handler{" "}
                <input
                  type="url"
                  value={target}
                  required={toHandler}
                  disabled={!toHandler}
                  onChange={(e) => setTarget(e.target.value)}
                  data-testid="test-event-target"
                />
              </label>
            </fieldset>
            <label className="field">
              <span>Secret (optional)</span>
              <input
                type="text"
                autoComplete="off"
                spellCheck={false}
                placeholder="your endpoint's secret for this vendor"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
                data-testid="test-event-secret"
              />
            </label>
            <div className="replay-options">
              <label title="The same id and signature twice: your handler should process it once">
                <input
                  type="checkbox"
                  checked={dup}
                  onChange={(e) => setDup(e.target.checked)}
                  data-testid="test-event-dup"
                />{" "}
                Send twice (dedupe)
              </label>
              <label title="Change the body after signing: your handler's signature check should refuse it">
                <input
                  type="checkbox"
                  checked={tamper}
                  onChange={(e) => setTamper(e.target.checked)}
                  data-testid="test-event-tamper"
                />{" "}
                Alter the body after signing
              </label>
              <button type="submit" className="primary" disabled={busy || !choice} data-testid="test-event-send">
                {busy ? "Sending…" : "Send"}
              </button>
            </div>
          </form>
          {error && (
            <p className="error" role="alert" data-testid="test-event-error">
              {error}
            </p>
          )}
          {sent && (
            <div className="bulk-progress" data-testid="test-event-result">
              <div>
                {names[sent.vendor] ?? sent.vendor} {sent.event} to {sent.url}, signed with {sent.signed_with}
                {sent.tampered ? ", body altered after signing" : ""}
              </div>
              {answerLines(sent).map((line, i) => (
                <div
                  key={i}
                  className={sent.answers[i]?.status === null ? "bad-text" : undefined}
                  data-testid="test-event-answer"
                >
                  {line}
                  {sent.answers[i]?.body ? <code className="answer-body"> {sent.answers[i]!.body}</code> : null}
                </div>
              ))}
            </div>
          )}
        </Modal>
      )}
    </>
  );
}
