import type { DeliveryDetail } from "../../api/types.gen";
import { copyText } from "../../lib/clipboard";
import { visible } from "../../lib/format";

/** The headers in arrival order and original case, duplicates kept (copied exactly, shown safely). */
export function HeadersTab({ d, onCopied }: { d: DeliveryDetail; onCopied(ok: boolean): void }) {
  const text = d.headers.map(([k, v]) => `${k}: ${v}`).join("\n");
  return (
    <div className="headers-tab">
      <div className="toolbar">
        <span className="muted">
          {d.headers.length} headers, {d.http_version}
          {!d.head_exact && " (original case and order could not be recovered)"}
        </span>
        <button type="button" onClick={async () => onCopied(await copyText(text))}>
          Copy headers
        </button>
      </div>
      <table className="kv headers" data-testid="headers">
        <tbody>
          {d.headers.map(([name, value], i) => (
            <tr key={i}>
              <th className="mono">{name}</th>
              <td className="mono">{visible(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
