-- Handler checks (`hookscope check`, `POST /api/checks`): one row per run, its report as far as
-- it got. Each probe's requests are attempts of kind `check`; the report names their ids.
CREATE TABLE checks (
    id            INTEGER PRIMARY KEY,
    vendor        TEXT    NOT NULL,        -- the vendor profile's id
    target        TEXT    NOT NULL,        -- the handler's URL
    events        TEXT    NOT NULL,        -- JSON array of the event types chosen; [] for all
    started_at_us INTEGER NOT NULL,        -- UTC, microseconds since the Unix epoch
    updated_at_us INTEGER NOT NULL,        -- the last probe graded, or the end
    state         TEXT    NOT NULL,        -- running | passed | failed | cancelled
    total         INTEGER NOT NULL,        -- probes in the run
    report        TEXT                     -- JSON CheckReport, as far as the run got
) STRICT;

CREATE INDEX checks_by_handler ON checks(vendor, target, id);
