//! `hookscope list` and `hookscope show`: read the store directly (also while `serve` runs, over
//! SSH), and print what was decoded.

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use hookscope::model::{DeliveryDetail, DeliverySummary, Duplicate, DuplicateKind};
use hookscope::profile::{EventInfo, Finding};
use hookscope::signature::SignatureCheck;
use hookscope::store::{ListParams, Store};
use hookscope::visible::Visible;

use crate::{DbArg, db_path};

#[derive(Args)]
pub struct ListArgs {
    /// Print JSON (the API's page object) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// How many deliveries (1-1000).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Only the deliveries below this one in the list, which is in receive order (the previous
    /// page's last id).
    #[arg(long, value_name = "ID")]
    pub before: Option<i64>,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub db: DbArg,
}

/// The list filters, as flags: what `list`, `export` and `replay` select deliveries with.
#[derive(Args, Default)]
pub struct FilterArgs {
    /// Only this configured endpoint (its prefix).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Only this HTTP method.
    #[arg(long)]
    pub method: Option<String>,
    /// Only paths starting with this.
    #[arg(long)]
    pub path: Option<String>,
    /// Received at or after: an RFC 3339 time (2026-11-30T10:00:00Z, ...+01:00), a local time
    /// (2026-11-30T10:00), a date (2026-11-30, from its midnight) or an age (15m, 2h, 1day).
    #[arg(long)]
    pub since: Option<String>,
    /// Received before: the same forms; a date means through the end of that day.
    #[arg(long)]
    pub until: Option<String>,
    /// Only this vendor (profile id: stripe, github, cooledge, ...).
    #[arg(long)]
    pub vendor: Option<String>,
    /// Only this event type.
    #[arg(long)]
    pub event_type: Option<String>,
    /// Only this event id: every delivery of one event.
    #[arg(long)]
    pub event_id: Option<String>,
    /// Only this tenant: the account, business or shop a delivery is about (Cooledge's
    /// business_id, Stripe's account, ...).
    #[arg(long)]
    pub tenant: Option<String>,
    /// Only this signature status: valid, invalid, missing, stale, malformed, unchecked.
    #[arg(long)]
    pub signature: Option<String>,
    /// Only duplicates: first, retry, conflict, or any.
    #[arg(long)]
    pub duplicate: Option<String>,
    /// Only deliveries with validation warnings (`warning`) or without (`clean`).
    #[arg(long)]
    pub validation: Option<String>,
    /// Only this handler answer (latest forward or replay): a status (400), a class (4xx),
    /// failed (not 2xx, or none), error (no answer) or none (never sent).
    #[arg(long)]
    pub handler: Option<String>,
    /// Only deliveries whose headers or body contain every one of these words.
    #[arg(long, value_name = "WORDS")]
    pub search: Option<String>,
}

impl FilterArgs {
    pub fn params(&self) -> ListParams {
        ListParams {
            endpoint: self.endpoint.clone(),
            method: self.method.clone(),
            path: self.path.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
            vendor: self.vendor.clone(),
            event_type: self.event_type.clone(),
            event_id: self.event_id.clone(),
            tenant: self.tenant.clone(),
            signature: self.signature.clone(),
            duplicate: self.duplicate.clone(),
            validation: self.validation.clone(),
            handler: self.handler.clone(),
            q: self.search.clone(),
            ..Default::default()
        }
    }
}

#[derive(Args)]
pub struct ShowArgs {
    /// Delivery id (from `hookscope list`), or the opaque id its sender was given (`d_…`).
    pub id: String,
    /// Print JSON (the API's delivery object).
    #[arg(long, conflicts_with = "raw")]
    pub json: bool,
    /// Write only the body bytes, exactly as received.
    #[arg(long, conflicts_with = "request")]
    pub raw: bool,
    /// Write the whole request as received (head and body), for `hookscope verify`.
    #[arg(long)]
    pub request: bool,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn list(args: ListArgs, data_dir: &std::path::Path) -> Result<()> {
    let store = Store::open_existing(&db_path(&args.db, data_dir))?;
    let filter = ListParams {
        limit: Some(args.limit),
        before: args.before,
        ..args.filter.params()
    }
    .parse()?;
    let filter = crate::resolve(filter, &store, data_dir)?;
    let page = store.list(&filter)?;
    let registry =
        hookscope::profile::Registry::load(&data_dir.join(hookscope::server::VENDORS_DIR))?;
    let name = |id: &str| registry.get(id).map_or(id.to_owned(), |p| p.name.clone());
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &page)?;
        writeln!(out)?;
        return Ok(());
    }
    // What a sender wrote is shown, never obeyed by the terminal.
    let mut out = Visible(out);
    if page.items.is_empty() {
        writeln!(out, "No deliveries match.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>8}  {:<27}  {:<7}  {:>6}  {:<13}  {:>9}  {:<24}  {:<26}  {:<9}  {:<9}  PATH",
        "ID",
        "RECEIVED (UTC)",
        "METHOD",
        "STATUS",
        "HANDLER",
        "SIZE",
        "VENDOR",
        "EVENT",
        "SIGNATURE",
        "DUPLICATE"
    )?;
    for d in &page.items {
        writeln!(out, "{}", table_row(d, &name))?;
    }
    if let Some(cursor) = page.next_cursor {
        writeln!(out, "More: hookscope list --before {cursor}")?;
    }
    Ok(())
}

fn table_row(d: &DeliverySummary, name: &dyn Fn(&str) -> String) -> String {
    let path = match &d.query {
        Some(q) => format!("{}?{q}", d.path),
        None => d.path.clone(),
    };
    let size = if d.truncated {
        format!("{}*", d.body_size)
    } else {
        d.body_size.to_string()
    };
    let vendor = d.vendor.as_deref().map_or_else(|| "-".to_owned(), name);
    let mut event = d
        .event
        .as_ref()
        .and_then(|e| e.event_type.clone())
        .unwrap_or_else(|| "-".into());
    if d.validation.iter().any(|f| f.level == "warning") {
        event.push_str(" (!)");
    }
    let signature = d.signature.as_ref().map_or("-", |s| s.status.as_str());
    let duplicate = match &d.duplicate {
        Some(dup) if dup.kind != DuplicateKind::First => {
            format!("{} #{}", dup.kind.as_str(), dup.attempt)
        }
        Some(_) => "first".to_owned(),
        None => "-".to_owned(),
    };
    let handler = match &d.handler {
        Some(h) => match h.status {
            Some(status) => format!("{status} {:.0} ms", h.latency_ms),
            None => "no answer".to_owned(),
        },
        None => "-".to_owned(),
    };
    format!(
        "{:>8}  {:<27}  {:<7}  {:>6}  {:<13}  {:>9}  {:<24}  {:<26}  {:<9}  {:<9}  {}",
        d.id,
        d.received_at,
        d.method,
        d.response_status,
        handler,
        size,
        vendor,
        event,
        signature,
        duplicate,
        path
    )
}

/// The decoded facts of a delivery as `# key: value` lines.
pub fn describe(
    out: &mut impl Write,
    vendor: Option<&str>,
    detected_by: Option<&str>,
    event: Option<&EventInfo>,
    signature: Option<&SignatureCheck>,
    duplicate: Option<&Duplicate>,
    validation: &[Finding],
) -> std::io::Result<()> {
    if let Some(v) = vendor {
        writeln!(out, "# vendor     {v} ({})", detected_by.unwrap_or("?"))?;
    }
    if let Some(e) = event {
        let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        writeln!(out, "# event      {}", field(&e.event_type))?;
        writeln!(
            out,
            "# event id   {} ({})",
            field(&e.id),
            field(&e.id_source)
        )?;
        if e.occurred_at.is_some() || e.tenant.is_some() {
            writeln!(
                out,
                "# occurred   {}   tenant {}",
                field(&e.occurred_at),
                field(&e.tenant)
            )?;
        }
    }
    if let Some(s) = signature {
        let mut line = format!("# signature  {}", s.status.as_str());
        if let Some(scheme) = &s.scheme {
            line.push_str(&format!(" ({scheme}"));
            if let Some(secret) = &s.secret {
                line.push_str(&format!(", secret {secret}"));
            }
            line.push(')');
        }
        if !s.documented && s.scheme.is_some() {
            line.push_str(" [scheme assumed by Hookscope: not in the vendor's documents]");
        }
        writeln!(out, "{line}")?;
        if let Some(reason) = &s.reason {
            writeln!(out, "#            {reason}")?;
        }
        if let Some(doctor) = &s.doctor {
            writeln!(out, "# doctor     {doctor}")?;
        }
    }
    if let Some(d) = duplicate {
        let text = match d.kind {
            DuplicateKind::First => format!("first arrival of its event ({} so far)", d.count),
            DuplicateKind::Retry => format!(
                "retry: arrival {} of {}, same body as delivery {}",
                d.attempt, d.count, d.first_id
            ),
            DuplicateKind::Conflict => format!(
                "CONFLICT: arrival {} of {}, same event id as delivery {} but a different body",
                d.attempt, d.count, d.first_id
            ),
        };
        let timing = match (d.since_previous_secs, d.since_first_secs) {
            (Some(prev), Some(first)) => {
                format!("; {prev:.1} s after the previous arrival, {first:.1} s after the first")
            }
            _ => String::new(),
        };
        writeln!(out, "# duplicate  {text}{timing}")?;
    }
    for f in validation {
        let at = if f.path.is_empty() {
            ""
        } else {
            f.path.as_str()
        };
        writeln!(out, "# {:<10} {at} {}", f.level, f.message)?;
    }
    Ok(())
}

/// The stored delivery `text` names: its number, or the opaque id its sender was given.
pub fn stored_delivery(
    store: &Store,
    data_dir: &std::path::Path,
    text: &str,
) -> Result<hookscope::model::Delivery> {
    let id = text
        .parse::<i64>()
        .ok()
        .or_else(|| hookscope::ack::AckIds::load(data_dir)?.decode(text.trim()))
        .with_context(|| {
            format!(
                "{:?} is neither a delivery number nor an id this instance gave a sender; see `hookscope list`",
                hookscope::visible::visible(text)
            )
        })?;
    store
        .get(id)?
        .ok_or(hookscope::Error::NotFound(id))
        .context("see `hookscope list` for the stored ids")
}

pub fn show(args: ShowArgs, data_dir: &std::path::Path) -> Result<()> {
    let store = Store::open_existing(&db_path(&args.db, data_dir))?;
    let delivery = stored_delivery(&store, data_dir, &args.id)?;
    let mut out = std::io::stdout().lock();
    if args.raw {
        out.write_all(&delivery.body)?;
        return Ok(());
    }
    if args.request {
        out.write_all(&delivery.head)?;
        out.write_all(&delivery.body)?;
        return Ok(());
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &DeliveryDetail::from(delivery))?;
        writeln!(out)?;
        return Ok(());
    }
    // `--raw` and `--request` are the bytes as sent; this is for reading, on a terminal too.
    let mut out = Visible(out);
    let s = &delivery.summary;
    writeln!(
        out,
        "# delivery {} received {} from {} answered {}",
        s.id, s.received_at, s.remote_addr, s.response_status
    )?;
    if let Some(note) = &s.note {
        writeln!(out, "# {note}")?;
    }
    if let Some(rule) = &s.rule {
        writeln!(out, "# rule {}: {}", rule.rules.join(", "), rule.did)?;
        if let Some(error) = &rule.error {
            writeln!(
                out,
                "# its answer could not be made, so the endpoint's was given: {error}"
            )?;
        }
    }
    describe(
        &mut out,
        s.vendor.as_deref(),
        s.detected_by.as_deref(),
        s.event.as_ref(),
        s.signature.as_ref(),
        s.duplicate.as_ref(),
        &s.validation,
    )?;
    if !delivery.head_exact {
        writeln!(
            out,
            "# header case and order were not recoverable for this request"
        )?;
    }
    out.write_all(&delivery.head)?;
    match std::str::from_utf8(&delivery.body) {
        Ok(text) => {
            out.write_all(text.as_bytes())?;
            if !text.is_empty() && !text.ends_with('\n') {
                writeln!(out)?;
            }
        }
        Err(_) => writeln!(
            out,
            "[binary body, {} bytes: `hookscope show {} --raw > FILE` writes it]",
            delivery.body.len(),
            s.id
        )?,
    }
    Ok(())
}
