//! The `events` table: one row per event id seen (per scope), counting its arrivals, so that a
//! delivery knows whether it is the first, a retry (same body) or a conflict (another body).

use rusqlite::{Connection, params};

use super::deliveries::secs;
use crate::error::Result;
use crate::model::{Duplicate, DuplicateKind};
use crate::profile::DedupeKey;

/// Counts an arrival of the event `key` for the delivery that will get id `id`, received at
/// `at_us`: the event's row id, whether this arrival is its first, a retry (same body) or a
/// conflict, and the time since the previous arrival (for the delivery's `dup_gap_us`).
pub(super) fn record_event(
    conn: &Connection,
    key: &DedupeKey,
    id: i64,
    at_us: i64,
) -> Result<(i64, Duplicate, Option<i64>)> {
    // In the update, right-hand sides see the old row: `prev_received_us` becomes the arrival
    // before this one.
    let mut stmt = conn.prepare_cached(
        "INSERT INTO events (scope, key, first_id, last_id, count, first_received_us,
             last_received_us, body_hash)
         VALUES (?1, ?2, ?3, ?3, 1, ?4, ?4, ?5)
         ON CONFLICT (scope, key) DO UPDATE SET count = count + 1, last_id = excluded.last_id,
             prev_received_us = last_received_us, last_received_us = excluded.last_received_us
         RETURNING id, first_id, count, body_hash, first_received_us, prev_received_us",
    )?;
    type Row = (i64, i64, u64, Vec<u8>, i64, Option<i64>);
    let (event_ref, first_id, count, hash, first_at, previous): Row = stmt.query_row(
        params![key.scope, key.key, id, at_us, &key.body_hash[..]],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )?;
    let gap = previous.map(|p| at_us - p);
    let kind = if count == 1 {
        DuplicateKind::First
    } else if hash == key.body_hash {
        DuplicateKind::Retry
    } else {
        DuplicateKind::Conflict
    };
    Ok((
        event_ref,
        Duplicate {
            kind,
            first_id,
            count,
            attempt: count,
            since_first_secs: (count > 1).then(|| secs(at_us - first_at)),
            since_previous_secs: gap.map(secs),
        },
        gap,
    ))
}
