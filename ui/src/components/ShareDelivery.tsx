import { useState } from "react";
import { useTransport } from "../api/context";
import type { ExportFormat } from "../api/transport";
import type { DeliveryDetail } from "../api/types.gen";
import { copyText, saveBlob } from "../lib/clipboard";
import { Modal } from "./Modal";

/**
 * Sharing one delivery with a colleague or a vendor's support: as HAR, JSON Lines or a cURL
 * script, or a cURL command copied, aimed at the URL it was sent to or at a target typed here.
 */
export function ShareDelivery({ d, onClose }: { d: DeliveryDetail; onClose(): void }) {
  const transport = useTransport();
  const [to, setTo] = useState("");
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const target = to.trim() || undefined;

  async function download(format: ExportFormat) {
    try {
      const result = await transport.export({}, format, { ids: [d.id], to: target });
      if ("savedTo" in result) {
        setNotice({ ok: true, text: `Saved to ${result.savedTo}` });
      } else {
        saveBlob(result.blob, result.name);
        setNotice({ ok: true, text: `Downloaded ${result.name}` });
      }
    } catch (e) {
      setNotice({ ok: false, text: (e as Error).message });
    }
  }

  async function copyCurl() {
    try {
      const curl = await transport.curl(d.id, target ?? "", "full");
      const note = curl.body_file ? ` (it reads the raw body from ${curl.body_file})` : "";
      const ok = await copyText(curl.command);
      setNotice({ ok, text: ok ? `Copied the cURL command${note}` : "The clipboard refused the command" });
    } catch (e) {
      setNotice({ ok: false, text: (e as Error).message });
    }
  }

  return (
    <Modal title={`Share delivery #${d.id}`} className="share" testId="share-dialog" onClose={onClose}>
      <label className="field">
        <span>cURL sends it to (empty: {d.public_url ?? "the URL it was sent to"})</span>
        <input
          type="url"
          value={to}
          placeholder="http://localhost:3000/webhooks"
          onChange={(e) => setTo(e.target.value)}
          data-testid="share-to"
        />
      </label>
      <p className="muted">
        With a target, the delivery's whole path and query follow it. Headers and body go out byte for byte.
      </p>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void copyCurl()} data-testid="share-copy-curl">
          Copy cURL
        </button>
        <button type="button" onClick={() => void download("curl")} data-testid="share-curl">
          cURL script
        </button>
        <button type="button" onClick={() => void download("har")} data-testid="share-har">
          HAR
        </button>
        <button type="button" onClick={() => void download("jsonl")} data-testid="share-jsonl">
          JSON Lines
        </button>
      </div>
      {notice && (
        <p className={notice.ok ? "muted" : "error"} role="status" data-testid="share-notice">
          {notice.text}
        </p>
      )}
    </Modal>
  );
}
