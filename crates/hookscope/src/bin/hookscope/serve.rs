//! `hookscope serve`: run the capture listener and the control API until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use hookscope::config::ForwardConfig;
use hookscope::replay::PathMode;
use hookscope::server::{Server, Settings};

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
    /// Also send every delivery on to this URL as it arrives, your handler say
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
    /// Config file. Default: hookscope.toml in the data directory, if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
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
    if let Some(token) = args.api_token.filter(|t| !t.is_empty()) {
        config.api.token = Some(token);
    }
    if let Some(to) = args.forward_to {
        hookscope::replay::check_target(&to).context("--forward-to")?;
        config.capture.forward = Some(ForwardConfig {
            to,
            path: args.forward_path,
            pass_through: args.pass_through,
        });
    }
    let forwarding = config.capture.forward.clone();
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
        writeln!(out, "  ui        {}", server.ui_url())?;
        writeln!(out, "  api       {}", server.api_url())?;
        writeln!(out, "  database  {}", db.display())?;
        if let Some(fwd) = forwarding {
            writeln!(
                out,
                "  forward   {} ({}){}",
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
            )?;
        }
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
