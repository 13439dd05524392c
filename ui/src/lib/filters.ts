// The list's filters, kept in the page URL so that a view can be bookmarked and shared. The URL
// parameters are the API's own (`vendor`, `event_type`, `signature`, `duplicate`, `method`,
// `path`, `since`, `until`, `q`, `pinned`), so a URL reads the same in both places.

import type { SignatureStatus } from "../api/types.gen";

export interface Filters {
  vendor?: string;
  event_type?: string;
  signature?: SignatureStatus;
  /// `any` (retries and conflicts), `retry` or `conflict`.
  duplicate?: "any" | "retry" | "conflict" | "first";
  method?: string;
  /// Path prefix.
  path?: string;
  /// An age (`15m`, `24h`, `7days`) or an RFC 3339 time.
  since?: string;
  until?: string;
  /// Free text (the store's full-text search).
  q?: string;
  pinned?: boolean;
  event_id?: string;
}

const TEXT_KEYS = [
  "vendor",
  "event_type",
  "method",
  "path",
  "since",
  "until",
  "q",
  "event_id",
] as const;
const SIGNATURES: SignatureStatus[] = [
  "valid",
  "invalid",
  "missing",
  "stale",
  "malformed",
  "unchecked",
];
const DUPLICATES = ["any", "retry", "conflict", "first"] as const;

/// Reads the filters from a URL's query string; unknown or invalid values are ignored.
export function parseFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters: Filters = {};
  for (const key of TEXT_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = key === "method" ? value.toUpperCase() : value;
  }
  const signature = params.get("signature");
  if (signature && (SIGNATURES as string[]).includes(signature)) {
    filters.signature = signature as SignatureStatus;
  }
  const duplicate = params.get("duplicate");
  if (duplicate && (DUPLICATES as readonly string[]).includes(duplicate)) {
    filters.duplicate = duplicate as Filters["duplicate"];
  }
  if (params.get("pinned") === "true") filters.pinned = true;
  return filters;
}

/// The filters as URL/API parameters, in a stable order; empty values are left out.
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

/// The query string for the page URL: the filters, plus the selected delivery.
export function viewSearch(filters: Filters, selected: number | null): string {
  const params = filterParams(filters);
  if (selected !== null) params.set("id", String(selected));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/// The selected delivery named in a URL, if any.
export function parseSelected(search: string): number | null {
  const id = Number(new URLSearchParams(search).get("id"));
  return Number.isInteger(id) && id > 0 ? id : null;
}

export function hasFilters(filters: Filters): boolean {
  return filterParams(filters).toString() !== "";
}

/// Whether a delivery summary could belong to the filtered list, judged on what the summary
/// carries. Free text and times are judged by the server; this only rules out the obvious.
export function mayMatch(
  filters: Filters,
  d: {
    vendor: string | null;
    method: string;
    path: string;
    event: { type: string | null; id: string | null } | null;
    signature: { status: SignatureStatus } | null;
    duplicate: { kind: string } | null;
    pinned: boolean;
  },
): boolean {
  if (filters.vendor && d.vendor !== filters.vendor) return false;
  if (filters.event_type && d.event?.type !== filters.event_type) return false;
  if (filters.event_id && d.event?.id !== filters.event_id) return false;
  if (filters.method && d.method !== filters.method) return false;
  if (filters.path && !d.path.startsWith(filters.path)) return false;
  if (filters.signature && d.signature?.status !== filters.signature) return false;
  if (filters.pinned && !d.pinned) return false;
  if (filters.duplicate) {
    const kind = d.duplicate?.kind;
    if (filters.duplicate === "any" ? kind !== "retry" && kind !== "conflict" : kind !== filters.duplicate) {
      return false;
    }
  }
  return true;
}
