-- zstd dictionaries trained on each vendor's heads (part 1) and bodies (part 2): payloads of that
-- vendor are packed with the newest, and a frame names the one it needs by its zstd id (`id`).
CREATE TABLE dictionaries (
    id            INTEGER PRIMARY KEY,
    vendor        TEXT    NOT NULL,
    part          INTEGER NOT NULL,
    dict          BLOB    NOT NULL,
    samples       INTEGER NOT NULL,
    trained_at_us INTEGER NOT NULL
) STRICT;
