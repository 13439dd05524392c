import type { EditorView } from "@codemirror/view";
import { useMemo, useRef, useState } from "react";
import type { DeliveryDetail } from "../../api/types.gen";
import { formatSize, fromBase64, hexDump, prettyBody } from "../../lib/format";
import { CodeView, findIn, searchWords } from "../CodeView";

type View = "pretty" | "raw" | "hex" | "decoded";

/** The body as pretty JSON, raw text, hex or decoded; `search`'s words (the list's) are marked. */
export function BodyTab({ d, search }: { d: DeliveryDetail; search?: string }) {
  const views: View[] = [];
  if (d.decoded) views.push("decoded");
  if (d.body !== null) views.push("pretty", "raw");
  views.push("hex");
  const [chosen, setView] = useState<View | null>(null);
  const view = chosen && views.includes(chosen) ? chosen : views[0]!;
  const editor = useRef<EditorView | null>(null);

  const content = useMemo(() => {
    switch (view) {
      case "pretty":
        return prettyBody(d.body ?? "");
      case "raw":
        return { text: d.body ?? "", json: false };
      case "decoded": {
        const decoded = d.decoded!;
        if (decoded.text === null) return { text: hexDump(fromBase64(decoded.base64 ?? "")), json: false };
        return prettyBody(decoded.text);
      }
      case "hex":
        return { text: hexDump(fromBase64(d.body_base64)), json: false };
    }
  }, [d, view]);

  if (d.stored_size === 0) {
    return <p className="muted">No body.</p>;
  }
  return (
    <div className="body-tab">
      <div className="toolbar">
        <div className="segmented" role="radiogroup" aria-label="Body view">
          {views.map((v) => (
            <button
              key={v}
              type="button"
              role="radio"
              aria-checked={v === view}
              className={v === view ? "seg seg-active" : "seg"}
              onClick={() => setView(v)}
              data-testid={`body-${v}`}
            >
              {v === "decoded" ? `Decoded (${d.decoded!.encoding})` : v[0]!.toUpperCase() + v.slice(1)}
            </button>
          ))}
        </div>
        {view !== "hex" && (
          <button type="button" onClick={() => findIn(editor.current)}>
            Find in body
          </button>
        )}
        <span className="muted">
          {d.body === null && !d.decoded ? "binary, " : ""}
          {formatSize(d.stored_size)}
          {d.truncated ? ` stored of ${formatSize(d.body_size)}: ${d.note ?? "truncated"}` : ""}
        </span>
      </div>
      {view === "decoded" && d.decoded?.error && (
        <p className="error" role="alert">
          {d.decoded.error}
        </p>
      )}
      {view === "hex" ? (
        <pre className="hex" data-testid="body-hex-view">
          {content.text}
        </pre>
      ) : (
        <CodeView
          text={content.text}
          language={content.json ? "json" : "text"}
          wrap={view === "raw"}
          viewRef={editor}
          testId="body-code"
          highlight={searchWords(search)}
        />
      )}
    </div>
  );
}
