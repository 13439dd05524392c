-- Deliveries as the capture listener received them. Listing and filtering read only this table,
-- whose rows stay small; heads and bodies live in `payloads`.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so a UI's cached id stays valid
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

-- Newest-first pages within one filter value walk these in id order.
CREATE INDEX deliveries_by_endpoint ON deliveries(endpoint, id) WHERE endpoint IS NOT NULL;
CREATE INDEX deliveries_by_method ON deliveries(method, id);
CREATE INDEX deliveries_by_time ON deliveries(received_at_us);

-- The request head (request line and header lines, byte-exact, so header order, case and
-- duplicates come back as sent) and the body. One row per delivery, same id.
CREATE TABLE payloads (
    delivery_id INTEGER PRIMARY KEY,
    head        BLOB    NOT NULL,
    head_exact  INTEGER NOT NULL,
    body        BLOB    NOT NULL
) STRICT;
