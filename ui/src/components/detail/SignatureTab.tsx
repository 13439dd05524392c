import type { DeliveryDetail } from "../../api/types.gen";
import { formatSecs } from "../../lib/format";
import { SignatureBadge } from "../Badges";

/** What was checked, with which secret, what arrived and what was computed, and why it failed. */
export function SignatureTab({ d }: { d: DeliveryDetail }) {
  const s = d.signature;
  if (!s) {
    return <p className="muted">This delivery was stored before it could be analysed.</p>;
  }
  const skew = s.timestamp !== null ? d.received_at_us / 1e6 - s.timestamp : null;
  const same = s.received !== null && s.computed !== null && s.received === s.computed;
  return (
    <div className="signature-tab" data-testid="signature">
      <p className="verdict">
        <SignatureBadge delivery={d} />{" "}
        {s.status === "valid" ? `The signature matches${s.secret ? ` secret ${s.secret}` : ""}.` : (s.reason ?? "")}
      </p>
      {s.doctor && (
        <p className="doctor" role="note">
          <strong>Likely cause:</strong> {s.doctor}
        </p>
      )}
      <dl className="facts">
        <dt>Scheme</dt>
        <dd>
          {s.scheme ?? "none"}
          {!s.documented && s.scheme && (
            <span className="fact-note"> (assumed: the vendor's documents do not give the construction)</span>
          )}
        </dd>
        {s.secret && (
          <>
            <dt>Secret</dt>
            <dd className="mono">{s.secret}</dd>
          </>
        )}
        {s.received !== null && (
          <>
            <dt>Received</dt>
            <dd className="mono break">{s.received}</dd>
          </>
        )}
        {s.computed !== null && (
          <>
            <dt>Computed</dt>
            <dd className={`mono break ${same ? "ok-text" : "bad-text"}`}>{s.computed}</dd>
          </>
        )}
        {s.timestamp !== null && (
          <>
            <dt>Signed at</dt>
            <dd>
              <span className="mono">{new Date(s.timestamp * 1000).toISOString()}</span>
              {skew !== null && (
                <span className="fact-note">
                  {" "}
                  {Math.abs(skew) < 1
                    ? "at receipt"
                    : `${formatSecs(Math.abs(skew))} ${skew >= 0 ? "before" : "after"} receipt`}
                </span>
              )}
            </dd>
          </>
        )}
        {s.tolerance_secs !== null && (
          <>
            <dt>Tolerance</dt>
            <dd>± {formatSecs(s.tolerance_secs)}</dd>
          </>
        )}
      </dl>
      {s.signed_preview !== null && (
        <section>
          <h4>Signed content (first bytes)</h4>
          <pre className="snippet">{s.signed_preview}</pre>
        </section>
      )}
    </div>
  );
}
