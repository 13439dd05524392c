//! `hookscope mcp`: Hookscope as an MCP server on standard input and output, for coding agents
//! (Claude Code, Cursor, VS Code). When a server or the desktop app holds the store, it attaches
//! to that one: each request goes on to its `/mcp` (the lock file names the API, the data
//! directory holds the token), so the agent sees what the app shows. Otherwise the instance runs
//! in this process (capture and the control API listen as `serve` would).

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
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    if let Some(api) = LockHolder::of(&db)?.and_then(|h| h.api) {
        let token = config
            .api
            .token
            .clone()
            .or_else(|| hookscope::api::saved_token(&data_dir))
            .with_context(|| {
                format!(
                    "a server holds {} (its API at {api}) and `hookscope mcp` attaches to it, but no API token is known: set [api] token in the config",
                    db.display()
                )
            })?;
        return runtime.block_on(attach(api, token));
    }
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

/// Serves MCP on standard input and output by passing every request on to the running server's
/// `/mcp`: its tools, its store, its writes setting.
async fn attach(api: std::net::SocketAddr, token: String) -> Result<()> {
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    let url = format!("http://{api}/mcp");
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.clone()).auth_header(token),
    );
    let upstream = ()
        .serve(transport)
        .await
        .with_context(|| format!("the running server's MCP endpoint {url} did not answer"))?;
    tracing::info!(%url, "hookscope mcp: attached to the running server");
    let proxy = Proxy {
        upstream: upstream.peer().clone(),
    };
    let running = proxy
        .serve(rmcp::transport::stdio())
        .await
        .context("the MCP client did not start a session on standard input")?;
    let _ = running.waiting().await;
    let _ = upstream.cancel().await;
    Ok(())
}

/// An MCP server whose tools are another's: what `attach` serves.
#[derive(Clone)]
struct Proxy {
    upstream: rmcp::service::Peer<rmcp::RoleClient>,
}

fn upstream_error(e: rmcp::service::ServiceError) -> rmcp::ErrorData {
    rmcp::ErrorData::internal_error(
        format!("the running Hookscope server did not answer: {e}"),
        None,
    )
}

impl rmcp::ServerHandler for Proxy {
    fn get_info(&self) -> rmcp::model::ServerConfig {
        hookscope::mcp::server_config()
    }

    async fn list_tools(
        &self,
        request: Option<rmcp::model::PaginatedRequestParams>,
        _: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::ListToolsResult, rmcp::ErrorData> {
        self.upstream
            .list_tools(request)
            .await
            .map_err(upstream_error)
    }

    async fn call_tool(
        &self,
        request: rmcp::model::CallToolRequestParams,
        _: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::CallToolResponse, rmcp::ErrorData> {
        self.upstream
            .call_tool(request)
            .await
            .map(Into::into)
            .map_err(upstream_error)
    }
}
