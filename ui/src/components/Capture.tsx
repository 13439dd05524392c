import { useState } from "react";
import { useTransport } from "../api/context";
import type { CaptureStatus, ForwardInForce } from "../api/types.gen";

/**
 * Shown while the capture listener is down (its port was taken when the desktop app started):
 * why, and a way to move it, with a free address offered.
 */
export function CaptureBanner({ capture }: { capture: CaptureStatus }) {
  const transport = useTransport();
  const [addr, setAddr] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (capture.listening || capture.error === null) return null;

  async function move(to: string) {
    if (!transport.desktop) return;
    setBusy(true);
    setError(null);
    try {
      await transport.desktop.moveCapture(to);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="banner" role="alert" data-testid="capture-banner">
      <strong>Not capturing.</strong> <span>{capture.error}.</span>
      {transport.desktop && (
        <>
          {capture.suggestion && (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void move(capture.suggestion!)}
              data-testid="capture-suggestion"
            >
              Listen on {capture.suggestion}
            </button>
          )}
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (addr.trim()) void move(addr);
            }}
          >
            <input
              value={addr}
              onChange={(e) => setAddr(e.target.value)}
              placeholder="port or IP:PORT"
              aria-label="Capture address"
              data-testid="capture-addr"
            />
            <button type="submit" disabled={busy}>
              Listen there
            </button>
          </form>
        </>
      )}
      {error && <span className="error">{error}</span>}
    </div>
  );
}

/** The status line's capture part: the URL, whether the listener is up, and every forward. */
export function CaptureState({ capture, forwards }: { capture: CaptureStatus | null; forwards: ForwardInForce[] }) {
  if (!capture) return <span>…</span>;
  return (
    <span data-testid="capture-state">
      <span className={capture.listening ? "dot dot-up" : "dot dot-down"} aria-hidden="true" />
      {capture.listening ? (
        <>
          Listening at <code>{capture.url}</code>
          {forwards.length > 0 && (
            <span data-testid="capture-forward">
              {" "}
              · forwarding{" "}
              {forwards.map((f, i) => (
                <span
                  key={`${f.endpoint}:${f.to}`}
                  title={f.pass_through ? "its answer goes back to the sender" : undefined}
                >
                  {i > 0 ? ", " : ""}
                  {f.endpoint ? (
                    <>
                      <code>{f.endpoint}</code> to{" "}
                    </>
                  ) : (
                    "to "
                  )}
                  <code>{f.to}</code>
                  {f.pass_through ? " (pass-through)" : ""}
                </span>
              ))}
            </span>
          )}
        </>
      ) : (
        <>Not listening ({capture.addr})</>
      )}
    </span>
  );
}
