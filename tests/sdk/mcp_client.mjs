// Drives Hookscope's MCP server with the official MCP TypeScript SDK (@modelcontextprotocol/sdk),
// as an agent would, and prints what it saw as one JSON object for
// crates/hookscope/tests/it/mcp.rs to judge (the same shape as mcp_client.py's).
//
// node mcp_client.mjs stdio BIN DATA_DIR            starts `BIN mcp` itself, read-only
// node mcp_client.mjs http URL TOKEN BIN DATA_DIR   a running server's /mcp, writes allowed

import { execFileSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [mode, ...rest] = process.argv.slice(2);

async function call(client, name, args = {}) {
  const result = await client.callTool({ name, arguments: args });
  return {
    is_error: Boolean(result.isError),
    text: result.content
      .filter((c) => c.type === "text")
      .map((c) => c.text)
      .join("\n"),
    data: result.structuredContent ?? null,
  };
}

async function drive(client, bin, dataDir, writes) {
  const seen = {};
  const { tools } = await client.listTools();
  seen.tools = tools.map((t) => t.name).sort();
  seen.schemas = Object.fromEntries(tools.map((t) => [t.name, t.inputSchema]));
  seen.output_schemas = Object.fromEntries(
    tools.filter((t) => t.outputSchema).map((t) => [t.name, t.outputSchema]),
  );
  seen.endpoints = await call(client, "list_endpoints");
  const capture = seen.endpoints.data.capture_url;
  if (!writes) seen.refused = await call(client, "send_test_event", { event: "stripe:invoice.paid" });

  // An agent waits; another process sends the event it triggered.
  const waiting = call(client, "wait_for_delivery", { vendor: "stripe", timeout_secs: 30 });
  await new Promise((r) => setTimeout(r, 500));
  try {
    execFileSync(bin, ["send", "stripe:invoice.paid", "--to", `${capture}hooks/stripe`], {
      env: { HOOKSCOPE_DATA_DIR: dataDir, PATH: "/usr/bin:/bin" },
      stdio: "ignore",
    });
    seen.send_exit = 0;
  } catch (e) {
    seen.send_exit = e.status ?? -1;
  }
  seen.waited = await waiting;
  const id = String(seen.waited.data?.id ?? 0);
  seen.got = await call(client, "get_delivery", { id });
  seen.listed = await call(client, "list_deliveries", { signature: "valid", limit: 5 });
  seen.nothing = await call(client, "wait_for_delivery", { path: "/nothing-comes-here", timeout_secs: 1 });
  seen.bad_id = await call(client, "get_delivery", { id: "nope" });
  seen.curl = await call(client, "export_delivery", { id });
  seen.learned = await call(client, "learned_schemas", { vendor: "stripe", code: "typescript" });
  if (writes) {
    seen.test_event = await call(client, "send_test_event", { event: "stripe:customer.created" });
    seen.replayed = await call(client, "replay_delivery", { id, to: `${capture}replayed`, resign: true });
  }
  return seen;
}

const client = new Client({ name: "hookscope-test", version: "1.0.0" });
let seen;
if (mode === "stdio") {
  const [bin, dataDir] = rest;
  await client.connect(
    new StdioClientTransport({ command: bin, args: ["mcp"], env: { HOOKSCOPE_DATA_DIR: dataDir, HOOKSCOPE_LOG: "warn" } }),
  );
  seen = await drive(client, bin, dataDir, false);
} else {
  const [url, token, bin, dataDir] = rest;
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
  );
  seen = await drive(client, bin, dataDir, true);
}
await client.close();
console.log(JSON.stringify(seen));
