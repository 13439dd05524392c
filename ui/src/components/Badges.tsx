import type { DeliverySummary, HandlerAnswer } from "../api/types.gen";
import { type Badge, duplicateBadge, signatureBadge } from "../lib/format";

export function BadgeView({ badge }: { badge: Badge }) {
  return (
    <span className={`badge badge-${badge.tone}`} title={badge.title}>
      <span className="badge-icon" aria-hidden="true">
        {badge.icon}
      </span>
      {badge.label}
    </span>
  );
}

export function SignatureBadge({ delivery }: { delivery: Pick<DeliverySummary, "signature"> }) {
  return <BadgeView badge={signatureBadge(delivery)} />;
}

export function DuplicateBadge({ delivery }: { delivery: Pick<DeliverySummary, "duplicate"> }) {
  const badge = duplicateBadge(delivery);
  return badge ? <BadgeView badge={badge} /> : null;
}

export function MethodTag({ method }: { method: string }) {
  return <span className={`method method-${method.toLowerCase()}`}>{method}</span>;
}

export function StatusCode({ status }: { status: number }) {
  const tone = status >= 500 ? "bad" : status >= 400 ? "warn" : "ok";
  return <span className={`status status-${tone}`}>{status}</span>;
}

/** The handler's answer (latest forward or replay): its status and latency, or why none came. */
export function HandlerAnswerBadge({ handler }: { handler: HandlerAnswer | null }) {
  if (!handler) return <span className="muted">–</span>;
  const verb = handler.kind === "forward" ? "Forwarded" : handler.kind === "edit" ? "Edited send" : "Replayed";
  const title = [
    handler.sent
      ? `${verb}: ${handler.status ?? "no answer"} in ${handler.latency_ms.toFixed(1)} ms`
      : "Not forwarded: nothing was sent",
    handler.note,
  ]
    .filter(Boolean)
    .join("\n");
  return (
    <span className="handler-answer" title={title} data-testid="handler-answer">
      {handler.status !== null ? <StatusCode status={handler.status} /> : <span className="status status-bad">✗</span>}
      <span className="muted latency">{handler.sent ? formatLatency(handler.latency_ms) : "not sent"}</span>
    </span>
  );
}

function formatLatency(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
