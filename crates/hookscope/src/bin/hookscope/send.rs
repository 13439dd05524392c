//! `hookscope send`: a signed test delivery to a handler, as the vendor would send it (what
//! `stripe trigger` does): a documented example with a fresh event id and time, signed with the
//! vendor's scheme; sent twice with `--dup`, altered after signing with `--tamper`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use bytes::Bytes;
use clap::Args;
use hookscope::model::AttemptKind;
use hookscope::profile::Registry;
use hookscope::replay::{Client, ClientOptions, Outgoing};
use hookscope::sample;
use hookscope::server::VENDORS_DIR;

use hookscope::store::Store;

use crate::{DbArg, OrUsage, db_path, load_config};

#[derive(Args)]
pub struct SendArgs {
    /// VENDOR:EVENT (leadron:lead.created), VENDOR (its first event), or a fixture file: one of
    /// fixtures/<vendor>/<event>.json, or a recorded one from fixtures/signed/ (sent as
    /// recorded). `--list` shows the events.
    #[arg(value_name = "VENDOR:EVENT|FIXTURE", required_unless_present = "list")]
    pub what: Option<String>,
    /// Target URL, e.g. http://localhost:3000/webhooks.
    #[arg(long, value_name = "URL", required_unless_present = "list")]
    pub to: Option<String>,
    /// Signing secret. Default: the secret of the first endpoint bound to the vendor in the
    /// config, else a fixed test secret (printed).
    #[arg(long, env = "HOOKSCOPE_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Send it twice, the same id and signature: the receiver should process it once.
    #[arg(long)]
    pub dup: bool,
    /// Alter the body after signing: the receiver's signature check should refuse it.
    #[arg(long)]
    pub tamper: bool,
    /// List the vendors and events that can be sent.
    #[arg(long)]
    pub list: bool,
    /// Print what was sent and each answer as JSON (docs/schema/send.json; with --list,
    /// docs/schema/send-list.json).
    #[arg(long)]
    pub json: bool,
    /// Config file (for the endpoints' secrets). Default: hookscope.toml in the data directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Each send is recorded in this store, when it exists, for `hookscope attempts`.
    #[command(flatten)]
    pub db: DbArg,
}

pub fn send(args: SendArgs, data_dir: &Path) -> Result<()> {
    let registry = Registry::load(&data_dir.join(VENDORS_DIR))?;
    let mut out = std::io::stdout().lock();
    if args.list {
        let catalog = sample::send::catalog(&registry);
        if args.json {
            let items: Vec<_> = catalog
                .into_iter()
                .map(|(vendor, event)| hookscope::model::SampleEvent { vendor, event })
                .collect();
            serde_json::to_writer_pretty(&mut out, &hookscope::model::Items { items })?;
            writeln!(out)?;
            return Ok(());
        }
        for (vendor, event) in catalog {
            writeln!(out, "{vendor}:{event}")?;
        }
        return Ok(());
    }
    let (Some(what), Some(to)) = (args.what.as_deref(), args.to.as_deref()) else {
        return Err(crate::usage("give what to send and --to URL"));
    };
    hookscope::target::check_target(to)?;
    let (config, _) = load_config(args.config.as_deref(), data_dir)?;

    let mut sent_as = (None, None);
    let (label, headers, mut body) = match recorded_fixture(what)? {
        Some(recorded) => recorded,
        None => {
            let (vendor, event) = resolve(what)?;
            let built = sample::send::build(
                &registry,
                &config.endpoints,
                &sample::send::Wanted {
                    vendor: &vendor,
                    event: event.as_deref(),
                    secret: args.secret.as_deref(),
                    tamper: false,
                },
            )?;
            sent_as = (Some(built.vendor.clone()), Some(built.event.clone()));
            (
                format!(
                    "{}:{}, signed with {}",
                    built.vendor, built.event, built.signed_with
                ),
                built.headers,
                built.body,
            )
        }
    };
    // The event id the receiver dedupes on, as Hookscope reads it: what to wait for.
    let event_id = registry
        .analyze(&hookscope::profile::Inspect {
            headers: &headers,
            body: &body,
            received_at_us: hookscope::model::now_us(),
            endpoint: None,
            all_secrets: &[],
        })
        .event
        .id;
    if args.tamper {
        body = sample::send::tamper(&body);
    }
    let outgoing = Outgoing {
        delivery_id: None,
        kind: AttemptKind::Send,
        method: "POST".to_owned(),
        url: to.to_owned(),
        headers: headers
            .into_iter()
            .map(|(n, v)| (n, v.into_bytes()))
            .collect(),
        body: Bytes::from(body),
        body_changed: true,
        resigned: false,
        event_id: None,
        stale_signature: None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = Client::new(ClientOptions::default());
    let times = if args.dup { 2 } else { 1 };
    let mut failed = false;
    let mut report = hookscope::contract::SendReport {
        label: label.clone(),
        vendor: sent_as.0,
        event: sent_as.1,
        tampered: args.tamper,
        to: to.to_owned(),
        sends: Vec::new(),
    };
    let mut text = Vec::new();
    writeln!(
        text,
        "{label}{}{}",
        if args.tamper {
            ", body altered after signing"
        } else {
            ""
        },
        if args.dup { ", sent twice" } else { "" }
    )?;
    // Sends are recorded beside the store's replays and forwards (`hookscope attempts`) when
    // there is a store; a send from a machine without one records nothing.
    let store = Store::open_existing(&db_path(&args.db, data_dir)).ok();
    for n in 0..times {
        let (started_at_us, outcome) = runtime.block_on(client.send(&outgoing));
        let attempt = outgoing.attempt(started_at_us, outcome.clone());
        let attempt_id = match &store {
            Some(store) => match store.record_attempt(attempt, None) {
                Ok(recorded) => Some(recorded.id),
                Err(e) => {
                    tracing::warn!(error = %e, "the send could not be recorded");
                    None
                }
            },
            None => None,
        };
        report.sends.push(hookscope::check::Exchange {
            event_id: event_id.clone(),
            request_bytes: outgoing.body.len() as u64,
            status: outcome.status,
            latency_ms: outcome.latency_us as f64 / 1000.0,
            answer: outcome.status.map(|_| {
                let said = String::from_utf8_lossy(&outcome.body);
                said.lines().next().unwrap_or_default().trim().to_owned()
            }),
            error: outcome.error.clone(),
            attempt_id,
        });
        let again = if n > 0 { " (again, same id)" } else { "" };
        match (outcome.status, &outcome.error) {
            (Some(status), _) => writeln!(
                text,
                "→ {status} in {:.1} ms{again}  {}",
                outcome.latency_us as f64 / 1000.0,
                String::from_utf8_lossy(&outcome.body[..outcome.body.len().min(200)]).trim()
            )?,
            (None, error) => {
                failed = true;
                writeln!(text, "✗ {}{again}", error.as_deref().unwrap_or("no answer"))?;
            }
        }
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        out.write_all(&text)?;
    }
    if failed {
        bail!("no answer from {to}");
    }
    Ok(())
}

/// `vendor:event` or `vendor`, or a fixture path `…/<vendor>/<event>.json`.
fn resolve(what: &str) -> Result<(String, Option<String>)> {
    let path = Path::new(what);
    if what.ends_with(".json") {
        let event = path.file_stem().and_then(|s| s.to_str());
        let vendor = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str());
        return match (vendor, event) {
            (Some(v), Some(e)) => Ok((v.to_owned(), Some(e.to_owned()))),
            _ => Err(crate::usage(format!(
                "{what}: a fixture is fixtures/<vendor>/<event>.json"
            ))),
        };
    }
    Ok(match what.split_once(':') {
        Some((v, e)) => (v.to_owned(), Some(e.to_owned())),
        None => (what.to_owned(), None),
    })
}

/// What is sent: a label for the terminal, the headers, the body.
type Request = (String, Vec<(String, String)>, Vec<u8>);

/// A recorded fixture (fixtures/signed/*.json: headers and body as a vendor sent them).
fn recorded_fixture(what: &str) -> Result<Option<Request>> {
    let path = Path::new(what);
    if !what.ends_with(".json") || !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).or_usage(|| format!("reading {what}"))?;
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Err(crate::usage(format!("{what} is not JSON")));
    };
    let (Some(headers), Some(body)) = (doc["headers"].as_array(), doc["body"].as_str()) else {
        return Ok(None); // a body-only fixture: built and signed like VENDOR:EVENT
    };
    let headers = headers
        .iter()
        .filter_map(|h| Some((h[0].as_str()?.to_owned(), h[1].as_str()?.to_owned())))
        .collect();
    let label = format!(
        "{} (as recorded: {})",
        path.display(),
        doc["description"].as_str().unwrap_or("a recorded delivery")
    );
    Ok(Some((label, headers, body.as_bytes().to_vec())))
}
