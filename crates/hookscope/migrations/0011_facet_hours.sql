-- The sidebar's counts under a time range. `facet_counts` and `tenant_counts` keep totals over
-- the whole store; under `since`/`until` the counts came from every delivery in the range (at a
-- million stored, a day's tens of thousands of rows read one by one). `facet_hours` keeps the
-- same totals per hour of receive order (`ord` / 3,600,000,000, so an hour here is a range of
-- the very column a time filter compares): a range's counts are the sum of its whole hours
-- plus the deliveries of the two partial hours at its ends. Tenant '' stands for none.
CREATE TABLE facet_hours (
    hour             INTEGER NOT NULL,
    tenant           TEXT NOT NULL,
    vendor           TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    signature_status TEXT NOT NULL,
    dup_kind         TEXT NOT NULL,
    method           TEXT NOT NULL,
    handler          TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (hour, tenant, vendor, event_type, signature_status, dup_kind, method, handler)
) STRICT, WITHOUT ROWID;

INSERT INTO facet_hours
SELECT ord / 3600000000, ifnull(tenant, ''), ifnull(vendor, ''), ifnull(event_type, ''),
       ifnull(signature_status, ''), ifnull(dup_kind, ''), method, handler, count(*)
FROM deliveries GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

CREATE TRIGGER facet_hours_insert AFTER INSERT ON deliveries BEGIN
    INSERT INTO facet_hours VALUES (new.ord / 3600000000, ifnull(new.tenant, ''),
        ifnull(new.vendor, ''), ifnull(new.event_type, ''), ifnull(new.signature_status, ''),
        ifnull(new.dup_kind, ''), new.method, new.handler, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER facet_hours_delete AFTER DELETE ON deliveries BEGIN
    UPDATE facet_hours SET n = n - 1
    WHERE hour = old.ord / 3600000000 AND tenant = ifnull(old.tenant, '')
      AND vendor = ifnull(old.vendor, '') AND event_type = ifnull(old.event_type, '')
      AND signature_status = ifnull(old.signature_status, '')
      AND dup_kind = ifnull(old.dup_kind, '') AND method = old.method
      AND handler = old.handler;
END;

CREATE TRIGGER facet_hours_update
AFTER UPDATE OF ord, tenant, vendor, event_type, signature_status, dup_kind, method, handler
ON deliveries BEGIN
    UPDATE facet_hours SET n = n - 1
    WHERE hour = old.ord / 3600000000 AND tenant = ifnull(old.tenant, '')
      AND vendor = ifnull(old.vendor, '') AND event_type = ifnull(old.event_type, '')
      AND signature_status = ifnull(old.signature_status, '')
      AND dup_kind = ifnull(old.dup_kind, '') AND method = old.method
      AND handler = old.handler;
    INSERT INTO facet_hours VALUES (new.ord / 3600000000, ifnull(new.tenant, ''),
        ifnull(new.vendor, ''), ifnull(new.event_type, ''), ifnull(new.signature_status, ''),
        ifnull(new.dup_kind, ''), new.method, new.handler, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
