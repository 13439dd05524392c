//! `hookscope mcp`: Hookscope as an MCP server on standard input and output, for coding agents
//! (Claude Code, Cursor, VS Code): the instance runs in this process (capture and the control
//! API listen as `serve` would), and the agent's tools work on it.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use hookscope::server::{InstanceSetup, Server};
use hookscope::store::LockHolder;
use rmcp::ServiceExt;

use crate::{DbArg, db_path, load_config};

#[derive(Args)]
pub struct McpArgs {
    /// Allow the tools that send or change something (send_test_event, replay_delivery); by
    /// default the agent can only read.
    #[arg(long)]
    pub allow_writes: bool,
    /// Config file. Default: hookscope.toml in the data directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn mcp(args: McpArgs, data_dir: PathBuf) -> Result<()> {
    let (mut config, config_path) = load_config(args.config.as_deref(), &data_dir)?;
    config.api.mcp_allow_writes |= args.allow_writes;
    let db = db_path(&args.db, &data_dir);
    if let Some(api) = LockHolder::of(&db)?.and_then(|h| h.api) {
        anyhow::bail!(
            "a server already holds {} (its API at {api}): point the MCP client at http://{api}/mcp with the API token (Authorization: Bearer, from the data directory's api-token file), or stop that server and start `hookscope mcp` alone",
            db.display()
        );
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let server = Server::start(InstanceSetup {
            config,
            db,
            data_dir,
            config_path,
        })
        .await?;
        tracing::info!(
            capture = %server.capture_url(),
            "hookscope mcp: capturing; MCP on standard input and output"
        );
        let mcp = hookscope::mcp::Mcp::new(server.control().clone(), args.allow_writes);
        let running = mcp
            .serve(rmcp::transport::stdio())
            .await
            .context("the MCP client did not start a session on standard input")?;
        // Until the client closes standard input.
        let _ = running.waiting().await;
        server.shutdown().await;
        Ok(())
    })
}
