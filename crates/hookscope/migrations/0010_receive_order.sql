-- The list in receive order. Imported and generated deliveries keep their original receive
-- times but take the next ids, so ordering by id mixed them among new ones. `ord` is each
-- delivery's place in receive order: its receive time in microseconds, or the next free
-- microsecond when another delivery holds that one (see `store::order`). It is unique, so it is
-- both the list's order and its cursor, and a time range is a range of it: every filter index
-- walks it after its equality column, and the search index is keyed by it, so free text comes
-- back in receive order too.
ALTER TABLE deliveries ADD COLUMN ord INTEGER NOT NULL DEFAULT 0;

-- In receive order, each delivery takes the larger of its own time and one past the place
-- before it: unique, and its own time unless deliveries shared a microsecond.
UPDATE deliveries SET ord = o.ord
FROM (
    SELECT id, rn + max(received_at_us - rn) OVER (ORDER BY received_at_us, id
                                                   ROWS UNBOUNDED PRECEDING) AS ord
    FROM (
        SELECT id, received_at_us, row_number() OVER (ORDER BY received_at_us, id) AS rn
        FROM deliveries
    )
) o
WHERE deliveries.id = o.id;

CREATE UNIQUE INDEX deliveries_by_ord ON deliveries(ord);

DROP INDEX deliveries_by_endpoint;
CREATE INDEX deliveries_by_endpoint ON deliveries(endpoint, ord) WHERE endpoint IS NOT NULL;

-- The vendor index carries the other facet columns, so that a vendor page with event type,
-- signature status and duplicate conditions is found inside the index.
DROP INDEX deliveries_by_vendor;
CREATE INDEX deliveries_by_vendor
    ON deliveries(vendor, ord, event_type, signature_status, dup_kind, method)
    WHERE vendor IS NOT NULL;

DROP INDEX deliveries_by_signature;
CREATE INDEX deliveries_by_signature ON deliveries(signature_status, ord)
    WHERE signature_status IS NOT NULL;

DROP INDEX deliveries_pinned;
CREATE INDEX deliveries_pinned ON deliveries(ord) WHERE pinned = 1;

DROP INDEX deliveries_by_handler;
CREATE INDEX deliveries_by_handler ON deliveries(handler, ord) WHERE handler <> '';

DROP INDEX deliveries_by_tenant;
CREATE INDEX deliveries_by_tenant ON deliveries(tenant, ord) WHERE tenant IS NOT NULL;

-- The planner's fixed statistics (see 0004), for the rebuilt indexes.
DELETE FROM sqlite_stat1 WHERE tbl = 'deliveries';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('deliveries', NULL, '1000000'),
    ('deliveries', 'deliveries_by_ord', '1000000 1'),
    ('deliveries', 'deliveries_by_vendor', '1000000 100000 1 1 1 1 1'),
    ('deliveries', 'deliveries_by_signature', '1000000 250000 1'),
    ('deliveries', 'deliveries_by_endpoint', '1000000 100000 1');

-- The search index was keyed by id: it is filled again, keyed by `ord`, while the store is idle.
INSERT INTO search (search) VALUES ('delete-all');
DELETE FROM meta WHERE key = 'search_indexed_through';
