// What the editor and the page say of the rules in force: since when, from where, and a reload
// that failed.

import type { ReloadSource, RuleTrial, RulesReload } from "../../api/types.gen";

const SOURCE: Record<ReloadSource, string> = {
  start: "at start",
  file: "from the config file",
  ui: "saved here",
};

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** An RFC 3339 time in the reader's zone; as sent when it does not read as a time. */
export function shownTime(rfc3339: string): string {
  const t = new Date(rfc3339);
  return Number.isNaN(t.getTime()) ? rfc3339 : TIME.format(t);
}

/** "2 rules in force since 6 Dec 2026, 23:57:26 (from the config file)" */
export function inForceLine(reload: RulesReload): string {
  const count = reload.rules === 1 ? "1 rule" : `${reload.rules} rules`;
  return `${count} in force since ${shownTime(reload.at)} (${SOURCE[reload.source]})`;
}

/**
 * The last reload's failure, when it came after the rules in force were put in force (the
 * rules in force stayed); `null` when there is none.
 */
export function reloadFailure(reload: RulesReload | null): NonNullable<RulesReload["failed"]> | null {
  const failed = reload?.failed;
  if (!reload || !failed) return null;
  return Date.parse(failed.at) < Date.parse(reload.at) ? null : failed;
}

/** Why a reload failed, to end a sentence with (without a full stop of its own). */
export function failureReason(failed: NonNullable<RulesReload["failed"]>): string {
  return failed.error.replace(/\.+$/, "");
}

/** The editor's sentence for a failed reload. */
export function failureLine(failed: NonNullable<RulesReload["failed"]>): string {
  return `The config file's rules were not reloaded at ${shownTime(failed.at)}: ${failureReason(failed)}. The rules in force are unchanged.`;
}

/** Where a trial's forward targets come from, in words. */
export function forwardLine(trial: Pick<RuleTrial, "forward" | "forward_from" | "pass_through">): string {
  if (trial.forward.length === 0) {
    return trial.forward_from === "rule" ? "Forwarded nowhere (a rule says so)." : "Forwarded nowhere.";
  }
  const from = trial.forward_from === "rule" ? "the rules' targets" : "the endpoint's target";
  const relay = trial.pass_through ? " The sender would get the first target's answer, not the one above." : "";
  return `Forwarded to ${trial.forward.join(", ")} (${from}).${relay}`;
}

/** A wait in milliseconds, as a person reads it: "250 ms", "2 s", "1.5 s". */
export function delayText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(3))} s`;
}
