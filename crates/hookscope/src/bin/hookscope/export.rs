//! `hookscope export` and `hookscope import`: hand captures to someone else, and read theirs.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use hookscope::config::Endpoints;
use hookscope::export::{self, Format};
use hookscope::profile::Registry;
use hookscope::server::VENDORS_DIR;
use hookscope::store::{ServeLock, Store};

use crate::inspect::FilterArgs;
use crate::{DbArg, OrUsage, db_path, load_config};

#[derive(Args)]
pub struct ExportArgs {
    /// har (browser devtools, HTTP Toolkit), jsonl (round-trips byte-exact through `import`)
    /// or curl (one command a delivery).
    #[arg(long, value_parser = parse_format)]
    pub format: Format,
    /// Delivery ids; without them, every delivery the filters select, oldest first.
    #[arg(value_name = "ID")]
    pub ids: Vec<i64>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// cURL: send to this base URL (the path and query follow) instead of the URL reached.
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// cURL: where to write binary bodies (`delivery-ID.body`), which the commands read.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub body_dir: PathBuf,
    #[command(flatten)]
    pub db: DbArg,
}

fn parse_format(text: &str) -> Result<Format, String> {
    Format::parse(text).ok_or_else(|| format!("{text:?}: expected har, jsonl or curl"))
}

pub fn export(args: ExportArgs, data_dir: &Path) -> Result<()> {
    let store = Store::open_existing(&db_path(&args.db, data_dir))?;
    let ids = if args.ids.is_empty() {
        let filter = crate::resolve(args.filter.params().parse()?, &store, data_dir)?;
        store.ids_matching(&filter, u64::MAX)?
    } else {
        args.ids.clone()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (n, files) = export::write(
        &store,
        &ids,
        args.format,
        &export::ExportOptions {
            curl_target: args.to.clone(),
        },
        &mut out,
    )?;
    out.flush()?;
    for (name, bytes) in files {
        let path = args.body_dir.join(&name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    eprintln!("{n} deliveries exported");
    Ok(())
}

#[derive(Args)]
pub struct ImportArgs {
    /// A HAR file (ours, a browser's, HTTP Toolkit's) or Hookscope JSON Lines; `-` for
    /// standard input.
    pub file: PathBuf,
    /// Print what was stored as JSON (docs/schema/import.json).
    #[arg(long)]
    pub json: bool,
    /// Config file (endpoints and secrets the deliveries are verified with). Default:
    /// hookscope.toml in the data directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The running server's API token, when it was started with a fixed one (while a server
    /// holds the store, the import goes through its control API). Default: the token kept in
    /// the data directory.
    #[arg(
        long,
        env = "HOOKSCOPE_API_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub api_token: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn import(args: ImportArgs, data_dir: &Path) -> Result<()> {
    let bytes = if args.file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        buf
    } else {
        std::fs::read(&args.file).or_usage(|| format!("reading {}", args.file.display()))?
    };
    let items = export::import::parse(&bytes)
        .or_usage(|| format!("{} cannot be imported", args.file.display()))?;
    if items.is_empty() {
        return Err(crate::usage(format!(
            "{} holds no deliveries",
            args.file.display()
        )));
    }
    let (config, _) = load_config(args.config.as_deref(), data_dir)?;
    let registry = Registry::load(&data_dir.join(VENDORS_DIR))?;
    let endpoints = Endpoints::new(config.endpoints.clone());
    let db = db_path(&args.db, data_dir);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Imports write like a server does; while one runs on this store, import through it.
    let (ids, through) = match ServeLock::acquire(&db) {
        Ok(_lock) => {
            let store = Store::open(&db)?;
            let (writer, thread) =
                store.start_writer(config.store.durability, &config.retention)?;
            let ids =
                runtime.block_on(export::import::store(items, &writer, &registry, &endpoints))?;
            drop(writer);
            thread.join();
            (ids, None)
        }
        Err(busy @ hookscope::Error::DatabaseInUse { .. }) => {
            let running = crate::through::Running::find(
                &db,
                args.api_token.or(config.api.token),
                data_dir,
                "an import",
            )?;
            let Some(running) = running else {
                return Err(anyhow::Error::new(busy).context(
                    "import writes to the store, and the server holding it serves no control API to import through; import from its window, or stop it",
                ));
            };
            #[derive(serde::Deserialize)]
            struct Imported {
                ids: Vec<i64>,
            }
            let answer = runtime.block_on(running.call(
                "POST",
                "/import",
                "application/octet-stream",
                bytes,
            ))?;
            let imported: Imported = serde_json::from_slice(&answer)
                .context("the server answered the import with something else")?;
            (imported.ids, Some(running.api))
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let imported = hookscope::model::ImportResult {
            imported: ids.len(),
            ids,
        };
        serde_json::to_writer_pretty(&mut out, &imported)?;
        writeln!(out)?;
        return Ok(());
    }
    let via = through.map_or(String::new(), |api| {
        format!(" through the running server (API at {api})")
    });
    writeln!(
        out,
        "Imported {} deliveries{via} (ids {}–{}), marked as imported, with their original receive times.",
        ids.len(),
        ids.first().copied().unwrap_or_default(),
        ids.last().copied().unwrap_or_default(),
    )?;
    Ok(())
}
