"""Drives Hookscope's MCP server with the official MCP Python SDK (the `mcp` package), as an
agent would, and prints what it saw as one JSON object for crates/hookscope/tests/it/mcp.rs to
judge.

python mcp_client.py stdio BIN DATA_DIR [--allow-writes]
    starts `BIN mcp` itself (the data directory's config puts its listeners on free ports)
python mcp_client.py http URL TOKEN BIN DATA_DIR [--allow-writes]
    connects to a running server's /mcp with its API token (--allow-writes: the server was
    started with --mcp-allow-writes)

Either way it lists the tools, tries a write, waits for a delivery that another process
(`BIN send`) posts meanwhile and reads it back; with writes allowed it also sends a test event
and replays it.
"""

import asyncio
import json
import subprocess
import sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def call(session, name, arguments=None):
    result = await session.call_tool(name, arguments or {})
    return {
        "is_error": bool(result.is_error),
        "text": text_of(result),
        "data": result.structured_content,
    }


async def drive(session, bin_path, data_dir, writes):
    seen = {}
    await session.initialize()
    tools = await session.list_tools()
    seen["tools"] = sorted(t.name for t in tools.tools)
    seen["schemas"] = {t.name: t.input_schema for t in tools.tools}
    seen["output_schemas"] = {t.name: t.output_schema for t in tools.tools if t.output_schema}
    endpoints = await call(session, "list_endpoints")
    seen["endpoints"] = endpoints
    capture = endpoints["data"]["capture_url"]
    if not writes:
        seen["refused"] = await call(session, "send_test_event", {"event": "stripe:invoice.paid"})

    # An agent waits; another process sends the event it triggered.
    waiting = asyncio.create_task(
        call(session, "wait_for_delivery", {"vendor": "stripe", "timeout_secs": 30})
    )
    await asyncio.sleep(0.5)
    sent = subprocess.run(
        [bin_path, "send", "stripe:invoice.paid", "--to", capture + "hooks/stripe"],
        env={"HOOKSCOPE_DATA_DIR": data_dir, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    seen["send_exit"] = sent.returncode
    seen["waited"] = await waiting
    waited_id = str(seen["waited"]["data"]["id"]) if seen["waited"]["data"] else "0"
    seen["got"] = await call(session, "get_delivery", {"id": waited_id})
    seen["listed"] = await call(session, "list_deliveries", {"signature": "valid", "limit": 5})
    seen["nothing"] = await call(
        session, "wait_for_delivery", {"path": "/nothing-comes-here", "timeout_secs": 1}
    )
    seen["bad_id"] = await call(session, "get_delivery", {"id": "nope"})
    seen["curl"] = await call(session, "export_delivery", {"id": waited_id})
    seen["learned"] = await call(
        session, "learned_schemas", {"vendor": "stripe", "code": "typescript"}
    )
    seen["body"] = await call(session, "get_body", {"id": waited_id, "max_bytes": 20})
    seen["verified_wrong"] = await call(
        session, "verify_signature", {"id": waited_id, "secret": "whsec_not_the_one"}
    )
    seen["verified"] = await call(session, "verify_signature", {"id": waited_id})
    seen["diffed"] = await call(session, "diff_deliveries", {"id": waited_id, "with": waited_id})
    if writes:
        # Hookscope's own capture port as the handler: it takes everything, forgeries too.
        seen["check"] = await call(
            session, "check_handler", {"vendor": "stripe", "to": capture + "check", "events": ["invoice.paid"]}
        )
    if writes:
        seen["test_event"] = await call(
            session, "send_test_event", {"event": "stripe:customer.created"}
        )
        seen["replayed"] = await call(
            session, "replay_delivery", {"id": waited_id, "to": capture + "replayed", "resign": True}
        )
        # A vendor from its published description, then one of its events sent.
        with open("../../fixtures/specs/adyen-transfer-webhooks.openapi.json") as f:
            document = f.read()
        seen["imported_spec"] = await call(session, "import_vendor_spec", {"document": document})
        seen["spec_event"] = await call(
            session, "send_test_event", {"event": "transfer-webhooks:balancePlatform.transfer.created"}
        )
    return seen


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        bin_path, data_dir = sys.argv[2], sys.argv[3]
        writes = "--allow-writes" in sys.argv[4:]
        params = StdioServerParameters(
            command=bin_path,
            args=["mcp"] + (["--allow-writes"] if writes else []),
            env={"HOOKSCOPE_DATA_DIR": data_dir, "HOOKSCOPE_LOG": "warn"},
        )
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                seen = await drive(session, bin_path, data_dir, writes)
    else:
        url, token, bin_path, data_dir = sys.argv[2:6]
        writes = "--allow-writes" in sys.argv[6:]
        client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        async with streamable_http_client(url, http_client=client) as (read, write):
            async with ClientSession(read, write) as session:
                seen = await drive(session, bin_path, data_dir, writes)
    print(json.dumps(seen, default=str))


asyncio.run(main())
