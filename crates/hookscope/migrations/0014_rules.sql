-- The rules that applied to each delivery and what they did (`hookscope::rules::RuleOutcome` as
-- JSON); NULL when no rule matched.
ALTER TABLE deliveries ADD COLUMN rule TEXT;
