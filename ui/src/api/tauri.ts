// The desktop transport: the same `Transport` over Tauri commands and events instead of HTTP and
// SSE. Each command is an adapter over the same core function as the matching API route, and
// list filters travel as the same query string, so the two builds cannot drift.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { ApiError, type StreamEvent, type Transport, exportQuery, listQuery } from "./transport";
import type {
  Attempt,
  CaptureStatus,
  CheckRun,
  CheckSummary,
  CurlCommand,
  Deleted,
  DeliveryDetail,
  DeliveryDiff,
  DesktopSettings,
  EndpointConfig,
  EndpointsSaved,
  Facets,
  ImportResult,
  Items,
  LearnedSchema,
  Page,
  ReplayJob,
  RuleTrial,
  RulesChecked,
  RulesInForce,
  SampleEvent,
  SampleSent,
  SchemaSummary,
  ServerInfo,
  SpecImported,
  Startup,
  UiSettings,
  VendorProfile,
  VendorRemoved,
} from "./types.gen";

type Invoke = <T>(command: string, args?: Record<string, unknown> | ArrayBuffer) => Promise<T>;
type Listen = <T>(event: string, handler: (event: { payload: T }) => void) => Promise<UnlistenFn>;

/** A failed command's error, `{status, message}` from the core, as an `ApiError`. */
export function commandError(e: unknown): ApiError {
  if (e && typeof e === "object" && "message" in e) {
    const { status, message } = e as { status?: number; message: unknown };
    return new ApiError(typeof status === "number" ? status : 500, String(message));
  }
  return new ApiError(500, String(e));
}

/** Subscribes with `listen` and returns a synchronous unsubscribe, as the interface wants. */
function subscription<T>(on: Listen, event: string, handler: (payload: T) => void, ready?: () => void) {
  let stop: UnlistenFn | null = null;
  let stopped = false;
  on<T>(event, (e) => handler(e.payload)).then(
    (unlisten) => {
      if (stopped) unlisten();
      else {
        stop = unlisten;
        ready?.();
      }
    },
    () => {},
  );
  return () => {
    stopped = true;
    stop?.();
  };
}

export function tauriTransport(invokeImpl: Invoke = invoke, listenImpl: Listen = listen): Transport {
  const call = async <T>(command: string, args?: Record<string, unknown> | ArrayBuffer): Promise<T> => {
    try {
      return await invokeImpl<T>(command, args);
    } catch (e) {
      throw commandError(e);
    }
  };
  return {
    info: () => call<ServerInfo>("info"),
    list: (filters, window) => call<Page>("list", { query: listQuery(filters, window) }),
    facets: (filters) => call<Facets>("facets", { query: listQuery(filters) }),
    getDelivery: (id) => call<DeliveryDetail>("get_delivery", { id }),
    deleteDelivery: (id) => call<void>("delete_delivery", { id }),
    deleteAll: async () => (await call<Deleted>("delete_all")).deleted,
    setPinned: (id, pinned) => call<void>("set_pinned", { id, pinned }),
    rawBody: async (id) => new Blob([await call<ArrayBuffer>("raw_body", { id })]),
    curl: (id, to, path = "full") => call<CurlCommand>("curl", { id, to, path }),
    diff: (id, options = {}) =>
      call<DeliveryDiff>("diff", {
        id,
        with: options.with === undefined ? null : String(options.with),
        volatile: options.volatile ?? false,
      }),
    schemas: async () => (await call<Items<SchemaSummary>>("schemas")).items,
    schema: (vendor, eventType) => call<LearnedSchema>("schema", { vendor, eventType }),
    schemaAs: (vendor, eventType, format) => call<string>("schema_as", { vendor, eventType, format }),
    endpoints: async () => (await call<Items<EndpointConfig>>("endpoints")).items,
    saveEndpoints: async (items) => (await call<EndpointsSaved>("save_endpoints", { items })).items,
    rules: () => call<RulesInForce>("rules"),
    saveRules: (rules) => call<RulesInForce>("save_rules", { rules }),
    checkRules: (rules) => call<RulesChecked>("check_rules", { rules }),
    reloadRules: () => call<RulesInForce>("reload_rules"),
    tryRules: (request) => call<RuleTrial>("try_rules", { request }),
    vendors: async () => (await call<Items<VendorProfile>>("vendors")).items,
    importSpec: (text, request = {}) => call<SpecImported>("import_spec", { text, request }),
    removeVendor: (vendor) => call<VendorRemoved>("remove_vendor", { vendor }),
    settings: () => call<UiSettings>("settings"),
    saveSettings: (settings) => call<UiSettings>("save_settings", { settings }),
    sendSample: (request) => call<SampleSent>("send_sample", { request: request ?? {} }),
    sampleCatalog: async () => (await call<Items<SampleEvent>>("sample_catalog")).items,
    replayDelivery: (id, options, edited) => call<Attempt>("replay_delivery", { id, options, edited: edited ?? null }),
    attempts: async (id) => (await call<Items<Attempt>>("attempts", { id })).items,
    startReplay: (filters, start) => call<ReplayJob>("start_replay", { query: listQuery(filters), start }),
    replayJobs: async () => (await call<Items<ReplayJob>>("replay_jobs")).items,
    cancelReplay: (job) => call<ReplayJob>("cancel_replay", { job }),
    startCheck: (start) => call<CheckSummary>("start_check", { start }),
    checkRuns: async () => (await call<Items<CheckSummary>>("check_runs")).items,
    checkRun: (id) => call<CheckRun>("check_run", { id }),
    cancelCheck: (id) => call<CheckSummary>("cancel_check", { id }),
    deleteCheck: (id) => call<void>("delete_check", { id }),
    attempt: (id) => call<Attempt>("attempt", { id }),
    export: async (filters, format, only) => ({
      savedTo: await call<string>("export", { query: exportQuery(filters, only).toString(), format }),
    }),
    // The file goes as the raw request body, not as JSON.
    import: (data) => call<ImportResult>("import", data),
    subscribe(onEvent, onStatus) {
      onStatus("connecting");
      // The core's stream events, the same JSON as the HTTP transport's SSE messages; `ready`
      // is this transport's own, once the listener is in place.
      return subscription<StreamEvent>(listenImpl, "stream", onEvent, () => {
        onStatus("live");
        onEvent({ type: "ready" });
      });
    },
    desktop: {
      moveCapture: (addr) => call<CaptureStatus>("move_capture", { addr }),
      settings: () => call<DesktopSettings>("desktop_settings"),
      saveSettings: (settings) => call<DesktopSettings>("save_desktop_settings", { settings }),
      onCapture: (callback) => subscription<CaptureStatus>(listenImpl, "capture", callback),
      onMenu: (callback) => subscription<string>(listenImpl, "menu", callback),
    },
  };
}

/** Whether the page runs inside the desktop app. */
export function inDesktop(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Why the desktop app's core did not start, or null when it did. */
export async function desktopStartupError(invokeImpl: Invoke = invoke): Promise<string | null> {
  try {
    const startup = await invokeImpl<Startup>("startup");
    return startup.error;
  } catch (e) {
    return commandError(e).message;
  }
}
