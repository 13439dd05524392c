-- Full-text search over heads and bodies. Contentless: the text lives in `payloads`; this holds
-- only the index, keyed by delivery id. The store writer fills it when it has nothing else to
-- do, so indexing never slows a capture; `search_indexed_through` in `meta` is how far it got.
CREATE VIRTUAL TABLE search USING fts5(
    head,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
