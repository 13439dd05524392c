// The desktop app's start and memory, for `cargo xtask bench`: launched through tauri-driver
// under Xvfb, with an empty store and with DELIVERIES stored. Start: from the app process's
// start (/proc) to the first screen painted in its window (the page's performance marks, after
// the paint that follows the first list or empty state). Memory: the app's process and the
// webview's processes, a few seconds after that paint, as RSS and PSS (PSS shares each library
// page among the processes mapping it, so the sum is not inflated). With BARE_BIN, the same for
// a bare Tauri window with an empty page (crates/bare-tauri), the limit the app is compared with,
// launched the same way in the same run. Each start is also split where the page starts (the
// navigation's time origin): before it, the process, Tauri, the app's own start (store, listener)
// and the webview's processes; after it, the page's script loaded and run (DOMContentLoaded),
// then its first render and paint.
//
// Usage: node bench-desktop.mjs APP_BIN HOOKSCOPE_BIN DELIVERIES [RUNS] [BARE_BIN]; prints JSON.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, memory, processTree, sleep, startDisplay, startedAt, until } from "./harness.mjs";

const [app, hookscope, count, runsArg, bare] = process.argv.slice(2);
const deliveries = Number(count);
const runs = Number(runsArg ?? 3);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(bin, display, dataDir, mark) {
  const starts = [];
  const native = [];
  const script = [];
  let mem = null;
  for (let run = 0; run < runs; run++) {
    const { client, close } = await launch({ bin, display, dataDir });
    try {
      const painted = await until(
        mark,
        () =>
          client.executeScript(
            `const m = performance.getEntriesByName(${JSON.stringify(mark)})[0]; return m ? performance.timeOrigin + m.startTime : null;`,
            [],
          ),
        60_000,
      );
      const [origin, loaded] = await client.executeScript(
        `return [performance.timeOrigin, performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd ?? null];`,
        [],
      );
      const tree = processTree(bin);
      if (!tree) throw new Error(`no process of ${bin}`);
      const processStart = startedAt(tree[0].pid);
      starts.push(painted - processStart);
      native.push(origin - processStart);
      script.push(loaded);
      if (run === runs - 1) {
        await sleep(3000);
        const processes = memory(processTree(bin));
        const sum = (k) => processes.reduce((a, p) => a + p[k], 0) / 1024;
        mem = { rss_mb: sum("rss_kb"), pss_mb: sum("pss_kb"), processes };
      }
    } finally {
      await close();
    }
    await sleep(500);
  }
  return {
    start_ms: starts,
    start_p50_ms: median(starts),
    // The split of the start, p50 of each part.
    to_page_p50_ms: median(native),
    script_p50_ms: median(script),
    page_p50_ms: median(starts.map((s, i) => s - native[i])),
    memory: mem,
  };
}

const { display, stop } = await startDisplay();
try {
  const empty = mkdtempSync(join(tmpdir(), "hookscope-bench-empty-"));
  const full = mkdtempSync(join(tmpdir(), "hookscope-bench-full-"));
  const generated = spawnSync(hookscope, ["generate", "--count", String(deliveries)], {
    env: { ...process.env, HOOKSCOPE_DATA_DIR: full },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (generated.status !== 0) throw new Error("hookscope generate failed");
  const figures = { binary: app, deliveries, runs };
  if (bare) {
    const dir = mkdtempSync(join(tmpdir(), "hookscope-bench-bare-"));
    figures.bare = { binary: bare, ...(await measure(bare, display, dir, "bare:painted")) };
    rmSync(dir, { recursive: true, force: true });
  }
  figures.empty = await measure(app, display, empty, "hookscope:empty-painted");
  figures.stored = await measure(app, display, full, "hookscope:list-painted");
  rmSync(empty, { recursive: true, force: true });
  rmSync(full, { recursive: true, force: true });
  console.log(JSON.stringify(figures));
} finally {
  stop();
}
