-- The handler's answer to each delivery: the latest forward, replay or edited send of it, kept
-- on the delivery so that the list shows it, filters by it and counts it without reading the
-- attempts. `handler` is what the sidebar counts: '' never sent, 'error' no answer came, else
-- the status class ('2xx', '4xx', ...).
ALTER TABLE deliveries ADD COLUMN handler_attempt INTEGER;     -- attempts.id of the latest
ALTER TABLE deliveries ADD COLUMN handler_kind TEXT;          -- forward | replay | edit
ALTER TABLE deliveries ADD COLUMN handler_status INTEGER;      -- NULL when no answer came
ALTER TABLE deliveries ADD COLUMN handler_latency_us INTEGER;
ALTER TABLE deliveries ADD COLUMN handler_note TEXT;           -- why no answer came, or the answer's first line
ALTER TABLE deliveries ADD COLUMN handler TEXT NOT NULL DEFAULT '';

UPDATE deliveries SET
    handler_attempt = a.id,
    handler_kind = a.kind,
    handler_status = a.status,
    handler_latency_us = a.latency_us,
    handler_note = ifnull(a.error, substr(CAST(a.response_body AS TEXT), 1,
        min(200, CASE WHEN instr(CAST(a.response_body AS TEXT), char(10)) > 0
                      THEN instr(CAST(a.response_body AS TEXT), char(10)) - 1 ELSE 200 END))),
    handler = CASE WHEN a.status IS NULL THEN 'error' ELSE (a.status / 100) || 'xx' END
FROM (SELECT delivery_id, max(id) AS id FROM attempts
      WHERE delivery_id IS NOT NULL AND kind IN ('forward', 'replay', 'edit')
      GROUP BY delivery_id) latest
JOIN attempts a ON a.id = latest.id
WHERE deliveries.id = latest.delivery_id;

CREATE INDEX deliveries_by_handler ON deliveries(handler, id) WHERE handler <> '';

-- Why a replay that was refused may have been: its original signature was past the scheme's
-- tolerance when it was sent again.
ALTER TABLE attempts ADD COLUMN hint TEXT;

-- The sidebar's counts gain the handler's answer.
DROP TRIGGER facet_counts_insert;
DROP TRIGGER facet_counts_delete;
DROP TRIGGER facet_counts_update;
DROP TABLE facet_counts;

CREATE TABLE facet_counts (
    vendor           TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    signature_status TEXT NOT NULL,
    dup_kind         TEXT NOT NULL,
    method           TEXT NOT NULL,
    handler          TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (vendor, event_type, signature_status, dup_kind, method, handler)
) STRICT, WITHOUT ROWID;

INSERT INTO facet_counts
SELECT ifnull(vendor, ''), ifnull(event_type, ''), ifnull(signature_status, ''),
       ifnull(dup_kind, ''), method, handler, count(*)
FROM deliveries GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER facet_counts_insert AFTER INSERT ON deliveries BEGIN
    INSERT INTO facet_counts VALUES (ifnull(new.vendor, ''), ifnull(new.event_type, ''),
        ifnull(new.signature_status, ''), ifnull(new.dup_kind, ''), new.method, new.handler, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER facet_counts_delete AFTER DELETE ON deliveries BEGIN
    UPDATE facet_counts SET n = n - 1
    WHERE vendor = ifnull(old.vendor, '') AND event_type = ifnull(old.event_type, '')
      AND signature_status = ifnull(old.signature_status, '')
      AND dup_kind = ifnull(old.dup_kind, '') AND method = old.method
      AND handler = old.handler;
END;

CREATE TRIGGER facet_counts_update
AFTER UPDATE OF vendor, event_type, signature_status, dup_kind, method, handler ON deliveries BEGIN
    UPDATE facet_counts SET n = n - 1
    WHERE vendor = ifnull(old.vendor, '') AND event_type = ifnull(old.event_type, '')
      AND signature_status = ifnull(old.signature_status, '')
      AND dup_kind = ifnull(old.dup_kind, '') AND method = old.method
      AND handler = old.handler;
    INSERT INTO facet_counts VALUES (ifnull(new.vendor, ''), ifnull(new.event_type, ''),
        ifnull(new.signature_status, ''), ifnull(new.dup_kind, ''), new.method, new.handler, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
