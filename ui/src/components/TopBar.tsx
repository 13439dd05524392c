import { useEffect, useRef, useState } from "react";
import type { StreamStatus } from "../api/transport";
import { type Filters, timeChoice, withTimeChoice } from "../lib/filters";
import { BulkReplay } from "./BulkReplay";
import { CheckHandler } from "./CheckHandler";
import { SchemasButton } from "./LearnedSchemas";
import { ExportImport } from "./ExportImport";
import { TestEvent } from "./TestEvent";

interface Props {
  filters: Filters;
  onChange(filters: Filters): void;
  status: StreamStatus;
  searchRef: React.RefObject<HTMLInputElement | null>;
  onSettings(): void;
  onRules(): void;
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
  ["today", "Today"],
  ["yesterday", "Yesterday"],
  ["7days", "Last 7 days"],
  ["30days", "Last 30 days"],
  ["custom", "Custom range…"],
];

/** A `datetime-local` input's value for an ISO time or date the filters hold. */
function localInput(value: string | undefined): string {
  if (!value) return "";
  const t = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00` : value);
  if (Number.isNaN(t.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** A `datetime-local` value (local time) as the RFC 3339 UTC time the core takes. */
function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

const STATUS_TEXT: Record<StreamStatus, string> = {
  live: "● Live",
  connecting: "◌ Connecting…",
  offline: "○ Offline",
};

/** Whether `query` matches now; follows the window as it is resized. */
function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const change = () => setMatches(list.matches);
    list.addEventListener("change", change);
    change();
    return () => list.removeEventListener("change", change);
  }, [query]);
  return matches;
}

export function TopBar({ filters, onChange, status, searchRef, onSettings, onRules, total, onSent }: Props) {
  // Below this width the actions go into a menu, so the bar never runs off screen (nor do its
  // buttons wrap their labels).
  const narrow = useMediaQuery("(max-width: 1359px)");
  const [menuOpen, setMenuOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  // The menu closes on a click outside it, and on Escape.
  useEffect(() => {
    if (!menuOpen) return;
    const outside = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) setMenuOpen(false);
    };
    const onEscape = (e: KeyboardEvent) => e.key === "Escape" && setMenuOpen(false);
    document.addEventListener("mousedown", outside);
    document.addEventListener("keydown", onEscape);
    return () => {
      document.removeEventListener("mousedown", outside);
      document.removeEventListener("keydown", onEscape);
    };
  }, [menuOpen]);
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
  const choice = timeChoice(filters);
  const [customOpen, setCustomOpen] = useState(false);
  const [from, setFrom] = useState(localInput(filters.since));
  const [to, setTo] = useState(localInput(filters.until));
  useEffect(() => {
    setFrom(localInput(filters.since));
    setTo(localInput(filters.until));
  }, [filters.since, filters.until]);
  const showCustom = customOpen || choice === "custom";

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
          value={showCustom ? "custom" : choice}
          onChange={(e) => {
            setCustomOpen(e.target.value === "custom");
            onChange(withTimeChoice(filters, e.target.value));
          }}
          data-testid="time-range"
        >
          {RANGES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {showCustom && (
        <form
          className="time-custom"
          onSubmit={(e) => {
            e.preventDefault();
            onChange({ ...filters, since: fromLocalInput(from), until: fromLocalInput(to) });
          }}
        >
          <input
            type="datetime-local"
            aria-label="From (local time)"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            data-testid="time-from"
          />
          <span aria-hidden="true">–</span>
          <input
            type="datetime-local"
            aria-label="Until (local time)"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            data-testid="time-to"
          />
          <button type="submit" data-testid="time-apply">
            Apply
          </button>
        </form>
      )}
      <span className={`stream stream-${status}`} role="status" data-testid="stream-status">
        {STATUS_TEXT[status]}
      </span>
      {narrow ? (
        <div className="topbar-menu" ref={menuRef}>
          <button
            type="button"
            aria-expanded={menuOpen}
            aria-haspopup="true"
            onClick={() => setMenuOpen(!menuOpen)}
            data-testid="topbar-menu"
          >
            ☰ Menu
          </button>
          {/* Kept mounted while closed: a dialog opened from it stays open. */}
          <div className="topbar-menu-panel" data-open={menuOpen}>
            <Actions
              filters={filters}
              total={total}
              onSent={onSent}
              onSettings={() => {
                setMenuOpen(false);
                onSettings();
              }}
              onRules={() => {
                setMenuOpen(false);
                onRules();
              }}
            />
          </div>
        </div>
      ) : (
        <Actions filters={filters} total={total} onSent={onSent} onSettings={onSettings} onRules={onRules} />
      )}
    </header>
  );
}

/** Export, import, bulk replay, test events, Rules and Settings: inline, or in the narrow bar's menu. */
function Actions({
  filters,
  total,
  onSent,
  onSettings,
  onRules,
}: Pick<Props, "filters" | "total" | "onSent" | "onSettings" | "onRules">) {
  return (
    <>
      <ExportImport filters={filters} total={total} />
      <BulkReplay filters={filters} total={total} />
      <TestEvent onSent={onSent} />
      <CheckHandler />
      <SchemasButton />
      <button
        type="button"
        className="icon-button"
        onClick={onRules}
        title="Rules: what Hookscope answers and where it forwards, by what a delivery says"
        data-testid="open-rules"
      >
        ⚑ Rules
      </button>
      <button type="button" className="icon-button" onClick={onSettings} title="Settings">
        ⚙ Settings
      </button>
    </>
  );
}
