import { describe, expect, it } from "vitest";
import { delayText, failureLine, forwardLine, inForceLine, reloadFailure, shownTime } from "./status";

describe("the rules in force", () => {
  it("are counted and said where they came from", () => {
    const at = "2026-12-06T23:57:26Z";
    expect(inForceLine({ at, source: "start", rules: 1 })).toBe(`1 rule in force since ${shownTime(at)} (at start)`);
    expect(inForceLine({ at, source: "file", rules: 0 })).toMatch(
      /^0 rules in force since .* \(from the config file\)$/,
    );
    expect(inForceLine({ at, source: "ui", rules: 3 })).toMatch(/^3 rules in force since .* \(saved here\)$/);
  });

  it("show a time that does not read as one as it came", () => {
    expect(shownTime("soon")).toBe("soon");
    expect(shownTime("2026-12-06T23:57:26Z")).not.toBe("2026-12-06T23:57:26Z");
  });
});

describe("a failed reload", () => {
  const failed = { at: "2026-12-06T23:57:27Z", source: "file" as const, error: "rules[1]: do.body: syntax error" };

  it("is said when it came after the rules in force", () => {
    expect(reloadFailure({ at: "2026-12-06T23:57:26Z", source: "ui", rules: 2, failed })).toBe(failed);
    expect(reloadFailure({ at: "2026-12-06T23:57:27Z", source: "ui", rules: 2, failed })).toBe(failed);
  });

  it("is not when the rules in force came after it, or there is none", () => {
    expect(reloadFailure({ at: "2026-12-06T23:58:00Z", source: "file", rules: 2, failed })).toBeNull();
    expect(reloadFailure({ at: "2026-12-06T23:58:00Z", source: "file", rules: 2 })).toBeNull();
    expect(reloadFailure(null)).toBeNull();
  });

  it("ends the reason with one full stop", () => {
    expect(failureLine({ ...failed, error: "the file does not load." })).toMatch(
      /: the file does not load\. The rules in force are unchanged\.$/,
    );
  });

  it("names when and why, and that the rules in force stay", () => {
    expect(failureLine(failed)).toBe(
      `The config file's rules were not reloaded at ${shownTime(failed.at)}: rules[1]: do.body: syntax error. The rules in force are unchanged.`,
    );
  });
});

describe("a trial's forward", () => {
  it("names the targets and whose they are", () => {
    expect(forwardLine({ forward: ["http://a/1", "http://b/2"], forward_from: "rule", pass_through: false })).toBe(
      "Forwarded to http://a/1, http://b/2 (the rules' targets).",
    );
    expect(forwardLine({ forward: ["http://a/1"], forward_from: "endpoint", pass_through: true })).toBe(
      "Forwarded to http://a/1 (the endpoint's target). The sender would get the first target's answer, not the one above.",
    );
  });
  it("says when it goes nowhere, and whether a rule said so", () => {
    expect(forwardLine({ forward: [], forward_from: "rule", pass_through: false })).toBe(
      "Forwarded nowhere (a rule says so).",
    );
    expect(forwardLine({ forward: [], forward_from: "none", pass_through: false })).toBe("Forwarded nowhere.");
  });
});

describe("a delay", () => {
  it("reads in milliseconds below a second, else seconds", () => {
    expect(delayText(250)).toBe("250 ms");
    expect(delayText(2000)).toBe("2 s");
    expect(delayText(1500)).toBe("1.5 s");
  });
});
