// The list's filters, kept in the page URL so that a view can be bookmarked and shared. The URL
// parameters are the API's own (`vendor`, `event_type`, `signature`, `duplicate`, `method`,
// `path`, `since`, `until`, `q`, `pinned`), so a URL reads the same in both places.

import { DUPLICATE_FILTERS, SIGNATURE_STATUSES, type SignatureStatus } from "../api/types.gen";

export interface Filters {
  vendor?: string;
  event_type?: string;
  signature?: SignatureStatus;
  /** `any` (retries and conflicts), `retry`, `conflict` or `first`. */
  duplicate?: (typeof DUPLICATE_FILTERS)[number];
  method?: string;
  /** Path prefix. */
  path?: string;
  /** An age (`15m`, `24h`, `7days`) or an RFC 3339 time. */
  since?: string;
  until?: string;
  /** Free text (the store's full-text search). */
  q?: string;
  pinned?: boolean;
  event_id?: string;
}

const TEXT_KEYS = ["vendor", "event_type", "method", "path", "since", "until", "q", "event_id"] as const;

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
