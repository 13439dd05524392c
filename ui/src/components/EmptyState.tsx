import { useEffect, useState } from "react";
import { useTransport } from "../api/context";
import type { ServerInfo } from "../api/types.gen";
import { copyText } from "../lib/clipboard";
import { useVendorNames } from "../lib/useVendorNames";

/**
 * What a new user sees: where to send deliveries, how to reach this machine through a tunnel,
 * and a sample to try it at once.
 */
export function EmptyState({ info, onSent }: { info: ServerInfo | null; onSent(id: number): void }) {
  const transport = useTransport();
  const [vendor, setVendor] = useState<string>("");
  const names = useVendorNames();
  // For `cargo xtask bench`: when a new user first sees something to act on.
  useEffect(() => {
    requestAnimationFrame(() => setTimeout(() => performance.mark("hookscope:empty-painted"), 0));
  }, []);
  const samples = info?.samples ?? [];
  const chosen = vendor || samples[0] || "";
  const [message, setMessage] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const url = info?.capture_url ? info.capture_url.replace(/\/+$/, "") : "…";
  const port = info?.capture.addr.split(":").pop() || "8787";

  async function send() {
    setSending(true);
    setMessage(null);
    try {
      const sent = await transport.sendSample(chosen ? { vendor: chosen } : undefined);
      if (sent.id !== null) onSent(sent.id);
      setMessage(`Sent a ${names[sent.vendor] ?? sent.vendor} sample to ${sent.path}: HTTP ${sent.status}.`);
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="empty" data-testid="empty-state">
      <h2>Waiting for the first delivery</h2>
      <p>Point a webhook at this address. Every request to it is stored and shown here as it arrives.</p>
      <div className="copy-line">
        <code data-testid="capture-url">{url}</code>
        <button type="button" onClick={() => void copyText(url)}>
          Copy
        </button>
      </div>
      <h3>From the internet, through a tunnel</h3>
      {[`ngrok http ${port}`, `cloudflared tunnel --url http://127.0.0.1:${port}`].map((line) => (
        <CopyLine key={line} text={line} testId="tunnel-line" />
      ))}
      <p className="muted">Give the vendor the tunnel's https address, with any path you like.</p>
      <h3>Or try it now</h3>
      <div className="sample">
        <label>
          <span className="visually-hidden">Sample vendor</span>
          <select value={chosen} onChange={(e) => setVendor(e.target.value)} data-testid="sample-vendor">
            {samples.map((id) => (
              <option key={id} value={id}>
                {names[id] ?? id}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          onClick={() => void send()}
          disabled={sending}
          data-testid="send-sample"
        >
          Send a sample delivery
        </button>
      </div>
      {message && <p role="status">{message}</p>}
      <CopyLine
        text={`curl -X POST ${url}/hooks/test -H 'Content-Type: application/json' -d '{"hello":"world"}'`}
        testId="curl-line"
      />
    </div>
  );
}

/** A command to paste into a terminal, with a button that copies it. */
function CopyLine({ text, testId }: { text: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-line">
      <code className="snippet-line" data-testid={testId}>
        {text}
      </code>
      <button
        type="button"
        onClick={async () => {
          setCopied(await copyText(text));
          window.setTimeout(() => setCopied(false), 2000);
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
