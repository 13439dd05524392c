// What the browser suites share: a real `hookscope serve` on ephemeral ports with a temporary
// data directory, and Debian's Chromium driven by playwright-core.

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = join(ROOT, "target/browser");
export const BIN = process.env.HOOKSCOPE_BIN ?? join(ROOT, "target/debug/hookscope");
const CHROMIUM = process.env.HOOKSCOPE_CHROMIUM ?? "/usr/bin/chromium";

/// Starts `hookscope serve`; resolves once it prints its addresses.
export async function startServer({ config = "", args = [], dataDir } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "hookscope-ui-"));
  if (config) writeFileSync(join(dir, "hookscope.toml"), config);
  const token = "browser-test-token";
  const child = spawn(
    BIN,
    [
      "serve",
      "--capture",
      "127.0.0.1:0",
      "--api",
      "127.0.0.1:0",
      "--api-token",
      token,
      "--ui",
      join(ROOT, "ui/dist"),
      ...args,
    ],
    { env: { ...process.env, HOOKSCOPE_DATA_DIR: dir, RUST_LOG: "warn" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = [];
  const ready = new Promise((resolveReady, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const capture = out.match(/capture\s+(http:\/\/\S+?)\/?\s/);
      const ui = out.match(/ui\s+(http:\/\/\S+)\s/);
      if (capture && ui) resolveReady({ capture: capture[1], ui: ui[1] });
      lines.push(String(chunk));
    });
    child.on("exit", (code) => reject(new Error(`hookscope serve exited (${code}): ${lines.join("")}`)));
    setTimeout(() => reject(new Error("hookscope serve did not start in 20 s")), 20_000);
  });
  const { capture, ui: link } = await ready;
  const api = new URL(link).origin;
  return {
    dir,
    token,
    capture,
    /// The one-time sign-in link `serve` printed (good once).
    link,
    /// The UI by the token, which the server exchanges for the session cookie: good for every
    /// page a test opens.
    ui: `${api}/?token=${token}`,
    api,
    /// Posts to the capture port; resolves to the stored id (the sender is given an opaque one,
    /// which the API takes where it takes a number).
    async post(path, body, headers = {}) {
      const r = await fetch(capture + path, { method: "POST", body, headers });
      const json = await r.json();
      if (!r.ok) throw new Error(`capture answered ${r.status}: ${JSON.stringify(json)}`);
      if (!/^d_[0-9a-f]{32}$/.test(json.id)) throw new Error(`not an opaque id: ${JSON.stringify(json)}`);
      const stored = await fetch(`${api}/api/deliveries/${json.id}`, { headers: { Authorization: `Bearer ${token}` } });
      return (await stored.json()).id;
    },
    async apiGet(path) {
      const r = await fetch(api + path, { headers: { Authorization: `Bearer ${token}` } });
      return r.json();
    },
    async apiDelete(path) {
      const r = await fetch(api + path, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
      return r.json();
    },
    /// Waits until the search index covers every stored delivery.
    async indexed() {
      for (let i = 0; i < 100; i++) {
        const info = await this.apiGet("/api");
        if (info.search.indexed_through >= info.search.newest) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("the search index did not catch up");
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// Launches Chromium with the flags that work on this kind of machine (see FACTS.md).
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/// A page that records what must never happen: script errors, dialogs, CSP violations.
export async function openPage(browser, url, { colorScheme = "light", viewport = { width: 1440, height: 860 } } = {}) {
  const context = await browser.newContext({ colorScheme, viewport });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", async (d) => {
    if (d.type() === "confirm" && page.acceptConfirms) {
      await d.accept();
    } else {
      problems.push(`dialog: ${d.type()} ${d.message()}`);
      await d.dismiss();
    }
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations = window.__cspViolations ?? [];
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  return { page, context, problems };
}

export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
