import { describe, expect, it } from "vitest";
import type { RuleConfig } from "../../api/types.gen";
import {
  atField,
  emptyDraft,
  fromDraft,
  move,
  parseArrival,
  parseBodyLines,
  parseHeaderLines,
  parseStatus,
  placeProblems,
  placeRefusal,
  toDraft,
  toScopes,
  toSources,
} from "./draft";

/** Every field given, as the server sends a rule. */
const FULL: RuleConfig = {
  name: "orders",
  match: {
    method: ["POST", "PUT"],
    path: "/hooks/*/events",
    headers: { "X-Env": "prod*", "X-Request-Id": "*" },
    body: { "/data/object/status": "paid", "/amount": 1000, "/flags": [true, null] },
    vendor: ["stripe"],
    event: ["order.*", "charge.failed"],
    signature: ["valid", "stale"],
    duplicate: ["retry"],
    arrival: "1..2",
  },
  do: {
    status: 503,
    headers: { "Retry-After": "10", "X-Echo": "{{ headers['X-Request-Id'] }}" },
    body: '{"seen": "{{ body.order }}"}',
    delay: "250ms",
    forward: ["http://localhost:3001/a", "http://localhost:3002/b"],
    pass_through: true,
    skip_forward: false,
    continue: true,
  },
};

describe("a rule as a draft", () => {
  it("comes back as it was", () => {
    const d = toDraft(FULL);
    expect(d.method).toBe("POST, PUT");
    expect(d.headers).toBe("X-Env: prod*\nX-Request-Id: *");
    expect(d.body).toBe('/data/object/status = "paid"\n/amount = 1000\n/flags = [true,null]');
    expect(d.forward).toBe("http://localhost:3001/a\nhttp://localhost:3002/b");
    expect(fromDraft(d)).toEqual({ rule: FULL, faults: [] });
  });

  it("reads a rule the server sent without its empty lists and maps", () => {
    const d = toDraft({ match: {}, do: { status: 202 } } as unknown as RuleConfig);
    expect(d).toMatchObject({ method: "", headers: "", body: "", signature: [], forward: "", status: "202" });
    expect(fromDraft(d).rule).toEqual({
      match: { method: [], headers: {}, body: {}, vendor: [], event: [], signature: [], duplicate: [] },
      do: { status: 202, headers: {}, forward: [], pass_through: false, skip_forward: false, continue: false },
    });
  });

  it("keeps a number arrival a number", () => {
    const d = toDraft({ ...FULL, match: { ...FULL.match, arrival: 2 } });
    expect(d.arrival).toBe("2");
    expect(fromDraft(d).rule.match.arrival).toBe(2);
  });

  it("tells the endpoint's body from an empty one", () => {
    expect(fromDraft(emptyDraft()).rule.do.body).toBeUndefined();
    expect(fromDraft({ ...emptyDraft(), answerBody: "" }).rule.do.body).toBe("");
    expect(toDraft({ ...FULL, do: { ...FULL.do, body: "" } }).answerBody).toBe("");
  });

  it("splits lists at commas and spaces, targets at lines, and drops what is blank", () => {
    const rule = fromDraft({
      ...emptyDraft(),
      name: "  ",
      method: " post,put  ,, ",
      event: "invoice.*\ncharge.failed",
      path: "  ",
      forward: "\n http://a/1 \n\nhttp://b/2\n",
      delay: " 2s ",
    }).rule;
    expect(rule.name).toBeUndefined();
    expect(rule.match.method).toEqual(["post", "put"]);
    expect(rule.match.event).toEqual(["invoice.*", "charge.failed"]);
    expect(rule.match.path).toBeUndefined();
    expect(rule.do.forward).toEqual(["http://a/1", "http://b/2"]);
    expect(rule.do.delay).toBe("2s");
  });

  it("leaves out a field it cannot read and says where", () => {
    const { rule, faults } = fromDraft({ ...emptyDraft(), arrival: "0", status: "abc", headers: "X-Env prod" });
    expect(rule.match.arrival).toBeUndefined();
    expect(rule.do.status).toBeUndefined();
    expect(rule.match.headers).toEqual({});
    expect(faults.map((f) => f.key)).toEqual(["match.headers", "match.arrival", "do.status"]);
  });
});

describe("header lines", () => {
  it("read as Name: value, the value trimmed and holding colons", () => {
    expect(parseHeaderLines("X-A: 1\n\n  X-B:{{ 'a:b' }} ", "do.headers")).toEqual({
      value: { "X-A": "1", "X-B": "{{ 'a:b' }}" },
    });
  });
  it("refuse a line without a name, and a name given twice in any case", () => {
    expect(parseHeaderLines("no colon", "match.headers").fault).toEqual({
      key: "match.headers",
      message: 'match.headers: "no colon" is not "Name: value"',
    });
    expect(parseHeaderLines(": x", "do.headers").fault?.key).toBe("do.headers");
    expect(parseHeaderLines("X-A: 1\nx-a: 2", "do.headers").fault?.message).toBe("do.headers: x-a is given twice");
  });
});

describe("body lines", () => {
  it("read the pointer up to the first = and the value as JSON", () => {
    expect(parseBodyLines('/a = "x=y"\n/b=2\n = {"k": 1}')).toEqual({
      value: { "/a": "x=y", "/b": 2, "": { k: 1 } },
    });
  });
  it("refuse text without quotes, saying how to write it", () => {
    expect(parseBodyLines("/status = paid").fault?.message).toBe(
      'match.body: /status = paid is not a JSON value; text is written in quotes: "paid"',
    );
    expect(parseBodyLines("/status").fault?.message).toBe('match.body: "/status" is not "/pointer = JSON value"');
  });
});

describe("an arrival", () => {
  it("is a number or a range as the core reads them", () => {
    expect(parseArrival("")).toEqual({});
    expect(parseArrival(" 2 ")).toEqual({ value: 2 });
    for (const range of ["1..2", "3..", "..2", "2..=3", "2..2"]) expect(parseArrival(range)).toEqual({ value: range });
  });
  it("refuses what the core would not read", () => {
    for (const bad of ["0", "2..1", "0..2", "abc", "1.5", "-1", "1...2"]) {
      expect(parseArrival(bad).fault?.key, bad).toBe("match.arrival");
    }
  });
});

describe("a status", () => {
  it("is a final HTTP status, or the endpoint's when empty", () => {
    expect(parseStatus(" ")).toEqual({});
    expect(parseStatus("202")).toEqual({ value: 202 });
    for (const bad of ["abc", "100", "600", "2020", "20x"]) expect(parseStatus(bad).fault?.key, bad).toBe("do.status");
  });
});

describe("scopes", () => {
  const inForce = {
    global: [FULL],
    endpoints: [
      { path: "/hooks/a", rules: [] },
      { path: "/hooks/b", rules: [{ match: {}, do: {} } as unknown as RuleConfig, FULL] },
    ],
  };

  it("are the global rules, then each endpoint's, and go back as the API takes them", () => {
    const scopes = toScopes(inForce);
    expect(scopes.map((s) => [s.endpoint, s.drafts.length])).toEqual([
      [null, 1],
      ["/hooks/a", 0],
      ["/hooks/b", 2],
    ]);
    const { sources, problems } = toSources(scopes);
    expect(problems).toEqual([]);
    expect(sources.global).toEqual([FULL]);
    expect(sources.endpoints.map((e) => [e.path, e.rules.length])).toEqual([
      ["/hooks/a", 0],
      ["/hooks/b", 2],
    ]);
    expect(sources.endpoints[1]?.rules[1]).toEqual(FULL);
  });

  it("name the card of a rule a field of which cannot be read", () => {
    const scopes = toScopes(inForce);
    const bad = { ...scopes[2]!.drafts[1]!, arrival: "x" };
    scopes[2] = { ...scopes[2]!, drafts: [scopes[2]!.drafts[0]!, bad] };
    const { problems } = toSources(scopes);
    expect(problems).toEqual([{ draft: bad.id, key: "match.arrival", message: expect.stringContaining('got "x"') }]);
  });

  it("place the core's problems on the cards of the rules they are in", () => {
    const scopes = toScopes(inForce);
    const placed = placeProblems(
      [
        { rule: 'rules[0] ("orders")', endpoint: null, index: 0, key: "do.body", message: "syntax error (line 1)" },
        { rule: "endpoint /hooks/b: rules[1]", endpoint: "/hooks/b", index: 1, key: "match.event", message: "bad" },
        { rule: "endpoint /hooks/c", endpoint: "/hooks/c", index: 0, key: "", message: "there is no endpoint" },
      ],
      scopes,
    );
    expect(placed).toEqual([
      { draft: scopes[0]!.drafts[0]!.id, key: "do.body", message: "syntax error (line 1)" },
      { draft: scopes[2]!.drafts[1]!.id, key: "match.event", message: "bad" },
      { draft: null, key: "", message: "endpoint /hooks/c: there is no endpoint" },
    ]);
  });

  it("place a request the API could not read where it names", () => {
    const scopes = toScopes(inForce);
    expect(
      placeRefusal(
        'Failed to deserialize the JSON body into the target type: endpoints[1].rules[0].do.delay: expected a duration such as "30s", got "2x" at line 1 column 144',
        scopes,
      ),
    ).toEqual({
      draft: scopes[2]!.drafts[0]!.id,
      key: "do.delay",
      message: 'do.delay: expected a duration such as "30s", got "2x"',
    });
    expect(placeRefusal("global[0].match.arrival: expected an arrival", scopes)).toEqual({
      draft: scopes[0]!.drafts[0]!.id,
      key: "match.arrival",
      message: "match.arrival: expected an arrival",
    });
    expect(placeRefusal("Hookscope is not reachable (fetch failed); is it running?", scopes)).toEqual({
      draft: null,
      key: "",
      message: "Hookscope is not reachable (fetch failed); is it running?",
    });
  });
});

describe("a problem's field", () => {
  it("is its key or the key it is under", () => {
    expect(atField("do.body", "do.body")).toBe(true);
    expect(atField("do.headers.X-Id", "do.headers")).toBe(true);
    expect(atField("do.headers_x", "do.headers")).toBe(false);
    expect(atField("", "do.body")).toBe(false);
  });
});

describe("moving a rule", () => {
  it("moves it one place, and not off the list", () => {
    expect(move(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(move(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    const list = ["a", "b"];
    expect(move(list, 0, -1)).toBe(list);
    expect(move(list, 1, 1)).toBe(list);
  });
});
