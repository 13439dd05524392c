import { describe, expect, it } from "vitest";
import type { CheckSummary, ProbeResult } from "../api/types.gen";
import { answers, runLine, runOutcome } from "./CheckHandler";

const run = (over: Partial<CheckSummary>): CheckSummary => ({
  id: 1,
  vendor: "stripe",
  to: "http://localhost:3000/webhooks",
  events: [],
  started_at: "2026-12-02T10:00:00Z",
  state: "running",
  total: 21,
  done: 12,
  passed: 10,
  failed: 2,
  warned: 0,
  skipped: 0,
  ...over,
});

describe("a check run in words", () => {
  it("counts what was graded, warnings and skips only when there are some", () => {
    expect(runLine(run({}))).toBe("12 of 21 · 10 passed · 2 failed");
    expect(runLine(run({ warned: 1, skipped: 3 }))).toBe("12 of 21 · 10 passed · 2 failed · 1 warning · 3 skipped");
  });

  it("says how it ended", () => {
    expect(runOutcome(run({ state: "failed", done: 21 }), 6012)).toBe(
      "2 of 21 probes failed in 6.0 s: the handler is not ready.",
    );
    expect(runOutcome(run({ state: "passed", done: 21, passed: 20, failed: 0, warned: 1 }), 1500)).toBe(
      "20 passed, 1 with a warning in 1.5 s: the handler treats deliveries as the vendor expects.",
    );
    expect(runOutcome(run({ state: "cancelled" }))).toBe("Cancelled after 12 of 21 probes.");
    expect(runOutcome(run({ state: "interrupted" }))).toMatch(/^Interrupted after 12 of 21/);
  });

  it("lists each answer a probe got, or that none came", () => {
    const probe = {
      sent: [
        { request_bytes: 10, status: 200, latency_ms: 12.4 },
        { request_bytes: 10, status: null, latency_ms: 3000, error: "timed out" },
      ],
    } as unknown as ProbeResult;
    expect(answers(probe)).toBe("200 12 ms, no answer");
    expect(answers({ sent: [] } as unknown as ProbeResult)).toBe("-");
  });
});
