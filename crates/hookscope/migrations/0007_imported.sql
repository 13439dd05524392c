-- Deliveries read from a HAR or JSON Lines file rather than received: they keep their original
-- receive times and go through decoding, verification and duplicate detection like live ones.
ALTER TABLE deliveries ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
