import { useEffect, useState } from "react";
import { useTransport } from "../api/context";
import type { EndpointConfig, Retention, VendorProfile } from "../api/types.gen";
import { type Theme, applyTheme, storedTheme } from "../lib/theme";
import { DesktopSection } from "./DesktopSettings";
import { Modal } from "./Modal";
import { VendorProfiles } from "./VendorProfiles";

/** An endpoint as the form edits it: secrets one per line, the response's fields as text. */
interface Draft {
  path: string;
  vendor: string;
  secrets: string;
  status: string;
  body: string;
  /** Forward target URL; empty for none. */
  forward: string;
  passThrough: boolean;
  original: EndpointConfig | null;
}

function toDraft(ep: EndpointConfig): Draft {
  return {
    path: ep.path,
    vendor: ep.vendor ?? "",
    secrets: ep.secrets.join("\n"),
    status: ep.response ? String(ep.response.status) : "",
    body: ep.response?.body ?? "",
    forward: ep.forward?.to ?? "",
    passThrough: ep.forward?.pass_through ?? false,
    original: ep,
  };
}

function fromDraft(d: Draft): EndpointConfig {
  const base = d.original ?? { path: "", vendor: null, secrets: [] };
  const status = d.status.trim();
  const response =
    status || d.body
      ? {
          ...(base.response ?? { headers: {}, body: null }),
          status: status ? Number(status) : 200,
          body: d.body || null,
        }
      : null;
  return {
    ...base,
    path: d.path.trim(),
    vendor: d.vendor || null,
    secrets: d.secrets
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean),
    response,
    forward: d.forward.trim()
      ? { ...(base.forward ?? { path: "target" }), to: d.forward.trim(), pass_through: d.passThrough }
      : undefined,
  };
}

const MIB = 1024 * 1024;

/** How much is kept: the oldest deliveries (pinned ones spared) go beyond either limit. */
function RetentionSection() {
  const transport = useTransport();
  const [saved, setSaved] = useState<Retention | null>(null);
  const [count, setCount] = useState("");
  const [mib, setMib] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    transport.settings().then(
      (s) => {
        setSaved(s.retention);
        setCount(String(s.retention.max_deliveries));
        setMib(String(Math.round(s.retention.max_bytes / MIB)));
      },
      (e: Error) => setMessage({ ok: false, text: e.message }),
    );
  }, [transport]);

  async function save() {
    const max_deliveries = Number(count);
    const max_bytes = Math.round(Number(mib) * MIB);
    if (!Number.isInteger(max_deliveries) || max_deliveries < 1 || !Number.isFinite(max_bytes) || max_bytes < MIB) {
      setMessage({ ok: false, text: "Keep at least 1 delivery and at least 1 MiB." });
      return;
    }
    try {
      const s = await transport.saveSettings({ retention: { max_deliveries, max_bytes } });
      setSaved(s.retention);
      setMessage({ ok: true, text: "Saved. The oldest deliveries beyond these limits are pruned at the next write." });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  }

  return (
    <section>
      <h3>Retention</h3>
      <p className="muted">
        The oldest deliveries are pruned when either limit is passed; pinned deliveries are always kept.
      </p>
      <div className="retention">
        <label className="field">
          <span>Keep at most (deliveries)</span>
          <input
            value={count}
            onChange={(e) => setCount(e.target.value)}
            inputMode="numeric"
            data-testid="retention-count"
          />
        </label>
        <label className="field">
          <span>and at most (MiB of heads and bodies, as stored compressed)</span>
          <input value={mib} onChange={(e) => setMib(e.target.value)} inputMode="numeric" data-testid="retention-mib" />
        </label>
        <button
          type="button"
          className="primary"
          onClick={() => void save()}
          disabled={saved === null}
          data-testid="save-retention"
        >
          Save retention
        </button>
      </div>
      {message && (
        <p className={message.ok ? "ok-text" : "error"} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}

export function Settings({ onClose }: { onClose(): void }) {
  const transport = useTransport();
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [vendors, setVendors] = useState<VendorProfile[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [theme, setTheme] = useState<Theme>(storedTheme);

  useEffect(() => {
    transport.endpoints().then(
      (items) => setDrafts(items.map(toDraft)),
      (e: Error) => setMessage({ ok: false, text: e.message }),
    );
    transport.vendors().then(setVendors, () => {});
  }, [transport]);

  const update = (i: number, patch: Partial<Draft>) =>
    setDrafts((list) => list?.map((d, j) => (j === i ? { ...d, ...patch } : d)) ?? null);

  async function save() {
    if (!drafts) return;
    try {
      const saved = await transport.saveEndpoints(drafts.map(fromDraft));
      setDrafts(saved.map(toDraft));
      setMessage({ ok: true, text: "Saved. Stored deliveries of changed endpoints are being checked again." });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  }

  return (
    <Modal title="Settings" testId="settings" closeLabel="Close settings" onClose={onClose}>
      <section>
        <h3>Appearance</h3>
        <div className="segmented" role="radiogroup" aria-label="Theme">
          {(["system", "light", "dark"] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="radio"
              aria-checked={theme === t}
              className={theme === t ? "seg seg-active" : "seg"}
              onClick={() => {
                setTheme(t);
                applyTheme(t);
              }}
            >
              {t === "system" ? "Follow the system" : t === "light" ? "Light" : "Dark"}
            </button>
          ))}
        </div>
      </section>
      <RetentionSection />
      <DesktopSection />
      <VendorProfiles vendors={vendors} onChange={() => transport.vendors().then(setVendors, () => {})} />
      <section>
        <h3>Endpoints</h3>
        <p className="muted">
          A path prefix on the capture port, the vendor it receives from, the secrets its signatures are checked with
          (one per line; the first that matches is named), optionally the status and body to answer, and a handler to
          forward every delivery to as it arrives (its answers are under each delivery's Replay tab; with "pass the
          handler's answer back" the sender gets the handler's answer instead of Hookscope's). Saving writes the config
          file and checks stored deliveries again.
        </p>
        {drafts === null ? (
          <p className="muted">Loading…</p>
        ) : (
          <div className="endpoints">
            {drafts.map((d, i) => (
              <fieldset key={i} className="endpoint">
                <label className="field">
                  <span>Path prefix</span>
                  <input
                    value={d.path}
                    onChange={(e) => update(i, { path: e.target.value })}
                    placeholder="/hooks/stripe"
                  />
                </label>
                <label className="field">
                  <span>Vendor</span>
                  <select value={d.vendor} onChange={(e) => update(i, { vendor: e.target.value })}>
                    <option value="">Detect per delivery</option>
                    {vendors.map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.name}
                      </option>
                    ))}
                  </select>
                </label>
                <SecretsField value={d.secrets} onChange={(secrets) => update(i, { secrets })} />
                <label className="field narrow">
                  <span>Answer status</span>
                  <input
                    value={d.status}
                    onChange={(e) => update(i, { status: e.target.value })}
                    placeholder="200"
                    inputMode="numeric"
                  />
                </label>
                <label className="field">
                  <span>Answer body</span>
                  <input
                    value={d.body}
                    onChange={(e) => update(i, { body: e.target.value })}
                    placeholder="(the stored id, as JSON)"
                  />
                </label>
                <label className="field forward-field">
                  <span>Forward to</span>
                  <input
                    type="url"
                    value={d.forward}
                    onChange={(e) => update(i, { forward: e.target.value })}
                    placeholder="http://localhost:3000/webhooks"
                    data-testid="endpoint-forward"
                  />
                </label>
                <label className="pass-through" title="Answer the sender with the handler's status, headers and body">
                  <input
                    type="checkbox"
                    checked={d.passThrough}
                    disabled={!d.forward.trim()}
                    onChange={(e) => update(i, { passThrough: e.target.checked })}
                  />{" "}
                  Pass the handler's answer back
                </label>
                <button type="button" className="danger" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </fieldset>
            ))}
            <div className="toolbar">
              <button
                type="button"
                onClick={() =>
                  setDrafts([
                    ...drafts,
                    {
                      path: "/hooks/",
                      vendor: "",
                      secrets: "",
                      status: "",
                      body: "",
                      forward: "",
                      passThrough: false,
                      original: null,
                    },
                  ])
                }
              >
                Add endpoint
              </button>
              <button type="button" className="primary" onClick={() => void save()} data-testid="save-endpoints">
                Save endpoints
              </button>
            </div>
          </div>
        )}
        {message && (
          <p className={message.ok ? "ok-text" : "error"} role="status">
            {message.text}
          </p>
        )}
      </section>
    </Modal>
  );
}

/** `whsec_MfKQ…aSw`: enough to tell secrets apart, not enough to use one. */
export function maskSecret(secret: string): string {
  const s = secret.trim();
  if (s.length <= 8) return "•".repeat(s.length);
  const prefix = s.match(/^[a-z]+_/)?.[0] ?? "";
  return `${prefix}${"•".repeat(6)}${s.slice(-3)}`;
}

/** An endpoint's secrets, one a line: masked until the user asks to see or edit them. */
function SecretsField({ value, onChange }: { value: string; onChange(value: string): void }) {
  const [shown, setShown] = useState(value.trim() === "");
  const lines = value.split("\n").filter((l) => l.trim() !== "");
  return (
    <div className="field">
      <span>
        Secrets{" "}
        <button type="button" className="link" onClick={() => setShown(!shown)} data-testid="reveal-secrets">
          {shown ? "Hide" : "Show and edit"}
        </button>
      </span>
      {shown ? (
        <textarea
          rows={2}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          aria-label="Secrets, one a line"
          data-testid="secrets"
        />
      ) : (
        <code className="secrets-masked" data-testid="secrets-masked">
          {lines.map(maskSecret).join("\n")}
        </code>
      )}
    </div>
  );
}
