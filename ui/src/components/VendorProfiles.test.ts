import { describe, expect, it } from "vitest";
import type { SpecImported } from "../api/types.gen";
import { importSummary, importedWhat } from "./VendorProfiles";

const report: SpecImported = {
  vendor: "transfer-webhooks",
  created: true,
  newly_catalogued: false,
  format: "OpenAPI 3.1.0",
  title: "Transfer webhooks",
  version: "4",
  type_from: "body /type",
  imported: [
    { name: "a", event_type: "a.created", has_schema: true, has_example: true },
    { name: "b", event_type: "b.made", has_schema: true, has_example: true, example_made: true },
    { name: "c", event_type: "c", has_schema: false, has_example: false },
  ],
  skipped: [{ name: "d", reason: "it refers to another document" }],
  events: 3,
  detected_by: "body fields /type, /data",
  signs: false,
  notes: ["a delivery made from its first example is recognised as generic"],
  path: "/data/vendors/transfer-webhooks.json",
};

describe("a spec import's report", () => {
  it("says what each event came with", () => {
    expect(report.imported.map(importedWhat)).toEqual([
      "schema, example",
      "schema, example made from its schema",
      "no example (cannot be sent)",
    ]);
  });

  it("says what was made, how deliveries are told apart, and what was left out", () => {
    expect(importSummary(report)).toEqual([
      "3 events from Transfer webhooks 4 (OpenAPI 3.1.0) make the new profile transfer-webhooks; the event type is read from body /type.",
      "Deliveries are recognised by body fields /type, /data.",
      'The description does not say how transfer-webhooks signs: choose "Sign like" to check signatures.',
      "Note: a delivery made from its first example is recognised as generic",
      "Not imported: d: it refers to another document",
    ]);
    const extended = { ...report, created: false, newly_catalogued: true, vendor: "slack", skipped: [], notes: [] };
    expect(importSummary(extended)).toEqual([
      "3 events from Transfer webhooks 4 (OpenAPI 3.1.0) were added to slack; the event type is read from body /type.",
      "slack had no event catalog: event types not among these are now flagged as unknown.",
    ]);
  });
});
