-- Deliveries as the capture listener received them. Listing and filtering read only this table,
-- whose rows stay small; heads and bodies live in `payloads`.
--
-- Each commit rewrites the last page of every B-tree it touches, so the write path keeps the
-- number of trees small: the store writer assigns ids itself (no AUTOINCREMENT bookkeeping per
-- row), and only selective filters get an index. Newest-first pages walk the primary key.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,               -- assigned by the writer, never reused
    received_at_us  INTEGER NOT NULL,                  -- UTC, microseconds since the Unix epoch
    method          TEXT    NOT NULL,
    path            TEXT    NOT NULL,                  -- as sent, percent-encoding untouched
    query           TEXT,                              -- raw, NULL when the target had no '?'
    http_version    TEXT    NOT NULL,
    remote_addr     TEXT    NOT NULL,
    endpoint        TEXT,                              -- prefix of the matched configured endpoint
    content_type    TEXT,
    body_size       INTEGER NOT NULL,                  -- as sent or declared
    stored_size     INTEGER NOT NULL,                  -- body bytes kept (less when truncated)
    stored_bytes    INTEGER NOT NULL,                  -- head + body bytes kept, for retention
    truncated       INTEGER NOT NULL,
    response_status INTEGER NOT NULL,
    note            TEXT
) STRICT;

-- Only deliveries on a configured endpoint carry one; the others cost this index nothing.
CREATE INDEX deliveries_by_endpoint ON deliveries(endpoint, id) WHERE endpoint IS NOT NULL;

-- The request head (request line and header lines, byte-exact, so header order, case and
-- duplicates come back as sent) and the body. One row per delivery, same id.
CREATE TABLE payloads (
    delivery_id INTEGER PRIMARY KEY,
    head        BLOB    NOT NULL,
    head_exact  INTEGER NOT NULL,
    body        BLOB    NOT NULL
) STRICT;

-- Store-wide counters. `id_high_water`: the highest id ever assigned, written when deliveries are
-- deleted so that ids are not reused after the newest ones go.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
