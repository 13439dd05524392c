import { useState } from "react";
import type { DeliveryDetail } from "../../api/types.gen";
import { copyText } from "../../lib/clipboard";
import { curlCommand } from "../../lib/format";

const TARGET_KEY = "hookscope.replayTarget";

/// Sending this delivery again to the handler being built: the exact request as a cURL command
/// aimed at a target the user chooses (remembered in this browser).
export function ReplayTab({ d, onCopied }: { d: DeliveryDetail; onCopied(ok: boolean): void }) {
  const [target, setTarget] = useState(() => window.localStorage.getItem(TARGET_KEY) ?? "http://localhost:3000");
  const command = curlCommand(d, target.replace(/\/+$/, ""));
  return (
    <div className="replay-tab">
      <label className="field">
        <span>Target (your handler's base URL; the delivery's path is appended)</span>
        <input
          type="url"
          value={target}
          onChange={(e) => {
            setTarget(e.target.value);
            window.localStorage.setItem(TARGET_KEY, e.target.value);
          }}
          data-testid="replay-target"
        />
      </label>
      <div className="toolbar">
        <span className="muted">
          Same method, path, headers (without Host and Content-Length) and body
          {d.body === null ? `; the binary body is read from delivery-${d.id}.body (Download raw)` : ""}. The original
          signature headers go out untouched, so a handler with replay protection should refuse it once the
          tolerance has passed.
        </span>
        <button type="button" onClick={async () => onCopied(await copyText(command))}>
          Copy command
        </button>
      </div>
      <pre className="snippet wrap" data-testid="replay-command">
        {command}
      </pre>
    </div>
  );
}
