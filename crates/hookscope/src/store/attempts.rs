//! Queries on the `attempts` table: outgoing requests (replays, forwards, edited and test sends)
//! and what came back.

use base64::Engine;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;
use crate::model::{Attempt, AttemptKind, NewAttempt, format_time_us};

const COLUMNS: &str = "id, delivery_id, kind, started_at_us, method, url, request_headers, \
     request_body, request_size, resigned, event_id, status, response_headers, response_body, \
     response_size, latency_us, error";

pub(super) fn insert(conn: &Connection, a: &NewAttempt) -> Result<i64> {
    let o = &a.outcome;
    let answered = o.status.is_some();
    conn.prepare_cached(
        "INSERT INTO attempts (delivery_id, kind, started_at_us, method, url, request_headers, \
         request_body, request_size, resigned, event_id, status, response_headers, response_body, \
         response_size, latency_us, error) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        a.delivery_id,
        a.kind.as_str(),
        a.started_at_us,
        a.method,
        a.url,
        json(&a.request_headers),
        a.request_body,
        a.request_size,
        a.resigned,
        a.event_id,
        o.status,
        answered.then(|| json(&o.headers)),
        answered.then_some(&o.body),
        answered.then_some(o.body_size),
        o.latency_us,
        o.error,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The attempts made from `delivery_id`, newest first.
pub(super) fn for_delivery(
    conn: &Connection,
    delivery_id: i64,
    limit: u32,
) -> Result<Vec<Attempt>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM attempts WHERE delivery_id = ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(params![delivery_id, limit], attempt)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The newest attempts of any delivery, newest first: what `hookscope attempts` lists.
pub(super) fn recent(conn: &Connection, limit: u32) -> Result<Vec<Attempt>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM attempts ORDER BY id DESC LIMIT ?1"
    ))?;
    let rows = stmt
        .query_map([limit], attempt)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(super) fn get(conn: &Connection, id: i64) -> Result<Option<Attempt>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM attempts WHERE id = ?1"))?
        .query_row([id], attempt)
        .optional()?)
}

/// Header pairs as JSON; a list of string pairs always serialises.
fn json(pairs: &[(String, String)]) -> String {
    serde_json::to_string(pairs).unwrap_or_else(|_| "[]".to_owned())
}

fn body_fields(bytes: Option<Vec<u8>>) -> (Option<String>, Option<String>) {
    match bytes {
        None => (None, None),
        Some(bytes) => {
            let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
            (String::from_utf8(bytes).ok(), Some(b64))
        }
    }
}

fn headers(json: Option<String>) -> Vec<(String, String)> {
    json.and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

fn attempt(row: &Row<'_>) -> rusqlite::Result<Attempt> {
    let started_at_us: i64 = row.get(3)?;
    let status: Option<u16> = row.get(11)?;
    let response_body: Option<Vec<u8>> = row.get(13)?;
    let stored = response_body.as_ref().map_or(0, Vec::len) as u64;
    let response_size: u64 = row.get::<_, Option<u64>>(14)?.unwrap_or(0);
    let (request_body, request_body_base64) = body_fields(row.get(7)?);
    let (response_body, response_body_base64) = body_fields(response_body);
    Ok(Attempt {
        id: row.get(0)?,
        delivery_id: row.get(1)?,
        kind: AttemptKind::parse(&row.get::<_, String>(2)?).unwrap_or(AttemptKind::Replay),
        started_at: format_time_us(started_at_us),
        started_at_us,
        method: row.get(4)?,
        url: row.get(5)?,
        request_headers: headers(row.get(6)?),
        request_body,
        request_body_base64,
        request_size: row.get(8)?,
        resigned: row.get(9)?,
        event_id: row.get(10)?,
        status,
        response_headers: headers(row.get(12)?),
        response_body,
        response_body_base64,
        response_size,
        response_truncated: response_size > stored,
        latency_ms: row.get::<_, Option<i64>>(15)?.map(|us| us as f64 / 1000.0),
        error: row.get(16)?,
        ok: status.is_some_and(|s| (200..300).contains(&s)),
    })
}
