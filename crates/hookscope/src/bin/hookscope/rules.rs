//! `hookscope rules`: which rules a saved request or a stored delivery would match, and what
//! would be answered and forwarded, with nothing sent or stored.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use hookscope::config::Endpoints;
use hookscope::profile::{Inspect, Registry};
use hookscope::rules::{ForwardFrom, RuleSet, RuleSources, RuleTrial};
use hookscope::store::Store;
use hookscope::visible::Visible;

use crate::{DbArg, OrUsage, db_path, load_config};

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Which rules a saved request (FILE.http) or a stored delivery (ID) would match, and what
    /// would be answered and forwarded; nothing is sent or stored.
    Test(TestArgs),
}

#[derive(Args)]
pub struct TestArgs {
    /// A saved request (an HTTP/1 request as received, as `hookscope show ID --request` writes
    /// it), or a stored delivery's number (or the id its sender was given).
    #[arg(value_name = "FILE.http|ID")]
    pub request: String,
    /// Try it as this arrival of its event id (1 for the first). Default: a stored delivery's own
    /// arrival; a saved request's first.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub arrival: Option<u64>,
    /// Config file (the rules and endpoints). Default: hookscope.toml in the data directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
    /// Print JSON (docs/schema/rules-test.json).
    #[arg(long)]
    pub json: bool,
}

impl RulesCommand {
    pub fn db(&self) -> &DbArg {
        match self {
            RulesCommand::Test(a) => &a.db,
        }
    }
}

pub fn rules(command: RulesCommand, data_dir: &Path) -> Result<()> {
    match command {
        RulesCommand::Test(args) => test(args, data_dir),
    }
}

fn test(args: TestArgs, data_dir: &Path) -> Result<()> {
    let (config, config_path) = load_config(args.config.as_deref(), data_dir)?;
    let registry = Registry::load(&data_dir.join(hookscope::server::VENDORS_DIR))?;
    let vendors: Vec<String> = registry.profiles().map(|p| p.id.clone()).collect();
    let set = RuleSet::compile(&RuleSources::of(&config.rules, &config.endpoints), &vendors)
        .with_context(|| format!("the rules in {}", config_path.display()))?;
    let endpoints = Endpoints::new(config.endpoints.clone());
    let forward = config.capture.forward.as_ref();
    let file = Path::new(&args.request);
    let trial = if file.is_file() {
        try_file(file, &set, &registry, &endpoints, forward, args.arrival)?
    } else {
        let store = Store::open_existing(&db_path(&args.db, data_dir))?;
        let delivery = crate::inspect::stored_delivery(&store, data_dir, &args.request)?;
        hookscope::control::try_on_delivery(&set, &delivery, &endpoints, forward, args.arrival)
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &trial)?;
        writeln!(out)?;
    } else {
        describe(&mut Visible(&mut out), &trial, set.len())?;
    }
    out.flush()?;
    Ok(())
}

/// A saved request analysed as capture would (vendor, event, signature with the endpoint's
/// secrets), then tried.
fn try_file(
    file: &Path,
    set: &RuleSet,
    registry: &Registry,
    endpoints: &Endpoints,
    forward: Option<&hookscope::config::ForwardConfig>,
    arrival: Option<u64>,
) -> Result<RuleTrial> {
    let bytes = std::fs::read(file).or_usage(|| format!("cannot read {}", file.display()))?;
    let head = hookscope::head::parse(&bytes).or_usage(|| {
        format!(
            "{} is not an HTTP/1 request (request line, headers, empty line, body)",
            file.display()
        )
    })?;
    let (path, query) = match head.target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (head.target, None),
    };
    let pairs = hookscope::head::header_pairs(&bytes[..head.len]);
    let body = &bytes[head.len..];
    let mut headers = http::HeaderMap::new();
    for (name, value) in &pairs {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(n, v);
        }
    }
    let endpoint = endpoints.matching(path);
    let analysis = registry.analyze(&Inspect {
        headers: &pairs,
        body,
        received_at_us: hookscope::model::now_us(),
        endpoint,
        all_secrets: &endpoints.all_secrets,
    });
    let event_id = analysis.event.id.as_deref();
    let nth = arrival.unwrap_or(1);
    let duplicate = event_id.map(|_| (if nth > 1 { "retry" } else { "first" }, nth));
    Ok(hookscope::rules::trial(
        set,
        &hookscope::rules::Facts {
            json: None,
            method: head.method,
            path,
            query,
            headers: &headers,
            body,
            endpoint: endpoint.map(|e| e.path.as_str()),
            vendor: analysis.vendor.as_deref(),
            event_type: analysis.event.event_type.as_deref(),
            event_id,
            signature: Some(analysis.signature.status.as_str()),
        },
        duplicate,
        endpoint,
        forward,
    ))
}

fn describe(out: &mut impl Write, t: &RuleTrial, in_force: usize) -> std::io::Result<()> {
    let f = &t.facts;
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    writeln!(
        out,
        "# {} {} to {} ({} rules in force)",
        f.method,
        f.path,
        f.endpoint
            .as_deref()
            .map_or("no endpoint".to_owned(), |e| format!("endpoint {e}")),
        in_force
    )?;
    writeln!(
        out,
        "# vendor {}, event {} {}, signature {}, arrival {}",
        or_none(&f.vendor),
        or_none(&f.event_type),
        or_none(&f.event_id),
        or_none(&f.signature),
        f.arrival.map_or("-".to_owned(), |n| n.to_string())
    )?;
    if t.applied.is_empty() {
        writeln!(out, "no rule applies: the endpoint's answer and forward")?;
    } else {
        writeln!(out, "applies: {}", t.applied.join(", "))?;
    }
    let passed: Vec<&str> = t
        .considered
        .iter()
        .filter(|r| !t.applied.contains(r))
        .map(String::as_str)
        .collect();
    if !passed.is_empty() {
        writeln!(
            out,
            "not applied: {} (a rule before decided, or its arrival or duplicate condition does not hold)",
            passed.join(", ")
        )?;
    }
    if let Some(did) = &t.did {
        writeln!(out, "did: {did}")?;
    }
    writeln!(out)?;
    writeln!(out, "answer {}", t.status)?;
    for (name, value) in &t.headers {
        writeln!(out, "{name}: {value}")?;
    }
    if let Some(ms) = t.delay_ms {
        writeln!(out, "after {ms} ms")?;
    }
    match &t.body {
        Some(body) => writeln!(out, "\n{body}")?,
        None => writeln!(out, "\n(the default body: JSON naming the stored delivery)")?,
    }
    writeln!(out)?;
    match (t.forward_from, t.forward.as_slice()) {
        (ForwardFrom::None, _) => writeln!(out, "forwarded nowhere (no forward configured)")?,
        (ForwardFrom::Rule, []) => writeln!(out, "forwarded nowhere (a rule says so)")?,
        (from, targets) => {
            let by = if from == ForwardFrom::Rule {
                "by the rules"
            } else {
                "as the endpoint says"
            };
            writeln!(out, "forwarded {by} to:")?;
            for target in targets {
                writeln!(out, "  {target}")?;
            }
        }
    }
    if t.pass_through {
        writeln!(out, "the sender gets the first target's answer")?;
    }
    for e in &t.errors {
        writeln!(out, "error: {e}")?;
    }
    Ok(())
}
