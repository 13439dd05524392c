//! `hookscope learned`: the schemas learned from the stored traffic, per vendor and event type:
//! which, each one's fields (how often present, how often null, their types and an example),
//! and one written as JSON Schema, TypeScript or Zod for a handler.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::Args;
use hookscope::control::schemas::{self, SchemaFormat};
use hookscope::learn::Learned;
use hookscope::store::Store;
use hookscope::visible::Visible;

use crate::{DbArg, db_path};

#[derive(Args)]
pub struct LearnedArgs {
    /// Only this vendor's event types (its profile id: `stripe`, `cooledge`).
    pub vendor: Option<String>,
    /// Only this event type (`lead.won`): its fields are listed.
    pub event_type: Option<String>,
    /// Write the one event type chosen as JSON Schema (draft 2020-12).
    #[arg(long, group = "format")]
    pub json_schema: bool,
    /// Write the one event type chosen as a TypeScript type.
    #[arg(long, group = "format")]
    pub typescript: bool,
    /// Write the one event type chosen as a Zod schema and its inferred type.
    #[arg(long, group = "format")]
    pub zod: bool,
    /// Print the schemas chosen as JSON (docs/schema/learned.json): each with its fields and
    /// JSON Schema.
    #[arg(long, group = "format")]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn learned(args: LearnedArgs, data_dir: &Path) -> Result<()> {
    let store = Store::open_existing(&db_path(&args.db, data_dir))?;
    let mut chosen: Vec<Learned> = store
        .learned()?
        .into_iter()
        .filter(|l| args.vendor.as_ref().is_none_or(|v| &l.vendor == v))
        .filter(|l| args.event_type.as_ref().is_none_or(|t| &l.event_type == t))
        .collect();
    chosen.sort_by(|a, b| (&a.vendor, &a.event_type).cmp(&(&b.vendor, &b.event_type)));
    let format = if args.json_schema {
        Some(SchemaFormat::JsonSchema)
    } else if args.typescript {
        Some(SchemaFormat::Typescript)
    } else if args.zod {
        Some(SchemaFormat::Zod)
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let items: Vec<_> = chosen.iter().map(schemas::schema_of).collect();
        serde_json::to_writer_pretty(&mut out, &hookscope::model::Items::from(items))?;
        writeln!(out)?;
        return Ok(out.flush()?);
    }
    if let Some(format) = format {
        let [one] = chosen.as_slice() else {
            return Err(crate::usage(format!(
                "{} event types match; name one vendor and event type: {}",
                chosen.len(),
                names(&chosen)
            )));
        };
        out.write_all(schemas::write(one, format).as_bytes())?;
        return Ok(out.flush()?);
    }
    let mut out = Visible(&mut out);
    match chosen.as_slice() {
        [] if args.vendor.is_some() || args.event_type.is_some() => {
            return Err(crate::usage(
                "no schema learned for that yet: schemas are learned from deliveries as they are captured; `hookscope learned` lists those learned",
            ));
        }
        [] => writeln!(
            out,
            "No schemas learned yet: each vendor and event type's is learned from its deliveries as they are captured."
        )?,
        [one] if args.event_type.is_some() => fields(&mut out, one)?,
        many => {
            writeln!(
                out,
                "{:<14} {:<36} {:>9}  last seen",
                "VENDOR", "EVENT TYPE", "SEEN"
            )?;
            for l in many {
                let s = schemas::summary(l);
                writeln!(
                    out,
                    "{:<14} {:<36} {:>9}  {}",
                    s.vendor, s.event_type, s.seen, s.last_at
                )?;
            }
        }
    }
    Ok(out.flush()?)
}

fn names(chosen: &[Learned]) -> String {
    let mut names: Vec<String> = chosen
        .iter()
        .take(10)
        .map(|l| format!("{} {}", l.vendor, l.event_type))
        .collect();
    if chosen.len() > 10 {
        names.push("…".to_owned());
    }
    names.join(", ")
}

/// One event type's fields: where, how often there, of which types, and an example.
fn fields(out: &mut impl Write, l: &Learned) -> std::io::Result<()> {
    let s = schemas::schema_of(l);
    writeln!(
        out,
        "{} {}: learned from {} deliveries, {} to {}",
        s.summary.vendor,
        s.summary.event_type,
        s.summary.seen,
        s.summary.first_at,
        s.summary.last_at
    )?;
    writeln!(
        out,
        "{:<40} {:>7} {:<24} EXAMPLE",
        "FIELD", "PRESENT", "TYPE"
    )?;
    for row in &s.fields {
        let present = if row.within == 0 {
            0.0
        } else {
            row.seen as f64 * 100.0 / row.within as f64
        };
        let mut types = row.types.join("|");
        if row.nulls > 0 {
            types.push_str(if types.is_empty() { "null" } else { "|null" });
        }
        if !row.formats.is_empty() {
            types = format!("{types} ({})", row.formats.join(", "));
        }
        let example = match (&row.values, &row.example) {
            (Some(values), _) => values
                .iter()
                .map(|(v, _)| v.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
            (None, Some(v)) => v.to_string(),
            (None, None) => String::new(),
        };
        let example: String = if example.chars().count() > 60 {
            format!("{}…", example.chars().take(60).collect::<String>())
        } else {
            example
        };
        writeln!(
            out,
            "{:<40} {:>6.0}% {:<24} {example}",
            row.path, present, types
        )?;
    }
    if s.more_fields > 0 {
        writeln!(
            out,
            "({} more fields not kept: objects with more than 200 keys, as maps keyed by ids are)",
            s.more_fields
        )?;
    }
    Ok(())
}
