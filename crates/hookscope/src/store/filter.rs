//! Which deliveries a list asks for: the parameters as the API and the CLI take them, and their
//! parsed form the queries use.

use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::now_us;
use crate::signature::SignatureStatus;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 1000;

/// What `duplicate=` may be: a duplicate kind, or `any` for retries and conflicts both.
pub const DUPLICATE_FILTERS: [&str; 4] = ["any", "retry", "conflict", "first"];

/// List parameters as text, the way a query string or command line gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Page size (default 50, at most 1000).
    pub limit: Option<u32>,
    /// Cursor: only the deliveries below this one in the list, which is in receive order (the
    /// previous page's `next_cursor`).
    pub before: Option<i64>,
    /// Cursor: this delivery and the ones below it (a list read again from a row it showed).
    pub through: Option<i64>,
    /// Cursor: only the deliveries above this one: what arrived since a list was read.
    pub after: Option<i64>,
    /// Skip this many matching deliveries first (below `before`): a window far down a list, for
    /// a scrollbar dragged to the middle. Costs an index walk over the skipped rows.
    pub offset: Option<u32>,
    /// `true`: also answer how many deliveries the filter selects (below `before`).
    pub total: Option<bool>,
    /// Exact endpoint prefix as configured.
    pub endpoint: Option<String>,
    /// HTTP method, any case.
    pub method: Option<String>,
    /// Path prefix.
    pub path: Option<String>,
    /// Received at or after: an RFC 3339 time (`2026-11-23T10:00:00Z`, `...+01:00`), a local
    /// time without offset, a date (from its local midnight) or an age (`15m`, `2h`, `1day`).
    pub since: Option<String>,
    /// Received before: same forms as `since`; a date means through the end of that day.
    pub until: Option<String>,
    /// Vendor profile id.
    pub vendor: Option<String>,
    /// Event type, exactly.
    pub event_type: Option<String>,
    /// Event id, exactly: every delivery of one event.
    pub event_id: Option<String>,
    /// Tenant, exactly: the account, business or shop a delivery is about, as its profile
    /// names it (Cooledge's `business_id`, Stripe's `account`, ...).
    pub tenant: Option<String>,
    /// Signature status: valid, invalid, missing, stale, malformed or unchecked.
    pub signature: Option<String>,
    /// Duplicates: first, retry, conflict, or any (retry or conflict).
    pub duplicate: Option<String>,
    /// Validation: `warning` for deliveries with warnings, `clean` for those without.
    pub validation: Option<String>,
    /// The handler's answer (the latest forward or replay): a status (`400`), a class (`4xx`),
    /// `failed` (anything but 2xx, or no answer), `error` (no answer) or `none` (never sent).
    pub handler: Option<String>,
    /// Free text: deliveries whose head or body contains every word.
    pub q: Option<String>,
    /// `true`: only pinned deliveries; `false`: only the others.
    pub pinned: Option<bool>,
    /// The API token when a client passes it in the query string (an `EventSource` cannot send
    /// headers); accepted here so that it is not an unknown parameter, and otherwise unused.
    pub token: Option<String>,
}

/// Parsed, validated list parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub limit: u32,
    /// Delivery ids whose places in the list bound it: below `before`, at or below `through`,
    /// above `after`.
    pub before: Option<i64>,
    pub through: Option<i64>,
    pub after: Option<i64>,
    pub offset: u32,
    /// Count the matching deliveries too.
    pub want_total: bool,
    pub endpoint: Option<String>,
    pub method: Option<String>,
    pub path_prefix: Option<String>,
    pub since_us: Option<i64>,
    pub until_us: Option<i64>,
    pub vendor: Option<String>,
    pub event_type: Option<String>,
    pub event_id: Option<String>,
    pub tenant: Option<String>,
    pub signature: Option<String>,
    pub duplicate: Option<String>,
    /// `Some(true)`: only with validation warnings; `Some(false)`: only without.
    pub warnings: Option<bool>,
    pub handler: Option<HandlerFilter>,
    /// Free-text search words.
    pub search: Option<String>,
    pub pinned: Option<bool>,
}

/// Which handler answers `handler=` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerFilter {
    /// Never forwarded or replayed.
    None,
    /// Sent, but no answer came.
    Error,
    /// Anything but a 2xx answer, or none.
    Failed,
    /// A status class: `4` for 4xx.
    Class(u16),
    /// One status.
    Status(u16),
}

impl HandlerFilter {
    pub fn parse(text: &str) -> Result<HandlerFilter> {
        let t = text.trim().to_ascii_lowercase();
        let class = t
            .strip_suffix("xx")
            .and_then(|d| d.parse::<u16>().ok())
            .filter(|d| (1..=9).contains(d));
        Ok(match t.as_str() {
            "none" => HandlerFilter::None,
            "error" => HandlerFilter::Error,
            "failed" => HandlerFilter::Failed,
            _ if class.is_some() => HandlerFilter::Class(class.unwrap_or_default()),
            _ => match t.parse::<u16>() {
                Ok(s) if (100..=999).contains(&s) => HandlerFilter::Status(s),
                _ => {
                    return Err(Error::Filter(format!(
                        "handler must be a status (400), a class (4xx), failed, error or none, got {text:?}"
                    )));
                }
            },
        })
    }

    /// Whether a delivery whose `handler` column (its answer's class, `error`, or `""` when
    /// never sent) is `class` is selected; `None` when the class does not tell (one status).
    pub fn matches_class(self, class: &str) -> Option<bool> {
        Some(match self {
            HandlerFilter::None => class.is_empty(),
            HandlerFilter::Error => class == "error",
            HandlerFilter::Failed => !class.is_empty() && class != "2xx",
            HandlerFilter::Class(c) => class == format!("{c}xx"),
            HandlerFilter::Status(_) => return None,
        })
    }
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            limit: DEFAULT_LIMIT,
            before: None,
            through: None,
            after: None,
            offset: 0,
            want_total: false,
            endpoint: None,
            method: None,
            path_prefix: None,
            since_us: None,
            until_us: None,
            vendor: None,
            event_type: None,
            event_id: None,
            tenant: None,
            signature: None,
            duplicate: None,
            warnings: None,
            handler: None,
            search: None,
            pinned: None,
        }
    }
}

impl ListParams {
    /// The filters of a query string (`vendor=stripe&limit=100`), as the control API reads them.
    pub fn from_query(query: &str) -> Result<Filter> {
        let params: ListParams = serde_urlencoded::from_str(query)
            .map_err(|e| crate::Error::Filter(format!("{e} in {query:?}")))?;
        params.parse()
    }

    pub fn parse(&self) -> Result<Filter> {
        // The search index cannot take a NUL, and no header can hold one: say so rather than
        // answer with a database error.
        for (name, value) in [
            ("q", &self.q),
            ("vendor", &self.vendor),
            ("event_type", &self.event_type),
            ("event_id", &self.event_id),
            ("tenant", &self.tenant),
            ("endpoint", &self.endpoint),
            ("path", &self.path),
            ("method", &self.method),
            ("signature", &self.signature),
            ("duplicate", &self.duplicate),
            ("validation", &self.validation),
            ("handler", &self.handler),
            ("since", &self.since),
            ("until", &self.until),
        ] {
            if value.as_deref().is_some_and(|v| v.contains('\0')) {
                return Err(Error::Filter(format!(
                    "{name} contains a NUL character; a filter value cannot hold one"
                )));
            }
        }
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::Filter(format!(
                "limit must be between 1 and {MAX_LIMIT}, got {limit}"
            )));
        }
        let non_empty = |s: &Option<String>| s.as_ref().filter(|s| !s.is_empty()).cloned();
        Ok(Filter {
            limit,
            before: self.before,
            through: self.through,
            after: self.after,
            offset: self.offset.unwrap_or(0),
            want_total: self.total.unwrap_or(false),
            endpoint: non_empty(&self.endpoint),
            method: non_empty(&self.method).map(|m| m.to_ascii_uppercase()),
            path_prefix: non_empty(&self.path),
            since_us: self.since.as_deref().map(parse_time).transpose()?,
            until_us: self.until.as_deref().map(parse_until).transpose()?,
            vendor: non_empty(&self.vendor),
            event_type: non_empty(&self.event_type),
            event_id: non_empty(&self.event_id),
            tenant: non_empty(&self.tenant),
            signature: one_of(
                "signature",
                non_empty(&self.signature),
                &SignatureStatus::ALL.map(SignatureStatus::as_str),
            )?,
            duplicate: one_of("duplicate", non_empty(&self.duplicate), &DUPLICATE_FILTERS)?,
            warnings: match one_of(
                "validation",
                non_empty(&self.validation),
                &["warning", "clean"],
            )?
            .as_deref()
            {
                Some("warning") => Some(true),
                Some(_) => Some(false),
                None => None,
            },
            handler: non_empty(&self.handler)
                .as_deref()
                .map(HandlerFilter::parse)
                .transpose()?,
            search: non_empty(&self.q).filter(|q| !q.trim().is_empty()),
            pinned: self.pinned,
        })
    }
}

fn one_of(name: &str, value: Option<String>, allowed: &[&str]) -> Result<Option<String>> {
    match value {
        Some(v) if !allowed.contains(&v.as_str()) => Err(Error::Filter(format!(
            "{name} must be one of {}, got {v:?}",
            allowed.join(", ")
        ))),
        v => Ok(v),
    }
}

/// A time as `since=` takes it, in microseconds since the epoch: any RFC 3339 form
/// (`2026-11-30T00:00:00Z`, `2026-11-30T00:00:00.5+01:00`, a space for the `T`), a local date and
/// time without an offset (`2026-11-30T09:30`), a plain date (its local midnight: `2026-11-30`),
/// or an age counted back from now (`90s`, `15m`, `2h`, `3days`).
pub fn parse_time(text: &str) -> Result<i64> {
    parse_point(text, false)
}

/// A time as `until=` takes it: the same forms as [`parse_time`], but a plain date means the end
/// of that day, so that `since=2026-11-30&until=2026-11-30` is that day.
pub fn parse_until(text: &str) -> Result<i64> {
    parse_point(text, true)
}

fn parse_point(text: &str, end_of_day: bool) -> Result<i64> {
    let t = text.trim();
    let local = jiff::tz::TimeZone::system();
    let instant = if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        Some(ts)
    } else if let Ok(dt) = t.parse::<jiff::civil::DateTime>()
        && t.len() > 10
    {
        dt.to_zoned(local.clone()).ok().map(|z| z.timestamp())
    } else if let Ok(date) = t.parse::<jiff::civil::Date>() {
        let day = if end_of_day {
            date.tomorrow().ok()
        } else {
            Some(date)
        };
        day.and_then(|d| d.to_zoned(local).ok())
            .map(|z| z.timestamp())
    } else {
        None
    };
    if let Some(ts) = instant {
        if ts.as_microsecond() < 0 {
            return Err(Error::Filter(format!("{text:?} is before 1970")));
        }
        return Ok(ts.as_microsecond());
    }
    match humantime::parse_duration(t) {
        Ok(age) => Ok(now_us() - micros(age)),
        Err(_) => Err(Error::Filter(format!(
            "{text:?} is neither a time (2026-11-30T10:00:00Z, 2026-11-30T10:00:00+01:00), a date (2026-11-30) nor an age (15m, 2h, 1day)"
        ))),
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let f = ListParams {
            method: Some("post".into()),
            path: Some(String::new()),
            since: Some("2026-11-23T10:00:00Z".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(f.method.as_deref(), Some("POST"));
        assert_eq!(f.path_prefix, None);
        assert_eq!(f.since_us, Some(1_795_428_000_000_000));
        assert_eq!(f.limit, DEFAULT_LIMIT);
    }

    #[test]
    fn every_rfc_3339_form_and_a_plain_date_parse() {
        let utc = 1_796_083_200_000_000; // 2026-12-01T00:00:00Z
        for text in [
            "2026-12-01T00:00:00Z",
            "2026-12-01T00:00:00.000Z",
            "2026-12-01T01:00:00+01:00",
            "2026-12-01T01:00:00.000000+01:00",
            "2026-11-30T19:00:00-05:00",
            "2026-12-01 00:00:00Z",
            "2026-12-01t00:00:00z",
        ] {
            assert_eq!(parse_time(text).unwrap(), utc, "{text}");
        }
        // A plain date is its local midnight; until a date includes that day.
        let tz = jiff::tz::TimeZone::system();
        let midnight = |d: &str| {
            d.parse::<jiff::civil::Date>()
                .unwrap()
                .to_zoned(tz.clone())
                .unwrap()
                .timestamp()
                .as_microsecond()
        };
        assert_eq!(parse_time("2026-11-30").unwrap(), midnight("2026-11-30"));
        assert_eq!(parse_until("2026-11-30").unwrap(), midnight("2026-12-01"));
        // Without an offset, a time is local.
        let local = "2026-11-30T09:30:00"
            .parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(tz)
            .unwrap()
            .timestamp()
            .as_microsecond();
        assert_eq!(parse_time("2026-11-30T09:30:00").unwrap(), local);
        assert!(parse_time("1969-12-31").is_err());
    }

    #[test]
    fn ages_count_back_from_now() {
        let t = parse_time("1h").unwrap();
        let expected = now_us() - 3_600_000_000;
        assert!((t - expected).abs() < 5_000_000, "{t} vs {expected}");
    }

    #[test]
    fn bad_values_say_what_is_accepted() {
        let err = parse_time("yesterday").unwrap_err().to_string();
        assert!(err.contains("a date (2026-11-30)"), "{err}");
        let err = ListParams {
            limit: Some(0),
            ..Default::default()
        }
        .parse()
        .unwrap_err()
        .to_string();
        assert!(err.contains("between 1 and 1000"), "{err}");
    }
}
