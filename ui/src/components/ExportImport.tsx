import { useRef, useState } from "react";
import { useTransport } from "../api/context";
import type { ExportFormat } from "../api/transport";
import type { Filters } from "../lib/filters";

/**
 * Export the listed deliveries (the filters in force) as HAR or JSON Lines; import a HAR or JSON
 * Lines file. What happened is said beside the controls for a few seconds.
 */
export function ExportImport({ filters, total }: { filters: Filters; total: number | null }) {
  const transport = useTransport();
  const file = useRef<HTMLInputElement>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const say = (ok: boolean, text: string) => {
    setNotice({ ok, text });
    window.setTimeout(() => setNotice((n) => (n?.text === text ? null : n)), 8000);
  };

  async function exportAs(format: ExportFormat) {
    setBusy(true);
    try {
      const result = await transport.export(filters, format);
      if ("savedTo" in result) {
        say(true, `Saved to ${result.savedTo}`);
      } else {
        const url = URL.createObjectURL(result.blob);
        const a = document.createElement("a");
        a.href = url;
        a.download = result.name;
        a.click();
        window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
        say(true, `Exported as ${result.name}`);
      }
    } catch (e) {
      say(false, (e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function importFrom(f: File) {
    setBusy(true);
    try {
      const { imported } = await transport.import(await f.arrayBuffer());
      say(true, `Imported ${imported.toLocaleString()} ${imported === 1 ? "delivery" : "deliveries"} from ${f.name}`);
    } catch (e) {
      say(false, `${f.name}: ${(e as Error).message}`);
    } finally {
      setBusy(false);
      if (file.current) file.current.value = "";
    }
  }

  return (
    <div className="export-import">
      {notice && (
        <span className={notice.ok ? "muted" : "bad-text"} role="status" data-testid="export-import-notice">
          {notice.text}
        </span>
      )}
      <label hidden={total === 0}>
        <span className="visually-hidden">Export the listed deliveries</span>
        <select
          value=""
          disabled={busy}
          onChange={(e) => e.target.value && void exportAs(e.target.value as ExportFormat)}
          data-testid="export"
        >
          <option value="">Export…</option>
          <option value="har">The listed deliveries as HAR</option>
          <option value="jsonl">The listed deliveries as JSON Lines</option>
        </select>
      </label>
      <button type="button" disabled={busy} onClick={() => file.current?.click()} data-testid="import">
        Import…
      </button>
      <input
        ref={file}
        type="file"
        hidden
        accept=".har,.jsonl,.ndjson,.json,application/json"
        onChange={(e) => e.target.files?.[0] && void importFrom(e.target.files[0])}
        data-testid="import-file"
      />
    </div>
  );
}
