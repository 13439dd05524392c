-- Filtered pages and the filter sidebar at a million deliveries.
--
-- Each index walks its rows newest first (by id) and carries the other filter columns, so a
-- page with vendor, event type, signature status and time conditions is found inside the index
-- without reading skipped rows from the table.
CREATE INDEX deliveries_by_vendor
    ON deliveries(vendor, id, event_type, signature_status, received_at_us, dup_kind, method)
    WHERE vendor IS NOT NULL;
CREATE INDEX deliveries_by_signature
    ON deliveries(signature_status, id, received_at_us)
    WHERE signature_status IS NOT NULL;

-- How many deliveries have each combination of the sidebar's facets, kept by triggers so that
-- the unfiltered counts cost a read of a few hundred rows, not a scan of the store.
CREATE TABLE facet_counts (
    vendor           TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    signature_status TEXT NOT NULL,
    dup_kind         TEXT NOT NULL,
    method           TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (vendor, event_type, signature_status, dup_kind, method)
) STRICT, WITHOUT ROWID;

INSERT INTO facet_counts
SELECT ifnull(vendor, ''), ifnull(event_type, ''), ifnull(signature_status, ''),
       ifnull(dup_kind, ''), method, count(*)
FROM deliveries GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER facet_counts_insert AFTER INSERT ON deliveries BEGIN
    INSERT INTO facet_counts VALUES (ifnull(new.vendor, ''), ifnull(new.event_type, ''),
        ifnull(new.signature_status, ''), ifnull(new.dup_kind, ''), new.method, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER facet_counts_delete AFTER DELETE ON deliveries BEGIN
    UPDATE facet_counts SET n = n - 1
    WHERE vendor = ifnull(old.vendor, '') AND event_type = ifnull(old.event_type, '')
      AND signature_status = ifnull(old.signature_status, '')
      AND dup_kind = ifnull(old.dup_kind, '') AND method = old.method;
END;

CREATE TRIGGER facet_counts_update
AFTER UPDATE OF vendor, event_type, signature_status, dup_kind, method ON deliveries BEGIN
    UPDATE facet_counts SET n = n - 1
    WHERE vendor = ifnull(old.vendor, '') AND event_type = ifnull(old.event_type, '')
      AND signature_status = ifnull(old.signature_status, '')
      AND dup_kind = ifnull(old.dup_kind, '') AND method = old.method;
    INSERT INTO facet_counts VALUES (ifnull(new.vendor, ''), ifnull(new.event_type, ''),
        ifnull(new.signature_status, ''), ifnull(new.dup_kind, ''), new.method, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Fixed planner statistics. Without them SQLite rates every index alike and may walk the
-- signature index (where "valid" is most rows) for a vendor filter. Real ANALYZE figures would
-- need a pass over the store that blocks the writer; what matters to the planner is only the
-- order: a vendor selects fewer rows than a signature status. The figures are representative of
-- a store of a million deliveries.
ANALYZE deliveries;
DELETE FROM sqlite_stat1 WHERE tbl = 'deliveries';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('deliveries', NULL, '1000000'),
    ('deliveries', 'deliveries_by_vendor', '1000000 100000 1 1 1 1 1 1'),
    ('deliveries', 'deliveries_by_signature', '1000000 250000 1 1'),
    ('deliveries', 'deliveries_by_endpoint', '1000000 100000 1');
