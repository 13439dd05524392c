import { describe, expect, it } from "vitest";
import { tauriTransport } from "./tauri";
import { ApiError, type StreamEvent } from "./transport";

function recorder(answers: Record<string, unknown> = {}) {
  const calls: [string, unknown][] = [];
  const invoke = async <T>(command: string, args?: Record<string, unknown> | ArrayBuffer): Promise<T> => {
    calls.push([command, args]);
    const answer = answers[command];
    if (answer instanceof Error || (answer && typeof answer === "object" && "reject" in answer)) {
      throw (answer as { reject: unknown }).reject ?? answer;
    }
    return answer as T;
  };
  return { calls, invoke };
}

describe("tauriTransport", () => {
  it("sends list filters as the same query string as the HTTP transport", async () => {
    const { calls, invoke } = recorder({ list: { items: [] } });
    const t = tauriTransport(invoke, async () => () => {});
    await t.list({ vendor: "stripe", q: "evt 1" }, { limit: 100, before: 50, total: true });
    const [command, args] = calls[0]!;
    expect(command).toBe("list");
    const query = new URLSearchParams((args as { query: string }).query);
    expect(Object.fromEntries(query)).toEqual({
      vendor: "stripe",
      q: "evt 1",
      limit: "100",
      before: "50",
      total: "true",
    });
  });

  it("turns the core's {status, message} errors into ApiErrors", async () => {
    const { invoke } = recorder({
      get_delivery: { reject: { status: 404, message: "no delivery with id 9" } },
    });
    const t = tauriTransport(invoke, async () => () => {});
    const error = await t.getDelivery(9).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).message).toBe("no delivery with id 9");
  });

  it("raw bodies arrive as bytes, not JSON", async () => {
    const bytes = new Uint8Array([0, 255, 10, 13]);
    const { invoke } = recorder({ raw_body: bytes.buffer });
    const t = tauriTransport(invoke, async () => () => {});
    const blob = await t.rawBody(1);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });

  it("sends a file to import as the raw request body, and an export's filters as the list query", async () => {
    const { calls, invoke } = recorder({
      import: { imported: 2, ids: [7, 8] },
      export: "/home/u/Downloads/x.har",
    });
    const t = tauriTransport(invoke, async () => () => {});
    const file = new Uint8Array([123, 125, 10]).buffer;
    expect(await t.import(file)).toEqual({ imported: 2, ids: [7, 8] });
    expect(calls[0]).toEqual(["import", file]);
    expect(await t.export({ vendor: "stripe" }, "har")).toEqual({ savedTo: "/home/u/Downloads/x.har" });
    expect(calls[1]).toEqual(["export", { query: "vendor=stripe", format: "har" }]);
  });

  it("starts a bulk replay with the list's filters as the query and the options as they are", async () => {
    const job = { id: 3, to: "http://localhost:3000/", finished: false };
    const { calls, invoke } = recorder({ start_replay: job, cancel_replay: { ...job, finished: true } });
    const t = tauriTransport(invoke, async () => () => {});
    const start = {
      to: "http://localhost:3000/",
      path: "suffix" as const,
      resign: true,
      fresh_id: false,
      concurrency: 4,
      rate: 10,
    };
    expect(await t.startReplay({ vendor: "stripe" }, start)).toEqual(job);
    expect(calls[0]).toEqual(["start_replay", { query: "vendor=stripe", start }]);
    expect((await t.cancelReplay(3)).finished).toBe(true);
    expect(calls[1]).toEqual(["cancel_replay", { job: 3 }]);
  });

  it("starts, reads, cancels and deletes a handler check, and opens an attempt", async () => {
    const run = { id: 5, vendor: "stripe", to: "http://localhost:3000/webhooks", state: "running" };
    const { calls, invoke } = recorder({
      start_check: run,
      check_runs: { items: [run] },
      check_run: { ...run, report: null, previous: null, changes: [] },
      cancel_check: { ...run, state: "cancelled" },
      delete_check: null,
      attempt: { id: 9, kind: "check" },
    });
    const t = tauriTransport(invoke, async () => () => {});
    const start = { vendor: "stripe", to: "http://localhost:3000/webhooks", secret: "whsec_x" };
    expect((await t.startCheck(start)).id).toBe(5);
    expect(calls[0]).toEqual(["start_check", { start }]);
    expect((await t.checkRuns()).map((r) => r.id)).toEqual([5]);
    expect((await t.checkRun(5)).report).toBeNull();
    expect(calls[2]).toEqual(["check_run", { id: 5 }]);
    expect((await t.cancelCheck(5)).state).toBe("cancelled");
    await t.deleteCheck(5);
    expect(calls[4]).toEqual(["delete_check", { id: 5 }]);
    expect((await t.attempt(9)).kind).toBe("check");
    expect(calls[5]).toEqual(["attempt", { id: 9 }]);
  });

  it("asks for a diff with what it is compared with, and whether volatile fields are listed", async () => {
    const { calls, invoke } = recorder({ diff: { same: true, basis: "first_of_event" } });
    const t = tauriTransport(invoke, async () => () => {});
    expect((await t.diff(7)).same).toBe(true);
    expect(calls[0]).toEqual(["diff", { id: 7, with: null, volatile: false }]);
    await t.diff(7, { with: 3, volatile: true });
    expect(calls[1]).toEqual(["diff", { id: 7, with: "3", volatile: true }]);
    await t.diff(7, { with: "previous" });
    expect(calls[2]).toEqual(["diff", { id: 7, with: "previous", volatile: false }]);
  });

  it("sends a test event's whole request, and reads the catalog", async () => {
    const { calls, invoke } = recorder({
      send_sample: { id: null },
      sample_catalog: { items: [{ vendor: "stripe", event: "invoice.paid" }] },
    });
    const t = tauriTransport(invoke, async () => () => {});
    await t.sendSample({ vendor: "stripe", event: "invoice.paid", to: "http://h/", dup: true });
    expect(calls[0]).toEqual([
      "send_sample",
      { request: { vendor: "stripe", event: "invoice.paid", to: "http://h/", dup: true } },
    ]);
    await t.sendSample();
    expect(calls[1]).toEqual(["send_sample", { request: {} }]);
    expect(await t.sampleCatalog()).toEqual([{ vendor: "stripe", event: "invoice.paid" }]);
  });

  it("imports an API description as its text, with the request's choices", async () => {
    const { calls, invoke } = recorder({ import_spec: { vendor: "orders", created: true } });
    const t = tauriTransport(invoke, async () => () => {});
    const text = '{"openapi": "3.1.0"}';
    expect(await t.importSpec(text, { into: "slack" })).toEqual({ vendor: "orders", created: true });
    expect(calls[0]).toEqual(["import_spec", { text, request: { into: "slack" } }]);
    await t.importSpec(text);
    expect(calls[1]).toEqual(["import_spec", { text, request: {} }]);
    await t.removeVendor("orders");
    expect(calls[2]).toEqual(["remove_vendor", { vendor: "orders" }]);
  });

  it("unwraps list answers, which carry the same {items} as the HTTP API's", async () => {
    const { invoke } = recorder({
      vendors: { items: [{ id: "stripe" }] },
      delete_all: { deleted: 3 },
      save_endpoints: { items: [{ path: "/a" }], reverify: { task: "reverify", started: true } },
    });
    const t = tauriTransport(invoke, async () => () => {});
    expect(await t.vendors()).toEqual([{ id: "stripe" }]);
    expect(await t.deleteAll()).toBe(3);
    expect(await t.saveEndpoints([])).toEqual([{ path: "/a" }]);
  });

  it("delivers the core's stream events and says when it is live; unsubscribing stops them", async () => {
    const handlers = new Map<string, (e: { payload: unknown }) => void>();
    let unlistened = 0;
    const listen = async <T>(event: string, handler: (e: { payload: T }) => void) => {
      handlers.set(event, handler as (e: { payload: unknown }) => void);
      return () => {
        unlistened++;
      };
    };
    const t = tauriTransport(recorder().invoke, listen);
    const events: StreamEvent[] = [];
    const statuses: string[] = [];
    const stop = t.subscribe(
      (e) => events.push(e),
      (s) => statuses.push(s),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(statuses).toEqual(["connecting", "live"]);
    handlers.get("stream")!({ payload: { type: "deleted", id: 4 } });
    handlers.get("stream")!({ payload: { type: "lagged", missed: 7 } });
    expect(events).toEqual([{ type: "ready" }, { type: "deleted", id: 4 }, { type: "lagged", missed: 7 }]);
    stop();
    expect(unlistened).toBe(1);
  });
});
