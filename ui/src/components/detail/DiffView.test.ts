import { describe, expect, it } from "vitest";
import type { DeliveryDiff } from "../../api/types.gen";
import { basisLine, shown, summaryLine } from "./DiffView";

const side = (id: number) => ({
  id,
  received_at: "2026-12-03T10:00:00Z",
  vendor: "stripe",
  event_type: "invoice.paid",
  event_id: "evt_1",
  body_size: 300,
});

const diff = (over: Partial<DeliveryDiff>): DeliveryDiff => ({
  left: side(1),
  right: side(2),
  basis: "first_of_event",
  headers: [],
  body_kind: "json",
  body: [],
  volatile_hidden: 0,
  same: true,
  ...over,
});

describe("a diff in words", () => {
  it("says what it compares with", () => {
    expect(basisLine(diff({}))).toBe("Compared with the first delivery of its event (#1)");
    expect(basisLine(diff({ basis: "previous" }))).toBe("Compared with the previous invoice.paid (#1)");
    expect(basisLine(diff({ basis: "chosen" }))).toBe("Compared with #1 invoice.paid");
  });

  it("counts changes and what volatile fields it hid", () => {
    expect(summaryLine(diff({ volatile_hidden: 2 }), false)).toBe(
      "Nothing differs but volatile fields: 2 hidden (ids, timestamps, signatures).",
    );
    expect(summaryLine(diff({}), false)).toBe("Nothing differs.");
    const change = { kind: "changed" as const, path: "/a", left: 1, right: 2, volatile: false };
    expect(summaryLine(diff({ same: false, body: [change], volatile_hidden: 1 }), false)).toBe(
      "1 change (1 volatile hidden).",
    );
  });

  it("shows JSON as JSON, headers and text as they are, control characters visible, long values cut", () => {
    expect(shown("abc", "json")).toBe('"abc"');
    expect(shown("abc", "header")).toBe("abc");
    expect(shown({ a: [1] }, "json")).toBe('{"a":[1]}');
    expect(shown(null, "json")).toBe("");
    expect(shown("a\u001b[2Jb", "text")).not.toContain("\u001b");
    expect(shown("x".repeat(1000), "text").length).toBe(401);
  });
});
