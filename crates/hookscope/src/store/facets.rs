//! The filter sidebar's counts. Each facet counts what the *other* filters in force select (the
//! usual faceted-search rule: a facet ignores only its own selection, so it still offers its
//! alternatives). The counts per combination of facet values come from the `facet_counts`
//! table the store keeps as it writes (a read of a few hundred rows at any size), or, when a
//! filter the table does not carry is in force, from the deliveries that filter selects; the
//! facet filters are then applied to those combinations here.

use rusqlite::{Connection, Row, params_from_iter};

use super::filter::{Filter, HandlerFilter};
use super::list::filtered;
use crate::error::Result;
use crate::model::{FACETS, Facets};

/// The part of `f` the kept facet totals can answer: vendor, event type, signature, duplicate
/// kind, method and handler class (page size and offset carried over, as they change no count).
pub(super) fn on_facets_only(f: &Filter) -> Filter {
    Filter {
        limit: f.limit,
        offset: f.offset,
        want_total: f.want_total,
        vendor: f.vendor.clone(),
        event_type: f.event_type.clone(),
        signature: f.signature.clone(),
        duplicate: f.duplicate.clone(),
        method: f.method.clone(),
        handler: f.handler.filter(|h| !matches!(h, HandlerFilter::Status(_))),
        ..Filter::default()
    }
}

/// `f` without its facet filters: what is left for SQL when the facets are applied here.
fn without_facets(f: &Filter) -> Filter {
    let facets = on_facets_only(f);
    Filter {
        vendor: None,
        event_type: None,
        signature: None,
        duplicate: None,
        method: None,
        handler: if facets.handler.is_some() {
            None
        } else {
            f.handler
        },
        ..f.clone()
    }
}

/// Which of a combination's values `f`'s facet filters let through, in [`FACETS`] order.
fn selected(f: &Filter, keys: &[String; FACETS]) -> [bool; FACETS] {
    let is = |want: &Option<String>, key: &String| want.as_ref().is_none_or(|w| w == key);
    [
        is(&f.vendor, &keys[0]),
        is(&f.event_type, &keys[1]),
        is(&f.signature, &keys[2]),
        match f.duplicate.as_deref() {
            None => true,
            Some("any") => keys[3] == "retry" || keys[3] == "conflict",
            Some(kind) => keys[3] == kind,
        },
        is(&f.method, &keys[4]),
        f.handler
            .and_then(|h| h.matches_class(&keys[5]))
            .unwrap_or(true),
    ]
}

/// How many deliveries have each vendor, event type, signature status, duplicate kind, method
/// and handler answer, each facet under the other filters in force.
pub fn facets(conn: &Connection, f: &Filter) -> Result<Facets> {
    let rest = without_facets(f);
    let neutral = Filter {
        limit: rest.limit,
        offset: rest.offset,
        want_total: rest.want_total,
        ..Filter::default()
    };
    let rows: Vec<([String; FACETS], u64)> = if rest == neutral {
        // Only facet filters (or none): every combination's count is kept.
        let mut stmt = conn.prepare_cached(
            "SELECT vendor, event_type, signature_status, dup_kind, method, handler, n
             FROM facet_counts WHERE n > 0",
        )?;
        stmt.query_map([], facet_row)?
            .collect::<rusqlite::Result<_>>()?
    } else {
        let (from_where, args, _) = filtered(&rest, "");
        let sql = format!(
            "SELECT ifnull(d.vendor, ''), ifnull(d.event_type, ''), \
             ifnull(d.signature_status, ''), ifnull(d.dup_kind, ''), d.method, d.handler, \
             count(*){from_where} GROUP BY 1, 2, 3, 4, 5, 6"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        stmt.query_map(params_from_iter(args), facet_row)?
            .collect::<rusqlite::Result<_>>()?
    };
    Ok(Facets::from_rows(&rows, |keys| selected(f, keys)))
}

fn facet_row(row: &Row<'_>) -> rusqlite::Result<([String; FACETS], u64)> {
    Ok((
        [
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
            row.get(5)?,
        ],
        row.get(6)?,
    ))
}
