//! Queries on the `deliveries` and `payloads` tables. Every statement binds its parameters; the
//! only dynamic SQL is the choice of which fixed conditions a filter adds.

use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter, types::Value};

use super::filter::Filter;
use crate::error::Result;
use crate::model::{
    Delivery, DeliverySummary, Duplicate, DuplicateKind, Facets, NewDelivery, Page, format_time_us,
};
use crate::profile::{Analysis, DedupeKey};

/// A summary's columns, from `deliveries d LEFT JOIN events e ON e.id = d.event_ref`.
const SUMMARY_COLUMNS: &str = "d.id, d.received_at_us, d.method, d.path, d.query, \
     d.http_version, d.remote_addr, d.endpoint, d.content_type, d.body_size, d.stored_size, \
     d.truncated, d.response_status, d.note, d.vendor, d.analysis, d.dup_kind, d.dup_attempt, \
     e.first_id, e.count, d.dup_gap_us, e.first_received_us, d.pinned, d.imported";
const SUMMARY_JOIN: &str = "LEFT JOIN events e ON e.id = d.event_ref";
const SUMMARY_FROM: &str = "deliveries d LEFT JOIN events e ON e.id = d.event_ref";
/// Columns of the summary, for reads that add their own after them.
const SUMMARY_LEN: usize = 24;

fn summary(row: &Row<'_>) -> rusqlite::Result<DeliverySummary> {
    let received_at_us: i64 = row.get(1)?;
    let analysis: Option<Analysis> = row
        .get::<_, Option<String>>(15)?
        .and_then(|json| serde_json::from_str(&json).ok());
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
    Ok(DeliverySummary {
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

fn secs(us: i64) -> f64 {
    us as f64 / 1e6
}

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

/// Inserts one delivery; returns its id and the bytes it occupies for retention. `id` is `None`
/// when the table's largest id is the highest ever assigned, so SQLite's own next rowid (one past
/// the largest, its cheapest insert) is the right one.
pub(super) fn insert(
    conn: &Connection,
    id: Option<i64>,
    d: &NewDelivery,
    event: Option<&(i64, Duplicate, Option<i64>)>,
) -> Result<(i64, u64)> {
    let stored_bytes = (d.head.len() + d.body.len()) as u64;
    let a = d.decoded.as_deref();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO deliveries (id, received_at_us, method, path, query, http_version,
             remote_addr, endpoint, content_type, body_size, stored_size, stored_bytes,
             truncated, response_status, note, vendor, event_type, event_id, signature_status,
             warnings, event_ref, dup_kind, dup_attempt, analysis, dup_gap_us, imported)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
    )?;
    stmt.execute(params![
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
        d.response_status,
        d.note,
        a.and_then(|a| a.analysis.vendor.as_deref()),
        a.and_then(|a| a.analysis.event.event_type.as_deref()),
        a.and_then(|a| a.analysis.event.id.as_deref()),
        a.map(|a| a.analysis.signature.status.as_str()),
        a.map_or(0, |a| a.warnings() as i64),
        event.map(|e| e.0),
        event.map(|e| e.1.kind.as_str()),
        event.map(|e| e.1.attempt),
        a.map(|a| a.json.as_str()),
        event.and_then(|e| e.2),
        d.imported,
    ])?;
    let id = conn.last_insert_rowid();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO payloads (delivery_id, head, head_exact, body) VALUES (?1, ?2, ?3, ?4)",
    )?;
    stmt.execute(params![id, d.head, d.head_exact, &d.body[..]])?;
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
) -> Result<bool> {
    let a = &d.analysis;
    let n = conn
        .prepare_cached(
            "UPDATE deliveries SET endpoint = ?2, vendor = ?3, event_type = ?4, event_id = ?5,
                 signature_status = ?6, warnings = ?7, analysis = ?8
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
            d.json,
        ])?;
    Ok(n == 1)
}

/// The summary a freshly inserted delivery lists as, without reading it back.
pub(super) fn summary_of(
    id: i64,
    d: &NewDelivery,
    duplicate: Option<Duplicate>,
) -> DeliverySummary {
    let a = d.decoded.as_deref().map(|d| &d.analysis);
    DeliverySummary {
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
        response_status: d.response_status,
        note: d.note.clone(),
    }
}

/// The `FROM … WHERE …` of a filtered read, with its arguments, and the column the rows come
/// newest-first by. `joins` are added after `deliveries d`.
fn filtered(f: &Filter, joins: &str) -> (String, Vec<Value>, &'static str) {
    // With free text, the full-text index drives: it yields matches newest first and stops at
    // the page's end, so a word in every body costs what a rare one does.
    let mut sql = match &f.search {
        Some(_) => format!(
            " FROM search s JOIN deliveries d ON d.id = s.rowid {joins} WHERE search MATCH ?"
        ),
        None => format!(" FROM deliveries d {joins} WHERE 1"),
    };
    let mut args: Vec<Value> = Vec::new();
    if let Some(q) = &f.search {
        args.push(fts_query(q).into());
    }
    let order = if f.search.is_some() {
        "s.rowid"
    } else {
        "d.id"
    };
    let mut cond = |clause: &str, value: Value| {
        sql.push_str(" AND ");
        sql.push_str(clause);
        args.push(value);
    };
    if let Some(before) = f.before {
        cond(&format!("{order} < ?"), before.into());
    }
    if let Some(after) = f.after {
        cond(&format!("{order} > ?"), after.into());
    }
    if let Some(endpoint) = &f.endpoint {
        cond("d.endpoint = ?", endpoint.clone().into());
    }
    if let Some(method) = &f.method {
        cond("d.method = ?", method.clone().into());
    }
    if let Some(prefix) = &f.path_prefix {
        cond(
            &format!("substr(d.path, 1, {}) = ?", prefix.len()),
            prefix.clone().into(),
        );
    }
    if let Some(since) = f.since_us {
        cond("d.received_at_us >= ?", since.into());
    }
    if let Some(until) = f.until_us {
        cond("d.received_at_us < ?", until.into());
    }
    if let Some(vendor) = &f.vendor {
        cond("d.vendor = ?", vendor.clone().into());
    }
    if let Some(t) = &f.event_type {
        cond("d.event_type = ?", t.clone().into());
    }
    if let Some(id) = &f.event_id {
        cond("d.event_id = ?", id.clone().into());
    }
    if let Some(status) = &f.signature {
        cond("d.signature_status = ?", status.clone().into());
    }
    match f.duplicate.as_deref() {
        Some("any") => sql.push_str(" AND d.dup_kind IN ('retry', 'conflict')"),
        Some(kind) => cond("d.dup_kind = ?", kind.to_owned().into()),
        None => {}
    }
    match f.pinned {
        Some(true) => sql.push_str(" AND d.pinned = 1"),
        Some(false) => sql.push_str(" AND d.pinned = 0"),
        None => {}
    }
    match f.warnings {
        Some(true) => sql.push_str(" AND d.warnings > 0"),
        Some(false) => sql.push_str(" AND d.warnings = 0"),
        None => {}
    }
    (sql, args, order)
}

/// One page, newest first, by id cursor: a page costs the same at any depth. An `offset` is
/// turned into a cursor first, by a walk over the filter's index alone.
pub fn list(conn: &Connection, f: &Filter) -> Result<Page> {
    let total = if f.want_total {
        Some(count_matching(conn, f)?)
    } else {
        None
    };
    let mut f = std::borrow::Cow::Borrowed(f);
    if f.offset > 0 {
        let (from_where, mut args, order) = filtered(&f, "");
        let sql = format!("SELECT {order}{from_where} ORDER BY {order} DESC LIMIT 1 OFFSET ?");
        args.push(i64::from(f.offset).into());
        let id: Option<i64> = conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(args), |r| r.get(0))
            .optional()?;
        let Some(id) = id else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
                total,
            });
        };
        let owned = f.to_mut();
        owned.before = Some(id + 1);
        owned.offset = 0;
    }
    let f = &*f;
    let (from_where, mut args, order) = filtered(f, SUMMARY_JOIN);
    // One row more than asked tells whether another page exists.
    let sql = format!("SELECT {SUMMARY_COLUMNS}{from_where} ORDER BY {order} DESC LIMIT ?");
    args.push(i64::from(f.limit + 1).into());

    let mut stmt = conn.prepare_cached(&sql)?;
    let mut items = stmt
        .query_map(params_from_iter(args), summary)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_cursor = if items.len() > f.limit as usize {
        items.truncate(f.limit as usize);
        items.last().map(|d| d.id)
    } else {
        None
    };
    Ok(Page {
        items,
        next_cursor,
        total,
    })
}

/// The ids `f` selects, oldest first, at most `limit`: what a bulk replay or an export walks.
pub fn ids_matching(conn: &Connection, f: &Filter, limit: u64) -> Result<Vec<i64>> {
    let (from_where, mut args, order) = filtered(f, "");
    let sql = format!("SELECT {order}{from_where} ORDER BY {order} ASC LIMIT ?");
    args.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let ids = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// How many deliveries `f` selects (its cursors included, its page size and offset ignored).
pub fn count_matching(conn: &Connection, f: &Filter) -> Result<u64> {
    if f.search.is_none() && on_facets_only(f) == *f {
        // Read from the kept totals: the same cost at any size.
        return Ok(facets(conn, f)?.total);
    }
    let (from_where, args, _) = filtered(f, "");
    let n: i64 = conn
        .prepare_cached(&format!("SELECT count(*){from_where}"))?
        .query_row(params_from_iter(args), |r| r.get(0))?;
    Ok(n as u64)
}

/// The part of `f` the kept facet totals can answer: vendor, event type, signature, duplicate
/// kind and method (page size and offset carried over, as they change no count).
fn on_facets_only(f: &Filter) -> Filter {
    Filter {
        limit: f.limit,
        offset: f.offset,
        want_total: f.want_total,
        vendor: f.vendor.clone(),
        event_type: f.event_type.clone(),
        signature: f.signature.clone(),
        duplicate: f.duplicate.clone(),
        method: f.method.clone(),
        ..Filter::default()
    }
}

/// How many deliveries have each vendor, event type, signature status, duplicate kind and
/// method: the filter sidebar's counts. When the filter is only on those facets, they come from
/// the counts the store keeps as it writes (a read of a few hundred rows at any size);
/// otherwise from the matching deliveries.
pub fn facets(conn: &Connection, f: &Filter) -> Result<Facets> {
    let rows: Vec<([String; 5], u64)> = if *f == on_facets_only(f) {
        let mut sql = String::from(
            "SELECT vendor, event_type, signature_status, dup_kind, method, n
             FROM facet_counts WHERE n > 0",
        );
        let mut args: Vec<Value> = Vec::new();
        for (column, value) in [
            ("vendor", &f.vendor),
            ("event_type", &f.event_type),
            ("signature_status", &f.signature),
            ("method", &f.method),
        ] {
            if let Some(v) = value {
                sql.push_str(&format!(" AND {column} = ?"));
                args.push(v.clone().into());
            }
        }
        match f.duplicate.as_deref() {
            Some("any") => sql.push_str(" AND dup_kind IN ('retry', 'conflict')"),
            Some(kind) => {
                sql.push_str(" AND dup_kind = ?");
                args.push(kind.to_owned().into());
            }
            None => {}
        }
        let mut stmt = conn.prepare_cached(&sql)?;
        stmt.query_map(params_from_iter(args), facet_row)?
            .collect::<rusqlite::Result<_>>()?
    } else {
        let (from_where, args, _) = filtered(f, "");
        let sql = format!(
            "SELECT ifnull(d.vendor, ''), ifnull(d.event_type, ''), \
             ifnull(d.signature_status, ''), ifnull(d.dup_kind, ''), d.method, count(*)\
             {from_where} GROUP BY 1, 2, 3, 4, 5"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        stmt.query_map(params_from_iter(args), facet_row)?
            .collect::<rusqlite::Result<_>>()?
    };
    Ok(Facets::from_rows(&rows))
}

fn facet_row(row: &Row<'_>) -> rusqlite::Result<([String; 5], u64)> {
    Ok((
        [
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
        ],
        row.get(5)?,
    ))
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Delivery>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, p.head, p.head_exact, p.body
         FROM {SUMMARY_FROM} JOIN payloads p ON p.delivery_id = d.id WHERE d.id = ?1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let delivery = stmt
        .query_row([id], |row| {
            Ok(Delivery {
                summary: summary(row)?,
                head: row.get(SUMMARY_LEN)?,
                head_exact: row.get(SUMMARY_LEN + 1)?,
                body: row.get(SUMMARY_LEN + 2)?,
            })
        })
        .optional()?;
    Ok(delivery)
}

/// The body and content type only, for raw downloads.
pub fn body(conn: &Connection, id: i64) -> Result<Option<(Option<String>, Vec<u8>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.content_type, p.body FROM deliveries d JOIN payloads p ON p.delivery_id = d.id
         WHERE d.id = ?1",
    )?;
    Ok(stmt
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))?)
}

/// Number of deliveries and the bytes they occupy, which retention keeps within its limits.
pub(super) fn totals(conn: &Connection) -> Result<(u64, u64)> {
    Ok(conn.query_row(
        "SELECT count(*), coalesce(sum(stored_bytes), 0) FROM deliveries",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

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
pub(super) fn index_pending(conn: &Connection, limit: usize) -> Result<usize> {
    let tx = conn.unchecked_transaction()?;
    let n = index_into(&tx, limit)?;
    tx.commit()?;
    Ok(n)
}

fn index_into(conn: &Connection, limit: usize) -> Result<usize> {
    let through: i64 = conn.query_row(
        "SELECT coalesce((SELECT value FROM meta WHERE key = 'search_indexed_through'), 0)",
        [],
        |r| r.get(0),
    )?;
    let mut rows = conn.prepare_cached(
        "SELECT delivery_id, head, body FROM payloads WHERE delivery_id > ?1
         ORDER BY delivery_id LIMIT ?2",
    )?;
    let mut insert =
        conn.prepare_cached("INSERT INTO search (rowid, head, body) VALUES (?1, ?2, ?3)")?;
    let mut last = through;
    let mut n = 0;
    let mut found = rows.query(params![through, limit as i64])?;
    while let Some(row) = found.next()? {
        let id: i64 = row.get(0)?;
        let head: Vec<u8> = row.get(1)?;
        let head = String::from_utf8_lossy(&head).into_owned();
        let body_bytes: Vec<u8> = row.get(2)?;
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
        insert.execute(params![id, head, body])?;
        last = id;
        n += 1;
    }
    if n > 0 {
        conn.prepare_cached(
            "INSERT INTO meta (key, value) VALUES ('search_indexed_through', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?
        .execute([last])?;
    }
    Ok(n)
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

/// Deletes one delivery; returns its stored bytes, or `None` when there was none with that id.
pub(super) fn delete(conn: &Connection, id: i64) -> Result<Option<u64>> {
    let bytes: Option<u64> = conn
        .prepare_cached("DELETE FROM deliveries WHERE id = ?1 RETURNING stored_bytes")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    conn.prepare_cached("DELETE FROM payloads WHERE delivery_id = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM search WHERE rowid = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM attempts WHERE delivery_id = ?1")?
        .execute([id])?;
    Ok(bytes)
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
    conn.execute("DELETE FROM payloads", [])?;
    conn.execute("DELETE FROM events", [])?;
    conn.execute("DELETE FROM search", [])?;
    conn.execute("DELETE FROM attempts WHERE delivery_id IS NOT NULL", [])?;
    Ok(n as u64)
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
    conn.prepare_cached("DELETE FROM deliveries WHERE id <= ?1 AND pinned = 0")?
        .execute([last_id])?;
    // The pinned ones keep their payload and search entry.
    let kept = "SELECT id FROM deliveries WHERE pinned = 1 AND id <= ?1";
    conn.prepare_cached(&format!(
        "DELETE FROM payloads WHERE delivery_id <= ?1 AND delivery_id NOT IN ({kept})"
    ))?
    .execute([last_id])?;
    conn.prepare_cached(&format!(
        "DELETE FROM search WHERE rowid <= ?1 AND rowid NOT IN ({kept})"
    ))?
    .execute([last_id])?;
    conn.prepare_cached(&format!(
        "DELETE FROM attempts WHERE delivery_id <= ?1 AND delivery_id NOT IN ({kept})"
    ))?
    .execute([last_id])?;
    Ok(Some((last_id, removed_count, removed_bytes)))
}
