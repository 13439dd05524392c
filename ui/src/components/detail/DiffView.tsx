import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { useTransport } from "../../api/context";
import type { BodyKind, Change, DeliveryDiff } from "../../api/types.gen";
import { visible } from "../../lib/format";

export type Against = number | "previous" | "first" | undefined;

/** How the left-hand delivery was chosen, in words. */
export function basisLine(diff: DeliveryDiff): string {
  const l = diff.left;
  const what = l.event_type ? ` ${l.event_type}` : "";
  switch (diff.basis) {
    case "first_of_event":
      return `Compared with the first delivery of its event (#${l.id})`;
    case "previous":
      return `Compared with the previous${what} (#${l.id})`;
    default:
      return `Compared with #${l.id}${what}`;
  }
}

/** What the diff found, in one line. */
export function summaryLine(diff: DeliveryDiff, showingVolatile: boolean): string {
  const changes = diff.headers.length + diff.body.length;
  const hidden = diff.volatile_hidden;
  const note = hidden > 0 ? ` (${hidden} volatile hidden)` : "";
  if (diff.same && !showingVolatile) {
    return hidden > 0
      ? `Nothing differs but volatile fields: ${hidden} hidden (ids, timestamps, signatures).`
      : "Nothing differs.";
  }
  return `${changes} ${changes === 1 ? "change" : "changes"}${note}.`;
}

const MAX_VALUE = 400;

/** A value as the diff shows it: strings of headers and text as they are, JSON as JSON. */
export function shown(value: unknown, kind: BodyKind | "header"): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" && kind !== "json" ? value : JSON.stringify(value);
  const safe = visible(text);
  return safe.length > MAX_VALUE ? `${safe.slice(0, MAX_VALUE)}…` : safe;
}

const MARKS: Record<Change["kind"], string> = { added: "+", removed: "−", changed: "~", moved: "↔" };

/**
 * The core's diff of delivery `id` against another (`against`): headers and body changes,
 * inline or side by side, volatile fields hidden unless asked; `n`/`j` and `p`/`k` move between
 * changes.
 */
export function DiffView({ id, against, onSelect }: { id: number; against?: Against; onSelect?(id: number): void }) {
  const transport = useTransport();
  const [diff, setDiff] = useState<DeliveryDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [volatile, setVolatile] = useState(false);
  const [split, setSplit] = useState(false);
  const [at, setAt] = useState(-1);
  const rows = useRef<(HTMLElement | null)[]>([]);

  useEffect(() => {
    let live = true;
    setError(null);
    transport
      .diff(id, { with: against, volatile })
      .then((d) => {
        if (!live) return;
        setDiff(d);
        setAt(-1);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [transport, id, against, volatile]);

  if (error)
    return (
      <p className="muted" data-testid="diff-error">
        {error}
      </p>
    );
  if (!diff) return <p className="muted">Comparing…</p>;
  const all: { change: Change; kind: BodyKind | "header" }[] = [
    ...diff.headers.map((change) => ({ change, kind: "header" as const })),
    ...diff.body.map((change) => ({ change, kind: diff.body_kind })),
  ];
  const go = (step: number) => {
    if (all.length === 0) return;
    const next = at < 0 ? (step > 0 ? 0 : all.length - 1) : (at + step + all.length) % all.length;
    setAt(next);
    rows.current[next]?.scrollIntoView?.({ block: "nearest" });
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "n" || e.key === "j") {
      e.preventDefault();
      go(1);
    } else if (e.key === "p" || e.key === "k") {
      e.preventDefault();
      go(-1);
    }
  };
  const row = (entry: { change: Change; kind: BodyKind | "header" }, index: number) => {
    const { change, kind } = entry;
    const where = change.kind === "moved" ? `${change.path} (was ${change.from})` : change.path;
    return (
      <div
        key={`${kind}-${change.path}-${index}`}
        ref={(el) => {
          rows.current[index] = el;
        }}
        className={`diff-row diff-row-${change.kind}${index === at ? " diff-row-at" : ""}${change.volatile ? " diff-row-volatile" : ""}`}
        data-testid="diff-change"
        data-kind={change.kind}
        data-path={change.path}
        data-volatile={change.volatile ? "true" : "false"}
      >
        <span className="diff-mark" role="img" aria-label={change.kind}>
          {MARKS[change.kind]}
        </span>
        <span className="diff-path">
          <code>{visible(where)}</code> {change.volatile && <span className="badge badge-muted">volatile</span>}
        </span>
        {split ? (
          <>
            <code className="diff-left">{shown(change.left, kind)}</code>
            <code className="diff-right">{shown(change.right, kind)}</code>
          </>
        ) : (
          <code className="diff-inline">
            {change.kind === "changed" ? (
              <>
                <span className="diff-removed">{shown(change.left, kind)}</span> →{" "}
                <span className="diff-added">{shown(change.right, kind)}</span>
              </>
            ) : change.kind === "removed" ? (
              <span className="diff-removed">{shown(change.left, kind)}</span>
            ) : (
              <span className="diff-added">{shown(change.right, kind)}</span>
            )}
          </code>
        )}
      </div>
    );
  };
  const section = (title: string, from: number, count: number) =>
    count > 0 && (
      <section aria-label={title}>
        <h4>{title}</h4>
        {split && (
          <div className="diff-row diff-columns" aria-hidden="true">
            <span />
            <span />
            <span className="muted">#{diff.left.id}</span>
            <span className="muted">#{diff.right.id}</span>
          </div>
        )}
        {all.slice(from, from + count).map((entry, i) => row(entry, from + i))}
      </section>
    );
  const bodyTitle = { json: "Body (JSON, by field)", text: "Body (text, by line)", binary: "Body (binary)" }[
    diff.body_kind
  ];
  return (
    <div
      className={`diff-view${split ? " diff-split" : ""}`}
      role="region"
      aria-label="Changes (n and p move between them)"
      data-testid="diff-view"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the keys n and p move between changes
      tabIndex={0}
      onKeyDown={onKey}
    >
      <p>
        {onSelect ? (
          <button type="button" className="link" onClick={() => onSelect(diff.left.id)}>
            {basisLine(diff)}
          </button>
        ) : (
          basisLine(diff)
        )}
        : <span data-testid="diff-summary">{summaryLine(diff, volatile)}</span>
      </p>
      <div className="diff-controls">
        <div className="segmented" role="group" aria-label="Layout">
          <button type="button" aria-pressed={!split} onClick={() => setSplit(false)} data-testid="diff-inline">
            Inline
          </button>
          <button type="button" aria-pressed={split} onClick={() => setSplit(true)} data-testid="diff-split">
            Side by side
          </button>
        </div>
        <label>
          <input
            type="checkbox"
            checked={volatile}
            onChange={(e) => setVolatile(e.target.checked)}
            data-testid="diff-volatile"
          />{" "}
          Show volatile fields
        </label>
        {all.length > 1 && (
          <>
            <button type="button" onClick={() => go(-1)} title="Previous change (p)" data-testid="diff-prev">
              ↑ Previous
            </button>
            <button type="button" onClick={() => go(1)} title="Next change (n)" data-testid="diff-next">
              ↓ Next
            </button>
            {at >= 0 && (
              <span className="muted" aria-live="polite" data-testid="diff-position">
                {at + 1} of {all.length}
              </span>
            )}
          </>
        )}
      </div>
      {diff.same && !volatile ? (
        <p className="ok-text" data-testid="diff-same">
          {diff.basis === "first_of_event"
            ? "✓ A retry: nothing but what its vendor changes on every delivery differs."
            : "✓ Nothing differs but what the vendor changes on every delivery."}
        </p>
      ) : (
        <>
          {section("Headers", 0, diff.headers.length)}
          {section(bodyTitle, diff.headers.length, diff.body.length)}
        </>
      )}
    </div>
  );
}
