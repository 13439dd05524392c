import { describe, expect, it } from "vitest";
import { parseHeaderLines } from "./ReplayTab";

describe("the replay editor's header lines", () => {
  it("become pairs in order, blank lines skipped, values trimmed, colons in values kept", () => {
    expect(parseHeaderLines("X-One: 1\n\nStripe-Signature: t=1,v1=a:b \r\nx-one:2")).toEqual([
      ["X-One", "1"],
      ["Stripe-Signature", "t=1,v1=a:b"],
      ["x-one", "2"],
    ]);
  });
  it("refuse a line without a name", () => {
    expect(() => parseHeaderLines("X: 1\nno colon here")).toThrow(/line 2/);
    expect(() => parseHeaderLines(": value")).toThrow(/line 1/);
  });
});
