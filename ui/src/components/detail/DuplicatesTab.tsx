import { useEffect, useState } from "react";
import { useTransport } from "../../api/context";
import type { DeliveryDetail, DeliverySummary } from "../../api/types.gen";
import { formatSecs, relativeTime } from "../../lib/format";
import { DuplicateBadge, SignatureBadge } from "../Badges";
import { DiffView } from "./DiffView";

/** Every delivery of this event, and what differs in this one from the first (the core's diff). */
export function DuplicatesTab({ d, onSelect }: { d: DeliveryDetail; onSelect(id: number): void }) {
  const transport = useTransport();
  const eventId = d.event?.id ?? null;
  const [all, setAll] = useState<DeliverySummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!eventId) return;
    let live = true;
    transport
      .list({ event_id: eventId }, { limit: 200 })
      .then((page) => live && setAll(page.items))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [transport, eventId]);

  if (!eventId)
    return <p className="muted">No event id was found in this delivery, so it cannot be matched to others.</p>;
  if (error) return <p className="error">{error}</p>;
  const now = Date.now();
  const repeats = d.duplicate !== null && d.duplicate !== undefined && d.duplicate.first_id !== d.id;
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
      {repeats && <DiffView id={d.id} against="first" onSelect={onSelect} />}
    </div>
  );
}
