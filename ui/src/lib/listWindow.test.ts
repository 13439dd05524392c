import { describe, expect, it } from "vitest";
import type { DeliverySummary } from "../api/types.gen";
import { CHUNK, RowCache, chunksFor } from "./listWindow";

const rows = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: from - i, pinned: false }) as DeliverySummary);

describe("list windows", () => {
  it("names the chunks a visible range needs, within the total", () => {
    expect(chunksFor(0, 30, 1000)).toEqual([0]);
    expect(chunksFor(90, 210, 1000)).toEqual([0, 1, 2]);
    expect(chunksFor(950, 1200, 1000)).toEqual([9]);
    expect(chunksFor(0, 10, 0)).toEqual([]);
  });

  it("serves rows by index once their chunk is read", () => {
    const cache = new RowCache();
    expect(cache.row(5)).toBeUndefined();
    cache.start(1);
    expect(cache.has(1)).toBe(true);
    cache.put(1, rows(900, CHUNK));
    expect(cache.row(CHUNK)?.id).toBe(900);
    expect(cache.row(CHUNK + 5)?.id).toBe(895);
    expect(cache.indexOf(895)).toBe(CHUNK + 5);
    expect(cache.indexOf(1)).toBe(-1);
  });

  it("updates a cached row in place and forgets far chunks", () => {
    const cache = new RowCache();
    cache.put(0, rows(100, CHUNK));
    cache.put(50, rows(50, CHUNK));
    expect(cache.update(99, (r) => ({ ...r, pinned: true }))).toBe(true);
    expect(cache.row(1)?.pinned).toBe(true);
    expect(cache.update(12345, (r) => r)).toBe(false);
    cache.trim(0);
    expect(cache.has(50)).toBe(false);
    expect(cache.has(0)).toBe(true);
  });
});
