// Pure formatting: times, sizes, badges, hex, diffs. Everything here is unit-tested.

import type { DeliverySummary, SignatureStatus } from "../api/types.gen";

/** "just now", "42s ago", "5m ago", "3h ago", "2d ago"; a date beyond a week. */
export function relativeTime(us: number, nowMs: number): string {
  const secs = Math.round((nowMs - us / 1000) / 1000);
  if (secs < 5) return "just now";
  if (secs < 60) return `${secs}s ago`;
  if (secs < 3600) return `${Math.floor(secs / 60)}m ago`;
  if (secs < 86400) return `${Math.floor(secs / 3600)}h ago`;
  if (secs < 7 * 86400) return `${Math.floor(secs / 86400)}d ago`;
  return new Date(us / 1000).toISOString().slice(0, 10);
}

const LOCAL_TIME = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});

/** The exact receive time, local and UTC, for the hover title. */
/** A time in the reader's zone, to the millisecond, with the zone named. */
export function localTime(us: number): string {
  return `${LOCAL_TIME.format(new Date(us / 1000))} (local)`;
}

export function exactTime(rfc3339: string, us: number): string {
  return `${LOCAL_TIME.format(new Date(us / 1000))} (local)\n${rfc3339} (UTC)`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A duration in seconds, short: "0.4s", "12s", "5m 3s", "2h 1m". */
export function formatSecs(secs: number): string {
  if (secs < 10) return `${secs.toFixed(1)}s`;
  if (secs < 60) return `${Math.round(secs)}s`;
  if (secs < 3600) return `${Math.floor(secs / 60)}m ${Math.round(secs % 60)}s`;
  return `${Math.floor(secs / 3600)}h ${Math.floor((secs % 3600) / 60)}m`;
}

export interface Badge {
  label: string;
  /** A glyph shown beside the label, so the state never rests on colour alone. */
  icon: string;
  /** CSS modifier: `ok`, `bad`, `warn`, `muted`. */
  tone: "ok" | "bad" | "warn" | "muted";
  title: string;
}

const SIGNATURE_BADGES: Record<SignatureStatus, Omit<Badge, "title">> = {
  valid: { label: "valid", icon: "✓", tone: "ok" },
  invalid: { label: "invalid", icon: "✗", tone: "bad" },
  malformed: { label: "malformed", icon: "✗", tone: "bad" },
  stale: { label: "stale", icon: "⏱", tone: "warn" },
  missing: { label: "unsigned", icon: "∅", tone: "warn" },
  unchecked: { label: "not checked", icon: "–", tone: "muted" },
};

export function signatureBadge(d: Pick<DeliverySummary, "signature">): Badge {
  const status = d.signature?.status ?? "unchecked";
  const base = SIGNATURE_BADGES[status];
  const title =
    status === "valid"
      ? `Signature valid${d.signature?.scheme ? ` (${d.signature.scheme})` : ""}${d.signature?.secret ? `, secret ${d.signature.secret}` : ""}`
      : (d.signature?.reason ?? "No signature scheme applies to this delivery");
  return { ...base, title };
}

export function duplicateBadge(d: Pick<DeliverySummary, "duplicate">): Badge | null {
  const dup = d.duplicate;
  if (!dup || dup.kind === "first") return null;
  const gap = dup.since_first_secs !== null ? ` ${formatSecs(dup.since_first_secs)} after the first` : "";
  if (dup.kind === "retry") {
    return {
      label: `retry ${dup.attempt}/${dup.count}`,
      icon: "↻",
      tone: "warn",
      title: `Same event id and body as delivery #${dup.first_id}: the sender retried${gap}`,
    };
  }
  return {
    label: `conflict ${dup.attempt}/${dup.count}`,
    icon: "≠",
    tone: "bad",
    title: `Same event id as delivery #${dup.first_id} but a different body${gap}`,
  };
}

/** Bytes of a base64 string. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A classic hex dump: offset, 16 bytes in hex, and their printable ASCII. */
export function hexDump(bytes: Uint8Array, maxBytes = 64 * 1024): string {
  const lines: string[] = [];
  const end = Math.min(bytes.length, maxBytes);
  for (let offset = 0; offset < end; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, end));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, "0"));
    const padded = [...hex, ...Array<string>(16 - hex.length).fill("  ")];
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(
      `${offset.toString(16).padStart(8, "0")}  ${padded.slice(0, 8).join(" ")}  ${padded.slice(8).join(" ")}  |${ascii}|`,
    );
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes (download the raw body)`);
  return lines.join("\n");
}

/** The body pretty-printed when it is JSON, else as it is. */
export function prettyBody(text: string): { text: string; json: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), json: true };
  } catch {
    return { text, json: false };
  }
}

/**
 * Lines of `a` and `b` compared: each line kept, removed or added (longest common subsequence,
 * for the bodies of one event's deliveries, which are small).
 */
export type DiffLine = { kind: "same" | "removed" | "added"; text: string };

export function diffLines(a: string, b: string): DiffLine[] {
  const x = a.split("\n");
  const y = b.split("\n");
  if (x.length * y.length > 4_000_000) {
    return [
      ...x.map((text) => ({ kind: "removed" as const, text })),
      ...y.map((text) => ({ kind: "added" as const, text })),
    ];
  }
  const n = x.length;
  const m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({ kind: "same", text: x[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: "removed", text: x[i++]! });
    } else {
      out.push({ kind: "added", text: y[j++]! });
    }
  }
  while (i < n) out.push({ kind: "removed", text: x[i++]! });
  while (j < m) out.push({ kind: "added", text: y[j++]! });
  return out;
}

/** Control characters and bidirectional controls: they act on the text around them, not show. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text a sender wrote (a path, an event type, a tenant), shown as written: a right-to-left
 * override (U+202E) or an escape is displayed as `\u{202e}` or `\x1b` instead of reversing or
 * hiding what follows, as the CLI shows it.
 */
export function visible(text: string): string;
export function visible(text: string | null | undefined): string | null | undefined;
export function visible(text: string | null | undefined): string | null | undefined {
  if (!text) return text;
  return text.replace(HIDDEN, (c) => {
    const code = c.charCodeAt(0);
    if (c === "\t") return "\\t";
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16).padStart(4, "0")}}`;
  });
}
