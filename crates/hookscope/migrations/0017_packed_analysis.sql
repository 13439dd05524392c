-- A delivery's analysis compressed at rest (zstd, with its vendor's analysis dictionary once one
-- is trained): a frame here and `analysis` NULL, or, when packing would not make it smaller and
-- for rows written before, the JSON text in `analysis` and NULL here.
ALTER TABLE deliveries ADD COLUMN analysis_packed BLOB;
