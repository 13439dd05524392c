// The one module that talks to the core. Components get a `Transport` from context and never
// call `fetch`, `EventSource` or Tauri's `invoke` themselves. The browser build uses HTTP + SSE
// against `hookscope serve`'s control API; the desktop shell can supply another implementation
// of the same interface.

import type {
  Attempt,
  BulkOptions,
  CaptureStatus,
  DeliveryDetail,
  DesktopConfig,
  DesktopSettings,
  EditedRequest,
  EndpointConfig,
  Facets,
  Page,
  ReplayJob,
  ReplayOptions,
  SampleRequest,
  SampleSent,
  ServerInfo,
  Settings,
  StoreEvent,
  VendorProfile,
} from "./types.gen";
import { type Filters, filterParams } from "../lib/filters";

/// Where a page of the list starts: below an anchor id, skipping `offset` rows; or what came
/// after an id.
export interface Window {
  limit: number;
  before?: number;
  after?: number;
  offset?: number;
  total?: boolean;
}

/// An event on the live stream: the store's own events, plus the stream's state.
export type StreamEvent =
  | StoreEvent
  | { type: "lagged"; missed: number }
  | { type: "ready" };

export type StreamStatus = "connecting" | "live" | "offline";

export interface Transport {
  info(): Promise<ServerInfo>;
  list(filters: Filters, window: Window): Promise<Page>;
  facets(filters: Filters): Promise<Facets>;
  get(id: number): Promise<DeliveryDetail>;
  remove(id: number): Promise<void>;
  clear(): Promise<number>;
  setPinned(id: number, pinned: boolean): Promise<void>;
  /// The body bytes exactly as stored.
  raw(id: number): Promise<Blob>;
  endpoints(): Promise<EndpointConfig[]>;
  saveEndpoints(items: EndpointConfig[]): Promise<EndpointConfig[]>;
  vendors(): Promise<VendorProfile[]>;
  settings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<Settings>;
  /// A sample to this instance's capture listener, or with `to` a signed test event to a handler.
  sendSample(request?: SampleRequest): Promise<SampleSent>;
  /// Every vendor and event a sample can be made of.
  sampleCatalog(): Promise<SampleEvent[]>;
  /// Sends a stored delivery again (edited first when `edited` is given); the stored attempt,
  /// which carries the target's answer or why there was none.
  replay(id: number, options: ReplayOptions, edited?: EditedRequest): Promise<Attempt>;
  /// The attempts made from a delivery, newest first.
  attempts(id: number): Promise<Attempt[]>;
  /// Starts replaying the deliveries the filters select, oldest first; progress arrives as
  /// `replay` stream events.
  startReplay(filters: Filters, start: StartReplay): Promise<ReplayJob>;
  /// Bulk replays running or recently finished, newest first.
  replayJobs(): Promise<ReplayJob[]>;
  /// Stops a bulk replay from starting more requests.
  cancelReplay(job: number): Promise<ReplayJob>;
  /// The deliveries the filters select, oldest first, as HAR or JSON Lines: a file to download
  /// (browser), or where it was saved (desktop: the Downloads folder).
  exportSet(filters: Filters, format: ExportFormat): Promise<ExportResult>;
  /// Stores the deliveries of a HAR or JSON Lines file as imported.
  importFile(data: ArrayBuffer): Promise<ImportResult>;
  /// Calls `onEvent` for each change as it commits; returns the unsubscribe function.
  subscribe(
    onEvent: (event: StreamEvent) => void,
    onStatus: (status: StreamStatus) => void,
  ): () => void;
  /// What only the desktop app has: its own settings, moving the capture listener, the menu.
  desktop?: DesktopBridge;
}

/// What starts a bulk replay: where and how to send, and how fast.
export type StartReplay = ReplayOptions & Partial<BulkOptions>;

/// A vendor's event that a sample or test event can be made of.
export interface SampleEvent {
  vendor: string;
  event: string;
}

export type ExportFormat = "har" | "jsonl";
export type ExportResult = { blob: Blob; name: string } | { savedTo: string };
export interface ImportResult {
  imported: number;
  ids: number[];
}

/// The desktop app's extras over the browser build.
export interface DesktopBridge {
  /// Moves the capture listener to a port or IP:PORT, and remembers it.
  moveCapture(addr: string): Promise<CaptureStatus>;
  settings(): Promise<DesktopSettings>;
  saveSettings(settings: DesktopConfig): Promise<DesktopSettings>;
  /// Calls back on each change of the capture listener's state.
  onCapture(callback: (status: CaptureStatus) => void): () => void;
  /// Calls back with the id of each native menu item the page handles.
  onMenu(callback: (item: string) => void): () => void;
}

/// An error the API answered with, carrying its message (`{"error": "..."}`) and status.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/// The query string for a list or facets request.
export function listQuery(filters: Filters, window?: Window): string {
  const params = filterParams(filters);
  if (window) {
    params.set("limit", String(window.limit));
    if (window.before !== undefined) params.set("before", String(window.before));
    if (window.after !== undefined) params.set("after", String(window.after));
    if (window.offset) params.set("offset", String(window.offset));
    if (window.total) params.set("total", "true");
  }
  return params.toString();
}

type Fetch = typeof fetch;

/// The HTTP + SSE transport. `base` is the API's origin ("" for the page's own), `token` the API
/// token.
export function httpTransport(
  base: string,
  token: string,
  fetchImpl: Fetch = (...args) => fetch(...args),
  EventSourceImpl: typeof EventSource | undefined = globalThis.EventSource,
): Transport {
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    // A Blob goes as it is (a file to import); anything else as JSON.
    const raw = body instanceof Blob;
    if (body !== undefined) headers["Content-Type"] = raw ? "application/octet-stream" : "application/json";
    let response: Response;
    try {
      response = await fetchImpl(`${base}/api${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : raw ? (body as Blob) : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, `Hookscope is not reachable (${(e as Error).message}); is it running?`);
    }
    if (!response.ok) {
      let message = `${method} ${path}: HTTP ${response.status}`;
      try {
        const json = (await response.json()) as { error?: string };
        if (json.error) message = json.error;
      } catch {
        // Not JSON: keep the status line.
      }
      throw new ApiError(response.status, message);
    }
    return response;
  }
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
    (await (await call(method, path, body)).json()) as T;

  return {
    info: () => json<ServerInfo>("GET", ""),
    list: (filters, window) => json<Page>("GET", `/deliveries?${listQuery(filters, window)}`),
    facets: (filters) => json<Facets>("GET", `/facets?${listQuery(filters)}`),
    get: (id) => json<DeliveryDetail>("GET", `/deliveries/${id}`),
    remove: async (id) => {
      await call("DELETE", `/deliveries/${id}`);
    },
    clear: async () => (await json<{ deleted: number }>("DELETE", "/deliveries")).deleted,
    setPinned: async (id, pinned) => {
      await call("PUT", `/deliveries/${id}/pin`, { pinned });
    },
    raw: async (id) => (await call("GET", `/deliveries/${id}/raw`)).blob(),
    endpoints: async () => (await json<{ items: EndpointConfig[] }>("GET", "/endpoints")).items,
    saveEndpoints: async (items) =>
      (await json<{ items: EndpointConfig[] }>("PUT", "/endpoints", { items })).items,
    vendors: async () => (await json<{ items: VendorProfile[] }>("GET", "/vendors")).items,
    settings: () => json<Settings>("GET", "/settings"),
    saveSettings: (settings) => json<Settings>("PUT", "/settings", settings),
    sendSample: (request) => json<SampleSent>("POST", "/samples", request ?? {}),
    sampleCatalog: async () => (await json<{ items: SampleEvent[] }>("GET", "/samples")).items,
    replay: (id, options, edited) =>
      json<Attempt>("POST", `/deliveries/${id}/replay`, edited ? { ...options, edited } : options),
    attempts: async (id) => (await json<{ items: Attempt[] }>("GET", `/deliveries/${id}/attempts`)).items,
    startReplay: (filters, start) => json<ReplayJob>("POST", `/replays?${listQuery(filters)}`, start),
    replayJobs: async () => (await json<{ items: ReplayJob[] }>("GET", "/replays")).items,
    cancelReplay: (job) => json<ReplayJob>("DELETE", `/replays/${job}`),
    exportSet: async (filters, format) => {
      const query = filterParams(filters);
      query.set("format", format);
      const blob = await (await call("GET", `/export?${query}`)).blob();
      return { blob, name: `hookscope-export.${format}` };
    },
    importFile: async (data) => {
      const r = await call("POST", "/import", new Blob([data]));
      return (await r.json()) as ImportResult;
    },
    subscribe(onEvent, onStatus) {
      if (!EventSourceImpl) {
        onStatus("offline");
        return () => {};
      }
      onStatus("connecting");
      const source = new EventSourceImpl(
        `${base}/api/stream?token=${encodeURIComponent(token)}`,
      );
      const names = ["delivery", "deleted", "cleared", "pinned", "pruned", "progress", "replay", "lagged"];
      const handle = (name: string) => (e: MessageEvent<string>) => {
        try {
          const data = JSON.parse(e.data) as Record<string, unknown>;
          onEvent({ type: name, ...data } as StreamEvent);
        } catch {
          // A malformed event is skipped; the next one is independent.
        }
      };
      for (const name of names) source.addEventListener(name, handle(name) as EventListener);
      source.addEventListener("ready", () => {
        onStatus("live");
        onEvent({ type: "ready" });
      });
      // EventSource reconnects by itself; say so while it does.
      source.onerror = () => onStatus(source.readyState === 2 ? "offline" : "connecting");
      return () => source.close();
    },
  };
}

const TOKEN_KEY = "hookscope.token";

/// The API token: from the page's `?token=` on the first visit (then removed from the address
/// bar, so it is not bookmarked or shared with a view), else from this tab's storage.
export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete("token");
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}
