//! Queries on the `attempts` table: outgoing requests (replays, forwards, edited and test sends)
//! and what came back.

use base64::Engine;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;
use crate::model::{
    Attempt, AttemptKind, HandlerAnswer, NewAttempt, answers_for_handler, first_line,
    format_time_us,
};

const COLUMNS: &str = "id, delivery_id, kind, started_at_us, method, url, request_headers, \
     request_body, request_size, resigned, event_id, status, response_headers, response_body, \
     response_size, latency_us, error, hint";

/// A recorded attempt: its id, and the handler's answer it now is for its delivery.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub id: i64,
    /// Set when the attempt answers for its delivery's handler and the delivery still exists.
    pub handler: Option<HandlerAnswer>,
}

/// Stores attempts in one transaction (each in its own savepoint, so one that fails costs only
/// itself); see [`insert_one`].
pub(super) fn insert_batch(
    conn: &mut Connection,
    batch: &[(NewAttempt, Option<u16>)],
) -> Result<Vec<Result<Recorded>>> {
    // Immediate: take the write lock first (waiting for the writer's batch), never upgrade.
    let mut tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut done = Vec::with_capacity(batch.len());
    for (attempt, sender_got) in batch {
        let sp = tx.savepoint()?;
        let recorded = insert_one(&sp, attempt, *sender_got);
        if recorded.is_ok() {
            sp.commit()?;
        }
        done.push(recorded);
    }
    tx.commit()?;
    Ok(done)
}

/// Stores an attempt and, when it is a forward or replay of a delivery that still exists, makes
/// it that delivery's handler answer; `sender_got` also replaces the answer stored for the
/// sender (pass-through relays the target's).
pub(super) fn insert_one(
    tx: &Connection,
    a: &NewAttempt,
    sender_got: Option<u16>,
) -> Result<Recorded> {
    let id = insert_row(tx, a.delivery_id, a)?;
    let mut handler = None;
    if let Some(delivery_id) = a.delivery_id.filter(|_| answers_for_handler(a.kind)) {
        let answer = answer_of(id, a);
        let changed = tx
            .prepare_cached(
                "UPDATE deliveries SET handler_attempt = ?2, handler_kind = ?3, \
                 handler_status = ?4, handler_latency_us = ?5, handler_note = ?6, handler = ?7, \
                 response_status = ifnull(?8, response_status) WHERE id = ?1",
            )?
            .execute(params![
                delivery_id,
                id,
                a.kind.as_str(),
                a.outcome.status,
                a.sent.then_some(a.outcome.latency_us),
                answer.note,
                HandlerAnswer::class(a.outcome.status),
                sender_got,
            ])?;
        handler = (changed > 0).then_some(answer);
    }
    Ok(Recorded { id, handler })
}

/// The handler's answer that attempt `id` is for its delivery.
pub(super) fn answer_of(id: i64, a: &NewAttempt) -> HandlerAnswer {
    HandlerAnswer {
        attempt_id: id,
        kind: a.kind,
        status: a.outcome.status,
        latency_ms: a.outcome.latency_us as f64 / 1000.0,
        sent: a.sent,
        note: match &a.outcome.error {
            Some(e) => Some(e.clone()),
            None => first_line(&a.outcome.body),
        },
    }
}

/// Inserts the attempt's row, as an attempt of `delivery_id`; returns its id.
pub(super) fn insert_row(
    conn: &Connection,
    delivery_id: Option<i64>,
    a: &NewAttempt,
) -> Result<i64> {
    let o = &a.outcome;
    let answered = o.status.is_some();
    conn.prepare_cached(
        "INSERT INTO attempts (delivery_id, kind, started_at_us, method, url, request_headers, \
         request_body, request_size, resigned, event_id, status, response_headers, response_body, \
         response_size, latency_us, error, hint) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        delivery_id,
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
        a.sent.then_some(o.latency_us),
        o.error,
        a.hint,
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
    let latency_us: Option<i64> = row.get(15)?;
    let response_body: Option<Vec<u8>> = row.get(13)?;
    let stored = response_body.as_ref().map_or(0, Vec::len) as u64;
    let response_size: u64 = row.get::<_, Option<u64>>(14)?.unwrap_or(0);
    let (request_body, request_body_base64) = body_fields(row.get(7)?);
    let answer_line = response_body.as_deref().and_then(first_line);
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
        latency_ms: latency_us.map(|us| us as f64 / 1000.0),
        sent: latency_us.is_some(),
        error: row.get(16)?,
        hint: row.get(17)?,
        answer_line,
        ok: status.is_some_and(|s| (200..300).contains(&s)),
    })
}
