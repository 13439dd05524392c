// Rules as the editor's cards hold them, and back: lists as comma-separated text, header maps as
// "Name: value" lines, body conditions as "/pointer = JSON value" lines. What the core would
// refuse to read at all (an arrival, a status or a body value that is not one) is caught here and
// said at its field; everything else is the core's to check (`checkRules`).

import type { CompileError, RuleConfig, RuleSources } from "../../api/types.gen";

export const SIGNATURES = ["valid", "invalid", "missing", "stale", "malformed", "unchecked"] as const;
export const DUPLICATES = ["first", "retry", "conflict"] as const;

/** A rule as its card edits it. */
export interface RuleDraft {
  /** Tells cards apart across moves and removals; not saved. */
  id: number;
  name: string;
  /** Methods, comma-separated; empty for any. */
  method: string;
  path: string;
  /** Event type globs, comma-separated. */
  event: string;
  /** Vendor profile ids, comma-separated. */
  vendor: string;
  signature: string[];
  duplicate: string[];
  arrival: string;
  /** "Name: glob" lines. */
  headers: string;
  /** "/pointer = JSON value" lines. */
  body: string;
  status: string;
  /** "Name: template" lines. */
  answerHeaders: string;
  /** The answer's body template; `null` for the endpoint's (`""` answers an empty body). */
  answerBody: string | null;
  delay: string;
  /** Target URLs, one a line. */
  forward: string;
  passThrough: boolean;
  skipForward: boolean;
  continue: boolean;
}

/** The rules of one scope: the global ones (`endpoint` null) or one endpoint's own. */
export interface Scope {
  endpoint: string | null;
  drafts: RuleDraft[];
}

/** A problem where the editor shows it: on a card (`draft`) at a key, or above every card. */
export interface DraftProblem {
  /** The card's draft id; `null` when no card holds it. */
  draft: number | null;
  /** `match.event`, `do.body`, `do.headers.X-Id`; "" for the whole rule. */
  key: string;
  message: string;
}

/** The keys of a card's fields, in the order the card shows them. */
export const FIELD_KEYS = [
  "name",
  "match.method",
  "match.path",
  "match.event",
  "match.vendor",
  "match.signature",
  "match.duplicate",
  "match.arrival",
  "match.headers",
  "match.body",
  "do.status",
  "do.delay",
  "do.headers",
  "do.body",
  "do.forward",
  "do.pass_through",
  "do.skip_forward",
  "do.continue",
] as const;

export type FieldKey = (typeof FIELD_KEYS)[number];

/** Whether a problem at `key` belongs to the field `field` (`do.headers.X-Id` to `do.headers`). */
export function atField(key: string, field: string): boolean {
  return key === field || key.startsWith(`${field}.`);
}

let lastId = 0;
function nextId(): number {
  lastId += 1;
  return lastId;
}

/** A new rule: no conditions (it takes every delivery) and nothing done yet. */
export function emptyDraft(): RuleDraft {
  return {
    id: nextId(),
    name: "",
    method: "",
    path: "",
    event: "",
    vendor: "",
    signature: [],
    duplicate: [],
    arrival: "",
    headers: "",
    body: "",
    status: "",
    answerHeaders: "",
    answerBody: null,
    delay: "",
    forward: "",
    passThrough: false,
    skipForward: false,
    continue: false,
  };
}

function mapLines(map: Record<string, unknown> | undefined, show: (value: unknown) => string, sep: string): string {
  return Object.entries(map ?? {})
    .map(([k, v]) => `${k}${sep}${show(v)}`)
    .join("\n");
}

/** A rule as the server sends it (a missing list or map is empty) as its card's draft. */
export function toDraft(rule: RuleConfig): RuleDraft {
  const m: Partial<RuleConfig["match"]> = rule.match ?? {};
  const d: Partial<RuleConfig["do"]> = rule.do ?? {};
  return {
    id: nextId(),
    name: rule.name ?? "",
    method: (m.method ?? []).join(", "),
    path: m.path ?? "",
    event: (m.event ?? []).join(", "),
    vendor: (m.vendor ?? []).join(", "),
    signature: [...(m.signature ?? [])],
    duplicate: [...(m.duplicate ?? [])],
    arrival: m.arrival === undefined || m.arrival === null ? "" : String(m.arrival),
    headers: mapLines(m.headers, String, ": "),
    body: mapLines(m.body, (v) => JSON.stringify(v), " = "),
    status: d.status === undefined || d.status === null ? "" : String(d.status),
    answerHeaders: mapLines(d.headers, String, ": "),
    answerBody: d.body ?? null,
    delay: d.delay ?? "",
    forward: (d.forward ?? []).join("\n"),
    passThrough: d.pass_through ?? false,
    skipForward: d.skip_forward ?? false,
    continue: d.continue ?? false,
  };
}

/** Words separated by commas or spaces. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== "");
}

/** Non-empty lines, trimmed. */
export function splitLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

type Fault = { key: string; message: string };

/** "Name: value" lines as a map, or what is wrong with a line. */
export function parseHeaderLines(text: string, key: string): { value: Record<string, string>; fault?: Fault } {
  const value: Record<string, string> = {};
  const seen = new Set<string>();
  for (const line of splitLines(text)) {
    const colon = line.indexOf(":");
    if (colon <= 0) {
      return { value, fault: { key, message: `${key}: ${JSON.stringify(line)} is not "Name: value"` } };
    }
    const name = line.slice(0, colon).trim();
    if (seen.has(name.toLowerCase())) {
      return { value, fault: { key, message: `${key}: ${name} is given twice` } };
    }
    seen.add(name.toLowerCase());
    value[name] = line.slice(colon + 1).trim();
  }
  return { value };
}

/**
 * "/pointer = JSON value" lines as a map, or what is wrong with a line. The pointer ends at the
 * first `=`; the value is JSON, so text is written in quotes.
 */
export function parseBodyLines(text: string): { value: Record<string, unknown>; fault?: Fault } {
  const key = "match.body";
  const value: Record<string, unknown> = {};
  for (const line of splitLines(text)) {
    const eq = line.indexOf("=");
    if (eq < 0) {
      return {
        value,
        fault: { key, message: `${key}: ${JSON.stringify(line)} is not "/pointer = JSON value"` },
      };
    }
    const pointer = line.slice(0, eq).trim();
    const raw = line.slice(eq + 1).trim();
    try {
      value[pointer] = JSON.parse(raw);
    } catch {
      return {
        value,
        fault: {
          key,
          message: `${key}: ${pointer || "(the whole body)"} = ${raw} is not a JSON value; text is written in quotes: ${JSON.stringify(raw)}`,
        },
      };
    }
  }
  return { value };
}

/**
 * An arrival as the core reads it: `2`, `"1..2"`, `"3.."` or `"..2"`, the first arrival being 1;
 * `undefined` for none.
 */
export function parseArrival(text: string): { value?: number | string; fault?: Fault } {
  const t = text.trim();
  if (t === "") return {};
  const bad = {
    fault: {
      key: "match.arrival",
      message: `match.arrival: expected an arrival such as 2, "1..2", "3.." or "..2" (the first arrival is 1), got ${JSON.stringify(t)}`,
    },
  };
  const number = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);
  const dots = t.indexOf("..");
  if (dots < 0) {
    const n = number(t);
    return Number.isSafeInteger(n) && n >= 1 ? { value: n } : bad;
  }
  const a = t.slice(0, dots);
  const b = t.slice(dots + 2).replace(/^=/, "");
  const from = a.trim() === "" ? 1 : number(a);
  const to = b.trim() === "" ? Number.POSITIVE_INFINITY : number(b);
  if (Number.isNaN(from) || Number.isNaN(to) || from < 1 || to < from) return bad;
  return { value: t };
}

/** A status as typed: a final HTTP status, or `undefined` for the endpoint's. */
export function parseStatus(text: string): { value?: number; fault?: Fault } {
  const t = text.trim();
  if (t === "") return {};
  const n = /^\d{3}$/.test(t) ? Number(t) : Number.NaN;
  if (!(n >= 200 && n <= 599)) {
    return {
      fault: {
        key: "do.status",
        message: `do.status ${JSON.stringify(t)} is not a final HTTP status (200-599, for example 503)`,
      },
    };
  }
  return { value: n };
}

/**
 * The rule a draft says, and what keeps part of it from being read: a field with such a problem
 * is left out of the rule (the problem is shown and saving waits for it).
 */
export function fromDraft(d: RuleDraft): { rule: RuleConfig; faults: Fault[] } {
  const faults: Fault[] = [];
  const take = <T>(r: { value?: T; fault?: Fault }): T | undefined => {
    if (r.fault) {
      faults.push(r.fault);
      return undefined;
    }
    return r.value;
  };
  const matchHeaders = take(parseHeaderLines(d.headers, "match.headers")) ?? {};
  const matchBody = take(parseBodyLines(d.body)) ?? {};
  const arrival = take(parseArrival(d.arrival));
  const status = take(parseStatus(d.status));
  const answerHeaders = take(parseHeaderLines(d.answerHeaders, "do.headers")) ?? {};
  const name = d.name.trim();
  const path = d.path.trim();
  const delay = d.delay.trim();
  const rule: RuleConfig = {
    ...(name ? { name } : {}),
    match: {
      method: splitList(d.method),
      ...(path ? { path } : {}),
      headers: matchHeaders,
      body: matchBody,
      vendor: splitList(d.vendor),
      event: splitList(d.event),
      signature: [...d.signature],
      duplicate: [...d.duplicate],
      ...(arrival !== undefined ? { arrival } : {}),
    },
    do: {
      ...(status !== undefined ? { status } : {}),
      headers: answerHeaders,
      ...(d.answerBody !== null ? { body: d.answerBody } : {}),
      ...(delay ? { delay } : {}),
      forward: splitLines(d.forward),
      pass_through: d.passThrough,
      skip_forward: d.skipForward,
      continue: d.continue,
    },
  };
  return { rule, faults };
}

/** Every scope's rules as the API takes them, and the problems found on the way. */
export function toSources(scopes: Scope[]): { sources: RuleSources; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const rulesOf = (scope: Scope) =>
    scope.drafts.map((d) => {
      const { rule, faults } = fromDraft(d);
      for (const f of faults) problems.push({ draft: d.id, ...f });
      return rule;
    });
  const sources: RuleSources = { global: [], endpoints: [] };
  for (const scope of scopes) {
    if (scope.endpoint === null) sources.global = rulesOf(scope);
    else sources.endpoints.push({ path: scope.endpoint, rules: rulesOf(scope) });
  }
  return { sources, problems };
}

/** The scopes of the rules in force: the global ones first, then each endpoint's. */
export function toScopes(inForce: Pick<RuleSources, "global" | "endpoints">): Scope[] {
  return [
    { endpoint: null, drafts: (inForce.global ?? []).map(toDraft) },
    ...(inForce.endpoints ?? []).map((e) => ({ endpoint: e.path, drafts: (e.rules ?? []).map(toDraft) })),
  ];
}

/** The core's problems, on the cards of the rules they were found in (`scopes` as checked). */
export function placeProblems(problems: CompileError[], scopes: Scope[]): DraftProblem[] {
  return problems.map((p) => {
    const draft = scopes.find((s) => s.endpoint === p.endpoint)?.drafts[p.index];
    return draft
      ? { draft: draft.id, key: p.key, message: p.message }
      : { draft: null, key: p.key, message: `${p.rule}: ${p.message}` };
  });
}

/**
 * A request the API could not read (`endpoints[0].rules[1].do.delay: expected a duration …`) as
 * a problem on the card and at the key it names; above every card when it names none.
 */
export function placeRefusal(message: string, scopes: Scope[]): DraftProblem {
  const text = message
    .replace(/^Failed to deserialize the JSON body into the target type: /, "")
    .replace(/ at line \d+ column \d+$/, "");
  const at = /^(global|endpoints\[(\d+)\]\.rules)\[(\d+)\]\.((?:match|do)\.[a-z_]+)[^:]*: (.*)$/s.exec(text);
  if (at) {
    const [, list, endpoint, index, key, why] = at;
    // The API's endpoints list holds the endpoint scopes in their order (see `toSources`).
    const scope =
      list === "global"
        ? scopes.find((s) => s.endpoint === null)
        : scopes.filter((s) => s.endpoint !== null)[Number(endpoint)];
    const draft = scope?.drafts[Number(index)];
    if (draft && key) return { draft: draft.id, key, message: `${key}: ${why}` };
  }
  return { draft: null, key: "", message: text };
}

/** Moves the item at `from` by `step` places; the list unchanged when it would leave it. */
export function move<T>(list: T[], from: number, step: number): T[] {
  const to = from + step;
  if (from < 0 || from >= list.length || to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}
