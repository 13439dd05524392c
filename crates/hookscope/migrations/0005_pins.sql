-- Pinned (starred) deliveries: kept by retention, listed with `pinned=true`. Few are pinned, so a
-- partial index finds them without touching the rest.
ALTER TABLE deliveries ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deliveries_pinned ON deliveries(id) WHERE pinned = 1;
