import { describe, expect, it } from "vitest";
import type { SampleSent } from "../api/types.gen";
import { answerLines, groupCatalog } from "./TestEvent";

describe("test events", () => {
  it("groups the catalog by vendor, in its order", () => {
    expect(
      groupCatalog([
        { vendor: "cooledge", event: "lead.won" },
        { vendor: "cooledge", event: "job.completed" },
        { vendor: "stripe", event: "invoice.paid" },
      ]),
    ).toEqual([
      ["cooledge", ["lead.won", "job.completed"]],
      ["stripe", ["invoice.paid"]],
    ]);
  });

  it("says what each request got back, the second of a dedupe pair as such", () => {
    const sent: SampleSent = {
      id: null,
      vendor: "leadron",
      event: "lead.created",
      path: "http://localhost:3000/",
      url: "http://localhost:3000/",
      status: 200,
      signed_with: "the secret you gave",
      tampered: false,
      answers: [
        { status: 200, latency_ms: 3.14, body: "ok", error: null },
        { status: null, latency_ms: 0, body: "", error: "connection refused" },
      ],
    };
    expect(answerLines(sent)).toEqual(["→ 200 in 3.1 ms", "✗ connection refused (again, same id)"]);
  });
});
