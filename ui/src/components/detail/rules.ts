import type { RuleOutcome } from "../../api/types.gen";
import { visible } from "../../lib/format";

/** What the list's status cell says of the rules that applied to a delivery. */
export function ruleTitle(rule: RuleOutcome): string {
  const head = `Rule ${rule.rules.join(", ")}: ${rule.did}`;
  return rule.error
    ? `${head}. Its answer could not be made (${visible(rule.error)}); the endpoint's was given.`
    : head;
}
