//! The `hookscope` command: the command line and its wiring to the core library. Each group of
//! commands has its module; the work is in the library.

mod check;
mod diff;
mod endpoints;
mod export;
mod generate;
mod inspect;
mod learned;
mod mcp;
mod open;
mod replay;
mod rules;
mod send;
mod serve;
mod through;
mod vendor;
mod verify;

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use hookscope::config::{self, Config};

use check::CheckArgs;
use export::{ExportArgs, ImportArgs};
use generate::GenerateArgs;
use inspect::{ListArgs, ShowArgs};
use replay::{AttemptsArgs, ReplayArgs};
use send::SendArgs;
use serve::ServeArgs;
use vendor::VendorCommand;
use verify::VerifyArgs;

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
    /// What changed between two deliveries (or one and the first of its event, or the previous
    /// of its type), volatile fields hidden.
    Diff(diff::DiffArgs),
    /// The schemas learned from the deliveries, per vendor and event type: each field's
    /// presence, types and an example; one written as JSON Schema, TypeScript or Zod.
    Learned(learned::LearnedArgs),
    /// Check a saved request's vendor, signature and payload without a server.
    Verify(VerifyArgs),
    /// Vendor profiles: list them, import a vendor's event catalog.
    #[command(subcommand)]
    Vendor(VendorCommand),
    /// Fill the store with realistic deliveries (benchmarks, demos, large-store checks).
    Generate(GenerateArgs),
    /// Send stored deliveries again to a handler, as sent, re-signed or as fresh events.
    Replay(ReplayArgs),
    /// What was sent from a delivery (replays, edited sends, forwards) and what came back.
    Attempts(AttemptsArgs),
    /// Write deliveries to standard output as HAR, JSON Lines or cURL commands.
    Export(ExportArgs),
    /// Read deliveries from a HAR or JSON Lines file into the store.
    Import(ImportArgs),
    /// Send a signed test delivery to a handler (a vendor's documented example, fresh id).
    Send(SendArgs),
    /// Grade a webhook handler as its vendor will treat it: deliveries signed right and wrong,
    /// altered, stale, repeated, in exact bytes, large; exit status 1 when any probe fails.
    Check(CheckArgs),
    /// Print a new one-time link that signs a browser in to the running server's UI.
    Open(open::OpenArgs),
    /// List the endpoints and their secrets; `endpoints add` makes one (with a secret of its
    /// own, for CI).
    Endpoints(endpoints::EndpointsArgs),
    /// Rules: `rules test` says which rules a saved request or a stored delivery would match
    /// and what would be answered and forwarded, nothing sent.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Serve Hookscope's tools to a coding agent over MCP on standard input and output
    /// (capturing meanwhile): list, read and wait for deliveries, send signed test events.
    Mcp(mcp::McpArgs),
    /// The JSON Schema of what a command prints with --json (docs/schema/); without a command,
    /// the commands that print JSON.
    Schema(SchemaArgs),
}

#[derive(Args)]
struct SchemaArgs {
    /// The command, as typed: `list`, `endpoints add`, `send --list`.
    #[arg(value_name = "COMMAND", num_args = 0.., allow_hyphen_values = true)]
    command: Vec<String>,
}

/// `hookscope schema [COMMAND]`.
fn schema(args: SchemaArgs) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if args.command.is_empty() {
        for c in hookscope::contract::commands() {
            let shape = match c.shape {
                hookscope::contract::Shape::Document => "a JSON document",
                hookscope::contract::Shape::Lines => "JSON Lines",
            };
            writeln!(
                out,
                "{:<24} {:<26} {shape:<16} docs/schema/{}",
                c.name,
                c.flag,
                c.file_name()
            )?;
        }
        return Ok(());
    }
    let name = args.command.join(" ");
    let command = hookscope::contract::command(&name).or_usage(|| {
        format!("`{name}` prints no JSON; `hookscope schema` lists the commands that do")
    })?;
    serde_json::to_writer_pretty(&mut out, &command.schema)?;
    writeln!(out)?;
    Ok(())
}

#[derive(Args)]
pub struct DbArg {
    /// Database file. Default: hookscope.db in the data directory. Given alone (without
    /// --data-dir), its folder is the data directory: the config and token beside it are used.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(hookscope::log::directives("hookscope=info"))
                .unwrap_or_else(|_| "hookscope=info".into()),
        )
        .with_writer(std::io::stderr)
        // A log that cannot be written (its disk full, its pipe closed) is given up, quietly:
        // reporting that failure on stderr would panic the thread that logged, the store's
        // writer among them.
        .log_internal_errors(false)
        // Colours for a terminal; a log file or pipe gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            let message = error_chain(&e);
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            std::process::ExitCode::from(exit_status(&e))
        }
    }
}

/// 2 when the command could not run as asked (a usage or input error: the message says what to
/// change), else 1; or the status the command chose.
fn exit_status(e: &anyhow::Error) -> u8 {
    if let Some(Exit(code)) = e.downcast_ref::<Exit>() {
        return *code;
    }
    match e.chain().find_map(|c| c.downcast_ref::<hookscope::Error>()) {
        Some(e) if e.is_input() => 2,
        _ => 1,
    }
}

/// An error the user fixes by asking differently: exit status 2.
pub fn usage(message: impl std::fmt::Display) -> anyhow::Error {
    anyhow::Error::new(Exit(2)).context(message.to_string())
}

/// `or_usage(|| "what was wrong")`: a failure that is the input's fault, as a usage error (exit
/// status 2), its cause kept.
pub trait OrUsage<T> {
    fn or_usage<M: std::fmt::Display>(self, message: impl FnOnce() -> M) -> Result<T>;
}

impl<T, E: Into<anyhow::Error>> OrUsage<T> for std::result::Result<T, E> {
    fn or_usage<M: std::fmt::Display>(self, message: impl FnOnce() -> M) -> Result<T> {
        self.map_err(|e| e.into().context(message().to_string()).context(Exit(2)))
    }
}

impl<T> OrUsage<T> for Option<T> {
    fn or_usage<M: std::fmt::Display>(self, message: impl FnOnce() -> M) -> Result<T> {
        self.ok_or_else(|| usage(message()))
    }
}

/// An exit status a command chose (1 when `check` found a failing probe, 2 when a command could
/// not run as asked); says nothing itself.
#[derive(Debug)]
pub struct Exit(pub u8);

impl std::fmt::Display for Exit {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Ok(())
    }
}

impl std::error::Error for Exit {}

/// The error and its causes on one line, leaving out a cause its parent already quotes.
fn error_chain(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if !part.is_empty() && !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

impl Command {
    /// The `--db` given, for the commands that take one.
    fn db(&self) -> Option<&Path> {
        let arg = match self {
            Command::Serve(a) => &a.db,
            Command::List(a) => &a.db,
            Command::Show(a) => &a.db,
            Command::Diff(a) => &a.db,
            Command::Learned(a) => &a.db,
            Command::Generate(a) => &a.db,
            Command::Replay(a) => &a.db,
            Command::Attempts(a) => &a.db,
            Command::Export(a) => &a.db,
            Command::Import(a) => &a.db,
            Command::Send(a) => &a.db,
            Command::Check(a) => &a.db,
            Command::Open(a) => &a.db,
            Command::Endpoints(endpoints::EndpointsArgs {
                command: Some(endpoints::EndpointsCommand::Add(a)),
                ..
            }) => &a.db,
            Command::Endpoints(_) => return None,
            Command::Mcp(a) => &a.db,
            Command::Rules(c) => c.db(),
            Command::Verify(_) | Command::Vendor(_) | Command::Schema(_) => return None,
        };
        arg.db.as_deref()
    }
}

fn run(cli: Cli) -> Result<()> {
    let data_dir = match (cli.data_dir, cli.command.db()) {
        (Some(dir), _) => dir,
        // `--db` alone: the database's own folder holds the config, token and profiles used, so
        // that a test run or a benchmark never reads or changes the user's own settings.
        (None, Some(db)) => match db.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        },
        (None, None) => config::data_dir()?,
    };
    match cli.command {
        Command::Serve(args) => serve::serve(args, data_dir),
        Command::List(args) => inspect::list(args, &data_dir),
        Command::Show(args) => inspect::show(args, &data_dir),
        Command::Diff(args) => diff::diff(args, &data_dir),
        Command::Learned(args) => learned::learned(args, &data_dir),
        Command::Verify(args) => verify::verify(args, &data_dir),
        Command::Vendor(command) => vendor::vendor(command, &data_dir),
        Command::Generate(args) => generate::generate(args, &data_dir),
        Command::Replay(args) => replay::replay(args, &data_dir),
        Command::Attempts(args) => replay::attempts(args, &data_dir),
        Command::Export(args) => export::export(args, &data_dir),
        Command::Import(args) => export::import(args, &data_dir),
        Command::Send(args) => send::send(args, &data_dir),
        Command::Check(args) => check::check(args, &data_dir),
        Command::Open(args) => open::open(args, &data_dir),
        Command::Endpoints(args) => endpoints::endpoints(args, &data_dir),
        Command::Mcp(args) => mcp::mcp(args, data_dir),
        Command::Rules(command) => rules::rules(command, &data_dir),
        Command::Schema(args) => schema(args),
    }
}

/// The config: `--config FILE` (which must exist), else hookscope.toml in the data directory when
/// there is one; and the path it is read from (and saved to).
pub fn load_config(arg: Option<&Path>, data_dir: &Path) -> Result<(Config, PathBuf)> {
    let path = arg.map_or_else(|| data_dir.join(config::CONFIG_FILE), Path::to_owned);
    Ok((Config::load(&path, arg.is_some())?, path))
}

/// `filter` as a person meant it (vendor names for ids, unknown values refused), with the
/// profiles of the data directory.
pub fn resolve(
    filter: hookscope::store::Filter,
    store: &hookscope::store::Store,
    data_dir: &Path,
) -> anyhow::Result<hookscope::store::Filter> {
    let registry =
        hookscope::profile::Registry::load(&data_dir.join(hookscope::server::VENDORS_DIR))?;
    Ok(hookscope::control::resolve_filter(
        &registry, store, filter,
    )?)
}

/// The database: `--db`, or hookscope.db in the data directory.
pub fn db_path(arg: &DbArg, data_dir: &Path) -> PathBuf {
    arg.db
        .clone()
        .unwrap_or_else(|| data_dir.join(config::DB_FILE))
}
