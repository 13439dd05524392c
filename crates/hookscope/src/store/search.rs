//! Full-text search: the `search` FTS5 table, filled while the writer is idle, and the query a
//! free-text filter becomes.

use rusqlite::{Connection, params};

use crate::error::Result;

/// Free text as an FTS5 query: every word must appear (each quoted, so that FTS5's operators
/// and punctuation in the text are taken literally).
pub(crate) fn fts_query(text: &str) -> String {
    text.split_whitespace()
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Most body text indexed per delivery.
const INDEX_BODY_MAX: usize = 256 * 1024;

/// Indexes up to `limit` deliveries newer than the search high-water mark, in one transaction;
/// returns how many.
pub(super) fn index_pending(
    conn: &Connection,
    limit: usize,
    dicts: &crate::packed::Dictionaries,
) -> Result<usize> {
    // Immediate: the write lock first. A deferred transaction that reads and then writes fails
    // at once (not after the busy timeout) when another connection wrote in between.
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let n = index_into(&tx, limit, dicts)?;
    tx.commit()?;
    Ok(n)
}

fn index_into(
    conn: &Connection,
    limit: usize,
    dicts: &crate::packed::Dictionaries,
) -> Result<usize> {
    let through: i64 = conn.query_row(
        "SELECT coalesce((SELECT value FROM meta WHERE key = 'search_indexed_through'), 0)",
        [],
        |r| r.get(0),
    )?;
    // The next deliveries by id (what `through` counts), indexed in the order of their keys,
    // their places in receive order: FTS5 writes out what it holds whenever a key is smaller
    // than the last, and imported or generated deliveries come in no time order, so unsorted
    // keys cost small segments and their merging (2.7 times the work at a million).
    let mut batch: Vec<(i64, i64)> = conn
        .prepare_cached(
            "SELECT p.delivery_id, d.ord FROM payloads p JOIN deliveries d ON d.id = p.delivery_id
             WHERE p.delivery_id > ?1 ORDER BY p.delivery_id LIMIT ?2",
        )?
        .query_map(params![through, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let Some(&(last, _)) = batch.last() else {
        return Ok(0);
    };
    batch.sort_unstable_by_key(|&(_, ord)| ord);
    let mut text =
        conn.prepare_cached("SELECT head, body, codec FROM payloads WHERE delivery_id = ?1")?;
    let mut insert =
        conn.prepare_cached("INSERT INTO search (rowid, head, body) VALUES (?1, ?2, ?3)")?;
    let n = batch.len();
    for (id, ord) in batch {
        let (head, body_bytes, codec): (Vec<u8>, Vec<u8>, i64) =
            text.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let head = super::dictionaries::unpack(conn, dicts, codec, crate::packed::HEAD, head, id)?;
        let head = String::from_utf8_lossy(&head).into_owned();
        let body_bytes =
            super::dictionaries::unpack(conn, dicts, codec, crate::packed::BODY, body_bytes, id)?;
        let cut = &body_bytes[..body_bytes.len().min(INDEX_BODY_MAX)];
        let body = match std::str::from_utf8(cut) {
            Ok(text) => text,
            // Cut inside a character at the limit: index the text before it.
            Err(e) if e.error_len().is_none() => {
                std::str::from_utf8(&cut[..e.valid_up_to()]).unwrap_or_default()
            }
            // Not UTF-8: a binary body is not text to search (its head still is).
            Err(_) => "",
        };
        insert.execute(params![ord, head, body])?;
    }
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('search_indexed_through', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([last])?;
    Ok(n)
}

/// Leaf pages of the search index one merge step writes: about a millisecond's work, so that a
/// capture arriving meanwhile waits no longer than that.
const MERGE_PAGES: i64 = 32;

/// Merges some of the search index's segments, in a transaction of its own (the writer runs
/// these between captures: FTS5's own merging is off, see migration 0018); `true` when there is
/// more to merge.
pub(super) fn merge_some(conn: &Connection) -> Result<bool> {
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let before = tx.total_changes();
    tx.prepare_cached("INSERT INTO search (search, rank) VALUES ('merge', ?1)")?
        .execute([MERGE_PAGES])?;
    // FTS5's documented test: fewer than two changes means there was nothing left to merge.
    let more = tx.total_changes() - before >= 2;
    tx.commit()?;
    Ok(more)
}

/// How far the search index has got, and the newest delivery.
pub fn search_progress(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT coalesce((SELECT value FROM meta WHERE key = 'search_indexed_through'), 0),
                coalesce((SELECT max(id) FROM deliveries), 0)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}
