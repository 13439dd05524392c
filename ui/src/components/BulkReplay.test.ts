import { describe, expect, it } from "vitest";
import type { ReplayJob } from "../api/types.gen";
import { jobLine, jobOutcome } from "./BulkReplay";

function job(progress: Partial<ReplayJob["progress"]>, finished = false): ReplayJob {
  return {
    id: 1,
    to: "http://localhost:3000/webhooks",
    started_at_us: 0,
    finished,
    progress: {
      total: 40,
      done: 0,
      ok: 0,
      failed: 0,
      skipped: 0,
      first_failure: null,
      stopped: false,
      cancelled: false,
      elapsed_ms: 0,
      ...progress,
    },
  };
}

describe("bulk replay progress", () => {
  it("counts what was sent, how it went and the pace", () => {
    expect(jobLine(job({}))).toBe("0 of 40 · 0 ok · 0 failed");
    expect(jobLine(job({ done: 12, ok: 11, failed: 1, elapsed_ms: 2000 }))).toBe("12 of 40 · 11 ok · 1 failed · 6.0/s");
    expect(jobLine(job({ done: 40, ok: 40, elapsed_ms: 100 }))).toBe("40 of 40 · 40 ok · 0 failed · 400/s");
    expect(jobLine(job({ done: 3, ok: 2, failed: 1, skipped: 37, elapsed_ms: 1000 }))).toContain("37 not sent");
  });

  it("says how a finished replay ended", () => {
    expect(jobOutcome(job({ done: 40, ok: 40, elapsed_ms: 1234 }, true))).toBe("Done: all 40 answered 2xx in 1.23 s.");
    expect(jobOutcome(job({ done: 40, ok: 38, failed: 2, elapsed_ms: 1000 }, true))).toContain("with 2 failed");
    expect(jobOutcome(job({ done: 5, skipped: 35, cancelled: true, elapsed_ms: 1000 }, true))).toMatch(
      /^Cancelled after 5 of 40/,
    );
    expect(jobOutcome(job({ done: 1, failed: 1, skipped: 39, stopped: true }, true))).toMatch(
      /^Stopped at the first failure/,
    );
  });
});
