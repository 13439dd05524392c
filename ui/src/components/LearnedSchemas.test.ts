import { describe, expect, it } from "vitest";
import { exampleOf, presence, typesOf } from "./LearnedSchemas";

describe("a learned field as the table shows it", () => {
  it("says how often it is there, of the times its object was", () => {
    expect(presence({ seen: 12, within: 14 })).toBe("86 %");
    expect(presence({ seen: 3, within: 3 })).toBe("100 %");
    expect(presence({ seen: 0, within: 0 })).toBe("-");
  });
  it("names its types, null last, and its formats", () => {
    expect(typesOf({ types: ["string"], nulls: 0, formats: ["uuid"] })).toBe("string (uuid)");
    expect(typesOf({ types: ["integer"], nulls: 12, formats: [] })).toBe("integer | null");
    expect(typesOf({ types: [], nulls: 2, formats: [] })).toBe("null");
  });
  it("shows its choices before its example", () => {
    expect(
      exampleOf({
        values: [
          ["call", 7],
          ["quote_accepted", 7],
        ],
        example: "call",
      }),
    ).toBe("call | quote_accepted");
    expect(exampleOf({ values: null, example: 42 })).toBe("42");
    expect(exampleOf({ values: null, example: "a\nb" })).toBe("a\nb");
    expect(exampleOf({ values: null, example: null })).toBe("");
  });
});
