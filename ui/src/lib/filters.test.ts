import { describe, expect, it } from "vitest";
import { filterParams, hasFilters, parseFilters, parseSelected, viewSearch } from "./filters";

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
});
