import { useEffect, useState } from "react";
import { useTransport } from "../../api/context";
import type { DeliveryDetail, DeliverySummary } from "../../api/types.gen";
import { diffLines, formatSecs, prettyBody, relativeTime } from "../../lib/format";
import { DuplicateBadge, SignatureBadge } from "../Badges";

/** Every delivery of this event, and how this one's body differs from the first's. */
export function DuplicatesTab({ d, onSelect }: { d: DeliveryDetail; onSelect(id: number): void }) {
  const transport = useTransport();
  const eventId = d.event?.id ?? null;
  const [all, setAll] = useState<DeliverySummary[] | null>(null);
  const [first, setFirst] = useState<DeliveryDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!eventId) return;
    let live = true;
    transport
      .list({ event_id: eventId }, { limit: 200 })
      .then((page) => live && setAll(page.items))
      .catch((e: Error) => live && setError(e.message));
    const firstId = d.duplicate?.first_id;
    if (firstId !== undefined && firstId !== d.id) {
      transport
        .getDelivery(firstId)
        .then((f) => live && setFirst(f))
        .catch(() => live && setFirst(null));
    } else {
      setFirst(null);
    }
    return () => {
      live = false;
    };
  }, [transport, eventId, d.id, d.duplicate?.first_id]);

  if (!eventId)
    return <p className="muted">No event id was found in this delivery, so it cannot be matched to others.</p>;
  if (error) return <p className="error">{error}</p>;
  const now = Date.now();
  return (
    <div className="duplicates-tab" data-testid="duplicates">
      <p>
        Event <code>{eventId}</code> arrived {all ? (all.length === 1 ? "once" : `${all.length} times`) : "…"}
        {d.event?.id_source ? ` (id from ${d.event.id_source})` : ""}.
      </p>
      {all && (
        <table className="kv">
          <tbody>
            {[...all].reverse().map((r) => (
              <tr key={r.id} className={r.id === d.id ? "current" : undefined}>
                <th>
                  <button type="button" className="link" onClick={() => onSelect(r.id)}>
                    #{r.id}
                  </button>
                </th>
                <td title={r.received_at}>{relativeTime(r.received_at_us, now)}</td>
                <td>
                  {r.duplicate?.since_previous_secs != null
                    ? `+${formatSecs(r.duplicate.since_previous_secs)}`
                    : "first"}
                </td>
                <td>
                  <SignatureBadge delivery={r} /> <DuplicateBadge delivery={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {first && <BodyDiff first={first} current={d} />}
    </div>
  );
}

function BodyDiff({ first, current }: { first: DeliveryDetail; current: DeliveryDetail }) {
  const a = prettyBody(first.body ?? "").text;
  const b = prettyBody(current.body ?? "").text;
  if (a === b) {
    return (
      <p className="ok-text" data-testid="diff-same">
        ✓ The body is byte-for-byte the same as the first delivery's (#{first.id}): a retry.
      </p>
    );
  }
  const lines = diffLines(a, b);
  return (
    <section aria-label="Difference from the first delivery">
      <h4>
        Body compared with the first delivery (#{first.id}): <span className="bad-text">− first</span>{" "}
        <span className="ok-text">+ this one</span>
      </h4>
      <pre className="diff" data-testid="diff">
        {lines.map((l, i) => (
          <div key={i} className={`diff-${l.kind}`}>
            {l.kind === "removed" ? "− " : l.kind === "added" ? "+ " : "  "}
            {l.text}
          </div>
        ))}
      </pre>
    </section>
  );
}
