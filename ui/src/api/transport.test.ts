import { describe, expect, it } from "vitest";
import { ApiError, httpTransport, listQuery, takeToken } from "./transport";

/** Records each request and answers from `answer`. */
function recorder(answer: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer(url, init);
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("the HTTP transport", () => {
  it("sends the token as a bearer header and the filters and window as the API's parameters", async () => {
    const { calls, fetchImpl } = recorder(() => json({ items: [], next_cursor: null, total: 0 }));
    const t = httpTransport("http://127.0.0.1:8788", "tok", fetchImpl);
    await t.list({ vendor: "stripe", q: "ada lovelace" }, { limit: 100, through: 501, offset: 200, total: true });
    expect(calls[0]!.url).toBe(
      "http://127.0.0.1:8788/api/deliveries?vendor=stripe&q=ada+lovelace&limit=100&through=501&offset=200&total=true",
    );
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe("Bearer tok");
    expect(listQuery({}, { limit: 1, after: 9, total: true })).toBe("limit=1&after=9&total=true");
  });

  it("sends JSON bodies for changes", async () => {
    const { calls, fetchImpl } = recorder(() => new Response(null, { status: 204 }));
    const t = httpTransport("", "tok", fetchImpl);
    await t.setPinned(7, true);
    expect(calls[0]!.url).toBe("/api/deliveries/7/pin");
    expect(calls[0]!.init.method).toBe("PUT");
    expect(calls[0]!.init.body).toBe('{"pinned":true}');
    expect((calls[0]!.init.headers as Record<string, string>)["Content-Type"]).toBe("application/json");
  });

  it("starts a bulk replay with the filters in the query and the options as the JSON body", async () => {
    const { calls, fetchImpl } = recorder(() => json({ id: 1 }, 202));
    const t = httpTransport("", "tok", fetchImpl);
    await t.startReplay(
      { vendor: "stripe", signature: "invalid" },
      { to: "http://h/", path: "target", resign: false, fresh_id: true, rate: 5 },
    );
    expect(calls[0]!.url).toBe("/api/replays?vendor=stripe&signature=invalid");
    expect(calls[0]!.init.method).toBe("POST");
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      to: "http://h/",
      path: "target",
      resign: false,
      fresh_id: true,
      rate: 5,
    });
    await t.cancelReplay(1);
    expect(calls[1]!.url).toBe("/api/replays/1");
    expect(calls[1]!.init.method).toBe("DELETE");
  });

  it("posts an API description as the body, with only the choices given in the query", async () => {
    const { calls, fetchImpl } = recorder(() => json({ vendor: "orders" }));
    const t = httpTransport("", "tok", fetchImpl);
    const text = "openapi: 3.1.0\n";
    expect(await t.importSpec(text, { id: "orders", type_pointer: "/event/name", into: "" })).toEqual({
      vendor: "orders",
    });
    expect(calls[0]!.url).toBe("/api/vendors/import-spec?id=orders&type_pointer=%2Fevent%2Fname");
    expect(calls[0]!.init.method).toBe("POST");
    expect(await (calls[0]!.init.body as Blob).text()).toBe(text);
    await t.importSpec(text);
    expect(calls[1]!.url).toBe("/api/vendors/import-spec");
    await t.removeVendor("my vendor");
    expect(calls[2]!.url).toBe("/api/vendors/my%20vendor");
    expect(calls[2]!.init.method).toBe("DELETE");
  });

  it("turns the API's error into an ApiError with its message and status", async () => {
    const { fetchImpl } = recorder(() => json({ error: "no delivery with id 9" }, 404));
    const t = httpTransport("", "tok", fetchImpl);
    const err = await t.getDelivery(9).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, message: "no delivery with id 9" });
  });

  it("says the server is unreachable when the request cannot be made", async () => {
    const fetchImpl = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    const err = await httpTransport("", "tok", fetchImpl)
      .info()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0 });
    expect((err as Error).message).toContain("not reachable");
  });

  it("reads every stream event from unnamed messages carrying their type, as the desktop gets them", () => {
    class FakeSource {
      static last: FakeSource | null = null;
      readyState = 1;
      onmessage: ((e: MessageEvent<string>) => void) | null = null;
      onerror: (() => void) | null = null;
      closed = false;
      constructor(readonly url: string) {
        FakeSource.last = this;
      }
      addEventListener() {
        throw new Error("no named events on this stream");
      }
      close() {
        this.closed = true;
      }
    }
    const events: unknown[] = [];
    const statuses: string[] = [];
    const stop = httpTransport("http://h", "t k", fetch, FakeSource as unknown as typeof EventSource).subscribe(
      (e) => events.push(e),
      (s) => statuses.push(s),
    );
    const source = FakeSource.last!;
    expect(source.url).toBe("http://h/api/stream?token=t%20k");
    const send = (data: string) => source.onmessage!({ data } as MessageEvent<string>);
    send('{"type":"ready"}');
    send('{"type":"deleted","id":4}');
    send("not json");
    send('{"type":"lagged","missed":9}');
    expect(statuses).toEqual(["connecting", "live"]);
    expect(events).toEqual([{ type: "ready" }, { type: "deleted", id: 4 }, { type: "lagged", missed: 9 }]);
    stop();
    expect(source.closed).toBe(true);
  });

  it("reports offline when the runtime has no EventSource", () => {
    const statuses: string[] = [];
    const stop = httpTransport("", "tok", fetch, undefined).subscribe(
      () => {},
      (s) => statuses.push(s),
    );
    stop();
    expect(statuses).toEqual(["offline"]);
  });
});

describe("the token", () => {
  function fakeWindow(href: string) {
    const store = new Map<string, string>([["hookscope.token", "old"]]);
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    } as unknown as Storage;
    const replaced: string[] = [];
    const history = {
      state: null,
      replaceState: (_: unknown, __: string, url: string) => replaced.push(url),
    } as unknown as History;
    return { location: { href } as Location, history, storage, store, replaced };
  }

  it("is taken from the URL, dropped from the address bar and kept nowhere", () => {
    const w = fakeWindow("http://127.0.0.1:8788/?token=abc&vendor=stripe#x");
    expect(takeToken(w.location, w.history, w.storage)).toBe("abc");
    expect(w.replaced).toEqual(["/?vendor=stripe#x"]);
    expect([...w.store.keys()]).toEqual([]);
    const later = { ...w, location: { href: "http://127.0.0.1:8788/" } as Location };
    expect(takeToken(later.location, later.history, later.storage)).toBeNull();
  });

  it("is null when never given: the session cookie signs requests in, without a header", async () => {
    const w = fakeWindow("http://127.0.0.1:8788/");
    expect(takeToken(w.location, w.history, w.storage)).toBeNull();
    expect(w.store.has("hookscope.token")).toBe(false);
    const { calls, fetchImpl } = recorder(() => json({ items: [], next_cursor: null, total: 0 }));
    await httpTransport("", null, fetchImpl).list({}, { limit: 1 });
    expect(calls[0]!.init.headers).toEqual({});
  });
});
