-- Schemas learned from traffic (`hookscope::learn`): one row per vendor and event type, its shape
-- as folded so far. Saved by the writer as deliveries come (at most every half second), read
-- back when the store opens; emptied with the deliveries.
CREATE TABLE learned_schemas (
    vendor        TEXT    NOT NULL,        -- the vendor profile's id
    event_type    TEXT    NOT NULL,
    seen          INTEGER NOT NULL,        -- payloads folded in
    first_at_us   INTEGER NOT NULL,        -- UTC, microseconds since the Unix epoch
    last_at_us    INTEGER NOT NULL,
    shape         TEXT    NOT NULL,        -- JSON learn::Field
    PRIMARY KEY (vendor, event_type)
) STRICT, WITHOUT ROWID;
