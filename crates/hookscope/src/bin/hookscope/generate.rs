//! `hookscope generate`: fill a store with realistic deliveries, through the same writer the
//! capture listener uses.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use hookscope::config::{self, Endpoints};
use hookscope::model::{NewDelivery, now_us};
use hookscope::profile::{Received, Registry};
use hookscope::sample::{self, GenerateOptions, Generator};
use hookscope::server::VENDORS_DIR;
use hookscope::store::{ServeLock, Store};

use crate::{DbArg, db_path, load_config};

#[derive(Args)]
pub struct GenerateArgs {
    /// How many deliveries to add.
    #[arg(long, default_value_t = 100_000)]
    pub count: u64,
    /// They arrive over this many days, ending now.
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    /// The same seed gives the same deliveries.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Return at once, without waiting for the search index to cover them.
    #[arg(long)]
    pub no_index: bool,
    /// Print what was generated as JSON (docs/schema/generate.json).
    #[arg(long)]
    pub json: bool,
    /// Config file. Default: hookscope.toml in the data directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
}

/// Inserts kept in flight, so that the writer commits them in large batches.
const IN_FLIGHT: usize = 1024;

pub fn generate(args: GenerateArgs, data_dir: &Path) -> Result<()> {
    let (mut config, config_path) = load_config(args.config.as_deref(), data_dir)?;
    let registry = Registry::load(&data_dir.join(VENDORS_DIR))?;

    // The generated deliveries go to /gen/<vendor> endpoints with known secrets; adding them to
    // the config makes a server on this store verify them the same way.
    let missing: Vec<_> = sample::endpoints(&registry)
        .into_iter()
        .filter(|g| !config.endpoints.iter().any(|e| e.path == g.path))
        .collect();
    if !missing.is_empty() {
        config.endpoints.extend(missing.iter().cloned());
        config::write_endpoints(&config_path, &config.endpoints)
            .context("cannot add the generated endpoints")?;
        eprintln!(
            "Added {} endpoints under {}* to {}",
            missing.len(),
            sample::PATH_PREFIX,
            config_path.display()
        );
    }
    let endpoints = Endpoints::new(config.endpoints.clone());

    let db = db_path(&args.db, data_dir);
    let _lock = ServeLock::acquire(&db)?;
    let store = Store::open(&db)?;
    let before = store.count()?;
    if before + args.count > config.retention.max_deliveries {
        eprintln!(
            "Note: retention keeps at most {} deliveries ([retention] max_deliveries in {}); the oldest beyond that are pruned.",
            config.retention.max_deliveries,
            config_path.display()
        );
    }
    if args.count.saturating_mul(3 * 1024) > config.retention.max_bytes.as_u64() {
        eprintln!(
            "Note: generated deliveries average about 3 KiB and retention keeps at most {} of them ([retention] max_bytes in {}); the oldest beyond that are pruned.",
            config.retention.max_bytes,
            config_path.display()
        );
    }
    let (writer, writer_thread) = store.start_writer(config.store.durability, &config.retention)?;
    let opts = GenerateOptions {
        count: args.count,
        days: args.days,
        end_us: now_us(),
        seed: args.seed,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let started = Instant::now();
    let mut progress = Progress::new(args.count);
    // What learning cost by nine tenths of the way: the last tenth's cost against the whole
    // says whether it grows with what is stored.
    let nine_tenths = args.count * 9 / 10;
    let mut learned_by_nine_tenths = None;
    runtime.block_on(async {
        let mut pending = FuturesUnordered::new();
        for (n, sample) in Generator::new(&registry, opts).enumerate() {
            let endpoint = endpoints.index(&sample.path);
            let head = sample.head();
            let received = Received {
                head: &head,
                body: &sample.body,
                received_at_us: sample.received_at_us,
                truncated: false,
            };
            let decoded =
                registry.analyze_delivery(&endpoints, endpoint, received, Some(writer.learner()));
            let delivery = NewDelivery {
                received_at_us: sample.received_at_us,
                method: "POST".to_owned(),
                path: sample.path,
                query: None,
                http_version: "HTTP/1.1".to_owned(),
                remote_addr: "192.0.2.10:443".to_owned(),
                endpoint: endpoint.map(|i| endpoints.list[i].path.clone()),
                head,
                head_exact: true,
                content_type: Some(sample.content_type.to_owned()),
                body_size: sample.body.len() as u64,
                body: sample.body.into(),
                truncated: false,
                response_status: 200,
                note: None,
                decoded: Some(Box::new(decoded)),
                imported: false,
                forwarded: None,
                not_sent: None,
                rules: None,
                packed: None,
            };
            pending.push(writer.insert(delivery));
            if n as u64 + 1 == nine_tenths {
                learned_by_nine_tenths = Some(writer.learner().cost());
            }
            while pending.len() >= IN_FLIGHT {
                if let Some(r) = pending.next().await {
                    r?;
                }
            }
            progress.show(n as u64 + 1, "stored");
        }
        while let Some(r) = pending.next().await {
            r?;
        }
        anyhow::Ok(())
    })?;
    let fill_secs = started.elapsed().as_secs_f64();
    let learned = writer.learner().cost();
    let per_fold =
        |c: hookscope::learn::Cost| (c.folds > 0).then(|| c.nanos as f64 / c.folds as f64 / 1000.0);
    let learn_us = per_fold(learned);
    let learn_us_last_tenth = learned_by_nine_tenths.and_then(|at| {
        per_fold(hookscope::learn::Cost {
            folds: learned.folds - at.folds,
            nanos: learned.nanos - at.nanos,
        })
    });
    progress.done();
    eprintln!(
        "Stored {} deliveries in {fill_secs:.1} s ({:.0}/s).",
        args.count,
        args.count as f64 / fill_secs.max(1e-9)
    );
    if let Some(us) = learn_us {
        eprintln!(
            "Learning their schemas took {us:.2} µs a delivery ({} over the last tenth).",
            learn_us_last_tenth.map_or("-".to_owned(), |l| format!("{l:.2} µs"))
        );
    }

    let mut index_ms = None;
    if !args.no_index {
        let started = Instant::now();
        loop {
            let (indexed, newest) = store.search_progress()?;
            if indexed >= newest {
                break;
            }
            progress.show(indexed as u64, "indexed for search");
            std::thread::sleep(Duration::from_millis(250));
        }
        progress.done();
        index_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
        eprintln!(
            "Indexed for search in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
    }
    runtime.block_on(writer.close());
    writer_thread.join();
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let stored = store.count()?;
    eprintln!(
        "{} now holds {stored} deliveries ({before} before), {}.",
        db.display(),
        bytesize::ByteSize(size)
    );
    if args.json {
        let generated = hookscope::contract::Generated {
            deliveries: args.count,
            endpoints_added: missing.len(),
            fill_ms: fill_secs * 1000.0,
            rate: args.count as f64 / fill_secs.max(1e-9),
            index_ms,
            learn_us_per_delivery: learn_us,
            learn_us_per_delivery_last_tenth: learn_us_last_tenth,
            database: db.display().to_string(),
            stored,
            bytes: size,
        };
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &generated)?;
        writeln!(out)?;
    }
    Ok(())
}

/// A progress line on standard error, redrawn at most four times a second.
struct Progress {
    total: u64,
    last: Instant,
    tty: bool,
}

impl Progress {
    fn new(total: u64) -> Self {
        Progress {
            total,
            last: Instant::now(),
            tty: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        }
    }

    fn show(&mut self, done: u64, what: &str) {
        if !self.tty || self.last.elapsed() < Duration::from_millis(250) {
            return;
        }
        self.last = Instant::now();
        eprint!(
            "\r{what} {done} of {} ({:.0} %)",
            self.total,
            done as f64 * 100.0 / self.total.max(1) as f64
        );
        let _ = std::io::stderr().flush();
    }

    fn done(&self) {
        if self.tty {
            eprint!("\r{:60}\r", "");
        }
    }
}
