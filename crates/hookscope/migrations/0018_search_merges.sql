-- The search index's segments are merged by the writer in steps of their own (`search::merge_some`),
-- between captures, instead of inside whichever indexing transaction FTS5 picks: an automatic
-- merge there writes up to 64 pages a level of the index (six levels at a million deliveries),
-- and a capture arriving meanwhile waited for all of it.
INSERT INTO search (search, rank) VALUES ('automerge', 0);
