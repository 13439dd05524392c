import { useState } from "react";
import type { DeliveryDetail } from "../../api/types.gen";
import type { Filters } from "../../lib/filters";
import { formatSecs, formatSize, localTime, visible } from "../../lib/format";
import { useVendorName } from "../../lib/useVendorNames";
import { LearnedSchemas } from "../LearnedSchemas";

/** The decoded envelope and where each fact came from. */
export function Overview({
  d,
  onShowAnswer,
  onFilter,
}: {
  d: DeliveryDetail;
  onShowAnswer(attempt: number): void;
  onFilter(patch: Filters): void;
}) {
  const vendorName = useVendorName();
  const [schemaOpen, setSchemaOpen] = useState(false);
  const occurred = d.event?.occurred_at ? Date.parse(d.event.occurred_at) : NaN;
  const lagSecs = Number.isNaN(occurred) ? null : (d.received_at_us / 1000 - occurred) / 1000;
  const warnings = d.validation.filter((f) => f.level === "warning");
  const infos = d.validation.filter((f) => f.level !== "warning" && !f.drift);
  const drift = d.validation.filter((f) => f.level !== "warning" && f.drift);
  return (
    <div className="overview" data-testid="overview">
      {warnings.length > 0 && (
        <section className="findings findings-warn" aria-label="Validation warnings">
          <h4>⚠ {warnings.length === 1 ? "1 validation warning" : `${warnings.length} validation warnings`}</h4>
          <ul>
            {warnings.map((f, i) => (
              <li key={i}>
                {f.path && <code>{f.path}</code>} {f.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <dl className="facts">
        <Fact label="Vendor" value={d.vendor ? vendorName(d.vendor) : null} note={d.detected_by} />
        <Fact label="Event type" value={d.event?.type} />
        <Fact
          label="Event id"
          value={d.event?.id}
          note={d.event?.id_source ? `from ${d.event.id_source}` : null}
          mono
        />
        <Fact label="Occurred at" value={d.event?.occurred_at} mono />
        <Fact label="Received at" value={d.received_at} note={localTime(d.received_at_us)} mono />
        {lagSecs !== null && (
          <Fact
            label="Lag"
            value={lagSecs >= 0 ? formatSecs(lagSecs) : `${formatSecs(-lagSecs)} before it occurred`}
            note="from occurrence to arrival"
          />
        )}
        {d.event?.tenant && (
          <>
            <dt>Tenant</dt>
            <dd>
              <span className="mono">{visible(d.event.tenant)}</span>{" "}
              <button
                type="button"
                className="link"
                onClick={() => onFilter({ tenant: d.event!.tenant! })}
                data-testid="filter-tenant"
              >
                All of this tenant's deliveries
              </button>
            </dd>
          </>
        )}
        <Fact label="Version" value={d.event?.version} />
        <Fact label="Endpoint" value={d.endpoint} mono />
        <Fact
          label="From"
          value={d.client_addr ?? d.remote_addr}
          note={d.client_addr ? `via ${d.remote_addr} (a tunnel or proxy), ${d.http_version}` : d.http_version}
          mono
        />
        <Fact label="Sent to" value={d.public_url} note="the public URL, behind a tunnel" mono />
        <Fact label="Content type" value={d.content_type} mono />
        <Fact
          label="Body"
          value={
            d.truncated ? `${formatSize(d.stored_size)} stored of ${formatSize(d.body_size)}` : formatSize(d.body_size)
          }
          note={d.note}
        />
        <Fact label="Sender got" value={String(d.response_status)} note="the answer this delivery was given" />
        {d.rule && (
          <>
            <dt>Rule</dt>
            <dd data-testid="overview-rule">
              <span className="mono">{d.rule.rules.join(", ")}</span>
              <span className="fact-note"> {d.rule.did}</span>
              {d.rule.error && (
                <span className="fact-note warn" data-testid="overview-rule-error">
                  {" "}
                  (its answer could not be made, so the endpoint's was given: {visible(d.rule.error)})
                </span>
              )}
            </dd>
          </>
        )}
        {d.handler && (
          <>
            <dt>Handler answered</dt>
            <dd data-testid="overview-handler">
              <span className="mono">{d.handler.sent ? (d.handler.status ?? "no answer") : "not sent"}</span>
              <span className="fact-note">
                {" "}
                {d.handler.sent ? `in ${d.handler.latency_ms.toFixed(1)} ms to the latest ` : "for the latest "}
                {d.handler.kind === "forward" ? "forward" : d.handler.kind === "edit" ? "edited send" : "replay"}
                {d.handler.note ? `: ${d.handler.note}` : ""}
              </span>{" "}
              <button
                type="button"
                className="link"
                onClick={() => onShowAnswer(d.handler!.attempt_id)}
                data-testid="show-handler-answer"
              >
                Show the answer
              </button>
            </dd>
          </>
        )}
        {d.duplicate && d.duplicate.count > 1 && (
          <Fact
            label="Arrival"
            value={`${d.duplicate.attempt} of ${d.duplicate.count}`}
            note={d.duplicate.kind === "first" ? "first arrival" : `${d.duplicate.kind} of #${d.duplicate.first_id}`}
          />
        )}
      </dl>
      <KeyFields d={d} />
      {drift.length > 0 && (
        <section className="findings findings-drift" aria-label="Drift">
          <h4>
            Unlike the earlier {d.event?.type ?? "deliveries"} (
            {drift.length === 1 ? "1 difference" : `${drift.length} differences`} from its learned schema)
          </h4>
          <ul>
            {drift.map((f, i) => (
              <li key={i}>
                <Inline text={f.message} />
              </li>
            ))}
          </ul>
          {d.vendor && d.event?.type && (
            <button type="button" className="link" onClick={() => setSchemaOpen(true)} data-testid="open-schema">
              See what {d.event.type} usually looks like
            </button>
          )}
          {schemaOpen && d.vendor && d.event?.type && (
            <LearnedSchemas initial={{ vendor: d.vendor, type: d.event.type }} onClose={() => setSchemaOpen(false)} />
          )}
        </section>
      )}
      {infos.length > 0 && (
        <section className="findings" aria-label="Notes">
          <ul>
            {infos.map((f, i) => (
              <li key={i}>
                {f.path && <code>{f.path}</code>} {f.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function Fact({
  label,
  value,
  note,
  mono,
}: {
  label: string;
  value: string | null | undefined;
  note?: string | null;
  mono?: boolean;
}) {
  if (value === null || value === undefined || value === "") return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <span className={mono ? "mono" : undefined}>{visible(value)}</span>
        {note && <span className="fact-note"> {note}</span>}
      </dd>
    </>
  );
}

/** The payload's scalar fields, first levels first: what support staff look for. */
function KeyFields({ d }: { d: DeliveryDetail }) {
  const text = d.decoded?.text ?? d.body;
  if (!text) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const fields: [string, string][] = [];
  const queue: [string, unknown][] = [["", json]];
  while (queue.length > 0 && fields.length < 14) {
    const [path, value] = queue.shift()!;
    if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 50)) {
        queue.push([`${path}/${k}`, v]);
      }
    } else if (path) {
      fields.push([path, value === null ? "null" : String(value)]);
    }
  }
  if (fields.length === 0) return null;
  return (
    <section aria-label="Key fields">
      <h4>Key fields</h4>
      <table className="kv">
        <tbody>
          {fields.map(([k, v]) => (
            <tr key={k}>
              <th className="mono">{visible(k)}</th>
              <td className="mono">{visible(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A note's text with its `quoted` parts (field paths, values, event types) set as code. */
function Inline({ text }: { text: string }) {
  const parts = text.split("`");
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? <code key={i}>{visible(part)}</code> : <span key={i}>{visible(part)}</span>,
      )}
    </>
  );
}
