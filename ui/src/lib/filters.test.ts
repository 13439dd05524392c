import { describe, expect, it } from "vitest";
import {
  filterParams,
  hasFilters,
  localDate,
  parseFilters,
  parseSelected,
  timeChoice,
  viewSearch,
  withTimeChoice,
} from "./filters";

describe("filters in the URL", () => {
  it("round-trips every filter through the query string", () => {
    const filters = parseFilters(
      "?vendor=stripe&event_type=invoice.paid&signature=invalid&duplicate=any&method=post&path=/hooks&since=24h&q=ada%20lovelace&pinned=true",
    );
    expect(filters).toEqual({
      vendor: "stripe",
      event_type: "invoice.paid",
      signature: "invalid",
      duplicate: "any",
      method: "POST",
      path: "/hooks",
      since: "24h",
      q: "ada lovelace",
      pinned: true,
    });
    expect(parseFilters(`?${filterParams(filters).toString()}`)).toEqual(filters);
  });

  it("ignores values the API would refuse", () => {
    expect(parseFilters("?signature=bogus&duplicate=maybe&vendor=&q=%20%20&pinned=yes")).toEqual({});
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ q: "x" })).toBe(true);
  });

  it("keeps the selected delivery beside the filters", () => {
    expect(viewSearch({ vendor: "github" }, 42)).toBe("?vendor=github&id=42");
    expect(viewSearch({}, null)).toBe("");
    expect(parseSelected("?vendor=github&id=42")).toBe(42);
    expect(parseSelected("?id=abc")).toBe(null);
    expect(parseSelected("?id=-3")).toBe(null);
  });

  it("maps the time menu's entries to since/until and back", () => {
    // 00:30 local on 1 March 2026: yesterday is the last day of February.
    const now = new Date(2026, 2, 1, 0, 30);
    expect(localDate(0, now)).toBe("2026-03-01");
    expect(localDate(-1, now)).toBe("2026-02-28");
    for (const choice of ["", "today", "yesterday", "1h", "7days"]) {
      expect(timeChoice(withTimeChoice({ vendor: "x" }, choice, now), now)).toBe(choice);
    }
    expect(withTimeChoice({}, "yesterday", now)).toEqual({ since: "2026-02-28", until: "2026-02-28" });
    expect(timeChoice({ since: "2026-02-01T10:00:00.000Z" }, now)).toBe("custom");
    expect(timeChoice({ until: "2026-02-01" }, now)).toBe("custom");
    expect(withTimeChoice({ since: "a", until: "b" }, "custom", now)).toEqual({ since: "a", until: "b" });
    expect(parseFilters("?handler=4xx").handler).toBe("4xx");
  });
});
