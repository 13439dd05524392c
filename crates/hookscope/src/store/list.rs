//! Listing deliveries through a [`Filter`]: the page below a cursor, the ids a bulk operation
//! takes, the counts. Lists are in receive order, by each delivery's place in it (`ord`, see
//! [`super::order`]); a cursor is a delivery id, read as that delivery's place. The only dynamic
//! SQL is the choice of which fixed conditions a filter adds; every value is bound.

use rusqlite::{Connection, OptionalExtension, params_from_iter, types::Value};

use super::deliveries::{SUMMARY_COLUMNS, SUMMARY_JOIN, summary};
use super::facets::{facets, on_facets_only};
use super::filter::{Filter, HandlerFilter};
use super::order::first_place;
use super::search::fts_query;
use crate::error::{Error, Result};
use crate::model::{MATCH_CAP, Page};

/// A filter's cursors as places in receive order: the rows below `below` and above `above`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Places {
    below: Option<i64>,
    above: Option<i64>,
}

impl Places {
    /// Looks up the places of `f`'s cursor deliveries; a cursor naming a delivery that is not
    /// stored is an error (a list cannot go on from a row it no longer has).
    pub(super) fn of(conn: &Connection, f: &Filter) -> Result<Places> {
        let place = |name: &str, id: i64| -> Result<i64> {
            conn.prepare_cached("SELECT ord FROM deliveries WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| {
                    Error::Filter(format!(
                        "{name}={id}: delivery {id} is not stored (deleted or pruned); \
                         read the list again from the top"
                    ))
                })
        };
        let mut below = f.before.map(|id| place("before", id)).transpose()?;
        if let Some(id) = f.through {
            let through = place("through", id)? + 1;
            below = Some(below.map_or(through, |b| b.min(through)));
        }
        let above = f.after.map(|id| place("after", id)).transpose()?;
        Ok(Places { below, above })
    }
}

/// The `FROM … WHERE …` of a filtered read, with its arguments, and the place column the rows
/// come in receive order by. `joins` are added after `deliveries d`.
pub(super) fn filtered(f: &Filter, at: Places, joins: &str) -> (String, Vec<Value>, &'static str) {
    // With free text, the full-text index (keyed by place) drives: it yields matches newest
    // first and stops at the page's end, so a word in every body costs what a rare one does.
    // `CROSS JOIN` keeps it the outer loop whatever the other filters: a count grouped by a
    // column would otherwise walk the store by that column's index and look each row up in the
    // index (20 s instead of 0.2 s for a common word at a million).
    let mut sql = match &f.search {
        Some(_) => format!(
            " FROM search s CROSS JOIN deliveries d ON d.ord = s.rowid {joins} WHERE search MATCH ?"
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
        "d.ord"
    };
    let mut cond = |clause: &str, value: Value| {
        sql.push_str(" AND ");
        sql.push_str(clause);
        args.push(value);
    };
    if let Some(below) = at.below {
        cond(&format!("{order} < ?"), below.into());
    }
    if let Some(above) = at.above {
        cond(&format!("{order} > ?"), above.into());
    }
    if let Some(endpoint) = &f.endpoint {
        cond("d.endpoint = ?", endpoint.clone().into());
    }
    if let Some(method) = &f.method {
        cond("d.method = ?", method.clone().into());
    }
    if let Some(prefix) = &f.path_prefix {
        // SQLite's substr counts characters in text, not bytes.
        cond(
            &format!("substr(d.path, 1, {}) = ?", prefix.chars().count()),
            prefix.clone().into(),
        );
    }
    // A time range is a range of places: every index walks it.
    if let Some(since) = f.since_us {
        cond(&format!("{order} >= ?"), first_place(since).into());
    }
    if let Some(until) = f.until_us {
        cond(&format!("{order} < ?"), first_place(until).into());
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
    if let Some(tenant) = &f.tenant {
        cond("d.tenant = ?", tenant.clone().into());
    }
    if let Some(status) = &f.signature {
        cond("d.signature_status = ?", status.clone().into());
    }
    // Every condition on an answer spells out `d.handler <> ''`, the partial index's own
    // condition, so that SQLite walks the (few) answered deliveries instead of the store.
    match f.handler {
        Some(HandlerFilter::None) => cond("d.handler = ?", "".to_owned().into()),
        Some(HandlerFilter::Error) => {
            cond(
                "d.handler <> '' AND d.handler = ?",
                "error".to_owned().into(),
            );
        }
        // Not `<> '2xx'`: an inequality walks the whole store; a list of the other classes
        // (constants, not user input) is one index lookup each.
        Some(HandlerFilter::Failed) => cond(
            "d.handler <> '' AND d.handler IN (?, '1xx', '3xx', '4xx', '5xx', '6xx', '7xx', '8xx', '9xx')",
            "error".to_owned().into(),
        ),
        Some(HandlerFilter::Class(c)) => {
            cond("d.handler <> '' AND d.handler = ?", format!("{c}xx").into());
        }
        Some(HandlerFilter::Status(s)) => {
            cond(
                "d.handler <> '' AND d.handler = ?",
                format!("{}xx", s / 100).into(),
            );
            cond("d.handler_status = ?", i64::from(s).into());
        }
        None => {}
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

/// One page, newest first in receive order, by cursor: a page costs the same at any depth. An
/// `offset` is turned into a cursor first, by a walk over the filter's index alone.
pub fn list(conn: &Connection, f: &Filter, dicts: &crate::packed::Dictionaries) -> Result<Page> {
    let mut at = Places::of(conn, f)?;
    let (total, total_capped) = if f.want_total {
        let (n, capped) = count_at(conn, f, at)?;
        (Some(n), capped)
    } else {
        (None, false)
    };
    if f.offset > 0 {
        let (from_where, mut args, order) = filtered(f, at, "");
        let sql = format!("SELECT {order}{from_where} ORDER BY {order} DESC LIMIT 1 OFFSET ?");
        args.push(i64::from(f.offset).into());
        let place: Option<i64> = conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(args), |r| r.get(0))
            .optional()?;
        let Some(place) = place else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
                total,
                total_capped,
            });
        };
        at.below = Some(place + 1);
    }
    let (from_where, mut args, order) = filtered(f, at, SUMMARY_JOIN);
    // One row more than asked tells whether another page exists.
    let sql = format!("SELECT {SUMMARY_COLUMNS}{from_where} ORDER BY {order} DESC LIMIT ?");
    args.push(i64::from(f.limit + 1).into());

    let mut stmt = conn.prepare_cached(&sql)?;
    let mut items = super::dictionaries::reading(conn, dicts, || {
        Ok(stmt
            .query_map(params_from_iter(&args), |row| summary(row, dicts))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    })?;
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
        total_capped,
    })
}

/// The ids `f` selects, oldest first in receive order, at most `limit`: what a bulk replay or an
/// export walks.
pub fn ids_matching(conn: &Connection, f: &Filter, limit: u64) -> Result<Vec<i64>> {
    let (from_where, mut args, order) = filtered(f, Places::of(conn, f)?, "");
    let sql = format!("SELECT d.id{from_where} ORDER BY {order} ASC LIMIT ?");
    args.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let ids = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// How many deliveries `f` selects (its cursors included, its page size and offset ignored),
/// and whether counting stopped at [`MATCH_CAP`] (under a free-text search only).
fn count_at(conn: &Connection, f: &Filter, at: Places) -> Result<(u64, bool)> {
    if f.search.is_none() && on_facets_only(f) == *f {
        // Read from the kept totals: the same cost at any size.
        return Ok((facets(conn, f)?.total, false));
    }
    if f.search.is_some() {
        let n = matches_up_to(conn, f, at, MATCH_CAP + 1)?;
        return Ok((n.min(MATCH_CAP), n > MATCH_CAP));
    }
    let (from_where, args, _) = filtered(f, at, "");
    let n: i64 = conn
        .prepare_cached(&format!("SELECT count(*){from_where}"))?
        .query_row(params_from_iter(args), |r| r.get(0))?;
    Ok((n as u64, false))
}

/// How many of the newest deliveries `f` selects, counting no further than `cap`.
pub(super) fn matches_up_to(conn: &Connection, f: &Filter, at: Places, cap: u64) -> Result<u64> {
    let (from_where, mut args, order) = filtered(f, at, "");
    args.push(i64::try_from(cap).unwrap_or(i64::MAX).into());
    let n: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT 1{from_where} ORDER BY {order} DESC LIMIT ?)"
        ))?
        .query_row(params_from_iter(args), |r| r.get(0))?;
    Ok(n as u64)
}
