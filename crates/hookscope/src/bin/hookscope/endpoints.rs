//! `hookscope endpoints`: the endpoints and their secrets, for a person or a script (`--json`),
//! and `hookscope endpoints add` to make one from a script, with a secret it knows or one
//! generated, so CI can sign with it. While a server holds the store, an endpoint is added
//! through its API and takes effect at once; otherwise the config file is written.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use base64::Engine;
use clap::{Args, Subcommand};
use hookscope::config::{EndpointConfig, validate_endpoints, write_endpoints};
use hookscope::contract::{Endpoint, EndpointAdded};
use hookscope::profile::Registry;
use hookscope::server::VENDORS_DIR;
use hookscope::signature::SecretFormat;

use crate::{DbArg, Exit, db_path, load_config};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EndpointsArgs {
    #[command(subcommand)]
    pub command: Option<EndpointsCommand>,
    #[command(flatten)]
    pub list: ListEndpointsArgs,
}

#[derive(Subcommand)]
pub enum EndpointsCommand {
    /// Add an endpoint: a path prefix on the capture port, its vendor and its secret.
    Add(AddArgs),
}

#[derive(Args)]
pub struct ListEndpointsArgs {
    /// Print the secrets themselves (by default each shows its first and last characters).
    #[arg(long)]
    pub show_secrets: bool,
    /// Print the endpoints as JSON (docs/cli.md describes it).
    #[arg(long)]
    pub json: bool,
    /// Config file. Default: hookscope.toml in the data directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args)]
pub struct AddArgs {
    /// The path prefix on the capture port, e.g. /hooks/stripe.
    #[arg(value_name = "PATH")]
    pub path: String,
    /// The vendor profile whose deliveries come there (`hookscope vendor list`); by default the
    /// vendor is detected per delivery.
    #[arg(long, value_name = "VENDOR")]
    pub vendor: Option<String>,
    /// The signing secret.
    #[arg(
        long,
        env = "HOOKSCOPE_SECRET",
        hide_env_values = true,
        conflicts_with = "generate_secret"
    )]
    pub secret: Option<String>,
    /// Make a new random secret in the vendor's format (printed: the way to learn it).
    #[arg(long)]
    pub generate_secret: bool,
    /// Print what was added as JSON.
    #[arg(long)]
    pub json: bool,
    /// Config file. Default: hookscope.toml in the data directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The running server's API token, when one holds the store. Default: the config's, else
    /// the data directory's api-token file.
    #[arg(long, env = "HOOKSCOPE_API_TOKEN", hide_env_values = true)]
    pub api_token: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn endpoints(args: EndpointsArgs, data_dir: &Path) -> Result<()> {
    match args.command {
        Some(EndpointsCommand::Add(add)) => add_endpoint(add, data_dir),
        None => list(args.list, data_dir),
    }
}

fn list(args: ListEndpointsArgs, data_dir: &Path) -> Result<()> {
    let (config, path) = load_config(args.config.as_deref(), data_dir)?;
    let items: Vec<Endpoint> = config
        .endpoints
        .iter()
        .map(|e| Endpoint::of(e, args.show_secrets))
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &hookscope::model::Items { items })?;
        writeln!(out)?;
        return Ok(());
    }
    if items.is_empty() {
        writeln!(
            out,
            "No endpoints in {}: every path captures, and vendors are detected per delivery. Add one with `hookscope endpoints add PATH --vendor V --secret S`.",
            path.display()
        )?;
        return Ok(());
    }
    for e in &items {
        let secrets = if e.secrets.is_empty() {
            "no secret".to_owned()
        } else {
            e.secrets.join(", ")
        };
        writeln!(
            out,
            "{:<28} {:<20} {secrets}{}",
            e.path,
            e.vendor.as_deref().unwrap_or("(detected)"),
            e.forward_to
                .as_deref()
                .map_or(String::new(), |to| format!("  → {to}"))
        )?;
    }
    Ok(())
}

/// A new random secret in the format the vendor's scheme reads: `whsec_` and base64 for
/// Standard Webhooks and Svix, `whsec_` and hex for Stripe's look, else 32 bytes of hex.
fn new_secret(vendor: Option<&str>, format: SecretFormat) -> Result<String> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no random bytes for a secret: {e}"))?;
    Ok(match (format, vendor) {
        (SecretFormat::Whsec, _) => format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(&key[..24])
        ),
        (SecretFormat::Raw, Some("stripe")) => format!("whsec_{}", hex::encode(key)),
        (SecretFormat::Raw, _) => hex::encode(key),
    })
}

fn add_endpoint(args: AddArgs, data_dir: &Path) -> Result<()> {
    let usage = |e: anyhow::Error| anyhow::Error::new(Exit(2)).context(format!("{e:#}"));
    let registry = Registry::load(&data_dir.join(VENDORS_DIR)).map_err(|e| usage(e.into()))?;
    let (config, config_path) = load_config(args.config.as_deref(), data_dir).map_err(usage)?;
    let profile = match &args.vendor {
        Some(v) => Some(
            registry
                .get(v)
                .or_else(|| {
                    registry
                        .profiles()
                        .find(|p| p.id.eq_ignore_ascii_case(v) || p.name.eq_ignore_ascii_case(v))
                })
                .ok_or_else(|| {
                    let known: Vec<&str> = registry.profiles().map(|p| p.id.as_str()).collect();
                    usage(anyhow::anyhow!(
                        "no vendor {v:?}; these are known: {}",
                        known.join(", ")
                    ))
                })?,
        ),
        None => None,
    };
    let vendor = profile.map(|p| p.id.clone());
    let secret = match (&args.secret, args.generate_secret) {
        (Some(s), _) => Some(s.clone()),
        (None, true) => Some(new_secret(
            vendor.as_deref(),
            profile
                .and_then(|p| p.signature.as_ref())
                .map(|s| s.secret)
                .unwrap_or_default(),
        )?),
        (None, false) => None,
    };
    let endpoint = EndpointConfig {
        path: args.path.clone(),
        vendor: vendor.clone(),
        secrets: secret.iter().cloned().collect(),
        retired_secrets: Vec::new(),
        signature: None,
        response: None,
        forward: None,
        rules: Vec::new(),
    };
    let db = db_path(&args.db, data_dir);
    let running = crate::through::Running::find(
        &db,
        args.api_token.clone().or(config.api.token.clone()),
        data_dir,
        "a new endpoint",
    )?;
    let through = match running {
        Some(running) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                #[derive(serde::Deserialize)]
                struct Listed {
                    items: Vec<EndpointConfig>,
                }
                let Listed { mut items } = running.json("GET", "/endpoints", None).await?;
                refuse_duplicate(&items, &args.path).map_err(usage)?;
                items.push(endpoint.clone());
                let body = serde_json::json!({ "items": items });
                let _: serde_json::Value = running
                    .json("PUT", "/endpoints", Some(&body))
                    .await
                    .map_err(usage)?;
                anyhow::Ok(())
            })?;
            Some(running.api)
        }
        None => {
            let mut items = config.endpoints.clone();
            refuse_duplicate(&items, &args.path).map_err(usage)?;
            items.push(endpoint.clone());
            validate_endpoints(&items).map_err(|e| usage(anyhow::anyhow!(e)))?;
            write_endpoints(&config_path, &items)
                .with_context(|| format!("writing {}", config_path.display()))?;
            None
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let added = EndpointAdded {
            endpoint: Endpoint::of(&endpoint, true),
            config: config_path.display().to_string(),
            applied_by: through.map(|a| format!("http://{a}")),
        };
        serde_json::to_writer_pretty(&mut out, &added)?;
        writeln!(out)?;
        return Ok(());
    }
    let how = match through {
        Some(api) => format!("through the running server (API at {api}): it applies now"),
        None => format!("to {}", config_path.display()),
    };
    writeln!(out, "Added {} {how}.", endpoint.path)?;
    if let Some(s) = &secret {
        writeln!(out, "  secret  {s}")?;
    }
    Ok(())
}

fn refuse_duplicate(items: &[EndpointConfig], path: &str) -> Result<()> {
    if items.iter().any(|e| e.path == path) {
        anyhow::bail!(
            "there is already an endpoint at {path}; change it in the config, the app's Settings or PUT /api/endpoints"
        );
    }
    Ok(())
}
