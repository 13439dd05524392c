//! Queries on the `deliveries` and `payloads` tables: a delivery's row and its head and body,
//! written by the writer and read back by id. Every statement binds its parameters.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{dictionaries, order};
use crate::error::Result;
use crate::model::{
    AttemptKind, Delivery, DeliverySummary, Duplicate, DuplicateKind, HandlerAnswer, NewDelivery,
    format_time_us,
};
use crate::packed;
use crate::profile::Analysis;
use crate::rules::Decided;

/// A summary's columns, from `deliveries d LEFT JOIN events e ON e.id = d.event_ref`.
pub(super) const SUMMARY_COLUMNS: &str = "d.id, d.received_at_us, d.method, d.path, d.query, \
     d.http_version, d.remote_addr, d.endpoint, d.content_type, d.body_size, d.stored_size, \
     d.truncated, d.response_status, d.note, d.vendor, coalesce(d.analysis_packed, d.analysis), \
     d.dup_kind, d.dup_attempt, \
     e.first_id, e.count, d.dup_gap_us, e.first_received_us, d.pinned, d.imported, \
     d.handler_attempt, d.handler_status, d.handler_latency_us, d.handler_note, d.handler_kind, \
     d.client_addr, d.public_url, d.rule";

pub(super) const SUMMARY_JOIN: &str = "LEFT JOIN events e ON e.id = d.event_ref";

pub(super) const SUMMARY_FROM: &str = "deliveries d LEFT JOIN events e ON e.id = d.event_ref";

/// Columns of the summary, for reads that add their own after them.
pub(super) const SUMMARY_LEN: usize = 32;

/// A delivery's stored analysis: JSON text, or a frame of it (migration 0017). A frame naming a
/// dictionary `dicts` does not know fails with [`packed::UnknownDictionary`], which
/// [`dictionaries::reading`] answers by reading them again.
fn analysis(
    row: &Row<'_>,
    column: usize,
    dicts: &packed::Dictionaries,
) -> rusqlite::Result<Option<Analysis>> {
    match row.get_ref(column)? {
        ValueRef::Text(json) => Ok(serde_json::from_slice(json).ok()),
        ValueRef::Blob(frame) => match packed::unpack_analysis(frame, dicts) {
            Ok(json) => Ok(serde_json::from_str(&json).ok()),
            Err(packed::FrameError::Unknown(unknown)) => {
                Err(rusqlite::Error::FromSqlConversionFailure(
                    column,
                    rusqlite::types::Type::Blob,
                    Box::new(unknown),
                ))
            }
            Err(packed::FrameError::Damaged(message)) => {
                tracing::warn!(%message, "a stored analysis cannot be decompressed; shown without it");
                Ok(None)
            }
        },
        _ => Ok(None),
    }
}

pub(super) fn summary(
    row: &Row<'_>,
    dicts: &packed::Dictionaries,
) -> rusqlite::Result<DeliverySummary> {
    let received_at_us: i64 = row.get(1)?;
    let analysis = analysis(row, 15, dicts)?;
    let duplicate = match (
        row.get::<_, Option<String>>(16)?
            .as_deref()
            .and_then(DuplicateKind::parse),
        row.get::<_, Option<u64>>(17)?,
        row.get::<_, Option<i64>>(18)?,
        row.get::<_, Option<u64>>(19)?,
    ) {
        (Some(kind), Some(attempt), Some(first_id), Some(count)) => {
            let gap: Option<i64> = row.get(20)?;
            let first_at: Option<i64> = row.get(21)?;
            Some(Duplicate {
                kind,
                first_id,
                count,
                attempt,
                since_first_secs: first_at
                    .filter(|_| attempt > 1)
                    .map(|t| secs(received_at_us - t)),
                since_previous_secs: gap.map(secs),
            })
        }
        _ => None,
    };
    let (detected_by, event, signature, validation) = match analysis {
        Some(a) => (
            a.detected_by,
            Some(a.event),
            Some(a.signature),
            a.validation,
        ),
        None => (None, None, None, Vec::new()),
    };
    let handler = match row.get::<_, Option<i64>>(24)? {
        Some(attempt_id) => Some(HandlerAnswer {
            attempt_id,
            status: row.get(25)?,
            latency_ms: row.get::<_, Option<i64>>(26)?.unwrap_or(0) as f64 / 1000.0,
            sent: row.get::<_, Option<i64>>(26)?.is_some(),
            note: row.get(27)?,
            kind: row
                .get::<_, Option<String>>(28)?
                .as_deref()
                .and_then(AttemptKind::parse)
                .unwrap_or(AttemptKind::Forward),
        }),
        None => None,
    };
    Ok(DeliverySummary {
        client_addr: row.get(29)?,
        public_url: row.get(30)?,
        rule: row
            .get::<_, Option<String>>(31)?
            .and_then(|json| serde_json::from_str(&json).ok()),
        handler,
        pinned: row.get(22)?,
        imported: row.get(23)?,
        vendor: row.get(14)?,
        detected_by,
        event,
        signature,
        duplicate,
        validation,
        id: row.get(0)?,
        received_at: format_time_us(received_at_us),
        received_at_us,
        method: row.get(2)?,
        path: row.get(3)?,
        query: row.get(4)?,
        http_version: row.get(5)?,
        remote_addr: row.get(6)?,
        endpoint: row.get(7)?,
        content_type: row.get(8)?,
        body_size: row.get(9)?,
        stored_size: row.get(10)?,
        truncated: row.get(11)?,
        response_status: row.get(12)?,
        note: row.get(13)?,
    })
}

pub(super) fn secs(us: i64) -> f64 {
    us as f64 / 1e6
}

/// Inserts one delivery; returns its id and the bytes it occupies for retention. `id` is `None`
/// when the table's largest id is the highest ever assigned, so SQLite's own next rowid (one past
/// the largest, its cheapest insert) is the right one.
pub(super) fn insert(
    conn: &Connection,
    id: Option<i64>,
    d: &NewDelivery,
    event: Option<&(i64, Duplicate, Option<i64>)>,
    handler: Option<&HandlerAnswer>,
    decided: Option<&Decided>,
    dicts: &packed::Dictionaries,
) -> Result<(i64, u64)> {
    let rule = decided.and_then(|r| r.outcome.as_ref());
    let packed_here;
    let packed = match &d.packed {
        Some(p) => &**p,
        None => {
            let vendor = d
                .decoded
                .as_ref()
                .and_then(|a| a.analysis.vendor.as_deref());
            packed_here = packed::pack(
                &d.head,
                &d.body,
                d.decoded.as_ref().map(|a| a.json.as_str()),
                &dicts.for_vendor(vendor),
            );
            &packed_here
        }
    };
    let stored_bytes = packed.stored_bytes();
    let a = d.decoded.as_deref();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO deliveries (id, received_at_us, method, path, query, http_version,
             remote_addr, endpoint, content_type, body_size, stored_size, stored_bytes,
             truncated, response_status, note, vendor, event_type, event_id, signature_status,
             warnings, event_ref, dup_kind, dup_attempt, analysis, dup_gap_us, imported,
             tenant, client_addr, public_url, ord, handler_attempt, handler_kind,
             handler_status, handler_latency_us, handler_note, handler, rule, analysis_packed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33,
             ?34, ?35, ?36, ?37, ?38)",
    )?;
    let mut ord = order::first_place(d.received_at_us);
    // A place taken (by another delivery of the same microsecond) fails only this statement;
    // the next free one is looked up and tried.
    while let Err(e) = stmt.execute(params![
        id,
        d.received_at_us,
        d.method,
        d.path,
        d.query,
        d.http_version,
        d.remote_addr,
        d.endpoint,
        d.content_type,
        d.body_size,
        d.body.len() as u64,
        stored_bytes,
        d.truncated,
        Decided::status(decided, d.response_status),
        d.note,
        a.and_then(|a| a.analysis.vendor.as_deref()),
        a.and_then(|a| a.analysis.event.event_type.as_deref()),
        a.and_then(|a| a.analysis.event.id.as_deref()),
        a.map(|a| a.analysis.signature.status.as_str()),
        a.map_or(0, |a| a.warnings() as i64),
        event.map(|e| e.0),
        event.map(|e| e.1.kind.as_str()),
        event.map(|e| e.1.attempt),
        a.filter(|_| packed.analysis.is_none())
            .map(|a| a.json.as_str()),
        event.and_then(|e| e.2),
        d.imported,
        a.and_then(|a| a.analysis.event.tenant.as_deref()),
        d.forwarded.as_ref().and_then(|f| f.client.as_deref()),
        d.forwarded.as_ref().and_then(|f| f.public_url.as_deref()),
        ord,
        handler.map(|h| h.attempt_id),
        handler.map(|h| h.kind.as_str()),
        handler.and_then(|h| h.status),
        handler
            .filter(|h| h.sent)
            .map(|h| (h.latency_ms * 1000.0).round() as i64),
        handler.and_then(|h| h.note.as_deref()),
        handler.map_or_else(String::new, |h| HandlerAnswer::class(h.status)),
        rule.map(|r| serde_json::to_string(r).unwrap_or_default()),
        packed.analysis,
    ]) {
        if !order::is_taken(&e) {
            return Err(e.into());
        }
        ord = order::after_taken(conn, ord)?;
    }
    let id = conn.last_insert_rowid();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO payloads (delivery_id, head, head_exact, body, codec)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    stmt.execute(params![
        id,
        packed.head,
        d.head_exact,
        packed.body,
        packed.codec
    ])?;
    Ok((id, stored_bytes))
}

/// The newest delivery's id, and the highest id ever assigned (larger when the newest were
/// deleted).
pub(super) fn last_ids(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT coalesce((SELECT max(id) FROM deliveries), 0),
                coalesce((SELECT value FROM meta WHERE key = 'id_high_water'), 0)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Records `id` as assigned, before deliveries that may include the newest are deleted.
pub(super) fn keep_high_water(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('id_high_water', ?1)
         ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
    )?
    .execute([id])?;
    Ok(())
}

/// Replaces the analysis of delivery `id`; `false` when it no longer exists.
pub(super) fn update_analysis(
    conn: &Connection,
    id: i64,
    endpoint: Option<&str>,
    d: &crate::profile::Decoded,
    dicts: &packed::Dictionaries,
) -> Result<bool> {
    let a = &d.analysis;
    let frame = packed::pack_analysis(&d.json, &dicts.for_vendor(a.vendor.as_deref()));
    let n = conn
        .prepare_cached(
            "UPDATE deliveries SET endpoint = ?2, vendor = ?3, event_type = ?4, event_id = ?5,
                 signature_status = ?6, warnings = ?7, analysis = ?8, tenant = ?9,
                 analysis_packed = ?10
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            endpoint,
            a.vendor,
            a.event.event_type,
            a.event.id,
            a.signature.status.as_str(),
            d.warnings() as i64,
            Some(&d.json).filter(|_| frame.is_none()),
            a.event.tenant,
            frame,
        ])?;
    Ok(n == 1)
}

/// The summary a freshly inserted delivery lists as, without reading it back.
pub(super) fn summary_of(
    id: i64,
    d: &NewDelivery,
    duplicate: Option<Duplicate>,
    handler: Option<HandlerAnswer>,
    decided: Option<&Decided>,
) -> DeliverySummary {
    let a = d.decoded.as_deref().map(|d| &d.analysis);
    DeliverySummary {
        client_addr: d.forwarded.as_ref().and_then(|f| f.client.clone()),
        public_url: d.forwarded.as_ref().and_then(|f| f.public_url.clone()),
        rule: decided.and_then(|r| r.outcome.clone()),
        handler,
        pinned: false,
        imported: d.imported,
        vendor: a.and_then(|a| a.vendor.clone()),
        detected_by: a.and_then(|a| a.detected_by.clone()),
        event: a.map(|a| a.event.clone()),
        signature: a.map(|a| a.signature.clone()),
        duplicate,
        validation: a.map(|a| a.validation.clone()).unwrap_or_default(),
        id,
        received_at: format_time_us(d.received_at_us),
        received_at_us: d.received_at_us,
        method: d.method.clone(),
        path: d.path.clone(),
        query: d.query.clone(),
        http_version: d.http_version.clone(),
        remote_addr: d.remote_addr.clone(),
        endpoint: d.endpoint.clone(),
        content_type: d.content_type.clone(),
        body_size: d.body_size,
        stored_size: d.body.len() as u64,
        truncated: d.truncated,
        response_status: Decided::status(decided, d.response_status),
        note: d.note.clone(),
    }
}

pub fn get(conn: &Connection, id: i64, dicts: &packed::Dictionaries) -> Result<Option<Delivery>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, p.head, p.head_exact, p.body, p.codec
         FROM {SUMMARY_FROM} JOIN payloads p ON p.delivery_id = d.id WHERE d.id = ?1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let row = dictionaries::reading(conn, dicts, || {
        Ok(stmt
            .query_row([id], |row| {
                Ok((
                    summary(row, dicts)?,
                    row.get::<_, Vec<u8>>(SUMMARY_LEN)?,
                    row.get(SUMMARY_LEN + 1)?,
                    row.get::<_, Vec<u8>>(SUMMARY_LEN + 2)?,
                    row.get::<_, i64>(SUMMARY_LEN + 3)?,
                ))
            })
            .optional()?)
    })?;
    let Some((summary, head, head_exact, body, codec)) = row else {
        return Ok(None);
    };
    Ok(Some(Delivery {
        summary,
        head: dictionaries::unpack(conn, dicts, codec, packed::HEAD, head, id)?,
        head_exact,
        body: dictionaries::unpack(conn, dicts, codec, packed::BODY, body, id)?,
    }))
}

/// The body and content type only, for raw downloads.
pub fn body(
    conn: &Connection,
    id: i64,
    dicts: &packed::Dictionaries,
) -> Result<Option<(Option<String>, Vec<u8>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.content_type, p.body, p.codec FROM deliveries d
         JOIN payloads p ON p.delivery_id = d.id WHERE d.id = ?1",
    )?;
    let row: Option<(Option<String>, Vec<u8>, i64)> = stmt
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    row.map(|(content_type, body, codec)| {
        Ok((
            content_type,
            dictionaries::unpack(conn, dicts, codec, packed::BODY, body, id)?,
        ))
    })
    .transpose()
}

pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))?)
}

/// Deletes one delivery; returns its stored bytes, or `None` when there was none with that id.
pub(super) fn delete(conn: &Connection, id: i64) -> Result<Option<u64>> {
    let removed: Option<(u64, i64)> = conn
        .prepare_cached("DELETE FROM deliveries WHERE id = ?1 RETURNING stored_bytes, ord")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    conn.prepare_cached("DELETE FROM payloads WHERE delivery_id = ?1")?
        .execute([id])?;
    if let Some((_, ord)) = removed {
        conn.prepare_cached("DELETE FROM search WHERE rowid = ?1")?
            .execute([ord])?;
    }
    conn.prepare_cached("DELETE FROM attempts WHERE delivery_id = ?1")?
        .execute([id])?;
    Ok(removed.map(|(bytes, _)| bytes))
}

/// Pins or unpins one delivery; `false` when there is no such delivery.
pub(super) fn set_pinned(conn: &Connection, id: i64, pinned: bool) -> Result<bool> {
    let n = conn
        .prepare_cached("UPDATE deliveries SET pinned = ?2 WHERE id = ?1")?
        .execute(params![id, pinned])?;
    Ok(n > 0)
}

/// Deletes every delivery and forgets every event seen: a fresh start for duplicate detection.
pub(super) fn delete_all(conn: &Connection) -> Result<u64> {
    let n = conn.execute("DELETE FROM deliveries", [])?;
    conn.execute("DELETE FROM facet_counts", [])?;
    conn.execute("DELETE FROM facet_hours", [])?;
    conn.execute("DELETE FROM payloads", [])?;
    conn.execute("DELETE FROM events", [])?;
    conn.execute("DELETE FROM search", [])?;
    conn.execute("DELETE FROM attempts WHERE delivery_id IS NOT NULL", [])?;
    Ok(n as u64)
}
