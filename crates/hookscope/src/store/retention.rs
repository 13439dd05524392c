//! Retention: the store's totals, and pruning the oldest deliveries (pinned ones spared) beyond
//! the limits, with their payloads, search entries and attempts.

use rusqlite::Connection;

use crate::error::Result;

/// Number of deliveries and the bytes they occupy, which retention keeps within its limits.
pub(super) fn totals(conn: &Connection) -> Result<(u64, u64)> {
    Ok(conn.query_row(
        "SELECT count(*), coalesce(sum(stored_bytes), 0) FROM deliveries",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Deletes the oldest deliveries until at most `max_count` remain and they occupy at most
/// `max_bytes`, sparing ids from `spare_from` on (what the current transaction inserted, which is
/// about to be acknowledged) and pinned ones. `count` and `bytes` are the current totals. Returns
/// the highest id deleted and the totals removed.
pub(super) fn prune(
    conn: &Connection,
    count: u64,
    bytes: u64,
    max_count: u64,
    max_bytes: u64,
    spare_from: i64,
) -> Result<Option<(i64, u64, u64)>> {
    if count <= max_count && bytes <= max_bytes {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, stored_bytes FROM deliveries WHERE id > ?1 AND id < ?2 AND pinned = 0 \
         ORDER BY id LIMIT 1024",
    )?;
    let (mut removed_count, mut removed_bytes, mut last_id) = (0u64, 0u64, None);
    let mut after = i64::MIN;
    'walk: loop {
        let rows = stmt
            .query_map([after, spare_from], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, u64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let Some(&(last, _)) = rows.last() else {
            break;
        };
        after = last;
        for (id, size) in rows {
            if count - removed_count <= max_count && bytes - removed_bytes <= max_bytes {
                break 'walk;
            }
            removed_count += 1;
            removed_bytes += size;
            last_id = Some(id);
        }
    }
    let Some(last_id) = last_id else {
        return Ok(None);
    };
    // The pinned ones keep their payload and search entry (keyed by place in receive order).
    conn.prepare_cached(
        "DELETE FROM search WHERE rowid IN \
         (SELECT ord FROM deliveries WHERE id <= ?1 AND pinned = 0)",
    )?
    .execute([last_id])?;
    conn.prepare_cached("DELETE FROM deliveries WHERE id <= ?1 AND pinned = 0")?
        .execute([last_id])?;
    let kept = "SELECT id FROM deliveries WHERE pinned = 1 AND id <= ?1";
    conn.prepare_cached(&format!(
        "DELETE FROM payloads WHERE delivery_id <= ?1 AND delivery_id NOT IN ({kept})"
    ))?
    .execute([last_id])?;
    conn.prepare_cached(&format!(
        "DELETE FROM attempts WHERE delivery_id <= ?1 AND delivery_id NOT IN ({kept})"
    ))?
    .execute([last_id])?;
    Ok(Some((last_id, removed_count, removed_bytes)))
}
