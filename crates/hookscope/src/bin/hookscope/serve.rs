//! `hookscope serve`: run the capture listener and the control API until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use hookscope::config::ForwardConfig;
use hookscope::events::StreamEvent;
use hookscope::model::{DeliverySummary, DuplicateKind};
use hookscope::replay::forward::Forwarded;
use hookscope::server::{InstanceSetup, Server};
use hookscope::signature::SignatureStatus;
use hookscope::target::PathMode;
use hookscope::visible::Visible;

use crate::{DbArg, db_path, load_config};

#[derive(Args)]
pub struct ServeArgs {
    /// Address of the capture listener (what webhooks and tunnels reach). Default 127.0.0.1:8787.
    #[arg(long, env = "HOOKSCOPE_CAPTURE_ADDR", value_name = "ADDR")]
    pub capture: Option<SocketAddr>,
    /// Address of the control API (loopback only, token required). Default 127.0.0.1:8788.
    #[arg(long, env = "HOOKSCOPE_API_ADDR", value_name = "ADDR")]
    pub api: Option<SocketAddr>,
    /// Fixed API token instead of the random one kept in the data directory.
    #[arg(
        long,
        env = "HOOKSCOPE_API_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub api_token: Option<String>,
    /// The built UI to serve at the API's address (a folder holding index.html). Default: the
    /// repository's ui/dist, when it is built.
    #[arg(long, env = "HOOKSCOPE_UI_DIR", value_name = "DIR")]
    pub ui: Option<PathBuf>,
    /// Also send every delivery on to this URL as it arrives: your handler, say
    /// (http://localhost:3000/webhooks), unless its endpoint forwards elsewhere; each forward is
    /// stored as an attempt of the delivery.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// How a forwarded delivery's path maps onto --forward-to: `target` (the URL as given),
    /// `suffix` (+ the path after the endpoint's prefix + the query), `full` (+ the whole path
    /// and query).
    #[arg(long, requires = "forward_to", default_value = "target", value_parser = crate::replay::parse_path_mode)]
    pub forward_path: PathMode,
    /// Answer each sender with the --forward-to handler's answer (status, headers, body) instead
    /// of Hookscope's own 200, so the real handler's answer reaches the vendor.
    #[arg(long, requires = "forward_to")]
    pub pass_through: bool,
    /// Print nothing per delivery (by default each delivery and each forward's answer get a line,
    /// as they happen).
    #[arg(long, short)]
    pub quiet: bool,
    /// Config file. Default: hookscope.toml in the data directory, if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Once capture and the API listen, write their addresses to FILE as JSON (written whole,
    /// then renamed into place: a script waits for the file, never for a sleep); removed at
    /// stop. docs/cli.md describes it.
    #[arg(long, value_name = "FILE")]
    pub ready_file: Option<PathBuf>,
    /// Print the same JSON as one line on standard output instead of the banner and the
    /// traffic lines.
    #[arg(long)]
    pub json: bool,
    /// Let MCP clients at the API's /mcp send and change things (test events, replays); by
    /// default they only read.
    #[arg(long)]
    pub mcp_allow_writes: bool,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn serve(args: ServeArgs, data_dir: PathBuf) -> Result<()> {
    let (mut config, config_path) = load_config(args.config.as_deref(), &data_dir)?;
    if let Some(addr) = args.capture {
        config.capture.addr = addr;
    }
    if let Some(addr) = args.api {
        config.api.addr = addr;
    }
    if let Some(dir) = args.ui {
        config.api.ui = Some(dir);
    }
    config.api.mcp_allow_writes |= args.mcp_allow_writes;
    if let Some(token) = args.api_token.filter(|t| !t.is_empty()) {
        config.api.token = Some(token);
    }
    if let Some(to) = args.forward_to {
        hookscope::target::check_target(&to).context("--forward-to")?;
        config.capture.forward = Some(ForwardConfig {
            to,
            path: args.forward_path,
            pass_through: args.pass_through,
        });
    }
    // Every forward in force: the one for every delivery, then each endpoint's own.
    let mut forwarding: Vec<(String, ForwardConfig)> = Vec::new();
    if let Some(fwd) = &config.capture.forward {
        forwarding.push(("every delivery".to_owned(), fwd.clone()));
    }
    for e in &config.endpoints {
        if let Some(fwd) = &e.forward {
            forwarding.push((e.path.clone(), fwd.clone()));
        }
    }
    let db = db_path(&args.db, &data_dir);
    let config_shown = config_path.clone();
    // A ready file left by a server that was killed says nothing of this one.
    if let Some(file) = &args.ready_file {
        let _ = std::fs::remove_file(file);
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let server = Server::start(InstanceSetup {
            config,
            db: db.clone(),
            data_dir,
            config_path,
        })
        .await?;
        // The banner is built, then written once: a stdout that cannot take it (a full disk, a
        // closed pipe) costs the banner, never the server.
        let mut out = Vec::<u8>::new();
        let _ = writeln!(out, "Hookscope {} is capturing.", env!("CARGO_PKG_VERSION"));
        let _ = writeln!(
            out,
            "  capture   {}  point webhooks here, or a tunnel: ngrok http {}",
            server.capture_url(),
            server.capture_addr.port()
        );
        let _ = writeln!(out, "  ui        {}", server.ui_url());
        let _ = writeln!(out, "  api       {}", server.api_url());
        let _ = writeln!(out, "  database  {}", db.display());
        let _ = writeln!(out, "  config    {}", config_shown.display());
        for (from, fwd) in forwarding {
            let _ = writeln!(
                out,
                "  forward   {from} → {} ({}){}",
                fwd.to,
                match fwd.path {
                    PathMode::Target => "the URL as given",
                    PathMode::Suffix => "+ the path after the endpoint",
                    PathMode::Full => "+ the whole path and query",
                },
                if fwd.pass_through {
                    ", its answer passed through to the sender"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(out, "Press Ctrl-C to stop.");
        // Listening from before the ready line: a script that signals the moment it reads
        // that line (or a shell that started this with SIGINT ignored) must stop it cleanly.
        let stop = shutdown_signal();
        let ready = hookscope::contract::Ready {
            event: "ready".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            pid: std::process::id(),
            capture_url: server.capture_url(),
            api_url: format!("http://{}/api", server.api_addr),
            api_token: server.token.clone(),
            ui_url: server.ui_url(),
            database: db.display().to_string(),
            config: config_shown.display().to_string(),
        };
        if args.json {
            out = serde_json::to_vec(&ready).unwrap_or_default();
            out.push(b'\n');
        }
        if let Some(file) = &args.ready_file {
            write_ready(file, &ready)
                .with_context(|| format!("writing the ready file {}", file.display()))?;
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(&out).and_then(|()| stdout.flush());
        drop(stdout);
        if !args.quiet && !args.json {
            print_traffic(&server);
        }

        stop.await;
        // Written, not `eprintln!`: a stderr that cannot take them (a full disk) must not turn
        // a clean stop into a panic.
        let _ = writeln!(std::io::stderr(), "Stopping: finishing requests in flight…");
        server.shutdown().await;
        if let Some(file) = &args.ready_file {
            let _ = std::fs::remove_file(file);
        }
        let _ = writeln!(std::io::stderr(), "Stopped.");
        Ok(())
    })
}

/// Writes `ready` to `file` whole: to a temporary file beside it, renamed into place, so a
/// script that sees the file reads all of it.
fn write_ready(file: &std::path::Path, ready: &hookscope::contract::Ready) -> Result<()> {
    let mut tmp = file.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut text = serde_json::to_vec_pretty(ready)?;
    text.push(b'\n');
    std::fs::write(&tmp, &text)?;
    std::fs::rename(&tmp, file)?;
    Ok(())
}

/// A line for each delivery as it is stored and each forward as it is answered, the way
/// `stripe listen` shows them. Lines are written by a thread of their own: a terminal or pipe
/// that stops reading costs lines, never captures.
fn print_traffic(server: &Server) {
    let (tx, rx) = std::sync::mpsc::sync_channel::<String>(4096);
    std::thread::spawn(move || {
        // Lines carry what senders and handlers wrote: shown, never obeyed by the terminal.
        let mut out = Visible(std::io::stdout());
        for line in rx {
            if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                return;
            }
        }
    });
    let mut deliveries = server.control().subscribe();
    let mut forwards = server.forwards();
    let backlog = server.forward_backlog();
    // Vendors are printed by their profiles' names.
    let names: std::collections::HashMap<String, String> = server
        .control()
        .vendors()
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    tokio::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        // Imported deliveries did not just arrive: they are summed up once the import pauses.
        let mut imported = Imported::default();
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        // A handler that hangs is said every few seconds, not once per delivery.
        let mut backlog_tick = tokio::time::interval(BACKLOG_EVERY);
        loop {
            let line = tokio::select! {
                event = deliveries.next() => match event {
                    Some(StreamEvent::Delivery { delivery }) if delivery.imported => {
                        imported.add(&delivery);
                        continue;
                    }
                    Some(StreamEvent::Delivery { delivery }) => delivery_line(&delivery, &names),
                    Some(StreamEvent::Lagged { missed }) => format!("… {missed} events not shown (the store keeps them all)"),
                    Some(_) => continue,
                    None => return,
                },
                done = forwards.recv() => match done {
                    Ok(f) => forward_line(&f),
                    Err(RecvError::Lagged(n)) => format!("… {n} forwards not shown (`hookscope attempts` lists them)"),
                    Err(RecvError::Closed) => return,
                },
                _ = tick.tick() => match imported.take() {
                    Some(line) => line,
                    None => continue,
                },
                _ = backlog_tick.tick() => match backlog_lines(&backlog()) {
                    Some(lines) => lines,
                    None => continue,
                },
            };
            // A full queue (output not being read) drops the line; a gone printer ends this.
            if let Err(std::sync::mpsc::TrySendError::Disconnected(_)) = tx.try_send(line) {
                return;
            }
        }
    });
}

/// Imported deliveries since the last summary line.
#[derive(Default)]
struct Imported {
    count: u64,
    first_id: i64,
    last_id: i64,
    oldest_us: i64,
    newest_us: i64,
}

impl Imported {
    fn add(&mut self, d: &DeliverySummary) {
        if self.count == 0 {
            (self.first_id, self.oldest_us, self.newest_us) =
                (d.id, d.received_at_us, d.received_at_us);
        }
        self.count += 1;
        self.last_id = d.id;
        self.oldest_us = self.oldest_us.min(d.received_at_us);
        self.newest_us = self.newest_us.max(d.received_at_us);
    }

    /// `12:00:01  <== imported 120 deliveries #5..#124, received 2026-11-20 10:00 to ...`
    fn take(&mut self) -> Option<String> {
        if self.count == 0 {
            return None;
        }
        let day = |us: i64| {
            jiff::Timestamp::from_microsecond(us)
                .map(|t| {
                    t.to_zoned(jiff::tz::TimeZone::system())
                        .strftime("%Y-%m-%d %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default()
        };
        let line = format!(
            "{}  <== imported {} {} #{}..#{}, received {} to {}",
            clock(hookscope::model::now_us()),
            self.count,
            if self.count == 1 {
                "delivery"
            } else {
                "deliveries"
            },
            self.first_id,
            self.last_id,
            day(self.oldest_us),
            day(self.newest_us),
        );
        *self = Imported::default();
        Some(line)
    }
}

fn clock(at_us: i64) -> String {
    jiff::Timestamp::from_microsecond(at_us)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// `12:00:01  --> POST /hooks/stripe  stripe charge.succeeded evt_1  signature valid  #42`
fn delivery_line(d: &DeliverySummary, names: &std::collections::HashMap<String, String>) -> String {
    let mut line = format!("{}  --> {} {}", clock(d.received_at_us), d.method, d.path);
    if let Some(q) = &d.query {
        line.push('?');
        line.push_str(q);
    }
    if let Some(vendor) = &d.vendor {
        line.push_str("  ");
        line.push_str(names.get(vendor).unwrap_or(vendor));
    }
    if let Some(event) = &d.event {
        for part in [&event.event_type, &event.id].into_iter().flatten() {
            line.push(' ');
            line.push_str(part);
        }
    }
    if let Some(check) = &d.signature {
        line.push_str("  signature ");
        line.push_str(match check.status {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Invalid => "INVALID",
            SignatureStatus::Missing => "missing",
            SignatureStatus::Stale => "STALE",
            SignatureStatus::Malformed => "MALFORMED",
            SignatureStatus::Unchecked => "unchecked",
        });
    }
    match d.duplicate.as_ref().map(|dup| (dup.kind, dup.first_id)) {
        Some((DuplicateKind::Retry, first)) => line.push_str(&format!("  retry of #{first}")),
        Some((DuplicateKind::Conflict, first)) => {
            line.push_str(&format!("  CONFLICTS with #{first}"));
        }
        _ => {}
    }
    line.push_str(&format!("  #{}", d.id));
    line
}

/// How often `serve` says how many forwards a full queue kept from being sent.
const BACKLOG_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// `12:00:01  <-- 4,210 forwards not sent to http://localhost:3000/webhooks in 2 s: ...`, a line
/// per target whose queue was full; `None` when none was.
fn backlog_lines(backlog: &[hookscope::replay::forward::Backlog]) -> Option<String> {
    if backlog.is_empty() {
        return None;
    }
    let now = clock(hookscope::model::now_us());
    let lines: Vec<String> = backlog
        .iter()
        .map(|b| {
            format!(
                "{now}  <-- {} {} not sent to {} in the last {} s: the handler has {} requests waiting ({} unanswered, {} queued); stored, `hookscope list --handler error` lists them",
                b.not_sent,
                if b.not_sent == 1 { "forward" } else { "forwards" },
                b.to,
                BACKLOG_EVERY.as_secs(),
                b.in_flight + b.queued,
                b.in_flight,
                b.queued,
            )
        })
        .collect();
    Some(lines.join("\n"))
}

/// `12:00:01  <-- [201] POST http://localhost:3000/webhooks  3.1 ms  #42`
fn forward_line(f: &Forwarded) -> String {
    let now = clock(hookscope::model::now_us());
    match (&f.error, f.status) {
        (None, Some(status)) => format!(
            "{now}  <-- [{status}] {} {}  {:.1} ms  #{}",
            f.method,
            f.url,
            f.latency_us as f64 / 1000.0,
            f.delivery_id
        ),
        (error, _) => format!(
            "{now}  <-- forward to {} failed: {}  #{}",
            f.url,
            error.as_deref().unwrap_or("no answer"),
            f.delivery_id
        ),
    }
}

/// Ctrl-C or SIGTERM, listened for from the moment this is called (not from its first poll),
/// with handlers installed even where the signal was inherited ignored.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{Signal, SignalKind, signal};
    async fn next(s: std::io::Result<Signal>) {
        match s {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    }
    let (interrupt, terminate) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    );
    async move {
        tokio::select! {
            () = next(interrupt) => {}
            () = next(terminate) => {}
        }
    }
}

#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
