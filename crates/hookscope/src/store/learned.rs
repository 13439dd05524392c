//! Queries on the `learned_schemas` table: each vendor and event type's learned shape
//! ([`crate::learn`]), saved as it grows and read back when the store opens.

use rusqlite::{Connection, params};

use crate::error::Result;
use crate::learn::{Field, Learned};

/// Every shape saved. A row that no longer reads as a shape (written by a later version, or
/// damaged) is skipped with a warning: its type is learned again from the next payload.
pub fn load(conn: &Connection) -> Result<Vec<Learned>> {
    let mut stmt = conn.prepare(
        "SELECT vendor, event_type, first_at_us, last_at_us, shape FROM learned_schemas",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (vendor, event_type, first_at_us, last_at_us, shape) = row?;
        match serde_json::from_str::<Field>(&shape) {
            Ok(shape) => out.push(Learned {
                vendor,
                event_type,
                first_at_us,
                last_at_us,
                shape,
            }),
            Err(e) => tracing::warn!(
                vendor = %crate::visible::visible(&vendor),
                event_type = %crate::visible::visible(&event_type),
                error = %e,
                "a learned schema could not be read; it is learned again from new deliveries"
            ),
        }
    }
    Ok(out)
}

/// Writes `learned` over what was saved of the same types.
pub fn save(conn: &Connection, learned: &[Learned]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO learned_schemas (vendor, event_type, seen, first_at_us, last_at_us, shape)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (vendor, event_type) DO UPDATE SET seen = excluded.seen,
             first_at_us = excluded.first_at_us, last_at_us = excluded.last_at_us,
             shape = excluded.shape",
    )?;
    for l in learned {
        let shape = serde_json::to_string(&l.shape)
            .map_err(|e| crate::Error::Commit(format!("a learned schema: {e}")))?;
        stmt.execute(params![
            l.vendor,
            l.event_type,
            i64::try_from(l.shape.seen).unwrap_or(i64::MAX),
            l.first_at_us,
            l.last_at_us,
            shape
        ])?;
    }
    Ok(())
}

/// Forgets every shape (the deliveries were all deleted).
pub fn clear(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM learned_schemas", [])?;
    Ok(())
}
