//! The filter sidebar's counts, from the `facet_counts` table the writer keeps (so they cost the
//! same at any size), or counted over the matching deliveries when a filter the table does not
//! carry is in force.

use rusqlite::{Connection, Row, params_from_iter, types::Value};

use super::filter::Filter;
use super::list::filtered;
use crate::error::Result;
use crate::model::Facets;

/// The part of `f` the kept facet totals can answer: vendor, event type, signature, duplicate
/// kind and method (page size and offset carried over, as they change no count).
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
