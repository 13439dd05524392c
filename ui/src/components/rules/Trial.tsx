import { useState } from "react";
import { useTransport } from "../../api/context";
import type { RuleSources, RuleTrial } from "../../api/types.gen";
import { visible } from "../../lib/format";
import { delayText, forwardLine } from "./status";

interface Props {
  /** The delivery to try first: the one selected in the list. */
  delivery: number | null;
  /** The rules as edited, every scope's. */
  sources: RuleSources;
  /** Why the rules as edited cannot be tried now; `null` when they can. */
  blocked: string | null;
}

/** What the rules as edited would do with a stored delivery; nothing is sent or stored. */
export function Trial({ delivery, sources, blocked }: Props) {
  const transport = useTransport();
  const [id, setId] = useState(delivery === null ? "" : String(delivery));
  const [arrival, setArrival] = useState("");
  const [trial, setTrial] = useState<RuleTrial | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run() {
    setError(null);
    setTrial(null);
    if (!/^\d+$/.test(id.trim())) {
      setError("Give the number of a stored delivery (the # its detail shows).");
      return;
    }
    const nth = arrival.trim();
    if (nth !== "" && !/^[1-9]\d*$/.test(nth)) {
      setError("The arrival is a whole number from 1 (the first arrival of its event id).");
      return;
    }
    setBusy(true);
    try {
      setTrial(
        await transport.tryRules({
          delivery: Number(id.trim()),
          ...(nth ? { arrival: Number(nth) } : {}),
          rules: sources,
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="rules-try">
      <h3>Try on a delivery</h3>
      <p className="muted">
        What the rules as edited here would do with a stored delivery, before they are saved. Nothing is sent.
      </p>
      <form
        className="rules-try-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label className="field">
          <span>Delivery #</span>
          <input value={id} onChange={(e) => setId(e.target.value)} inputMode="numeric" data-testid="try-delivery" />
        </label>
        <label className="field">
          <span>As arrival (optional)</span>
          <input
            value={arrival}
            onChange={(e) => setArrival(e.target.value)}
            inputMode="numeric"
            placeholder="as it came"
            data-testid="try-arrival"
          />
        </label>
        <button type="submit" disabled={busy || blocked !== null} title={blocked ?? undefined} data-testid="try-rules">
          Try
        </button>
        {blocked !== null && <span className="muted">{blocked}</span>}
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {trial && <TrialResult trial={trial} />}
    </section>
  );
}

function TrialResult({ trial: t }: { trial: RuleTrial }) {
  const f = t.facts;
  const facts = [
    `${f.method} ${f.path}`,
    f.endpoint ? `endpoint ${f.endpoint}` : "no endpoint",
    f.vendor ? `vendor ${f.vendor}` : "no vendor",
    f.event_type ? `event ${f.event_type}` : "no event type",
    f.event_id ? `id ${f.event_id}` : null,
    f.signature ? `signature ${f.signature}` : null,
    f.duplicate ? `${f.duplicate}` : null,
    f.arrival !== null ? `arrival ${f.arrival}` : null,
  ].filter((x) => x !== null);
  const headers = Object.entries(t.headers ?? {});
  const passedOver = t.considered.filter((r) => !t.applied.includes(r));
  return (
    <div className="rules-trial" data-testid="rules-trial" role="status">
      <p className="muted" data-testid="trial-facts">
        {visible(facts.join(" · "))}
      </p>
      {t.applied.length === 0 ? (
        <p data-testid="trial-applied">
          <strong>No rule applies: the endpoint's answer.</strong>
        </p>
      ) : (
        <p data-testid="trial-applied">
          <strong>
            {t.applied.length === 1 ? "Rule applied" : "Rules applied"}: {t.applied.join(", ")}
          </strong>
          {t.did ? ` (${t.did})` : ""}
        </p>
      )}
      {passedOver.length > 0 && (
        <p className="muted">
          Considered but not applied (the arrival, the duplicate kind or an earlier rule decided):{" "}
          {passedOver.join(", ")}.
        </p>
      )}
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="trial-status">{t.status}</dd>
        <dt>Headers</dt>
        <dd>
          {headers.length === 0 ? (
            <span className="muted">none set</span>
          ) : (
            <table className="kv">
              <tbody>
                {headers.map(([name, value]) => (
                  <tr key={name}>
                    <th>{visible(name)}</th>
                    <td>{visible(value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </dd>
        <dt>Body</dt>
        <dd>
          {t.body === null ? (
            <span className="muted">the default: JSON naming the stored delivery</span>
          ) : (
            <pre className="snippet wrap" data-testid="trial-body">
              {t.body.split("\n").map(visible).join("\n")}
            </pre>
          )}
        </dd>
        <dt>Delay</dt>
        <dd>{t.delay_ms === null ? <span className="muted">none</span> : delayText(t.delay_ms)}</dd>
        <dt>Forward</dt>
        <dd data-testid="trial-forward">{forwardLine(t)}</dd>
      </dl>
      {t.errors.length > 0 && (
        <div className="error" data-testid="trial-errors">
          The rules' answer could not be made, so the endpoint's would be given:
          <ul>
            {t.errors.map((e, i) => (
              <li key={i}>{visible(e)}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
