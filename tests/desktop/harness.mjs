// What the desktop suite and benchmark share: a virtual display (Xvfb), the app launched through
// its own tauri-driver and WebKitWebDriver with a data directory and capture address of its own,
// and small WebDriver helpers.

import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import WebDriver from "webdriver";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = join(ROOT, "target/desktop");
const DRIVER = process.env.TAURI_DRIVER ?? "tauri-driver";
const NATIVE = process.env.WEBKIT_WEBDRIVER ?? "/usr/bin/WebKitWebDriver";

/// A port nothing listens on right now.
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.on("error", fail);
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(what, check, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

/// Starts Xvfb on a display of its own; returns the display and a stop function.
export async function startDisplay() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const display = process.env.HOOKSCOPE_TEST_DISPLAY ?? `:${90 + (process.pid % 9)}`;
  const xvfb = spawn("Xvfb", [display, "-screen", "0", "1400x900x24", "-nolisten", "tcp"], { stdio: "ignore" });
  await sleep(500);
  return { display, stop: () => xvfb.kill("SIGTERM") };
}

/// Launches the app with `bin`: a tauri-driver of its own (the app inherits its environment
/// through WebKitWebDriver), then a WebDriver session. `dataDir` defaults to a fresh one,
/// removed on close.
export async function launch({ bin, display, captureAddr, dataDir }) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing; build it with cargo build -p hookscope-desktop`);
  const own = dataDir === undefined;
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "hookscope-desktop-"));
  const addr = captureAddr ?? `127.0.0.1:${await freePort()}`;
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(DRIVER, ["--port", String(port), "--native-port", String(nativePort), "--native-driver", NATIVE], {
    env: {
      ...process.env,
      DISPLAY: display,
      HOOKSCOPE_DATA_DIR: dir,
      HOOKSCOPE_CAPTURE_ADDR: addr,
      HOOKSCOPE_LOG: "warn,tauri_plugin_single_instance=error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await until("tauri-driver", async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok);
  const client = await WebDriver.newSession({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    connectionRetryCount: 5,
    connectionRetryTimeout: 60_000,
    capabilities: { "tauri:options": { application: bin } },
  });
  const close = async () => {
    await client.deleteSession().catch(() => {});
    driver.kill("SIGTERM");
    if (own) rmSync(dir, { recursive: true, force: true });
  };
  return { client, dataDir: dir, capture: `http://${addr}`, close };
}

/// The element `selector` finds, as a WebDriver element id; throws when there is none.
export async function $(client, selector) {
  const found = await client.findElement("css selector", selector);
  // The W3C element reference is the object's one value (its key is a fixed UUID-like name).
  const id = found && typeof found === "object" && !("error" in found) ? Object.values(found)[0] : undefined;
  if (!id) throw new Error(`no element ${selector}`);
  return id;
}

export async function text(client, selector) {
  return client.getElementText(await $(client, selector));
}

/// Waits for two animation frames, so a screenshot has the last DOM change painted.
export async function painted(client) {
  await client.executeAsyncScript(
    "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
    [],
  );
}

/// The webview's screenshot and the whole X screen (the window with its title and native menu)
/// into target/desktop/; with HOOKSCOPE_UPDATE_DOCS=1 the screen also into docs/.
export async function screenshot(client, display, name) {
  await painted(client);
  writeFileSync(join(ARTIFACTS, `${name}.png`), Buffer.from(await client.takeScreenshot(), "base64"));
  const screen = join(ARTIFACTS, `${name}-screen.png`);
  const grabbed = spawnSync("import", ["-display", display, "-window", "root", screen], { stdio: "ignore" });
  if (grabbed.status === 0 && process.env.HOOKSCOPE_UPDATE_DOCS === "1") {
    copyFileSync(screen, join(ROOT, `docs/${name}.png`));
  }
}

/// The app's process (the child of WebKitWebDriver running `bin`) and its descendants (the
/// webview's WebKitWebProcess and WebKitNetworkProcess).
export function processTree(bin) {
  const ps = spawnSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" }).stdout;
  const rows = ps
    .trim()
    .split("\n")
    .map((line) => {
      const [pid, ppid, ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), args: args.join(" ") };
    });
  const app = rows.find((r) => r.args.startsWith(bin));
  if (!app) return null;
  const tree = [app];
  for (let i = 0; i < tree.length; i++) {
    for (const r of rows) if (r.ppid === tree[i].pid) tree.push(r);
  }
  return tree;
}

/// Resident and proportional memory (kB) of each process in `tree`, from /proc.
export function memory(tree) {
  return tree.map(({ pid, args }) => {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const field = (name) => Number(rollup.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0);
    return { pid, name: args.split(/\s+/)[0].split("/").pop(), rss_kb: field("Rss"), pss_kb: field("Pss") };
  });
}

/// When the process started, in milliseconds since the epoch (from /proc, 10 ms resolution).
export function startedAt(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[19]);
  const btime = Number(readFileSync("/proc/stat", "utf8").match(/^btime (\d+)/m)[1]);
  const hz = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  return btime * 1000 + (ticks * 1000) / hz;
}
