//! `hookscope open`: a new one-time link that signs a browser in to the running server's UI.

use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::Args;
use hookscope::store::LockHolder;

use crate::{DbArg, OrUsage, db_path, load_config};

#[derive(Args)]
pub struct OpenArgs {
    /// The running server's API token. Default: the config's, else the data directory's
    /// api-token file.
    #[arg(long, env = "HOOKSCOPE_API_TOKEN", hide_env_values = true)]
    pub api_token: Option<String>,
    /// Print the link as JSON (docs/schema/open.json).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn open(args: OpenArgs, data_dir: &std::path::Path) -> Result<()> {
    let db = db_path(&args.db, data_dir);
    let Some(api) = LockHolder::of(&db)?.and_then(|h| h.api) else {
        bail!(
            "no running `hookscope serve` with a control API holds {}; start one (it prints a link itself)",
            db.display()
        );
    };
    let (config, _) = load_config(None, data_dir)?;
    let token = args
        .api_token
        .or(config.api.token)
        .or_else(|| hookscope::api::saved_token(data_dir))
        .or_usage(|| "no API token is known: pass --api-token")?;
    let url = format!("http://{api}/api/ui-link");
    let client = hookscope::replay::Client::new(hookscope::replay::ClientOptions::default());
    let request = hookscope::replay::Outgoing {
        delivery_id: None,
        kind: hookscope::model::AttemptKind::Send,
        method: "POST".to_owned(),
        url: url.clone(),
        headers: vec![(
            "Authorization".to_owned(),
            format!("Bearer {token}").into_bytes(),
        )],
        body: Default::default(),
        body_changed: true,
        resigned: false,
        event_id: None,
        stale_signature: None,
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let (_, outcome) = runtime.block_on(client.send(&request));
    match outcome.status {
        Some(200) => {}
        Some(401) => {
            return Err(crate::usage(format!(
                "the server at {api} refused the API token: pass --api-token"
            )));
        }
        Some(status) => bail!("the server at {api} answered {status}"),
        None => bail!(
            "the server does not answer at {url}: {}",
            outcome.error.unwrap_or_default()
        ),
    }
    let link: serde_json::Value =
        serde_json::from_slice(&outcome.body).context("the server's answer is not a link")?;
    let link = link["url"]
        .as_str()
        .context("the server's answer has no link")?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let link = hookscope::contract::Link {
            url: link.to_owned(),
        };
        serde_json::to_writer(&mut out, &link)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{link}")?;
    }
    let _ = writeln!(
        std::io::stderr(),
        "Open it in a browser within ten minutes: it signs that browser in, once."
    );
    Ok(())
}
