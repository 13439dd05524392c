//! Queries on the `checks` table: handler checks' runs, each with its report as far as it got.
//! The report is the check module's JSON; this layer stores it and reads its counts, and knows
//! no more of it than that its exchanges name their attempts (`attempt_id`).

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;

/// Runs kept; starting one more deletes the oldest finished ones beyond this, with their
/// attempts.
pub const KEEP_CHECKS: i64 = 200;

/// A stored run, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    pub id: i64,
    pub vendor: String,
    pub target: String,
    /// JSON array of the chosen event types.
    pub events: String,
    pub started_at_us: i64,
    pub updated_at_us: i64,
    pub state: String,
    pub total: u32,
    /// Probes graded so far, and their grades.
    pub done: u32,
    pub passed: u32,
    pub failed: u32,
    pub warned: u32,
    pub skipped: u32,
    /// The report's JSON; `None` in a listing.
    pub report: Option<String>,
}

const SUMMARY: &str = "id, vendor, target, events, started_at_us, updated_at_us, state, total, \
     ifnull(json_array_length(report, '$.probes'), 0), ifnull(report ->> '$.passed', 0), \
     ifnull(report ->> '$.failed', 0), ifnull(report ->> '$.warned', 0), \
     ifnull(report ->> '$.skipped', 0)";

fn row(r: &Row<'_>, with_report: bool) -> rusqlite::Result<CheckRow> {
    Ok(CheckRow {
        id: r.get(0)?,
        vendor: r.get(1)?,
        target: r.get(2)?,
        events: r.get(3)?,
        started_at_us: r.get(4)?,
        updated_at_us: r.get(5)?,
        state: r.get(6)?,
        total: r.get(7)?,
        done: r.get(8)?,
        passed: r.get(9)?,
        failed: r.get(10)?,
        warned: r.get(11)?,
        skipped: r.get(12)?,
        report: if with_report { r.get(13)? } else { None },
    })
}

/// Stores a new run, `running`; forgets the oldest finished ones beyond [`KEEP_CHECKS`].
pub(super) fn insert(
    conn: &mut Connection,
    vendor: &str,
    target: &str,
    events: &str,
    total: u32,
    now_us: i64,
) -> Result<i64> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.prepare_cached(
        "INSERT INTO checks (vendor, target, events, started_at_us, updated_at_us, state, total) \
         VALUES (?1, ?2, ?3, ?4, ?4, 'running', ?5)",
    )?
    .execute(params![vendor, target, events, now_us, total])?;
    let id = tx.last_insert_rowid();
    let old = format!(
        "SELECT id FROM checks WHERE state != 'running' ORDER BY id DESC LIMIT -1 OFFSET {KEEP_CHECKS}"
    );
    tx.execute(
        &format!(
            "DELETE FROM attempts WHERE id IN (SELECT a.value FROM checks c, json_tree(c.report) a \
             WHERE a.key = 'attempt_id' AND c.id IN ({old}))"
        ),
        [],
    )?;
    tx.execute(&format!("DELETE FROM checks WHERE id IN ({old})"), [])?;
    tx.commit()?;
    Ok(id)
}

/// Writes a run's state and report as they stand.
pub(super) fn update(
    conn: &Connection,
    id: i64,
    state: &str,
    report: &str,
    now_us: i64,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE checks SET state = ?2, report = ?3, updated_at_us = ?4 WHERE id = ?1",
        )?
        .execute(params![id, state, report, now_us])?;
    Ok(n > 0)
}

/// Runs, newest first, without their reports; only those below `before` when given.
pub(super) fn list(conn: &Connection, before: Option<i64>, limit: u32) -> Result<Vec<CheckRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SUMMARY} FROM checks WHERE id < ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(params![before.unwrap_or(i64::MAX), limit], |r| {
            row(r, false)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One run, with its report.
pub(super) fn get(conn: &Connection, id: i64) -> Result<Option<CheckRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY}, report FROM checks WHERE id = ?1"
        ))?
        .query_row([id], |r| row(r, true))
        .optional()?)
}

/// The run before `id` of the same vendor against the same handler that got to its end (or was
/// cancelled), with its report.
pub(super) fn previous(conn: &Connection, id: i64) -> Result<Option<CheckRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY}, report FROM checks \
             WHERE (vendor, target) = (SELECT vendor, target FROM checks WHERE id = ?1) \
             AND id < ?1 AND state != 'running' ORDER BY id DESC LIMIT 1"
        ))?
        .query_row([id], |r| row(r, true))
        .optional()?)
}

/// Deletes a run and the attempts its probes made.
pub(super) fn delete(conn: &mut Connection, id: i64) -> Result<bool> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "DELETE FROM attempts WHERE id IN (SELECT j.value FROM checks c, json_tree(c.report) j \
         WHERE j.key = 'attempt_id' AND c.id = ?1)",
        [id],
    )?;
    let n = tx.execute("DELETE FROM checks WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(n > 0)
}
