//! The `hookscope` command: glue between the command line and the core library.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use hookscope::config::EndpointConfig;
use hookscope::config::{self, Config};
use hookscope::model::{DeliveryDetail, DeliverySummary, Duplicate, DuplicateKind};
use hookscope::server::{Server, Settings};
use hookscope::signature::{SignatureCheck, SignatureStatus};
use hookscope::store::{ListParams, Store};
use hookscope::vendor::{EventInfo, Finding, Inspect, Registry};

#[derive(Parser)]
#[command(
    name = "hookscope",
    version,
    about = "Capture, store and inspect webhook deliveries"
)]
struct Cli {
    /// Data directory (database, config, API token). Default: the platform's data directory.
    #[arg(long, global = true, env = "HOOKSCOPE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the capture listener and the control API until Ctrl-C.
    Serve(ServeArgs),
    /// List stored deliveries, newest first.
    List(ListArgs),
    /// Show one stored delivery: what was decoded, then the request as received.
    Show(ShowArgs),
    /// Check a saved request's vendor, signature and payload without a server.
    Verify(VerifyArgs),
    /// Vendor profiles: list them, import a vendor's event catalog.
    #[command(subcommand)]
    Vendor(VendorCommand),
}

#[derive(Subcommand)]
enum VendorCommand {
    /// List the vendor profiles in detection order.
    List,
    /// Extend a profile's events from a catalog response (Leadron's GET .../webhooks/catalog):
    /// writes the extended profile to the data directory's vendors/ folder, which overrides the
    /// built-in one.
    ImportCatalog {
        /// Profile id, e.g. leadron.
        vendor: String,
        /// The catalog response, as JSON.
        file: PathBuf,
    },
}

#[derive(Args)]
struct DbArg {
    /// Database file. Default: hookscope.db in the data directory.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
}

#[derive(Args)]
struct ServeArgs {
    /// Address of the capture listener (what webhooks and tunnels reach). Default 127.0.0.1:8787.
    #[arg(long, env = "HOOKSCOPE_CAPTURE_ADDR", value_name = "ADDR")]
    capture: Option<SocketAddr>,
    /// Address of the control API (loopback only, token required). Default 127.0.0.1:8788.
    #[arg(long, env = "HOOKSCOPE_API_ADDR", value_name = "ADDR")]
    api: Option<SocketAddr>,
    /// Fixed API token instead of the random one kept in the data directory.
    #[arg(
        long,
        env = "HOOKSCOPE_API_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    api_token: Option<String>,
    /// Config file. Default: hookscope.toml in the data directory, if present.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
struct ListArgs {
    /// Print JSON (the API's page object) instead of a table.
    #[arg(long)]
    json: bool,
    /// How many deliveries (1-1000).
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Only deliveries older than this id (the previous page's last id).
    #[arg(long, value_name = "ID")]
    before: Option<i64>,
    /// Only this configured endpoint (its prefix).
    #[arg(long)]
    endpoint: Option<String>,
    /// Only this HTTP method.
    #[arg(long)]
    method: Option<String>,
    /// Only paths starting with this.
    #[arg(long)]
    path: Option<String>,
    /// Received at or after: RFC 3339 time or an age such as 15m, 2h, 1day.
    #[arg(long)]
    since: Option<String>,
    /// Received before: RFC 3339 time or an age.
    #[arg(long)]
    until: Option<String>,
    /// Only this vendor (profile id: stripe, github, cooledge, ...).
    #[arg(long)]
    vendor: Option<String>,
    /// Only this event type.
    #[arg(long)]
    event_type: Option<String>,
    /// Only this event id: every delivery of one event.
    #[arg(long)]
    event_id: Option<String>,
    /// Only this signature status: valid, invalid, missing, stale, malformed, unchecked.
    #[arg(long)]
    signature: Option<String>,
    /// Only duplicates: first, retry, conflict, or any.
    #[arg(long)]
    duplicate: Option<String>,
    /// Only deliveries with validation warnings (`warning`) or without (`clean`).
    #[arg(long)]
    validation: Option<String>,
    /// Only deliveries whose headers or body contain every one of these words.
    #[arg(long, value_name = "WORDS")]
    search: Option<String>,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
struct ShowArgs {
    /// Delivery id (from `hookscope list`).
    id: i64,
    /// Print JSON (the API's delivery object).
    #[arg(long, conflicts_with = "raw")]
    json: bool,
    /// Write only the body bytes, exactly as received.
    #[arg(long, conflicts_with = "request")]
    raw: bool,
    /// Write the whole request as received (head and body), for `hookscope verify`.
    #[arg(long)]
    request: bool,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
struct VerifyArgs {
    /// A saved request: an HTTP/1 request as received (`hookscope show ID --request`), or with
    /// --body-only just the body, its headers given with -H.
    file: PathBuf,
    /// Vendor profile id; omitted: detected as the capture listener would.
    #[arg(long)]
    vendor: Option<String>,
    /// Signing secret; repeat for several (tried in order).
    #[arg(long = "secret", value_name = "SECRET")]
    secrets: Vec<String>,
    /// The file holds only the body.
    #[arg(long)]
    body_only: bool,
    /// A header, `Name: value`; repeat for several.
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    /// When the request arrived, for timestamp tolerance: RFC 3339 or an age. Default: now.
    #[arg(long)]
    at: Option<String>,
    /// Print JSON (the analysis object).
    #[arg(long)]
    json: bool,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "hookscope=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", error_chain(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, leaving out a cause its parent already quotes.
fn error_chain(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

fn run(cli: Cli) -> Result<()> {
    let data_dir = match cli.data_dir {
        Some(dir) => dir,
        None => config::data_dir()?,
    };
    match cli.command {
        Command::Serve(args) => serve(args, data_dir),
        Command::List(args) => list(args, &data_dir),
        Command::Show(args) => show(args, &data_dir),
        Command::Verify(args) => verify(args, &data_dir),
        Command::Vendor(command) => vendor(command, &data_dir),
    }
}

fn db_path(arg: &DbArg, data_dir: &std::path::Path) -> PathBuf {
    arg.db
        .clone()
        .unwrap_or_else(|| data_dir.join(config::DB_FILE))
}

fn serve(args: ServeArgs, data_dir: PathBuf) -> Result<()> {
    let config_path = args
        .config
        .clone()
        .unwrap_or_else(|| data_dir.join(config::CONFIG_FILE));
    let mut config = Config::load(&config_path, args.config.is_some())?;
    if let Some(addr) = args.capture {
        config.capture.addr = addr;
    }
    if let Some(addr) = args.api {
        config.api.addr = addr;
    }
    if let Some(token) = args.api_token.filter(|t| !t.is_empty()) {
        config.api.token = Some(token);
    }
    let db = db_path(&args.db, &data_dir);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let server = Server::start(Settings {
            config,
            db: db.clone(),
            data_dir,
            config_path,
        })
        .await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "Hookscope {} is capturing.", env!("CARGO_PKG_VERSION"))?;
        writeln!(
            out,
            "  capture   {}  point webhooks here, or a tunnel: ngrok http {}",
            server.capture_url(),
            server.capture_addr.port()
        )?;
        writeln!(out, "  api       {}", server.api_url())?;
        writeln!(out, "  database  {}", db.display())?;
        writeln!(out, "Press Ctrl-C to stop.")?;
        out.flush()?;
        drop(out);

        shutdown_signal().await;
        eprintln!("Stopping: finishing requests in flight…");
        server.shutdown().await;
        eprintln!("Stopped.");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

fn list(args: ListArgs, data_dir: &std::path::Path) -> Result<()> {
    let store = Store::open_existing(&db_path(&args.db, data_dir))?;
    let filter = ListParams {
        limit: Some(args.limit),
        before: args.before,
        endpoint: args.endpoint,
        method: args.method,
        path: args.path,
        since: args.since,
        until: args.until,
        vendor: args.vendor,
        event_type: args.event_type,
        event_id: args.event_id,
        signature: args.signature,
        duplicate: args.duplicate,
        validation: args.validation,
        q: args.search,
        token: None,
    }
    .parse()?;
    let page = store.list(&filter)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &page)?;
        writeln!(out)?;
        return Ok(());
    }
    if page.items.is_empty() {
        writeln!(out, "No deliveries match.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>8}  {:<27}  {:<7}  {:>6}  {:>9}  {:<24}  {:<26}  {:<9}  {:<9}  PATH",
        "ID",
        "RECEIVED (UTC)",
        "METHOD",
        "STATUS",
        "SIZE",
        "VENDOR",
        "EVENT",
        "SIGNATURE",
        "DUPLICATE"
    )?;
    for d in &page.items {
        writeln!(out, "{}", table_row(d))?;
    }
    if let Some(cursor) = page.next_cursor {
        writeln!(out, "More: hookscope list --before {cursor}")?;
    }
    Ok(())
}

fn table_row(d: &DeliverySummary) -> String {
    let path = match &d.query {
        Some(q) => format!("{}?{q}", d.path),
        None => d.path.clone(),
    };
    let size = if d.truncated {
        format!("{}*", d.body_size)
    } else {
        d.body_size.to_string()
    };
    let vendor = d.vendor.as_deref().unwrap_or("-");
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
    format!(
        "{:>8}  {:<27}  {:<7}  {:>6}  {:>9}  {:<24}  {:<26}  {:<9}  {:<9}  {}",
        d.id,
        d.received_at,
        d.method,
        d.response_status,
        size,
        vendor,
        event,
        signature,
        duplicate,
        path
    )
}

/// The decoded facts of a delivery as `# key: value` lines.
fn describe(
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

fn show(args: ShowArgs, data_dir: &std::path::Path) -> Result<()> {
    let store = Store::open_existing(&db_path(&args.db, data_dir))?;
    let delivery = store
        .get(args.id)?
        .ok_or(hookscope::Error::NotFound(args.id))
        .context("see `hookscope list` for the stored ids")?;
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
    let s = &delivery.summary;
    writeln!(
        out,
        "# delivery {} received {} from {} answered {}",
        s.id, s.received_at, s.remote_addr, s.response_status
    )?;
    if let Some(note) = &s.note {
        writeln!(out, "# {note}")?;
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

fn verify(args: VerifyArgs, data_dir: &std::path::Path) -> Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let (mut headers, body) = if args.body_only {
        (Vec::new(), bytes)
    } else {
        let head = hookscope::head::parse(&bytes).with_context(|| {
            format!(
                "{} is not an HTTP/1 request (request line, headers, empty line, body); pass --body-only if it holds just the body",
                args.file.display()
            )
        })?;
        let len = head.len;
        (
            hookscope::head::header_pairs(&bytes[..len]),
            bytes[len..].to_vec(),
        )
    };
    for h in &args.headers {
        let (name, value) = h
            .split_once(':')
            .with_context(|| format!("header {h:?} is not `Name: value`"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let received_at_us = match &args.at {
        Some(at) => hookscope::store::parse_time(at)?,
        None => hookscope::model::now_us(),
    };
    let registry = Registry::load(&data_dir.join(hookscope::server::VENDORS_DIR))?;
    if let Some(v) = &args.vendor
        && registry.get(v).is_none()
    {
        let known: Vec<&str> = registry.profiles().map(|p| p.id.as_str()).collect();
        anyhow::bail!("unknown vendor {v:?}; known profiles: {}", known.join(", "));
    }
    let endpoint = EndpointConfig {
        path: "/".into(),
        vendor: args.vendor.clone(),
        secrets: args.secrets.clone(),
        retired_secrets: Vec::new(),
        signature: None,
        response: None,
    };
    let analysis = registry.analyze(&Inspect {
        headers: &headers,
        body: &body,
        received_at_us,
        endpoint: Some(&endpoint),
        all_secrets: &[],
    });
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &analysis)?;
        writeln!(out)?;
    } else {
        describe(
            &mut out,
            analysis.vendor.as_deref(),
            analysis.detected_by.as_deref(),
            Some(&analysis.event),
            Some(&analysis.signature),
            None,
            &analysis.validation,
        )?;
    }
    out.flush()?;
    if analysis.signature.status != SignatureStatus::Valid {
        // Scripts branch on it: 0 only for a valid signature.
        std::process::exit(1);
    }
    Ok(())
}

fn vendor(command: VendorCommand, data_dir: &std::path::Path) -> Result<()> {
    let vendors_dir = data_dir.join(hookscope::server::VENDORS_DIR);
    let registry = Registry::load(&vendors_dir)?;
    let mut out = std::io::stdout().lock();
    match command {
        VendorCommand::List => {
            writeln!(
                out,
                "{:<24}  {:<32}  {:>6}  SIGNATURE",
                "ID", "NAME", "EVENTS"
            )?;
            for p in registry.profiles() {
                let signature = match &p.signature {
                    Some(s) if s.documented => s.header.clone(),
                    Some(s) => format!("{} (assumed)", s.header),
                    None => "-".to_owned(),
                };
                writeln!(
                    out,
                    "{:<24}  {:<32}  {:>6}  {signature}",
                    p.id,
                    p.name,
                    p.events.len()
                )?;
            }
        }
        VendorCommand::ImportCatalog { vendor, file } => {
            let mut profile = registry.get(&vendor).cloned().with_context(|| {
                format!("unknown vendor {vendor:?}; see `hookscope vendor list`")
            })?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let catalog: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            let before = profile.events.len();
            let n = hookscope::vendor::catalog::import_catalog(&mut profile, &catalog)?;
            std::fs::create_dir_all(&vendors_dir)
                .with_context(|| format!("cannot create {}", vendors_dir.display()))?;
            let path = vendors_dir.join(format!("{vendor}.json"));
            std::fs::write(&path, serde_json::to_string_pretty(&profile)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
            // Loading it back proves the file is a valid profile before the server reads it.
            Registry::load(&vendors_dir)?;
            writeln!(
                out,
                "{n} events imported ({} new); {vendor} now has {} events. Written to {}.",
                profile.events.len() - before,
                profile.events.len(),
                path.display()
            )?;
        }
    }
    Ok(())
}
