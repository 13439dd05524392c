import type { DeliverySummary } from "../api/types.gen";
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
