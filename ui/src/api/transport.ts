// The one module that talks to the core. Components get a `Transport` from context and never
// call `fetch`, `EventSource` or Tauri's `invoke` themselves. The browser build uses HTTP + SSE
// against `hookscope serve`'s control API; the desktop shell can supply another implementation
// of the same interface.

import type {
  Attempt,
  CaptureStatus,
  CheckRun,
  CheckSummary,
  CurlCommand,
  Deleted,
  DeliveryDetail,
  DeliveryDiff,
  DesktopConfig,
  DesktopSettings,
  EditedRequest,
  EndpointConfig,
  EndpointsSaved,
  ErrorBody,
  Facets,
  ImportRequest,
  ImportResult,
  Items,
  LearnedSchema,
  Page,
  PathMode,
  ReplayJob,
  ReplayOptions,
  RuleSources,
  RuleTrial,
  RulesChecked,
  RulesInForce,
  SampleEvent,
  SampleRequest,
  SampleSent,
  SchemaSummary,
  ServerInfo,
  SpecImported,
  StartCheck,
  StartReplay,
  StreamEvent,
  TryRules,
  UiSettings,
  VendorProfile,
  VendorRemoved,
} from "./types.gen";
import { type Filters, filterParams } from "../lib/filters";

/**
 * Where a page of the list starts, in receive order: below (`before`) or at (`through`) the row
 * of an anchor id, skipping `offset` rows; or what came after an anchor's row.
 */
export interface Window {
  limit: number;
  before?: number;
  through?: number;
  after?: number;
  offset?: number;
  total?: boolean;
}

export type { StreamEvent };

/** What a learned schema is written as for a handler. */
export type SchemaFormat = "json-schema" | "typescript" | "zod";

export type StreamStatus = "connecting" | "live" | "offline";

export interface Transport {
  info(): Promise<ServerInfo>;
  list(filters: Filters, window: Window): Promise<Page>;
  facets(filters: Filters): Promise<Facets>;
  getDelivery(id: number): Promise<DeliveryDetail>;
  deleteDelivery(id: number): Promise<void>;
  /** Deletes every delivery; how many there were. */
  deleteAll(): Promise<number>;
  setPinned(id: number, pinned: boolean): Promise<void>;
  /** The body bytes exactly as stored. */
  rawBody(id: number): Promise<Blob>;
  /**
   * The core's cURL command that sends a delivery again to `to` under `path` (default `full`: the
   * target followed by the delivery's path and query), byte-exact.
   */
  curl(id: number, to: string, path?: PathMode): Promise<CurlCommand>;
  /**
   * What changed from another delivery to `id`: `with` an id, `previous` (of its type) or `first`
   * (of its event); by default the first when it repeats one, else the previous. Volatile fields
   * (ids, timestamps, signatures) are counted, and listed only with `volatile`.
   */
  diff(id: number, options?: { with?: number | "previous" | "first"; volatile?: boolean }): Promise<DeliveryDiff>;
  /** Every event type whose schema was learned from the deliveries. */
  schemas(): Promise<SchemaSummary[]>;
  /** One event type's learned schema: its fields and JSON Schema. */
  schema(vendor: string, eventType: string): Promise<LearnedSchema>;
  /** One event type's learned schema as a file's text: JSON Schema, TypeScript or Zod. */
  schemaAs(vendor: string, eventType: string, format: SchemaFormat): Promise<string>;
  endpoints(): Promise<EndpointConfig[]>;
  saveEndpoints(items: EndpointConfig[]): Promise<EndpointConfig[]>;
  /** The rules in force (global and each endpoint's) and when they were put in force. */
  rules(): Promise<RulesInForce>;
  /** Writes the rules to the config file and puts them in force; refused naming a rule's problem. */
  saveRules(rules: RuleSources): Promise<RulesInForce>;
  /** Each rule's problem (the key at fault and why), for rules being edited. */
  checkRules(rules: RuleSources): Promise<RulesChecked>;
  /** Reads the config file's rules again and puts them in force. */
  reloadRules(): Promise<RulesInForce>;
  /** What the rules in force (or `request.rules`) would do with a stored delivery; nothing is sent. */
  tryRules(request: TryRules): Promise<RuleTrial>;
  vendors(): Promise<VendorProfile[]>;
  /**
   * Makes a vendor profile from its OpenAPI 3.1 or AsyncAPI description (the document's text,
   * JSON or YAML): written to the data directory and in force for the next delivery.
   */
  importSpec(text: string, request?: ImportRequest): Promise<SpecImported>;
  /** Removes a profile of the user's (one imported); a built-in one it extended is in force again. */
  removeVendor(id: string): Promise<VendorRemoved>;
  settings(): Promise<UiSettings>;
  saveSettings(settings: UiSettings): Promise<UiSettings>;
  /** A sample to this instance's capture listener, or with `to` a signed test event to a handler. */
  sendSample(request?: SampleRequest): Promise<SampleSent>;
  /** Every vendor and event a sample can be made of. */
  sampleCatalog(): Promise<SampleEvent[]>;
  /**
   * Sends a stored delivery again (edited first when `edited` is given); the stored attempt,
   * which carries the target's answer or why there was none.
   */
  replayDelivery(id: number, options: ReplayOptions, edited?: EditedRequest): Promise<Attempt>;
  /** The attempts made from a delivery, newest first. */
  attempts(id: number): Promise<Attempt[]>;
  /**
   * Starts replaying the deliveries the filters select, oldest first; progress arrives as
   * `replay` stream events.
   */
  startReplay(filters: Filters, start: StartReplay): Promise<ReplayJob>;
  /** Bulk replays running or recently finished, newest first. */
  replayJobs(): Promise<ReplayJob[]>;
  /** Stops a bulk replay from starting more requests. */
  cancelReplay(job: number): Promise<ReplayJob>;
  /**
   * Starts grading a webhook handler the way its vendor will treat it; progress arrives as
   * `check` stream events.
   */
  startCheck(start: StartCheck): Promise<CheckSummary>;
  /** Past and running handler checks, newest first. */
  checkRuns(): Promise<CheckSummary[]>;
  /** One check run with its report, compared with the run before against the same handler. */
  checkRun(id: number): Promise<CheckRun>;
  /** Stops a running check at once; it ends cancelled with the probes graded so far. */
  cancelCheck(id: number): Promise<CheckSummary>;
  /** Deletes a check run and its probes' attempts. */
  deleteCheck(id: number): Promise<void>;
  /** One stored attempt: a replay, forward, test send or check probe. */
  attempt(id: number): Promise<Attempt>;
  /**
   * The deliveries the filters select, oldest first, as HAR or JSON Lines: a file to download
   * (browser), or where it was saved (desktop: the Downloads folder).
   */
  /**
   * Exports what the filters select, or only `ids` (one delivery, to share it); a cURL script
   * aims at `to` when given, else at the URL each delivery was sent to.
   */
  export(filters: Filters, format: ExportFormat, only?: ExportOnly): Promise<ExportResult>;
  /** Stores the deliveries of a HAR or JSON Lines file as imported. */
  import(data: ArrayBuffer): Promise<ImportResult>;
  /** Calls `onEvent` for each change as it commits; returns the unsubscribe function. */
  subscribe(onEvent: (event: StreamEvent) => void, onStatus: (status: StreamStatus) => void): () => void;
  /** What only the desktop app has: its own settings, moving the capture listener, the menu. */
  desktop?: DesktopBridge;
}

export type { CheckRun, CheckSummary, ImportResult, SampleEvent, StartCheck, StartReplay };

export type ExportFormat = "har" | "jsonl" | "curl";
export interface ExportOnly {
  ids?: number[];
  to?: string;
}

/** The export's query string: the filters, or `ids`, and cURL's target; the same on both transports. */
export function exportQuery(filters: Filters, only?: ExportOnly): URLSearchParams {
  const query = only?.ids ? new URLSearchParams() : filterParams(filters);
  if (only?.ids) query.set("ids", only.ids.join(","));
  if (only?.to) query.set("to", only.to);
  return query;
}

/** A downloaded export's file name. */
export function exportName(format: ExportFormat, only?: ExportOnly): string {
  const what = only?.ids?.length === 1 ? `delivery-${only.ids[0]}` : "hookscope-export";
  return `${what}.${format === "curl" ? "sh" : format}`;
}
export type ExportResult = { blob: Blob; name: string } | { savedTo: string };

/** The desktop app's extras over the browser build. */
export interface DesktopBridge {
  /** Moves the capture listener to a port or IP:PORT, and remembers it. */
  moveCapture(addr: string): Promise<CaptureStatus>;
  settings(): Promise<DesktopSettings>;
  saveSettings(settings: DesktopConfig): Promise<DesktopSettings>;
  /** Calls back on each change of the capture listener's state. */
  onCapture(callback: (status: CaptureStatus) => void): () => void;
  /** Calls back with the id of each native menu item the page handles. */
  onMenu(callback: (item: string) => void): () => void;
}

/** An error the API answered with, carrying its message (`{"error": "..."}`) and status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The query string for a list or facets request. */
export function listQuery(filters: Filters, window?: Window): string {
  const params = filterParams(filters);
  if (window) {
    params.set("limit", String(window.limit));
    if (window.before !== undefined) params.set("before", String(window.before));
    if (window.through !== undefined) params.set("through", String(window.through));
    if (window.after !== undefined) params.set("after", String(window.after));
    if (window.offset) params.set("offset", String(window.offset));
    if (window.total) params.set("total", "true");
  }
  return params.toString();
}

type Fetch = typeof fetch;

/**
 * The HTTP + SSE transport. `base` is the API's origin ("" for the page's own), `token` the API
 * token, or `null` when the browser is signed in by its session cookie (which the page cannot
 * read, and sends by itself).
 */
export function httpTransport(
  base: string,
  token: string | null,
  fetchImpl: Fetch = (...args) => fetch(...args),
  EventSourceImpl: typeof EventSource | undefined = globalThis.EventSource,
): Transport {
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = token === null ? {} : { Authorization: `Bearer ${token}` };
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
        const json = (await response.json()) as Partial<ErrorBody>;
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
    getDelivery: (id) => json<DeliveryDetail>("GET", `/deliveries/${id}`),
    deleteDelivery: async (id) => {
      await call("DELETE", `/deliveries/${id}`);
    },
    deleteAll: async () => (await json<Deleted>("DELETE", "/deliveries")).deleted,
    setPinned: async (id, pinned) => {
      await call("PUT", `/deliveries/${id}/pin`, { pinned });
    },
    rawBody: async (id) => (await call("GET", `/deliveries/${id}/raw`)).blob(),
    curl: (id, to, path = "full") =>
      json<CurlCommand>("GET", `/deliveries/${id}/curl?${new URLSearchParams({ to, path })}`),
    diff: (id, options = {}) => {
      const q = new URLSearchParams();
      if (options.with !== undefined) q.set("with", String(options.with));
      if (options.volatile) q.set("volatile", "true");
      return json<DeliveryDiff>("GET", `/deliveries/${id}/diff?${q}`);
    },
    schemas: async () => (await json<Items<SchemaSummary>>("GET", "/schemas")).items,
    schema: (vendor, eventType) =>
      json<LearnedSchema>("GET", `/schemas/${encodeURIComponent(vendor)}/${encodeURIComponent(eventType)}`),
    schemaAs: async (vendor, eventType, format) =>
      (
        await call("GET", `/schemas/${encodeURIComponent(vendor)}/${encodeURIComponent(eventType)}?format=${format}`)
      ).text(),
    endpoints: async () => (await json<Items<EndpointConfig>>("GET", "/endpoints")).items,
    saveEndpoints: async (items) => (await json<EndpointsSaved>("PUT", "/endpoints", { items })).items,
    rules: () => json<RulesInForce>("GET", "/rules"),
    saveRules: (rules) => json<RulesInForce>("PUT", "/rules", rules),
    checkRules: (rules) => json<RulesChecked>("POST", "/rules/check", rules),
    reloadRules: () => json<RulesInForce>("POST", "/rules/reload"),
    tryRules: (request) => json<RuleTrial>("POST", "/rules/try", request),
    vendors: async () => (await json<Items<VendorProfile>>("GET", "/vendors")).items,
    importSpec: async (text, request = {}) => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(request)) if (value) query.set(key, value);
      const suffix = query.size ? `?${query}` : "";
      const r = await call("POST", `/vendors/import-spec${suffix}`, new Blob([text]));
      return (await r.json()) as SpecImported;
    },
    removeVendor: (id) => json<VendorRemoved>("DELETE", `/vendors/${encodeURIComponent(id)}`),
    settings: () => json<UiSettings>("GET", "/settings"),
    saveSettings: (settings) => json<UiSettings>("PUT", "/settings", settings),
    sendSample: (request) => json<SampleSent>("POST", "/samples", request ?? {}),
    sampleCatalog: async () => (await json<Items<SampleEvent>>("GET", "/samples")).items,
    replayDelivery: (id, options, edited) =>
      json<Attempt>("POST", `/deliveries/${id}/replay`, edited ? { ...options, edited } : options),
    attempts: async (id) => (await json<Items<Attempt>>("GET", `/deliveries/${id}/attempts`)).items,
    startReplay: (filters, start) => json<ReplayJob>("POST", `/replays?${listQuery(filters)}`, start),
    replayJobs: async () => (await json<Items<ReplayJob>>("GET", "/replays")).items,
    cancelReplay: (job) => json<ReplayJob>("DELETE", `/replays/${job}`),
    startCheck: (start) => json<CheckSummary>("POST", "/checks", start),
    checkRuns: async () => (await json<Items<CheckSummary>>("GET", "/checks")).items,
    checkRun: (id) => json<CheckRun>("GET", `/checks/${id}`),
    cancelCheck: (id) => json<CheckSummary>("POST", `/checks/${id}/cancel`),
    deleteCheck: async (id) => {
      await call("DELETE", `/checks/${id}`);
    },
    attempt: (id) => json<Attempt>("GET", `/attempts/${id}`),
    export: async (filters, format, only) => {
      const query = exportQuery(filters, only);
      query.set("format", format);
      const blob = await (await call("GET", `/export?${query}`)).blob();
      return { blob, name: exportName(format, only) };
    },
    import: async (data) => {
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
        token === null ? `${base}/api/stream` : `${base}/api/stream?token=${encodeURIComponent(token)}`,
      );
      // Every event is an unnamed message whose JSON carries its `type`, the same shape the
      // desktop app's window events have; `ready` comes first.
      source.onmessage = (e: MessageEvent<string>) => {
        let event: StreamEvent;
        try {
          event = JSON.parse(e.data) as StreamEvent;
        } catch {
          return; // A malformed event is skipped; the next one is independent.
        }
        if (event.type === "ready") onStatus("live");
        onEvent(event);
      };
      // EventSource reconnects by itself; say so while it does.
      source.onerror = () => onStatus(source.readyState === 2 ? "offline" : "connecting");
      return () => source.close();
    },
  };
}

/** Where versions before the session cookie kept the token; cleared on load. */
const OLD_TOKEN_KEY = "hookscope.token";

/**
 * The API token, when the page's address still carries one (`?token=`: the served UI exchanges it
 * for the session cookie before the page loads, so only a page served elsewhere, as by `npm run
 * dev`, sees it). It is removed from the address bar and kept in memory only, never in storage;
 * `null` means the session cookie signs the requests in. A token an older version left in storage
 * is removed.
 */
export function takeToken(location: Location, history: History, storage: Storage): string | null {
  storage.removeItem(OLD_TOKEN_KEY);
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    url.searchParams.delete("token");
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return null;
}

/** Whether the page was opened from a sign-in link that was spent or wrong (`?signin=expired`). */
export function signInExpired(location: Location): boolean {
  return new URL(location.href).searchParams.get("signin") === "expired";
}
