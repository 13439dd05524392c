//! `hookscope replay`: send stored deliveries again to a handler, with or without a running
//! server (the store is read and the attempts written directly; SQLite arbitrates).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use hookscope::config::Endpoints;
use hookscope::contract::ReplayLine;
use hookscope::model::Attempt;
use hookscope::profile::Registry;
use hookscope::replay::bulk::{BulkOptions, Item, Replayer};
use hookscope::replay::{Client, ClientOptions, ReplayOptions};
use hookscope::server::VENDORS_DIR;
use hookscope::store::{ListParams, Store};
use hookscope::target::PathMode;
use hookscope::visible::{Visible, visible};

use crate::{DbArg, db_path, load_config};

#[derive(Args)]
pub struct ReplayArgs {
    /// Delivery ids (from `hookscope list`), sent in the order given.
    #[arg(value_name = "ID", required_unless_present = "filter")]
    pub ids: Vec<i64>,
    /// Replay every delivery these filters select, oldest first: the API's and the UI's query
    /// string, e.g. `vendor=stripe&signature=invalid&since=2h`.
    #[arg(long, value_name = "QUERY", conflicts_with = "ids")]
    pub filter: Option<String>,
    /// Target URL, e.g. http://localhost:3000/webhooks.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// How the delivery's path maps onto the target: `target` (the URL as given), `suffix`
    /// (the URL + the path after the endpoint's prefix + the query), `full` (the URL + the whole
    /// path + the query).
    #[arg(long, default_value = "target", value_parser = parse_path_mode)]
    pub path: PathMode,
    /// Sign again with the current time and the endpoint's secret (for receivers that refuse old
    /// signatures). Without it the original signature headers go out untouched.
    #[arg(long)]
    pub resign: bool,
    /// Send as a new event: a new event id in the headers and body, re-signed.
    #[arg(long)]
    pub fresh_id: bool,
    /// Sign with this secret instead of the endpoint's.
    #[arg(long, env = "HOOKSCOPE_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Requests in flight at once (1 keeps the receive order strictly).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Requests started per second at most.
    #[arg(long, value_name = "PER_SECOND")]
    pub rate: Option<f64>,
    /// Stop at the first failure (no answer, or not a 2xx) instead of going on.
    #[arg(long)]
    pub stop_on_failure: bool,
    /// Give up on a request after this long.
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub timeout: std::time::Duration,
    /// Print JSON Lines: each attempt (the API's attempt object), then the summary
    /// (docs/schema/replay.json).
    #[arg(long)]
    pub json: bool,
    /// Config file (endpoints and their secrets). Default: hookscope.toml in the data directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn parse_path_mode(text: &str) -> Result<PathMode, String> {
    PathMode::parse(text).ok_or_else(|| format!("{text:?}: expected target, suffix or full"))
}

pub fn replay(args: ReplayArgs, data_dir: &Path) -> Result<()> {
    hookscope::target::check_target(&args.to)?;
    let (config, _) = load_config(args.config.as_deref(), data_dir)?;
    let registry = Registry::load(&data_dir.join(VENDORS_DIR))?;
    let endpoints = Endpoints::new(config.endpoints.clone());
    let store = Store::open_existing(&db_path(&args.db, data_dir))?;
    let ids = match &args.filter {
        Some(query) => {
            let filter = ListParams::from_query(query).context("--filter")?;
            let filter = crate::resolve(filter, &store, data_dir).context("--filter")?;
            store.ids_matching(&filter, hookscope::control::MAX_BULK)?
        }
        None => {
            // An id that is not stored is a mistake in the command, not a failed send.
            for &id in &args.ids {
                store
                    .get(id)?
                    .ok_or(hookscope::Error::NotFound(id))
                    .context("see `hookscope list` for the stored ids")?;
            }
            args.ids.clone()
        }
    };
    if ids.is_empty() {
        return Err(crate::usage(
            "no delivery matches the filter; nothing to replay",
        ));
    }
    let opts = ReplayOptions {
        to: args.to.clone(),
        path: args.path,
        resign: args.resign,
        fresh_id: args.fresh_id,
        secret: args.secret.clone(),
    };
    let bulk = BulkOptions {
        concurrency: usize::from(args.concurrency),
        rate: args.rate,
        stop_on_failure: args.stop_on_failure,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let report = runtime.block_on(async {
        let replayer = Replayer {
            client: Client::new(ClientOptions {
                timeout: args.timeout,
                ..ClientOptions::default()
            }),
            store: store.clone(),
            registry: std::sync::Arc::new(registry),
            endpoints: std::sync::Arc::new(endpoints),
            events: None,
        };
        // One line per attempt, or a progress bar for long runs on a terminal.
        let bar = (!args.json && ids.len() > 20 && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(ids.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} {per_sec} eta {eta} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let mut out = std::io::stdout().lock();
        let progress = |p: &hookscope::model::ReplayProgress, item: &Item| {
            if let Some(bar) = &bar {
                bar.set_position(p.done);
                bar.set_message(format!("{} ok, {} failed", p.ok, p.failed));
                return;
            }
            let _ = match item {
                Item::Sent(a) if args.json => json_line(&mut out, &ReplayLine::Sent(a.clone())),
                Item::Sent(a) => writeln!(out, "{}", visible(&line(a))),
                Item::NotSent { delivery_id, why } if args.json => json_line(
                    &mut out,
                    &ReplayLine::NotSent {
                        delivery_id: *delivery_id,
                        error: why.clone(),
                    },
                ),
                Item::NotSent { delivery_id, why } => {
                    writeln!(out, "#{delivery_id:<7} not sent: {}", visible(why))
                }
            };
        };
        // Ctrl-C stops starting requests; those in flight finish and the summary still prints.
        let cancel = tokio_util::sync::CancellationToken::new();
        let on_interrupt = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        });
        let report = replayer.many(&ids, &opts, bulk, &cancel, progress).await;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if args.json {
            let _ = json_line(
                &mut out,
                &ReplayLine::Finished {
                    report: report.clone(),
                },
            );
        }
        report
    });
    eprintln!(
        "{} sent to {}: {} ok, {} failed{} in {:.2} s ({:.0}/s)",
        report.done,
        args.to,
        report.ok,
        report.failed,
        if report.stopped {
            format!(
                ", {} not sent (stopped at the first failure)",
                report.skipped
            )
        } else if report.cancelled {
            format!(", {} not sent (interrupted)", report.skipped)
        } else {
            String::new()
        },
        report.elapsed_ms / 1000.0,
        report.rate(),
    );
    if let Some(why) = &report.first_failure {
        bail!("first failure: {why}");
    }
    Ok(())
}

fn json_line(out: &mut impl Write, line: &ReplayLine) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// `#12  → answered 201 in 3.4 ms  (attempt 7)`, with the first line of the answer's body when
/// it was not a 2xx, or the reason there was no answer; then the hint that explains a refusal.
fn line(a: &Attempt) -> String {
    let delivery = a.delivery_id.map_or_else(String::new, |d| format!("#{d}"));
    let mut flags = Vec::new();
    if a.resigned {
        flags.push("re-signed".to_owned());
    }
    if let Some(id) = &a.event_id
        && (a.kind == hookscope::model::AttemptKind::Edit || a.resigned)
    {
        flags.push(format!("event id {id}"));
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(", {}", flags.join(", "))
    };
    let mut text = match (a.status, &a.error) {
        (Some(status), _) => {
            let said = match &a.answer_line {
                Some(said) if !a.ok => format!(": {said}"),
                _ => String::new(),
            };
            format!(
                "{delivery:<8} → answered {status}{said} in {:.1} ms{flags}  (attempt {})",
                a.latency_ms.unwrap_or_default(),
                a.id
            )
        }
        (None, Some(e)) => format!("{delivery:<8} ✗ {e}  (attempt {})", a.id),
        (None, None) => format!("{delivery:<8} ✗ no answer  (attempt {})", a.id),
    };
    if let Some(hint) = &a.hint {
        text.push_str(&format!("\n         hint: {hint}"));
    }
    text
}

#[derive(Args)]
pub struct AttemptsArgs {
    /// Delivery id; without one, the newest attempts of every delivery (test sends included).
    pub id: Option<i64>,
    /// At most this many, newest first.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// One JSON object a line (the API's attempt objects).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArg,
}

/// `hookscope attempts [ID]`: what was sent from a delivery (replays, edited sends, live
/// forwards) and what came back, newest first.
pub fn attempts(args: AttemptsArgs, data_dir: &Path) -> Result<()> {
    let store = Store::open_existing(&db_path(&args.db, data_dir))?;
    let items = match args.id {
        Some(id) => {
            store
                .get(id)?
                .ok_or(hookscope::Error::NotFound(id))
                .context("see `hookscope list` for the stored ids")?;
            store.attempts_for(id, args.limit)?
        }
        None => store.recent_attempts(args.limit)?,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        for a in &items {
            serde_json::to_writer(&mut out, a)?;
            writeln!(out)?;
        }
        return Ok(());
    }
    let mut out = Visible(out);
    if items.is_empty() {
        writeln!(out, "no attempts yet")?;
    }
    for a in &items {
        writeln!(
            out,
            "{}  {:<7} {} {}\n    {}",
            a.started_at,
            a.kind.as_str(),
            a.method,
            a.url,
            line(a)
        )?;
    }
    Ok(())
}
