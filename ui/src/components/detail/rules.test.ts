import { describe, expect, it } from "vitest";
import { ruleTitle } from "./rules";

describe("ruleTitle", () => {
  it("names the rules and what they did", () => {
    expect(ruleTitle({ rules: ['rules[0] ("fail twice")'], did: "answered 503" })).toBe(
      'Rule rules[0] ("fail twice"): answered 503',
    );
  });
  it("says when a rule's answer could not be made", () => {
    expect(ruleTitle({ rules: ["rules[1]"], did: "answered 201", error: "rules[1]: do.body: unknown filter" })).toBe(
      "Rule rules[1]: answered 201. Its answer could not be made (rules[1]: do.body: unknown filter); the endpoint's was given.",
    );
  });
});
