-- Heads and bodies compressed at rest: `codec` says which of a payload's two are zstd frames
-- (1: the head, 2: the body; 3: both). Readers undo it, so every reader sees the bytes as
-- received. Rows written before stay as they are (0).
ALTER TABLE payloads ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;
