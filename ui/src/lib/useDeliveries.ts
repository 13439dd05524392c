// The live, windowed list: reads the rows the view shows, follows the stream, and counts what
// arrived since the list was read.

import { useCallback, useEffect, useRef, useState } from "react";
import type { DeliverySummary } from "../api/types.gen";
import type { StreamEvent, StreamStatus, Transport } from "../api/transport";
import type { Filters } from "./filters";
import { CHUNK, RowCache, chunksFor } from "./listWindow";

export interface DeliveryList {
  /** Set when a fresh first page arrived and is not yet on screen (see `markPainted`). */
  paintPending: { current: boolean };
  /** Rows in the list (below the anchor); null until the first read. */
  total: number | null;
  /** Under a free-text search, counting stopped at `total`: more match. */
  capped: boolean;
  row(index: number): DeliverySummary | undefined;
  indexOf(id: number): number;
  /** Asks for the rows `start..=end`; they arrive with a re-render. */
  want(start: number, end: number): void;
  /** Deliveries matching the filters that arrived since the list was read. */
  fresh: number;
  /** Re-reads the list from the newest delivery. */
  refresh(): void;
  status: StreamStatus;
  error: string | null;
  /** Bumped on every change, for memoized children. */
  version: number;
}

/**
 * `atTop()` says whether the reader is at the top of the list, where new rows may appear
 * without moving what they read. `onEvent` sees every stream event too; it is not a state, so
 * a burst of deliveries does not re-render the page once per delivery.
 */
export function useDeliveries(
  transport: Transport,
  filters: Filters,
  atTop: () => boolean,
  onEvent?: (event: StreamEvent) => void,
): DeliveryList {
  const cache = useRef(new RowCache());
  const anchor = useRef<number | null>(null);
  const generation = useRef(0);
  const paintPending = useRef(false);
  const [total, setTotal] = useState<number | null>(null);
  const [capped, setCapped] = useState(false);
  const [fresh, setFresh] = useState(0);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const bump = useCallback(() => setVersion((v) => v + 1), []);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  /** Reads rows of the current list (from the anchor's row down) into the cache. */
  const readChunk = useCallback(
    async (chunk: number) => {
      const gen = generation.current;
      // No anchor: the list was empty when read, so it has no rows below to read.
      if (!anchor.current) return;
      cache.current.start(chunk);
      try {
        const page = await transport.list(filtersRef.current, {
          limit: CHUNK,
          through: anchor.current,
          offset: chunk * CHUNK,
        });
        if (gen !== generation.current) return;
        cache.current.put(chunk, page.items);
        setError(null);
        bump();
      } catch (e) {
        if (gen !== generation.current) return;
        cache.current.fail(chunk);
        setError((e as Error).message);
      }
    },
    [transport, bump],
  );

  /**
   * Reads the list again from the newest delivery. The rows shown stay until the new first
   * chunk is in, so a refresh never flashes.
   */
  const refresh = useCallback(async () => {
    const gen = ++generation.current;
    try {
      const page = await transport.list(filtersRef.current, { limit: CHUNK, total: true });
      if (gen !== generation.current) return;
      // For `cargo xtask bench`: from here to the rows on screen is the UI's own cost.
      performance.mark("hookscope:list-response");
      paintPending.current = true;
      anchor.current = page.items[0]?.id ?? 0;
      cache.current.clear();
      cache.current.put(0, page.items);
      setTotal(page.total ?? page.items.length);
      setCapped(page.total_capped === true);
      setFresh(0);
      setError(null);
      bump();
    } catch (e) {
      if (gen !== generation.current) return;
      setError((e as Error).message);
    }
  }, [transport, bump]);

  // A new filter is a new list.
  const key = JSON.stringify(filters);
  useEffect(() => {
    cache.current.clear();
    anchor.current = null;
    setTotal(null);
    void refresh();
  }, [key, refresh]);

  // Counting what arrived, and refreshing at the top, at most a few times a second.
  const pendingCount = useRef<number | null>(null);
  const countFresh = useCallback(() => {
    if (pendingCount.current !== null) return;
    pendingCount.current = window.setTimeout(async () => {
      pendingCount.current = null;
      if (atTop()) {
        void refresh();
        return;
      }
      if (anchor.current === null) return;
      try {
        // Above the anchor's row; everything, when the list was empty.
        const page = await transport.list(filtersRef.current, {
          limit: 1,
          after: anchor.current || undefined,
          total: true,
        });
        setFresh(page.total ?? 0);
      } catch {
        // The next event retries.
      }
    }, 250);
  }, [atTop, refresh, transport]);

  useEffect(
    () => () => {
      if (pendingCount.current !== null) window.clearTimeout(pendingCount.current);
    },
    [],
  );

  useEffect(() => {
    return transport.subscribe((event) => {
      onEventRef.current?.(event);
      switch (event.type) {
        case "delivery":
          // Whether it belongs to this list is the core's to say: the count asks it.
          countFresh();
          break;
        case "answered":
          if (
            cache.current.update(event.id, (r) => ({
              ...r,
              handler: event.handler,
              response_status: event.response_status ?? r.response_status,
            }))
          )
            bump();
          if (filtersRef.current.handler) countFresh();
          break;
        case "pinned":
          if (cache.current.update(event.id, (r) => ({ ...r, pinned: event.pinned }))) bump();
          if (filtersRef.current.pinned) void refresh();
          break;
        case "deleted":
          if (cache.current.indexOf(event.id) >= 0 || filtersRef.current.q) void refresh();
          break;
        case "progress":
          if (event.done === event.total) void refresh();
          break;
        case "ready":
          // Live from here on: what committed before, even between the first read and this
          // (a delivery posted as the page opened), or while the stream was down, is read again.
          void refresh();
          break;
        case "cleared":
        case "pruned":
        case "lagged":
          void refresh();
          break;
      }
    }, setStatus);
  }, [transport, countFresh, refresh, bump]);

  // Rows are read for the latest range in view, one batch at a time: a fling through the list
  // does not queue reads for rows already scrolled past.
  const wanted = useRef<[number, number]>([0, -1]);
  const reading = useRef(false);
  const totalRef = useRef(total);
  totalRef.current = total;
  const pump = useCallback(() => {
    if (reading.current || totalRef.current === null) return;
    const [start, end] = wanted.current;
    const chunks = chunksFor(start, end, totalRef.current);
    if (chunks.length > 0) cache.current.trim(chunks[0]!);
    const missing = chunks.filter((c) => !cache.current.has(c));
    if (missing.length === 0) return;
    reading.current = true;
    void Promise.all(missing.map((c) => readChunk(c))).finally(() => {
      reading.current = false;
      pump();
    });
  }, [readChunk]);
  const want = useCallback(
    (start: number, end: number) => {
      wanted.current = [start, end];
      pump();
    },
    [pump],
  );
  useEffect(() => pump(), [total, version, pump]);

  return {
    paintPending,
    total,
    capped,
    row: (i) => cache.current.row(i),
    indexOf: (id) => cache.current.indexOf(id),
    want,
    fresh,
    refresh: () => void refresh(),
    status,
    error,
    version,
  };
}
