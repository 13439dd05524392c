import { useEffect, useState } from "react";
import { useTransport } from "../api/context";
import type { FacetCount, Facets } from "../api/types.gen";
import type { Filters } from "../lib/filters";

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
  const [facets, setFacets] = useState<Facets | null>(null);
  const key = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `filters` (a new object on every render).
  useEffect(() => {
    let live = true;
    // The counts a facet shows ignore that facet's own choice, so the other values stay
    // reachable.
    const timer = window.setTimeout(() => {
      transport
        .facets({
          ...filters,
          vendor: undefined,
          event_type: undefined,
          signature: undefined,
          duplicate: undefined,
          method: undefined,
          pinned: filters.pinned,
        })
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

  return (
    <aside className="sidebar" aria-label="Filters">
      <Group title="Vendor">
        {facets.vendors.map((f) => (
          <FacetButton
            key={f.value ?? "none"}
            facet={f}
            label={f.value ?? "unrecognised"}
            active={filters.vendor === f.value}
            disabled={f.value === null}
            onClick={(active) => toggle({ vendor: f.value ?? undefined, event_type: undefined }, active)}
          />
        ))}
      </Group>
      <Group title="Event type">
        {eventTypes.slice(0, 40).map((f) => (
          <FacetButton
            key={`${f.vendor}/${f.value}`}
            facet={f}
            label={f.value ?? "none"}
            hint={filters.vendor ? undefined : (f.vendor ?? undefined)}
            active={filters.event_type === f.value}
            disabled={f.value === null}
            onClick={(active) => toggle({ event_type: f.value ?? undefined }, active)}
          />
        ))}
      </Group>
      <Group title="Signature">
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
      <Group title="Duplicates">
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
      <Group title="Method">
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
      <Group title="Marked">
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

function Group({ title, children }: { title: string; children: React.ReactNode }) {
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
