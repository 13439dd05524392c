import { describe, expect, it } from "vitest";
import { searchWords } from "./CodeView";

describe("search words", () => {
  it("are the search box's words without the full-text syntax", () => {
    expect(searchWords(undefined)).toEqual([]);
    expect(searchWords('  "ada lovelace"  invoice* ')).toEqual(["ada", "lovelace", "invoice"]);
    expect(searchWords("refund OR chargeback")).toEqual(["refund", "chargeback"]);
  });
});
