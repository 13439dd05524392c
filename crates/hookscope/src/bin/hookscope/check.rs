//! `hookscope check`: grades a webhook handler the way its vendor will treat it, for a person at
//! a terminal (a table) or for CI (`--json`, `--junit`, and the exit status).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use hookscope::check::{self, CheckOptions, Grade};
use hookscope::profile::Registry;
use hookscope::server::VENDORS_DIR;
use hookscope::store::Store;

use crate::{DbArg, Exit, db_path, load_config};

#[derive(Args)]
pub struct CheckArgs {
    /// The vendor whose deliveries the handler takes: a profile id or name (`stripe`,
    /// `cooledge`, `standard-webhooks`; `hookscope vendor list` shows them).
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// The handler's URL, e.g. http://localhost:3000/webhooks.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The secret the handler verifies with. Default: the secret of the first endpoint bound to
    /// the vendor in the config, else the vendor's fixed test secret (printed).
    #[arg(long, env = "HOOKSCOPE_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Only these event types for the valid-delivery probes (comma-separated). Default: every
    /// documented example of the vendor.
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',')]
    pub events: Vec<String>,
    /// An answer slower than this fails (`3s`, `500ms`). Default: the vendor's documented
    /// timeout, else 10 s.
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,
    /// A command that prints a number counting the handler's work (rows in its table, say),
    /// run before and after each delivery of the duplicate probe: the work must be done once.
    #[arg(long, value_name = "CMD")]
    pub effects_cmd: Option<String>,
    /// Print the report as JSON (docs/api.md describes it) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write the report as JUnit XML to FILE, for CI's test results.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Config file (for the endpoints' secrets). Default: hookscope.toml in the data directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Each probe's request and answer is recorded in this store, when it exists, for
    /// `hookscope attempts`.
    #[command(flatten)]
    pub db: DbArg,
}

/// Runs the check; exit status 1 when a probe failed, 2 when the check could not run as asked.
pub fn check(args: CheckArgs, data_dir: &Path) -> Result<()> {
    let usage = |e: anyhow::Error| anyhow::Error::new(Exit(2)).context(format!("{e:#}"));
    let registry = Registry::load(&data_dir.join(VENDORS_DIR)).map_err(|e| usage(e.into()))?;
    let (config, _) = load_config(args.config.as_deref(), data_dir).map_err(usage)?;
    check::vendor(&registry, &args.vendor).map_err(|e| usage(e.into()))?;
    hookscope::target::check_target(&args.to).map_err(|e| usage(e.into()))?;
    let opts = CheckOptions {
        vendor: args.vendor.clone(),
        to: args.to.clone(),
        secret: args.secret.clone(),
        events: args.events.clone(),
        timeout: args.timeout,
        effects_cmd: args.effects_cmd.clone(),
    };
    let store = Store::open_existing(&db_path(&args.db, data_dir)).ok();
    let live = std::io::stderr().is_terminal();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let prepared =
        check::Prepared::new(&registry, &config.endpoints, &opts).map_err(|e| usage(e.into()))?;
    let cancel = tokio_util::sync::CancellationToken::new();
    let say = |run: &check::CheckSummary| {
        if live && run.done > 0 {
            let _ = writeln!(
                std::io::stderr(),
                "  [{}/{}] {} passed, {} failed",
                run.done,
                run.total,
                run.passed,
                run.failed
            );
        }
    };
    // With a store, the run is kept (the UI lists it) and compared with the last one.
    let (report, changes) = match &store {
        Some(store) => {
            let run = runtime
                .block_on(check::runs::run_stored(
                    prepared,
                    store,
                    &opts.events,
                    &cancel,
                    |_| {},
                    say,
                ))
                .map_err(|e| usage(e.into()))?;
            let id = run.summary.id;
            let mut run = check::runs::load(store, id)?.context("the check run was not stored")?;
            let report = run
                .report
                .take()
                .context("the stored check run has no report")?;
            (report, run.previous.map(|p| (p, run.changes)))
        }
        None => (
            runtime.block_on(prepared.run(None, &cancel, |r| {
                if live {
                    let _ = writeln!(
                        std::io::stderr(),
                        "  [{}/?] {} passed, {} failed",
                        r.probes.len(),
                        r.passed,
                        r.failed
                    );
                }
            })),
            None,
        ),
    };
    if let Some(path) = &args.junit {
        std::fs::write(path, check::report::junit(&report))
            .with_context(|| format!("writing the JUnit report to {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        out.write_all(check::report::table(&report, color).as_bytes())?;
        if let Some((previous, changes)) = &changes {
            out.write_all(check::report::changes(*previous, changes).as_bytes())?;
        }
    }
    out.flush()?;
    if report.probes.iter().any(|p| p.grade == Grade::Fail) {
        return Err(Exit(1).into());
    }
    Ok(())
}
