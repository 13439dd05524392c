// The list's filters, kept in the page URL so that a view can be bookmarked and shared. The URL
// parameters are the API's own (`vendor`, `event_type`, `signature`, `duplicate`, `method`,
// `handler`, `path`, `since`, `until`, `q`, `pinned`), so a URL reads the same in both places.

import { DUPLICATE_FILTERS, SIGNATURE_STATUSES, type SignatureStatus } from "../api/types.gen";

export interface Filters {
  vendor?: string;
  event_type?: string;
  signature?: SignatureStatus;
  /** `any` (retries and conflicts), `retry`, `conflict` or `first`. */
  duplicate?: (typeof DUPLICATE_FILTERS)[number];
  method?: string;
  /**
   * The handler's answer (the latest forward or replay): a status (`400`), a class (`4xx`),
   * `failed`, `error` (no answer) or `none` (never sent).
   */
  handler?: string;
  /** The account, business or shop a delivery is about, as its profile names it. */
  tenant?: string;
  /** Path prefix. */
  path?: string;
  /** An age (`15m`, `24h`, `7days`), an RFC 3339 time, or a date (its local midnight). */
  since?: string;
  until?: string;
  /** Free text (the store's full-text search). */
  q?: string;
  pinned?: boolean;
  event_id?: string;
}

const TEXT_KEYS = [
  "vendor",
  "event_type",
  "tenant",
  "method",
  "handler",
  "path",
  "since",
  "until",
  "q",
  "event_id",
] as const;

/** Reads the filters from a URL's query string; unknown or invalid values are ignored. */
export function parseFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters: Filters = {};
  for (const key of TEXT_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = key === "method" ? value.toUpperCase() : value;
  }
  const signature = params.get("signature");
  if (signature && (SIGNATURE_STATUSES as string[]).includes(signature)) {
    filters.signature = signature as SignatureStatus;
  }
  const duplicate = params.get("duplicate");
  if (duplicate && (DUPLICATE_FILTERS as readonly string[]).includes(duplicate)) {
    filters.duplicate = duplicate as Filters["duplicate"];
  }
  if (params.get("pinned") === "true") filters.pinned = true;
  return filters;
}

/** The filters as URL/API parameters, in a stable order; empty values are left out. */
export function filterParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of TEXT_KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (filters.signature) params.set("signature", filters.signature);
  if (filters.duplicate) params.set("duplicate", filters.duplicate);
  if (filters.pinned) params.set("pinned", "true");
  return params;
}

/** The query string for the page URL: the filters, plus the selected delivery. */
export function viewSearch(filters: Filters, selected: number | null): string {
  const params = filterParams(filters);
  if (selected !== null) params.set("id", String(selected));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The selected delivery named in a URL, if any. */
export function parseSelected(search: string): number | null {
  const id = Number(new URLSearchParams(search).get("id"));
  return Number.isInteger(id) && id > 0 ? id : null;
}

export function hasFilters(filters: Filters): boolean {
  return filterParams(filters).toString() !== "";
}

/** A local calendar date, `days` from today (`-1` for yesterday), as `YYYY-MM-DD`. */
export function localDate(days: number, now: Date = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The ages the time menu offers. */
export const AGES = ["15m", "1h", "24h", "7days", "30days"] as const;

/**
 * Which entry of the time menu the filters' `since`/`until` are: `""` (any time), an age,
 * `today`, `yesterday` (the core reads a plain date as its local day), or `custom`.
 */
export function timeChoice(filters: Filters, now: Date = new Date()): string {
  const { since, until } = filters;
  if (!since && !until) return "";
  const today = localDate(0, now);
  const yesterday = localDate(-1, now);
  if (since === today && !until) return "today";
  if (since === yesterday && until === yesterday) return "yesterday";
  if (since && !until && (AGES as readonly string[]).includes(since)) return since;
  return "custom";
}

/** The filters with the time menu's entry `choice` applied (`custom` keeps what is set). */
export function withTimeChoice(filters: Filters, choice: string, now: Date = new Date()): Filters {
  switch (choice) {
    case "":
      return { ...filters, since: undefined, until: undefined };
    case "today":
      return { ...filters, since: localDate(0, now), until: undefined };
    case "yesterday": {
      const day = localDate(-1, now);
      return { ...filters, since: day, until: day };
    }
    case "custom":
      return filters;
    default:
      return { ...filters, since: choice, until: undefined };
  }
}
