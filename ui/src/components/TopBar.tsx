import { useEffect, useState } from "react";
import type { StreamStatus } from "../api/transport";
import type { Filters } from "../lib/filters";
import { BulkReplay } from "./BulkReplay";
import { ExportImport } from "./ExportImport";
import { TestEvent } from "./TestEvent";

interface Props {
  filters: Filters;
  onChange(filters: Filters): void;
  status: StreamStatus;
  searchRef: React.RefObject<HTMLInputElement | null>;
  onSettings(): void;
  /** How many deliveries the filters select, when known. */
  total: number | null;
  /** A test event was stored here: select it. */
  onSent(id: number): void;
}

const RANGES: [string, string][] = [
  ["", "Any time"],
  ["15m", "Last 15 minutes"],
  ["1h", "Last hour"],
  ["24h", "Last 24 hours"],
  ["7days", "Last 7 days"],
  ["30days", "Last 30 days"],
];

const STATUS_TEXT: Record<StreamStatus, string> = {
  live: "● Live",
  connecting: "◌ Connecting…",
  offline: "○ Offline",
};

export function TopBar({ filters, onChange, status, searchRef, onSettings, total, onSent }: Props) {
  const [q, setQ] = useState(filters.q ?? "");
  const [path, setPath] = useState(filters.path ?? "");
  useEffect(() => setQ(filters.q ?? ""), [filters.q]);
  useEffect(() => setPath(filters.path ?? ""), [filters.path]);
  // Typing settles for a moment before the list is read again.
  useEffect(() => {
    if ((filters.q ?? "") === q.trim() && (filters.path ?? "") === path.trim()) return;
    const timer = window.setTimeout(
      () => onChange({ ...filters, q: q.trim() || undefined, path: path.trim() || undefined }),
      250,
    );
    return () => window.clearTimeout(timer);
  }, [q, path, filters, onChange]);
  const custom = filters.since && !RANGES.some(([v]) => v === filters.since);

  return (
    <header className="topbar">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true">
          ⚓
        </span>
        Hookscope
      </span>
      <label className="search">
        <span className="visually-hidden">Search headers and bodies</span>
        <input
          ref={searchRef}
          type="search"
          placeholder="Search headers and bodies  ( / )"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") onChange({ ...filters, q: q.trim() || undefined });
            if (e.key === "Escape") (e.target as HTMLInputElement).blur();
          }}
          data-testid="search"
        />
      </label>
      <label className="path-filter">
        <span className="visually-hidden">Path prefix</span>
        <input
          type="text"
          placeholder="/path prefix"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          data-testid="path-filter"
        />
      </label>
      <label>
        <span className="visually-hidden">Time range</span>
        <select
          value={filters.since ?? ""}
          onChange={(e) => onChange({ ...filters, since: e.target.value || undefined, until: undefined })}
          data-testid="time-range"
        >
          {RANGES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
          {custom && <option value={filters.since}>Since {filters.since}</option>}
        </select>
      </label>
      <span className={`stream stream-${status}`} role="status" data-testid="stream-status">
        {STATUS_TEXT[status]}
      </span>
      <ExportImport filters={filters} />
      <BulkReplay filters={filters} total={total} />
      <TestEvent onSent={onSent} />
      <button type="button" className="icon-button" onClick={onSettings} title="Settings">
        ⚙ Settings
      </button>
    </header>
  );
}
