//! Each delivery's place in receive order, `deliveries.ord` (migration 0010): its receive time
//! in microseconds, or, when another delivery already holds that microsecond, the next free
//! one after it. Unique, so it is the list's order and cursor and the search index's key, and
//! close to the time it stands for (off by as many microseconds as deliveries that shared one),
//! so a time range is a range of places: every filter index answers time conditions too.
//! Consecutive places differ by the time between deliveries, which keeps the search index's
//! deltas short.

use rusqlite::{Connection, ErrorCode};

use crate::error::Result;

/// The first place a delivery received at `received_at_us` can take: `ord >= first_place(t)`
/// selects what was received at or after `t`.
pub(super) fn first_place(received_at_us: i64) -> i64 {
    received_at_us
}

/// Whether an insert failed because its place was taken.
pub(super) fn is_taken(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, Some(msg))
            if f.code == ErrorCode::ConstraintViolation && msg.contains("deliveries.ord")
    )
}

/// The next place to try after `taken`: one past the last taken place of the run that starts
/// there (within a millisecond), so that a burst in one microsecond costs one lookup each, not
/// one per place.
pub(super) fn after_taken(conn: &Connection, taken: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT ifnull(max(ord), ?1) + 1 FROM deliveries WHERE ord >= ?1 AND ord < ?1 + 1000",
        )?
        .query_row([taken], |r| r.get(0))?)
}
