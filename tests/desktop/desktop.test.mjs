// End-to-end test of the real desktop window: the built `hookscope-desktop` binary under Xvfb,
// driven through tauri-driver and WebKitWebDriver (W3C WebDriver). Each test launches the app
// with its own data directory and capture port, talks to the capture port over real HTTP, and
// checks what the window shows.
//
// Needs: Xvfb, tauri-driver, /usr/bin/WebKitWebDriver (`cargo xtask test` installs them) and the
// binary (HOOKSCOPE_DESKTOP_BIN, default target/debug/hookscope-desktop).

import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { $, ROOT, launch, screenshot as shot, startDisplay, text, until } from "./harness.mjs";

const BIN = process.env.HOOKSCOPE_DESKTOP_BIN ?? join(ROOT, "target/debug/hookscope-desktop");

let display;
let stopDisplay;
before(async () => {
  ({ display, stop: stopDisplay } = await startDisplay());
});
after(() => stopDisplay?.());

const screenshot = (client, name) => shot(client, display, name);

test("a delivery posted to the capture port appears in the window and its detail opens", async () => {
  const started = performance.now();
  const { client, dataDir, capture, close } = await launch({ bin: BIN, display });
  try {
    // The empty state names this instance's capture URL.
    await until("the empty state", async () => (await text(client, "[data-testid=empty-state]")).includes(capture));
    const visible = performance.now() - started;
    console.log(`# launch to empty state on screen: ${visible.toFixed(0)} ms`);
    assert.match(await text(client, "[data-testid=capture-state]"), new RegExp(`Listening at ${capture}`));

    const body = JSON.stringify({ event: "lead.created", timestamp: "2026-11-23T10:00:00Z", payload: { id: "desk-1" } });
    const answer = await fetch(`${capture}/hooks/desktop-e2e?source=webdriver`, {
      method: "POST",
      headers: { "content-type": "application/json", "X-Mixed-Case": "Yes" },
      body,
    });
    assert.equal(answer.status, 200);
    const { id } = await answer.json();
    // An opaque id: a sender learns nothing of how many deliveries others sent.
    assert.match(id, /^d_[0-9a-f]{32}$/, "the capture acknowledged with an opaque id");

    // The row arrives through the stream event, without a reload: the store's only one.
    const row = await until("the row", () => $(client, "[role=row][data-id]"));
    assert.match(await client.getElementText(row), /\/hooks\/desktop-e2e/);
    assert.equal(await text(client, "[data-testid=stored-count]"), "1 stored");

    await client.elementClick(row);
    await until("the detail", async () => (await text(client, "[data-testid=detail-path]")).includes("/hooks/desktop-e2e"));
    await client.elementClick(await $(client, "[data-testid=tab-headers]"));
    const headers = await until("the headers tab", async () => {
      const t = await text(client, "[data-testid=headers]");
      return t.includes("X-Mixed-Case") && t;
    });
    assert.match(headers, /X-Mixed-Case/, "header names keep the case they were sent with");
    await client.elementClick(await $(client, "[data-testid=tab-body]"));
    await until("the body", async () => (await text(client, "[data-testid=detail]")).includes("desk-1"));
    await screenshot(client, "desktop");

    // The store is the real file in the data directory.
    assert.ok(existsSync(join(dataDir, "hookscope.db")));
  } finally {
    await close();
  }
});

test("a taken capture port is reported in the window with another to use, and moving there works", async () => {
  const blocker = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => blocker.once("listening", r));
  const taken = `127.0.0.1:${blocker.address().port}`;
  const { client, close } = await launch({ bin: BIN, display, captureAddr: taken });
  try {
    const banner = await until("the banner", async () => {
      const t = await text(client, "[data-testid=capture-banner]");
      return t.includes("already in use") && t;
    });
    assert.match(banner, new RegExp(taken.replace(/\./g, "\\.")));
    assert.match(await text(client, "[data-testid=capture-state]"), /Not listening/);
    await screenshot(client, "desktop-port-taken");

    const offer = await $(client, "[data-testid=capture-suggestion]");
    const offered = (await client.getElementText(offer)).replace("Listen on ", "").trim();
    assert.notEqual(offered, taken);
    await client.elementClick(offer);
    await until("listening on the offered port", async () =>
      (await text(client, "[data-testid=capture-state]")).includes(`Listening at http://${offered}/`),
    );
    const answer = await fetch(`http://${offered}/moved`, { method: "POST", body: "{}" });
    assert.equal(answer.status, 200);
    const { id } = await answer.json();
    assert.match(id, /^d_[0-9a-f]{32}$/);
    const row = await until("the row", () => $(client, "[role=row][data-id]"));
    assert.match(await client.getElementText(row), /POST/);
  } finally {
    await close();
    blocker.close();
  }
});
