// The list as the virtualized view sees it: `total` rows, newest first, fetched in chunks as they
// scroll into view. The rows are anchored at the newest id seen when the list was read: deliveries
// that arrive later do not shift the rows under a reader; they are counted, and a refresh (at the
// top, or from the "N new" pill) moves the anchor up.

import type { DeliverySummary } from "../api/types.gen";

export const CHUNK = 100;

/** The chunks covering rows `start..=end` (inclusive), as chunk numbers. */
export function chunksFor(start: number, end: number, total: number): number[] {
  if (total <= 0 || end < start) return [];
  const last = Math.min(end, total - 1);
  const out: number[] = [];
  for (let c = Math.floor(Math.max(0, start) / CHUNK); c <= Math.floor(last / CHUNK); c++) {
    out.push(c);
  }
  return out;
}

/** Rows already read, by chunk. */
export class RowCache {
  private chunks = new Map<number, DeliverySummary[]>();
  /** Chunks being read, so that a scroll does not ask twice. */
  private pending = new Set<number>();

  row(index: number): DeliverySummary | undefined {
    return this.chunks.get(Math.floor(index / CHUNK))?.[index % CHUNK];
  }

  has(chunk: number): boolean {
    return this.chunks.has(chunk) || this.pending.has(chunk);
  }

  start(chunk: number): void {
    this.pending.add(chunk);
  }

  put(chunk: number, rows: DeliverySummary[]): void {
    this.pending.delete(chunk);
    this.chunks.set(chunk, rows);
  }

  fail(chunk: number): void {
    this.pending.delete(chunk);
  }

  /** The index of a delivery among the rows read, or -1. */
  indexOf(id: number): number {
    for (const [chunk, rows] of this.chunks) {
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) return chunk * CHUNK + i;
    }
    return -1;
  }

  /** Applies `change` to the cached row of delivery `id`; `true` when it was cached. */
  update(id: number, change: (row: DeliverySummary) => DeliverySummary): boolean {
    for (const rows of this.chunks.values()) {
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) {
        rows[i] = change(rows[i]!);
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.chunks.clear();
    this.pending.clear();
  }

  /** Keeps memory bounded on a long scroll: forgets chunks far from `keep`. */
  trim(keep: number, radius = 20): void {
    for (const chunk of this.chunks.keys()) {
      if (Math.abs(chunk - keep) > radius) this.chunks.delete(chunk);
    }
  }
}
