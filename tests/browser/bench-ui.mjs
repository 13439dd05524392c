// The UI's own cost with many stored deliveries, for `cargo xtask bench` (run by it, against a
// `hookscope serve` it filled): how long the first page takes to reach the screen once the API
// has answered, and how scrolling to the end of the list behaves. Prints one JSON object.
//
// Usage: node bench-ui.mjs UI_URL   (the `ui` address `hookscope serve` prints, with its token)

import { launchBrowser } from "./harness.mjs";

const url = process.argv[2];
if (!url) throw new Error("usage: node bench-ui.mjs UI_URL");

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
};

const browser = await launchBrowser();
const results = { loads: [] };
try {
  // Cold loads: a fresh page each time. The first warms the server's page cache.
  for (let run = 0; run < 6; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 860 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName("hookscope:list-painted").length > 0, null, {
      timeout: 60_000,
    });
    const load = await page.evaluate(() => {
      const response = performance.getEntriesByName("hookscope:list-response")[0].startTime;
      const painted = performance.getEntriesByName("hookscope:list-painted")[0].startTime;
      const api = performance
        .getEntriesByType("resource")
        .find((r) => r.name.includes("/api/deliveries?") && r.name.includes("total=true"));
      return {
        render_ms: painted - response,
        to_screen_ms: painted,
        api_ms: api ? api.responseEnd - api.requestStart : null,
        rows: document.querySelectorAll(".row[data-id]").length,
        total: Number(document.querySelector("[role=grid]").getAttribute("aria-rowcount")),
      };
    });
    if (run > 0) results.loads.push(load);
    if (run < 5) {
      await context.close();
      continue;
    }
    results.deliveries = load.total;

    // Scrolling to the end the way a reader flings through it: 20,000 px per frame (about
    // 590 rows), the rows in view read from the store as they come.
    const scroll = await page.evaluate(async () => {
      const el = document.querySelector("[data-testid=list-scroll]");
      const frames = [];
      let last = performance.now();
      const started = last;
      while (el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
        el.scrollTop += 20_000;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      const reachedEnd = performance.now();
      // Until the last rows hold data (their chunk read), not placeholders.
      while (document.querySelectorAll(".row-loading").length > 0 && performance.now() - reachedEnd < 20_000) {
        await new Promise((r) => requestAnimationFrame(r));
      }
      const filled = performance.now();
      const lastRow = [...document.querySelectorAll(".row[data-id]")].pop();
      return {
        frames,
        seconds: (reachedEnd - started) / 1000,
        end_filled_ms: filled - reachedEnd,
        last_row_index: Number(lastRow?.getAttribute("aria-rowindex") ?? 0),
      };
    });
    results.scroll = {
      frames: scroll.frames.length,
      seconds: scroll.seconds,
      frame_p50_ms: quantile(scroll.frames, 0.5),
      frame_p95_ms: quantile(scroll.frames, 0.95),
      frame_max_ms: Math.max(...scroll.frames),
      long_frames: scroll.frames.filter((f) => f > 50).length,
      end_filled_ms: scroll.end_filled_ms,
      last_row_index: scroll.last_row_index,
    };

    // Dragging the scrollbar to the middle, then to the end: a jump, rows read by offset.
    results.jumps = [];
    for (const to of [0.5, 1]) {
      const ms = await page.evaluate(async (fraction) => {
        const el = document.querySelector("[data-testid=list-scroll]");
        el.scrollTop = 0;
        await new Promise((r) => setTimeout(r, 300));
        const t0 = performance.now();
        el.scrollTop = (el.scrollHeight - el.clientHeight) * fraction;
        await new Promise((r) => requestAnimationFrame(r));
        while (document.querySelectorAll(".row-loading").length > 0) {
          await new Promise((r) => requestAnimationFrame(r));
        }
        return performance.now() - t0;
      }, to);
      results.jumps.push({ to, filled_ms: ms });
    }
    results.heap_mb = await page.evaluate(() => (performance.memory?.usedJSHeapSize ?? 0) / 1e6);
    await context.close();
  }
} finally {
  await browser.close();
}
const renders = results.loads.map((l) => l.render_ms);
results.render_p50_ms = quantile(renders, 0.5);
results.render_max_ms = Math.max(...renders);
results.to_screen_p50_ms = quantile(results.loads.map((l) => l.to_screen_ms), 0.5);
results.api_p50_ms = quantile(results.loads.map((l) => l.api_ms ?? 0), 0.5);
process.stdout.write(`${JSON.stringify(results)}\n`);
