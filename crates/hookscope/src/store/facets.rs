//! The filter sidebar's counts. Each facet counts what the *other* filters in force select (the
//! usual faceted-search rule: a facet ignores only its own selection, so it still offers its
//! alternatives). The counts per combination of facet values come from the `facet_counts`
//! table the store keeps as it writes (a read of a few hundred rows at any size), or, when a
//! filter the table does not carry is in force, from the deliveries that filter selects; the
//! facet filters are then applied to those combinations here. Under a time range alone, the
//! counts are the sum of the range's whole hours, kept per hour (`facet_hours`), and the
//! deliveries of the partial hours at its ends. Tenants have a table of their own
//! (`tenant_counts`, the same combinations split by tenant): the tenant facet reads it under the
//! other facets' filters, and the other facets read its rows for one tenant under a tenant
//! filter. Under free-text search the counts are of the newest [`MATCH_CAP`] matches, and the
//! answer says when more match.

use rusqlite::{Connection, Row, params_from_iter};

use super::filter::{Filter, HandlerFilter};
use super::list::{Places, filtered, matches_up_to};
use super::order::first_place;
use crate::error::Result;
use crate::model::{FACETS, FacetCount, Facets, MATCH_CAP, TOP_TENANTS};

/// An hour of places (microseconds), as `facet_hours` counts them.
const HOUR_US: i64 = 3_600_000_000;

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
        tenant: f.tenant.clone(),
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
        tenant: None,
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

/// How many deliveries have each vendor, event type, signature status, duplicate kind, method,
/// handler answer and tenant, each facet under the other filters in force.
pub fn facets(conn: &Connection, f: &Filter) -> Result<Facets> {
    let rest = without_facets(f);
    let neutral = Filter {
        limit: rest.limit,
        offset: rest.offset,
        want_total: rest.want_total,
        ..Filter::default()
    };
    if rest == neutral {
        // Only facet filters (or none): every combination's count is kept.
        let rows: Vec<([String; FACETS], u64)> = match &f.tenant {
            None => conn
                .prepare_cached(
                    "SELECT vendor, event_type, signature_status, dup_kind, method, handler, n
                     FROM facet_counts WHERE n > 0",
                )?
                .query_map([], |r| facet_row(r, 0))?
                .collect::<rusqlite::Result<_>>()?,
            Some(tenant) => conn
                .prepare_cached(
                    "SELECT vendor, event_type, signature_status, dup_kind, method, handler, n
                     FROM tenant_counts WHERE tenant = ?1 AND n > 0",
                )?
                .query_map([tenant], |r| facet_row(r, 0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        let mut facets = Facets::from_rows(&rows, |keys| selected(f, keys));
        let tenants: Vec<(String, [String; FACETS], u64)> = conn
            .prepare_cached(
                "SELECT tenant, vendor, event_type, signature_status, dup_kind, method, handler, n
                 FROM tenant_counts WHERE n > 0",
            )?
            .query_map([], |r| Ok((r.get(0)?, facet_row(r, 1)?.0, r.get(7)?)))?
            .collect::<rusqlite::Result<_>>()?;
        facets.tenants = top_tenants(f, tenants);
        return Ok(facets);
    }
    let timeless = Filter {
        since_us: None,
        until_us: None,
        ..rest.clone()
    };
    let mut capped = false;
    let rows = if timeless == neutral {
        // A time range alone: its whole hours are kept.
        in_range(
            conn,
            rest.since_us.map(first_place),
            rest.until_us.map(first_place),
        )?
    } else {
        // Other filters: count what they select, split by the facets' values and the tenant;
        // under free text, only its newest matches, as many as `MATCH_CAP`.
        let at = Places::of(conn, &rest)?;
        let (from_where, mut args, order) = filtered(&rest, at, "");
        if rest.search.is_some() {
            capped = matches_up_to(conn, &rest, at, MATCH_CAP + 1)? > MATCH_CAP;
            args.push(i64::try_from(MATCH_CAP).unwrap_or(i64::MAX).into());
            let newest = format!(
                " FROM (SELECT d.tenant, d.vendor, d.event_type, d.signature_status, d.dup_kind, \
                 d.method, d.handler{from_where} ORDER BY {order} DESC LIMIT ?) d"
            );
            counted(conn, &newest, params_from_iter(args))?
        } else {
            counted(conn, &from_where, params_from_iter(args))?
        }
    };
    let in_tenant: Vec<([String; FACETS], u64)> = rows
        .iter()
        .filter(|(tenant, _, _)| f.tenant.as_ref().is_none_or(|t| t == tenant))
        .map(|(_, keys, n)| (keys.clone(), *n))
        .collect();
    let mut facets = Facets::from_rows(&in_tenant, |keys| selected(f, keys));
    facets.tenants = top_tenants(
        f,
        rows.into_iter().filter(|(tenant, _, _)| !tenant.is_empty()),
    );
    facets.capped_at = capped.then_some(MATCH_CAP);
    Ok(facets)
}

/// Deliveries counted by tenant and facet values: `from_where` (over `deliveries d`) selects.
fn counted(
    conn: &Connection,
    from_where: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<(String, [String; FACETS], u64)>> {
    let sql = format!(
        "SELECT ifnull(d.tenant, ''), ifnull(d.vendor, ''), ifnull(d.event_type, ''), \
         ifnull(d.signature_status, ''), ifnull(d.dup_kind, ''), d.method, d.handler, \
         count(*){from_where} GROUP BY 1, 2, 3, 4, 5, 6, 7"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(args, |r| Ok((r.get(0)?, facet_row(r, 1)?.0, r.get(7)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Deliveries counted by tenant and facet values over places `[lo, hi)` (no bound when
/// `None`): the whole hours inside from `facet_hours`, the partial hours at the ends from the
/// deliveries themselves, so a range costs at most two hours of rows however long it is.
fn in_range(
    conn: &Connection,
    lo: Option<i64>,
    hi: Option<i64>,
) -> Result<Vec<(String, [String; FACETS], u64)>> {
    let scan = |from: Option<i64>, to: Option<i64>| {
        counted(
            conn,
            " FROM deliveries d WHERE d.ord >= ?1 AND d.ord < ?2",
            [from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX)],
        )
    };
    // The whole hours are [first, end): from the first hour that starts at or after `lo` to
    // the hour `hi` falls in.
    let first = lo.map(|lo| lo.div_euclid(HOUR_US) + i64::from(lo.rem_euclid(HOUR_US) != 0));
    let end = hi.map(|hi| hi.div_euclid(HOUR_US));
    if let (Some(first), Some(end)) = (first, end)
        && first >= end
    {
        return scan(lo, hi);
    }
    let mut rows: Vec<(String, [String; FACETS], u64)> = conn
        .prepare_cached(
            "SELECT tenant, vendor, event_type, signature_status, dup_kind, method, handler, sum(n)
             FROM facet_hours WHERE hour >= ?1 AND hour < ?2
             GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) > 0",
        )?
        .query_map([first.unwrap_or(i64::MIN), end.unwrap_or(i64::MAX)], |r| {
            Ok((r.get(0)?, facet_row(r, 1)?.0, r.get(7)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if let (Some(lo), Some(first)) = (lo, first) {
        rows.extend(scan(Some(lo), Some(first * HOUR_US))?);
    }
    if let (Some(hi), Some(end)) = (hi, end) {
        rows.extend(scan(Some(end * HOUR_US), Some(hi))?);
    }
    Ok(rows)
}

/// The tenants with the most deliveries among the rows every facet filter but the tenant's
/// lets through, each with its vendor.
fn top_tenants(
    f: &Filter,
    rows: impl IntoIterator<Item = (String, [String; FACETS], u64)>,
) -> Vec<FacetCount> {
    let mut counts: std::collections::HashMap<(String, String), u64> = Default::default();
    for (tenant, keys, n) in rows {
        if selected(f, &keys).iter().all(|p| *p) {
            *counts.entry((tenant, keys[0].clone())).or_default() += n;
        }
    }
    let mut list: Vec<FacetCount> = counts
        .into_iter()
        .map(|((tenant, vendor), count)| FacetCount {
            value: Some(tenant),
            vendor: (!vendor.is_empty()).then_some(vendor),
            count,
        })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    list.truncate(TOP_TENANTS);
    list
}

/// The facet values from column `at` on, and the count after them.
fn facet_row(row: &Row<'_>, at: usize) -> rusqlite::Result<([String; FACETS], u64)> {
    Ok((
        [
            row.get(at)?,
            row.get(at + 1)?,
            row.get(at + 2)?,
            row.get(at + 3)?,
            row.get(at + 4)?,
            row.get(at + 5)?,
        ],
        row.get(at + 6)?,
    ))
}
