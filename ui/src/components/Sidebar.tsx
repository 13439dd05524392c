import { useEffect, useState } from "react";
import { useTransport } from "../api/context";
import type { FacetCount, Facets } from "../api/types.gen";
import type { Filters } from "../lib/filters";
import { useVendorName } from "../lib/useVendorNames";

interface Props {
  filters: Filters;
  onChange(filters: Filters): void;
  /** Changes when the list does, so the counts follow. */
  refreshKey: string;
}

const SIGNATURE_LABELS: Record<string, string> = {
  valid: "✓ valid",
  invalid: "✗ invalid",
  malformed: "✗ malformed",
  stale: "⏱ stale",
  missing: "∅ unsigned",
  unchecked: "– not checked",
};

/**
 * The filter sidebar: counts of each vendor, event type, signature state, duplicate kind and
 * method among the deliveries the other filters select.
 */
export function Sidebar({ filters, onChange, refreshKey }: Props) {
  const transport = useTransport();
  const vendorName = useVendorName();
  const [facets, setFacets] = useState<Facets | null>(null);
  const key = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `filters` (a new object on every render).
  useEffect(() => {
    let live = true;
    // The core counts each facet under the other filters (ignoring only its own choice), so
    // the other values of a facet stay reachable and each count is what clicking it lists.
    const timer = window.setTimeout(() => {
      transport
        .facets(filters)
        .then((f) => live && setFacets(f))
        .catch(() => {});
    }, 300);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [key, transport, refreshKey]);

  if (!facets) return <aside className="sidebar" aria-label="Filters" />;
  const toggle = (patch: Filters, active: boolean) =>
    onChange(
      active
        ? { ...filters, ...Object.fromEntries(Object.keys(patch).map((k) => [k, undefined])) }
        : { ...filters, ...patch },
    );
  const eventTypes = facets.event_types.filter((e) => !filters.vendor || e.vendor === filters.vendor);
  const duplicates = facets.duplicates.filter((d) => d.value === "retry" || d.value === "conflict");
  const anyDuplicates = duplicates.reduce((n, d) => n + d.count, 0);
  const handlers = facets.handlers.filter((h) => h.value !== null);
  const neverSent = facets.handlers.find((h) => h.value === null)?.count ?? 0;
  const failed = handlers.filter((h) => h.value !== "2xx").reduce((n, h) => n + h.count, 0);

  return (
    <aside className="sidebar" aria-label="Filters">
      {facets.capped_at !== undefined && (
        <p className="muted facet-note" data-testid="facets-capped">
          Counts of the newest {facets.capped_at.toLocaleString()} matches of the search
        </p>
      )}
      <Group title="Vendor" shown={facets.vendors.length > 0}>
        {facets.vendors.map((f) => (
          <FacetButton
            key={f.value ?? "none"}
            facet={f}
            label={f.value ? vendorName(f.value) : "unrecognised"}
            active={filters.vendor === f.value}
            disabled={f.value === null}
            onClick={(active) => toggle({ vendor: f.value ?? undefined, event_type: undefined }, active)}
          />
        ))}
      </Group>
      <Group title="Event type" shown={eventTypes.length > 0}>
        {eventTypes.slice(0, 40).map((f) => (
          <FacetButton
            key={`${f.vendor}/${f.value}`}
            facet={f}
            label={f.value ?? "none"}
            hint={filters.vendor || !f.vendor ? undefined : vendorName(f.vendor)}
            active={filters.event_type === f.value}
            disabled={f.value === null}
            onClick={(active) => toggle({ event_type: f.value ?? undefined }, active)}
          />
        ))}
      </Group>
      <Group title="Signature" shown={facets.signatures.length > 0}>
        {facets.signatures.map((f) => (
          <FacetButton
            key={f.value ?? "none"}
            facet={f}
            label={SIGNATURE_LABELS[f.value ?? ""] ?? "– not checked"}
            active={filters.signature === f.value}
            disabled={f.value === null}
            onClick={(active) => toggle({ signature: (f.value ?? undefined) as Filters["signature"] }, active)}
          />
        ))}
      </Group>
      <Group title="Duplicates" shown={anyDuplicates > 0 || filters.duplicate !== undefined}>
        <FacetButton
          facet={{ value: "any", count: anyDuplicates }}
          label="↻ any duplicate"
          active={filters.duplicate === "any"}
          onClick={(active) => toggle({ duplicate: "any" }, active)}
        />
        {duplicates.map((f) => (
          <FacetButton
            key={f.value}
            facet={f}
            label={f.value === "retry" ? "↻ retries" : "≠ conflicts"}
            active={filters.duplicate === f.value}
            onClick={(active) => toggle({ duplicate: f.value as Filters["duplicate"] }, active)}
          />
        ))}
      </Group>
      <Group title="Handler's answer" shown={handlers.length > 0 || filters.handler !== undefined}>
        {failed > 0 && (
          <FacetButton
            facet={{ value: "failed", count: failed }}
            label="✗ not 2xx"
            active={filters.handler === "failed"}
            onClick={(active) => toggle({ handler: "failed" }, active)}
          />
        )}
        {handlers.map((f) => (
          <FacetButton
            key={f.value}
            facet={f}
            label={f.value === "error" ? "✗ no answer" : (f.value ?? "")}
            active={filters.handler === f.value}
            onClick={(active) => toggle({ handler: f.value ?? undefined }, active)}
          />
        ))}
        {neverSent > 0 && (
          <FacetButton
            facet={{ value: "none", count: neverSent }}
            label="– not sent"
            active={filters.handler === "none"}
            onClick={(active) => toggle({ handler: "none" }, active)}
          />
        )}
      </Group>
      <Group title="Tenant" shown={facets.tenants.length > 0 || filters.tenant !== undefined}>
        {facets.tenants.slice(0, 20).map((f) => (
          <FacetButton
            key={`${f.vendor}/${f.value}`}
            facet={f}
            label={f.value ?? ""}
            hint={filters.vendor || !f.vendor ? undefined : vendorName(f.vendor)}
            active={filters.tenant === f.value}
            onClick={(active) => toggle({ tenant: f.value ?? undefined }, active)}
          />
        ))}
      </Group>
      <Group title="Method" shown={facets.methods.length > 0}>
        {facets.methods.map((f) => (
          <FacetButton
            key={f.value}
            facet={f}
            label={f.value ?? ""}
            active={filters.method === f.value}
            onClick={(active) => toggle({ method: f.value ?? undefined }, active)}
          />
        ))}
      </Group>
      <Group title="Marked" shown>
        <button
          type="button"
          className={`facet${filters.pinned ? " facet-active" : ""}`}
          aria-pressed={!!filters.pinned}
          onClick={() => onChange({ ...filters, pinned: filters.pinned ? undefined : true })}
        >
          <span className="facet-label">★ pinned</span>
        </button>
      </Group>
    </aside>
  );
}

function Group({ title, shown, children }: { title: string; shown: boolean; children: React.ReactNode }) {
  if (!shown) return null;
  return (
    <section className="facet-group">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function FacetButton({
  facet,
  label,
  hint,
  active,
  disabled,
  onClick,
}: {
  facet: Pick<FacetCount, "count"> & { value: string | null };
  label: string;
  hint?: string;
  active: boolean;
  disabled?: boolean;
  onClick(active: boolean): void;
}) {
  return (
    <button
      type="button"
      className={`facet${active ? " facet-active" : ""}`}
      aria-pressed={active}
      disabled={disabled}
      onClick={() => onClick(active)}
      title={hint ? `${label} (${hint})` : label}
    >
      <span className="facet-label">
        {label}
        {hint && <span className="facet-hint"> {hint}</span>}
      </span>
      <span className="facet-count">{facet.count.toLocaleString()}</span>
    </button>
  );
}
