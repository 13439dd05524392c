import { describe, expect, it } from "vitest";
import {
  diffLines,
  duplicateBadge,
  formatSize,
  hexDump,
  prettyBody,
  relativeTime,
  signatureBadge,
  visible,
} from "./format";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const us = (msAgo: number) => (NOW - msAgo) * 1000;

describe("times and sizes", () => {
  it("says how long ago, coarser with age", () => {
    expect(relativeTime(us(1000), NOW)).toBe("just now");
    expect(relativeTime(us(42_000), NOW)).toBe("42s ago");
    expect(relativeTime(us(5 * 60_000), NOW)).toBe("5m ago");
    expect(relativeTime(us(3 * 3600_000), NOW)).toBe("3h ago");
    expect(relativeTime(us(2 * 86400_000), NOW)).toBe("2d ago");
    expect(relativeTime(us(30 * 86400_000), NOW)).toBe("2026-10-24");
  });
  it("sizes bytes", () => {
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(1536)).toBe("1.5 KB");
    expect(formatSize(64 * 1024)).toBe("64 KB");
    expect(formatSize(3 * 1024 * 1024)).toBe("3.0 MB");
  });
});

describe("badges", () => {
  it("gives each signature state its own icon and label, not colour alone", () => {
    const states = ["valid", "invalid", "missing", "stale", "malformed", "unchecked"] as const;
    const badges = states.map((status) =>
      signatureBadge({ signature: { status, reason: `because ${status}` } as never }),
    );
    expect(new Set(badges.map((b) => b.label)).size).toBe(states.length);
    expect(badges[0]).toMatchObject({ icon: "✓", tone: "ok" });
    expect(badges[1]).toMatchObject({ icon: "✗", tone: "bad", title: "because invalid" });
    expect(signatureBadge({ signature: null }).label).toBe("not checked");
  });
  it("tells a retry from a conflict", () => {
    const dup = (kind: "first" | "retry" | "conflict") => ({
      duplicate: { kind, first_id: 7, count: 3, attempt: 2, since_first_secs: 65, since_previous_secs: 65 },
    });
    expect(duplicateBadge(dup("first"))).toBeNull();
    expect(duplicateBadge(dup("retry"))).toMatchObject({ label: "retry 2/3", icon: "↻" });
    const conflict = duplicateBadge(dup("conflict"))!;
    expect(conflict.label).toBe("conflict 2/3");
    expect(conflict.title).toContain("#7");
    expect(conflict.title).toContain("1m 5s");
  });
});

describe("bodies", () => {
  it("dumps bytes as hex with printable ASCII", () => {
    const dump = hexDump(new Uint8Array([0x48, 0x69, 0x00, 0xff, 0x0a]));
    // Offset, two groups of eight columns, then the ASCII: the same width on every line.
    expect(dump).toHaveLength(8 + 2 + 16 * 3 + 1 + 1 + 5 + 2);
    expect(dump.startsWith("00000000  48 69 00 ff 0a")).toBe(true);
    expect(dump.endsWith("|Hi...|")).toBe(true);
    const long = hexDump(new Uint8Array(40));
    expect(long.split("\n")).toHaveLength(3);
    expect(long.split("\n")[2]!.startsWith("00000020")).toBe(true);
    expect(hexDump(new Uint8Array(100), 32)).toContain("68 more bytes");
  });
  it("pretty-prints JSON and leaves the rest alone", () => {
    expect(prettyBody('{"a":[1,2]}')).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}', json: true });
    expect(prettyBody("a=1&b=2")).toEqual({ text: "a=1&b=2", json: false });
  });
  it("diffs by line", () => {
    expect(diffLines("a\nb\nc", "a\nx\nc")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "added", text: "x" },
      { kind: "same", text: "c" },
    ]);
  });
});

describe("visible", () => {
  it("shows controls and bidi overrides instead of obeying them", () => {
    expect(visible("abc\u202edef")).toBe("abc\\u{202e}def");
    expect(visible("\u001b]0;T\u0007")).toBe("\\x1b]0;T\\x07");
    expect(visible("a\tb\nc")).toBe("a\\tb\\nc");
    expect(visible("café 🦀")).toBe("café 🦀");
    expect(visible(null)).toBe(null);
  });
});
