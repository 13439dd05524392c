-- What the inspector decoded from each delivery. Columns the list filters on; the rest of the
-- analysis (detection, envelope, signature details, validation findings) as JSON.
ALTER TABLE deliveries ADD COLUMN vendor TEXT;
ALTER TABLE deliveries ADD COLUMN event_type TEXT;
ALTER TABLE deliveries ADD COLUMN event_id TEXT;
ALTER TABLE deliveries ADD COLUMN signature_status TEXT;
ALTER TABLE deliveries ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN event_ref INTEGER;   -- events.id, when the delivery has an event id
ALTER TABLE deliveries ADD COLUMN dup_kind TEXT;       -- first | retry | conflict
ALTER TABLE deliveries ADD COLUMN dup_attempt INTEGER; -- 1 for the first arrival of its event
ALTER TABLE deliveries ADD COLUMN dup_gap_us INTEGER;  -- since the event's previous arrival
ALTER TABLE deliveries ADD COLUMN analysis TEXT;

-- One row per event seen: the scope (an endpoint, or a vendor) and the event id or fingerprint.
-- Looking a delivery's event up here at capture time is what makes duplicate detection an index
-- lookup rather than a search.
CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    scope     TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    first_id  INTEGER NOT NULL,   -- the first delivery of this event
    last_id   INTEGER NOT NULL,
    count     INTEGER NOT NULL,   -- how many times it arrived
    first_received_us INTEGER NOT NULL,
    last_received_us  INTEGER NOT NULL,
    prev_received_us  INTEGER,        -- the arrival before the last, NULL until there is one
    body_hash BLOB    NOT NULL,   -- first 16 bytes of the first body's SHA-256
    UNIQUE (scope, key)
) STRICT;
