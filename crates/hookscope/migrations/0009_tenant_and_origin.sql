-- Who a delivery is about and where it really came from, kept on the delivery so that the list
-- filters and counts by them: the tenant each profile names (Cooledge's business_id, Stripe's
-- account, ...), and, behind a tunnel or proxy, the original client and the public URL the
-- sender used (from Forwarded, X-Forwarded-For, -Proto and -Host; the raw headers stay as they
-- came).
ALTER TABLE deliveries ADD COLUMN tenant TEXT;
ALTER TABLE deliveries ADD COLUMN client_addr TEXT;
ALTER TABLE deliveries ADD COLUMN public_url TEXT;

UPDATE deliveries SET tenant = json_extract(analysis, '$.event.tenant')
WHERE analysis IS NOT NULL AND json_valid(analysis);

CREATE INDEX deliveries_by_tenant ON deliveries(tenant, id) WHERE tenant IS NOT NULL;

-- The sidebar's counts split by tenant, for deliveries that name one: the tenant facet reads
-- them under the other facets' filters, and the other facets read them under a tenant filter,
-- without a scan of the store.
CREATE TABLE tenant_counts (
    tenant           TEXT NOT NULL,
    vendor           TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    signature_status TEXT NOT NULL,
    dup_kind         TEXT NOT NULL,
    method           TEXT NOT NULL,
    handler          TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (tenant, vendor, event_type, signature_status, dup_kind, method, handler)
) STRICT, WITHOUT ROWID;

INSERT INTO tenant_counts
SELECT tenant, ifnull(vendor, ''), ifnull(event_type, ''), ifnull(signature_status, ''),
       ifnull(dup_kind, ''), method, handler, count(*)
FROM deliveries WHERE tenant IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE TRIGGER tenant_counts_insert AFTER INSERT ON deliveries WHEN new.tenant IS NOT NULL BEGIN
    INSERT INTO tenant_counts VALUES (new.tenant, ifnull(new.vendor, ''),
        ifnull(new.event_type, ''), ifnull(new.signature_status, ''), ifnull(new.dup_kind, ''),
        new.method, new.handler, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tenant_counts_delete AFTER DELETE ON deliveries WHEN old.tenant IS NOT NULL BEGIN
    UPDATE tenant_counts SET n = n - 1
    WHERE tenant = old.tenant AND vendor = ifnull(old.vendor, '')
      AND event_type = ifnull(old.event_type, '')
      AND signature_status = ifnull(old.signature_status, '')
      AND dup_kind = ifnull(old.dup_kind, '') AND method = old.method
      AND handler = old.handler;
END;

CREATE TRIGGER tenant_counts_update
AFTER UPDATE OF tenant, vendor, event_type, signature_status, dup_kind, method, handler
ON deliveries BEGIN
    UPDATE tenant_counts SET n = n - 1
    WHERE old.tenant IS NOT NULL AND tenant = old.tenant AND vendor = ifnull(old.vendor, '')
      AND event_type = ifnull(old.event_type, '')
      AND signature_status = ifnull(old.signature_status, '')
      AND dup_kind = ifnull(old.dup_kind, '') AND method = old.method
      AND handler = old.handler;
    INSERT INTO tenant_counts SELECT new.tenant, ifnull(new.vendor, ''),
        ifnull(new.event_type, ''), ifnull(new.signature_status, ''), ifnull(new.dup_kind, ''),
        new.method, new.handler, 1
    WHERE new.tenant IS NOT NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
