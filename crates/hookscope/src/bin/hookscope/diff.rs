//! `hookscope diff`: what changed between two stored deliveries, or between one and the first of
//! its event (a retry or a conflicting duplicate) or the previous of its type; volatile fields
//! (ids, timestamps, signatures) hidden unless asked.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::Args;
use hookscope::diff::{Basis, Change, ChangeKind, DeliveryDiff, DiffSide, With};
use hookscope::store::Store;
use hookscope::visible::Visible;

use crate::{DbArg, Exit, db_path};

#[derive(Args)]
pub struct DiffArgs {
    /// One delivery id: compared with the first delivery of its event when it repeats one, else
    /// with the previous delivery of its type. Two ids: what changed from the first to the
    /// second.
    #[arg(value_name = "ID", num_args = 1..=2, required = true)]
    pub ids: Vec<i64>,
    /// Compare with the previous delivery of its vendor and event type.
    #[arg(long, conflicts_with = "first")]
    pub previous: bool,
    /// Compare with the first delivery of its event.
    #[arg(long)]
    pub first: bool,
    /// List the volatile changes too (event ids, timestamps, signatures, tunnel headers), marked.
    #[arg(long)]
    pub show_volatile: bool,
    /// Exit with status 1 when they differ (beyond volatile fields), as `git diff --exit-code`.
    #[arg(long)]
    pub exit_code: bool,
    /// Print the diff as JSON (docs/schema/diff.json).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn diff(args: DiffArgs, data_dir: &Path) -> Result<()> {
    let (id, with) = match (args.ids.as_slice(), args.previous, args.first) {
        ([a, b], false, false) => (*b, With::Delivery(*a)),
        ([_, _], _, _) => {
            return Err(crate::usage(
                "--previous and --first take one delivery id; two ids are compared with each other",
            ));
        }
        ([id], true, _) => (*id, With::Previous),
        ([id], _, true) => (*id, With::First),
        ([id], false, false) => (*id, With::Default),
        _ => return Err(crate::usage("give one or two delivery ids")),
    };
    let store = Store::open_existing(&db_path(&args.db, data_dir))?;
    let registry =
        hookscope::profile::Registry::load(&data_dir.join(hookscope::server::VENDORS_DIR))?;
    let diff = hookscope::diff::compare(&store, &registry, id, with, args.show_volatile)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &diff)?;
        writeln!(out)?;
    } else {
        print(&mut Visible(&mut out), &diff)?;
    }
    out.flush()?;
    if args.exit_code && !diff.same {
        return Err(Exit(1).into());
    }
    Ok(())
}

fn side(s: &DiffSide) -> String {
    let what = match (&s.vendor, &s.event_type) {
        (Some(v), Some(t)) => format!("{v} {t}"),
        (Some(v), None) => v.clone(),
        _ => "unrecognised".to_owned(),
    };
    format!("#{} ({what}, {})", s.id, s.received_at)
}

fn print(out: &mut impl Write, d: &DeliveryDiff) -> std::io::Result<()> {
    let basis = match d.basis {
        Basis::Chosen => "",
        Basis::Previous => ": the previous of its type",
        Basis::FirstOfEvent => ": the first delivery of its event",
    };
    writeln!(out, "--- {}{basis}", side(&d.left))?;
    writeln!(out, "+++ {}", side(&d.right))?;
    if !d.headers.is_empty() {
        writeln!(out, "headers")?;
        for c in &d.headers {
            writeln!(out, "  {}", line(c))?;
        }
    }
    if !d.body.is_empty() {
        let kind = match d.body_kind {
            hookscope::diff::BodyKind::Json => "JSON",
            hookscope::diff::BodyKind::Text => "text",
            hookscope::diff::BodyKind::Binary => "binary",
        };
        writeln!(out, "body ({kind})")?;
        for c in &d.body {
            writeln!(out, "  {}", line(c))?;
        }
    }
    if d.same {
        writeln!(out, "No differences but volatile ones.")?;
    }
    if d.volatile_hidden > 0 {
        writeln!(
            out,
            "{} volatile change{} hidden (ids, timestamps, signatures): --show-volatile lists them.",
            d.volatile_hidden,
            if d.volatile_hidden == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

/// `~ /data/amount: 100 → 250`, values cut to a line.
fn line(c: &Change) -> String {
    let value = |v: &Option<serde_json::Value>| {
        let text = match v {
            Some(serde_json::Value::String(s)) => format!("{s:?}"),
            Some(v) => v.to_string(),
            None => String::new(),
        };
        if text.chars().count() > 100 {
            format!("{}…", text.chars().take(100).collect::<String>())
        } else {
            text
        }
    };
    let mark = if c.volatile { "  (volatile)" } else { "" };
    match c.kind {
        ChangeKind::Added => format!("+ {}: {}{mark}", c.path, value(&c.right)),
        ChangeKind::Removed => format!("- {}: {}{mark}", c.path, value(&c.left)),
        ChangeKind::Changed => format!(
            "~ {}: {} → {}{mark}",
            c.path,
            value(&c.left),
            value(&c.right)
        ),
        ChangeKind::Moved => format!(
            "↔ {} (was {}): {}{mark}",
            c.path,
            c.from.as_deref().unwrap_or("?"),
            value(&c.right)
        ),
    }
}
