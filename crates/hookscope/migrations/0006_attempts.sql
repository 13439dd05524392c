-- Outgoing requests: replays of stored deliveries, live forwards, edited sends and signed test
-- sends, each with the answer it got. A replay or forward links to its source delivery and goes
-- when that delivery goes.
CREATE TABLE attempts (
    id               INTEGER PRIMARY KEY,
    delivery_id      INTEGER,                 -- the source delivery; NULL for a test send
    kind             TEXT    NOT NULL,        -- replay | forward | edit | send
    started_at_us    INTEGER NOT NULL,        -- UTC, microseconds since the Unix epoch
    method           TEXT    NOT NULL,
    url              TEXT    NOT NULL,        -- the full URL the request went to
    request_headers  TEXT    NOT NULL,        -- JSON [[name, value], ...] in sending order
    request_body     BLOB,                    -- NULL when it is the source delivery's body, unchanged
    request_size     INTEGER NOT NULL,
    resigned         INTEGER NOT NULL,        -- 1 when the signature was computed anew
    event_id         TEXT,                    -- the event id sent, when the request carries one
    status           INTEGER,                 -- NULL when no answer came
    response_headers TEXT,                    -- JSON [[name, value], ...]
    response_body    BLOB,                    -- the first bytes of the answer's body
    response_size    INTEGER,                 -- the answer's whole body size
    latency_us       INTEGER,                 -- from sending to the answer's last byte, or the error
    error            TEXT                     -- why no answer came, in plain words
) STRICT;

CREATE INDEX attempts_by_delivery ON attempts(delivery_id, id) WHERE delivery_id IS NOT NULL;
