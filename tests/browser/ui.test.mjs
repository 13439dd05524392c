// The UI in a real browser (Debian's Chromium) against a real `hookscope serve` with a temporary
// database: live updates, byte-exact detail, filters in the URL, search, keyboard, pins, and
// payloads that try to run script. Screenshots of the main views go to target/browser/.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, ROOT, artifact, launchBrowser, openPage, startServer } from "./harness.mjs";

const CONFIG = `
[[endpoints]]
path = "/hooks/cooledge"
vendor = "cooledge"
secrets = ["cooledge-test-secret"]

[[endpoints]]
path = "/hooks/stripe"
vendor = "stripe"
secrets = ["whsec_test"]
`;

/// Sends exactly these bytes as a request; resolves to the stored id (the answer names the
/// delivery by the opaque id a sender is given, which the API turns back into the number).
async function rawRequest(server, head, body) {
  const port = Number(new URL(server.capture).port);
  const opaque = await new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
    });
    let answer = "";
    socket.on("data", (d) => {
      answer += d;
      const match = answer.match(/"id":"(d_[0-9a-f]{32})"/);
      if (match) {
        resolve(match[1]);
        socket.end();
      }
    });
    socket.on("error", reject);
    setTimeout(() => reject(new Error(`no answer: ${answer}`)), 10_000);
  });
  return (await server.apiGet(`/api/deliveries/${opaque}`)).id;
}

/// The rows the list shows, top to bottom, as ids.
async function rowIds(page) {
  return page.$$eval(".row[data-id]", (rows) =>
    rows
      .map((r) => ({ id: Number(r.dataset.id), top: r.getBoundingClientRect().top }))
      .sort((a, b) => a.top - b.top)
      .map((r) => r.id),
  );
}

async function codeText(page) {
  return page.$$eval("[data-testid=body-code] .cm-line", (lines) => lines.map((l) => l.textContent).join("\n"));
}

async function sample(server, vendor) {
  const r = await fetch(`${server.api}/api/samples`, {
    method: "POST",
    headers: { Authorization: `Bearer ${server.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ vendor }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()).id;
}

/// Sends a stored delivery again, as the sender's retry would: same headers, same body (or a
/// changed body: a conflict, and its signature fails).
async function resend(server, id, change) {
  const d = await server.apiGet(`/api/deliveries/${id}`);
  const headers = Object.fromEntries(d.headers.filter(([k]) => !/^(host|content-length)$/i.test(k)));
  const body = change ? change(d.body) : d.body;
  return server.post(d.path, body, headers);
}

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe("live list and detail", () => {
  let server;
  before(async () => {
    server = await startServer({ config: CONFIG });
  });
  after(async () => server?.stop());

  it("shows the capture URL, then a posted delivery without a reload, byte-exact", async () => {
    const { page, problems } = await openPage(browser, server.ui);
    await page.waitForSelector("[data-testid=empty-state]");
    // The address shows once the server's info has come ("…" until then).
    await page.waitForFunction(
      () => document.querySelector("[data-testid=capture-url]")?.textContent !== "…",
    );
    assert.equal(await page.textContent("[data-testid=capture-url]"), server.capture);
    // The token left the address bar.
    assert.ok(!page.url().includes("token"), page.url());

    const port = Number(new URL(server.capture).port);
    const body = Buffer.from('{"name":"Zoë","note":"  two spaces  ","n":[1,2]}\n', "utf8");
    const head =
      `POST /hooks/exact?x=1&y=%20 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Mixed-Case: One\r\n` +
      `x-second: two\r\nX-SECOND: three\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const id = await rawRequest(server, head, body);
    await page.waitForSelector(`.row[data-id="${id}"]`, { timeout: 10_000 });
    await page.click(`.row[data-id="${id}"]`);
    await page.waitForSelector("[data-testid=detail]");
    assert.equal(await page.textContent("[data-testid=detail-path]"), "/hooks/exact?x=1&y=%20");
    assert.ok(page.url().includes(`id=${id}`));

    await page.click("[data-testid=tab-headers]");
    const headers = await page.$$eval("[data-testid=headers] tr", (rows) =>
      rows.map((r) => [r.querySelector("th").textContent, r.querySelector("td").textContent]),
    );
    assert.deepEqual(headers, [
      ["Host", `127.0.0.1:${port}`],
      ["X-Mixed-Case", "One"],
      ["x-second", "two"],
      ["X-SECOND", "three"],
      ["Content-Type", "application/json"],
      ["Content-Length", String(body.length)],
    ]);

    await page.click("[data-testid=tab-body]");
    await page.click("[data-testid=body-raw]");
    await page.waitForSelector("[data-testid=body-code] .cm-line");
    assert.equal(await codeText(page), body.toString("utf8"));
    await page.click("[data-testid=body-pretty]");
    assert.equal(await codeText(page), JSON.stringify(JSON.parse(body.toString("utf8")), null, 2));
    await page.click("[data-testid=body-hex]");
    const hex = await page.textContent("[data-testid=body-hex-view]");
    assert.ok(hex.startsWith("00000000  7b 22 6e 61 6d 65 22 3a"), hex);

    // A binary body: hex only, bytes as sent.
    const binary = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x41]);
    const binId = await rawRequest(
      server,
      `POST /bin HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 5\r\n\r\n`,
      binary,
    );
    await page.waitForSelector(`.row[data-id="${binId}"]`);
    await page.click(`.row[data-id="${binId}"]`);
    await page.click("[data-testid=tab-body]");
    await page.waitForSelector("[data-testid=body-hex-view]");
    assert.match(await page.textContent("[data-testid=body-hex-view]"), /^00000000 {2}00 01 fe ff 41 .*\|\.\.\.\.A\|$/);
    assert.equal(await page.$("[data-testid=body-raw]"), null);

    assert.deepEqual(problems, []);
    assert.equal(await page.evaluate(() => window.__cspViolations?.length ?? 0), 0);
    await page.context().close();
  });

  it("copies the core's cURL command, which the real curl sends again byte for byte", async () => {
    const { page, context, problems } = await openPage(browser, server.ui);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.api });
    const port = Number(new URL(server.capture).port);
    // Shell metacharacters, a leading @, a newline, non-ASCII, an empty header, duplicates in
    // mixed case, and none of the headers curl adds by itself (User-Agent, Accept).
    const body = Buffer.from(`@not-a-file {"q":"it's $HOME \`id\` \\ 100%","zoë":[1,2]}\n{"second":"line"}`, "utf8");
    const head =
      `POST /hooks/curl/a%20b?x=1&y=%2F HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Mixed-Case: One\r\n` +
      `x-dup: two\r\nX-DUP: three\r\nX-Empty:\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const id = await rawRequest(server, head, body);
    await page.waitForSelector(`.row[data-id="${id}"]`, { timeout: 10_000 });
    await page.click(`.row[data-id="${id}"]`);
    await page.waitForSelector("[data-testid=detail]");
    await page.click("button:has-text('Copy cURL')");
    // The copy is done when the notice says so; the clipboard is then read from here, a bounded
    // number of times, as a read can be refused while the page is busy.
    const notice = await page.waitForSelector(".detail .notice", { timeout: 10_000 });
    assert.match(await notice.textContent(), /^Copied as cURL/);
    let command = "";
    for (let i = 0; i < 50 && !command.startsWith("curl "); i++) {
      command = await page.evaluate(() => navigator.clipboard.readText().catch((e) => `refused: ${e}`));
      if (!command.startsWith("curl ")) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(command, /^curl /, "the clipboard holds the cURL command");
    assert.match(command, /--path-as-is/);

    execFileSync("sh", ["-c", `${command} --silent --show-error --output /dev/null`], { timeout: 20_000 });
    const original = await server.apiGet(`/api/deliveries/${id}`);
    let again = null;
    for (let i = 0; i < 100 && !again; i++) {
      const page1 = await server.apiGet("/api/deliveries?limit=1");
      if (page1.items[0]?.id > id) again = await server.apiGet(`/api/deliveries/${page1.items[0].id}`);
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(again, "curl's request was captured");
    const own = ([name]) => !/^(host|content-length)$/i.test(name);
    assert.deepEqual(again.headers.filter(own), original.headers.filter(own));
    assert.equal(again.body_base64, original.body_base64);
    assert.equal(again.method, "POST");
    assert.equal(again.path, original.path);
    assert.equal(again.query, original.query);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("sends a sample from the empty state's button, and it arrives signed", async () => {
    const fresh = await startServer({ config: CONFIG });
    try {
      const { page, problems } = await openPage(browser, fresh.ui);
      await page.waitForSelector("[data-testid=send-sample]");
      await page.selectOption("[data-testid=sample-vendor]", "cooledge");
      await page.click("[data-testid=send-sample]");
      const row = await page.waitForSelector(".row[data-id]");
      assert.match(await row.textContent(), /Cooledge/);
      assert.match(await row.textContent(), /valid/);
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      await fresh.stop();
    }
  });

  it("greets a new user with commands to copy and a sample that arrives verified", async () => {
    // No config at all: the sample's endpoint is made with its secret.
    const fresh = await startServer();
    try {
      const { page, problems } = await openPage(browser, fresh.ui);
      await page.waitForSelector("[data-testid=send-sample]");
      assert.equal(await page.locator("[data-testid=tunnel-line]").count(), 2);
      assert.match(await page.textContent("[data-testid=curl-line]"), /^curl -X POST http:\/\/127\.0\.0\.1:\d+\/hooks\/test/);
      assert.equal(await page.locator("[data-testid=curl-line] + button").count(), 1);
      assert.ok(!(await page.isVisible("[data-testid=export]")), "nothing to export yet");
      assert.equal(await page.locator(".facet-group h3:has-text('Signature')").count(), 0, "no empty facets");
      await page.click("[data-testid=send-sample]");
      const row = await page.waitForSelector(".row[data-id]");
      assert.match(await row.textContent(), /valid/);
      assert.ok(await page.isVisible("[data-testid=export]"));
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      await fresh.stop();
    }
  });
});

describe("comparing deliveries", () => {
  let server;
  const ids = {};
  before(async () => {
    server = await startServer({ config: CONFIG });
    ids.stripe = await sample(server, "stripe");
    ids.github = await sample(server, "github");
    // The same event again with an amount changed: a conflicting duplicate.
    ids.conflict = await resend(server, ids.stripe, (body) =>
      body.replace(/("amount\w*":\s*)(\d+)/, (_, key, n) => `${key}${Number(n) + 1}`),
    );
  });
  after(async () => server?.stop());

  it("shows what a conflicting duplicate changed, field by field, inline and side by side", async () => {
    const { page, problems } = await openPage(browser, `${server.ui}&id=${ids.conflict}`);
    await page.click("[data-testid=tab-duplicates]");
    await page.waitForSelector("[data-testid=diff-view] [data-testid=diff-change]");
    // The body's changes (the headers differ too: this test's fetch adds its own).
    const changes = await page.$$eval("[data-testid=diff-change][data-path^='/']", (rows) =>
      rows.map((r) => ({ kind: r.dataset.kind, path: r.dataset.path, text: r.textContent })),
    );
    assert.equal(changes.length, 1, JSON.stringify(changes));
    assert.equal(changes[0].kind, "changed");
    assert.match(changes[0].path, /\/amount\w*$/);
    assert.match(changes[0].text, /→/);
    assert.match(await page.textContent("[data-testid=diff-view]"), /first delivery of its event/);
    await page.click("[data-testid=diff-split]");
    await page.waitForSelector(".diff-split [data-testid=diff-change][data-path^='/'] .diff-left");
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("compares any two deliveries from the Compare tab and moves between changes with n and p", async () => {
    const { page, problems } = await openPage(browser, `${server.ui}&id=${ids.conflict}`);
    await page.click("[data-testid=tab-compare]");
    await page.waitForSelector("[data-testid=compare] [data-testid=diff-change]");
    await page.fill("[data-testid=compare-id]", String(ids.github));
    await page.click("[data-testid=compare-go]");
    await page.waitForFunction(
      (id) => document.querySelector("[data-testid=compare]")?.textContent?.includes(`Compared with #${id}`),
      ids.github,
    );
    const count = await page.$$eval("[data-testid=diff-change]", (rows) => rows.length);
    assert.ok(count > 3, `a GitHub and a Stripe delivery differ in many places: ${count}`);
    await page.focus("[data-testid=diff-view]");
    await page.keyboard.press("n");
    await page.keyboard.press("n");
    await page.waitForSelector("[data-testid=diff-position]:has-text('2 of')");
    await page.keyboard.press("p");
    await page.waitForSelector("[data-testid=diff-position]:has-text('1 of')");
    assert.equal(await page.$$eval(".diff-row-at", (rows) => rows.length), 1);
    // The list did not move: n and p belong to the diff.
    assert.equal(new URL(page.url()).searchParams.get("id"), String(ids.conflict));
    // Volatile fields, listed on request and marked.
    await page.check("[data-testid=diff-volatile]");
    await page.waitForSelector("[data-testid=diff-change][data-volatile=true]");
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("compares the selected delivery with a row Ctrl-clicked in the list", async () => {
    const { page, problems } = await openPage(browser, `${server.ui}&id=${ids.conflict}`);
    await page.waitForSelector(`.row-selected[data-id="${ids.conflict}"]`);
    await page.click(`.row[data-id="${ids.stripe}"]`, { modifiers: ["Control"] });
    await page.waitForSelector("[data-testid=tab-compare][aria-selected=true]");
    await page.waitForFunction(
      (id) => document.querySelector("[data-testid=compare]")?.textContent?.includes(`Compared with #${id}`),
      ids.stripe,
    );
    // The selection stays: the picked row is the other side.
    assert.equal(new URL(page.url()).searchParams.get("id"), String(ids.conflict));
    assert.match(await page.getAttribute("[data-testid=diff-change][data-path^='/']", "data-path"), /\/amount\w*$/);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe("filters, search and keyboard", () => {
  let server;
  const ids = {};
  before(async () => {
    server = await startServer({ config: CONFIG });
    ids.cooledge = await sample(server, "cooledge");
    ids.github = await sample(server, "github");
    ids.stripe = await sample(server, "stripe");
    ids.retry = await resend(server, ids.cooledge);
    ids.word = await server.post("/hooks/notes", JSON.stringify({ note: "the quokka smiled" }), {
      "Content-Type": "application/json",
    });
    await server.indexed();
  });
  after(async () => server?.stop());

  it("narrows by facet, keeps the filter in the URL, and restores it on reload", async () => {
    const { page, problems } = await openPage(browser, server.ui);
    await page.waitForSelector(`.row[data-id="${ids.word}"]`);
    assert.equal((await rowIds(page)).length, 5);

    await page.click("button.facet:has-text('github')");
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 1);
    assert.deepEqual(await rowIds(page), [ids.github]);
    assert.ok(new URL(page.url()).searchParams.get("vendor") === "github", page.url());

    await page.reload();
    await page.waitForSelector(`.row[data-id="${ids.github}"]`);
    assert.deepEqual(await rowIds(page), [ids.github]);

    await page.click("text=Clear all");
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 5);

    await page.click("button.facet:has-text('retries')");
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 1);
    assert.deepEqual(await rowIds(page), [ids.retry]);
    await page.click("text=Clear all");

    await page.fill("[data-testid=path-filter]", "/hooks/cooledge");
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 2);
    assert.deepEqual(await rowIds(page), [ids.retry, ids.cooledge]);
    await page.fill("[data-testid=path-filter]", "");

    await page.selectOption("[data-testid=time-range]", "15m");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("since") === "15m");
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 5);
    // Today and yesterday are local dates the core reads as local days.
    await page.selectOption("[data-testid=time-range]", "yesterday");
    await page.waitForSelector("text=No deliveries match these filters");
    await page.selectOption("[data-testid=time-range]", "today");
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 5);
    // A custom range, in local time: the last hour to now includes all, an earlier one none.
    await page.selectOption("[data-testid=time-range]", "custom");
    const local = (ms) => {
      const t = new Date(ms);
      const pad = (n) => String(n).padStart(2, "0");
      return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
    };
    await page.fill("[data-testid=time-from]", local(Date.now() - 3 * 3600_000));
    await page.fill("[data-testid=time-to]", local(Date.now() - 2 * 3600_000));
    await page.click("[data-testid=time-apply]");
    await page.waitForSelector("text=No deliveries match these filters");
    assert.match(new URL(page.url()).searchParams.get("until") ?? "", /Z$/);
    await page.fill("[data-testid=time-to]", local(Date.now() + 3600_000));
    await page.click("[data-testid=time-apply]");
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 5);
    await page.selectOption("[data-testid=time-range]", "");
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("names vendors, and lists a tenant's deliveries from a click", async () => {
    const { page, problems } = await openPage(browser, `${server.ui}&id=${ids.cooledge}`);
    await page.waitForSelector("[data-testid=overview]");
    // The names arrive with the vendor list, which may answer after the first rows.
    await page.waitForFunction(
      (id) => document.querySelector(`.row[data-id="${id}"] .vendor`)?.textContent === "Cooledge",
      ids.cooledge,
    );
    assert.equal(await page.textContent(`.row[data-id="${ids.cooledge}"] .vendor`), "Cooledge");
    await page.waitForSelector(".facet-group h3:has-text('Tenant')");
    await page.click("[data-testid=filter-tenant]");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("tenant") !== null);
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 2);
    assert.deepEqual((await rowIds(page)).sort(), [ids.cooledge, ids.retry].sort());
    await page.click("text=Clear all");
    // A vendor typed into the URL by its name, any case, is the same filter.
    await page.goto(`${server.ui}&vendor=GitHub`);
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 1);
    assert.deepEqual(await rowIds(page), [ids.github]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("counts each facet under the other filters: a count is what clicking it lists", async () => {
    const { page, problems } = await openPage(browser, `${server.ui}&vendor=github`);
    await page.waitForSelector(`.row[data-id="${ids.github}"]`);
    // Only github's delivery is counted under Signature, and the other vendors stay offered.
    await page.waitForFunction(() => {
      const groups = [...document.querySelectorAll(".facet-group")];
      const sig = groups.find((g) => g.querySelector("h3")?.textContent === "Signature");
      const counts = [...(sig?.querySelectorAll(".facet-count") ?? [])].map((c) => Number(c.textContent));
      return counts.length > 0 && counts.reduce((a, b) => a + b, 0) === 1;
    });
    assert.ok(await page.isVisible("button.facet:has-text('cooledge')"));
    const sig = page.locator(".facet-group", { has: page.locator("h3", { hasText: "Signature" }) });
    const count = Number(await sig.locator(".facet-count").first().textContent());
    await sig.locator("button.facet").first().click();
    await page.waitForFunction((n) => document.querySelectorAll(".row[data-id]").length === n, count);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("finds a word in a body with the search box, opened with /", async () => {
    const { page, problems } = await openPage(browser, server.ui);
    await page.waitForSelector(`.row[data-id="${ids.word}"]`);
    await page.click("body");
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "search");
    await page.keyboard.type("quokka");
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 1);
    assert.deepEqual(await rowIds(page), [ids.word]);
    assert.equal(new URL(page.url()).searchParams.get("q"), "quokka");
    // The hit is marked in the body.
    await page.click(`.row[data-id="${ids.word}"]`);
    await page.click("[data-testid=tab-body]");
    await page.waitForSelector("[data-testid=body-code] .cm-search-hit");
    assert.equal(await page.textContent("[data-testid=body-code] .cm-search-hit"), "quokka");
    await page.fill("[data-testid=search]", "nosuchwordanywhere");
    await page.waitForSelector("text=No deliveries match these filters");
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("moves with j and k, and opens with Enter", async () => {
    const { page } = await openPage(browser, server.ui);
    await page.waitForSelector(`.row[data-id="${ids.word}"]`);
    await page.click("body");
    await page.keyboard.press("j");
    await page.waitForSelector(`.row-selected[data-id="${ids.word}"]`);
    await page.keyboard.press("j");
    await page.waitForSelector(`.row-selected[data-id="${ids.retry}"]`);
    await page.keyboard.press("k");
    await page.waitForSelector(`.row-selected[data-id="${ids.word}"]`);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.getAttribute("role") === "tab");
    assert.equal(new URL(page.url()).searchParams.get("id"), String(ids.retry));
    await page.context().close();
  });

  it("pins, shows the duplicate's history, and deletes", async () => {
    const { page, problems } = await openPage(browser, `${server.ui}&id=${ids.retry}`);
    page.acceptConfirms = true;
    await page.waitForSelector("[data-testid=detail]");
    await page.click("[data-testid=tab-duplicates]");
    // Resent with the same body: only the headers this test's fetch adds differ.
    await page.waitForSelector("[data-testid=diff-view] [data-testid=diff-summary]");
    assert.equal(await page.$$eval("[data-testid=diff-change][data-path^='/']", (rows) => rows.length), 0);
    assert.match(await page.textContent("[data-testid=duplicates]"), /arrived 2 times/);

    await page.click("[data-testid=pin]");
    await page.waitForSelector(`.row[data-id="${ids.retry}"] .pin`);
    await page.click("button.facet:has-text('pinned')");
    await page.waitForFunction(() => document.querySelectorAll(".row[data-id]").length === 1);
    await page.click("text=Clear all");

    await page.click(`.row[data-id="${ids.stripe}"]`);
    await page.click("button.danger:has-text('Delete')");
    await page.waitForSelector(`.row[data-id="${ids.stripe}"]`, { state: "detached" });
    const gone = await fetch(`${server.api}/api/deliveries/${ids.stripe}`, {
      headers: { Authorization: `Bearer ${server.token}` },
    });
    assert.equal(gone.status, 404);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe("a search that most of a large store matches", () => {
  let server;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "hookscope-ui-many-"));
    execFileSync(BIN, ["generate", "--count", "12000", "--days", "2", "--data-dir", dir], { timeout: 180_000 });
    server = await startServer({ dataDir: dir });
  });
  after(async () => server?.stop());

  it("says its count and the sidebar's counts stop at the newest 10,000", async () => {
    const api = await server.apiGet("/api/deliveries?q=host&total=true&limit=1");
    assert.deepEqual([api.total, api.total_capped], [10_000, true]);
    const { page, problems } = await openPage(browser, server.ui);
    await page.waitForSelector(".row[data-id]");
    await page.fill("[data-testid=search]", "host");
    await page.waitForFunction(
      () => document.querySelector("[data-testid=matching]")?.textContent === "10,000+ matching",
      null,
      { timeout: 20_000 },
    );
    await page.waitForSelector("[data-testid=facets-capped]", { timeout: 20_000 });
    assert.match(await page.textContent("[data-testid=facets-capped]"), /newest 10,000 matches/);
    // A rarer word is counted exactly, with no note.
    const rare = await server.apiGet("/api/deliveries?q=quetzalcoatl&total=true&limit=1");
    assert.equal(rare.total_capped, undefined);
    await page.fill("[data-testid=search]", "quetzalcoatl");
    await page.waitForFunction(
      (n) => document.querySelector("[data-testid=matching]")?.textContent === `${n.toLocaleString("en-US")} matching`,
      rare.total,
      { timeout: 20_000 },
    );
    await page.waitForSelector("[data-testid=facets-capped]", { state: "detached", timeout: 20_000 });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe("settings", () => {
  it("saves endpoints and retention, and switches the theme", async () => {
    const server = await startServer({ config: CONFIG });
    try {
      const { page, problems } = await openPage(browser, server.ui);
      await page.click("text=Settings");
      await page.waitForSelector("[data-testid=settings]");
      // Secrets are masked until asked for.
      const first = page.locator("fieldset.endpoint").first();
      assert.equal(await first.locator("[data-testid=secrets-masked]").textContent(), "••••••ret");
      assert.ok(!(await page.textContent("[data-testid=settings]")).includes("cooledge-test-secret"));
      await first.locator("[data-testid=reveal-secrets]").click();
      assert.equal(await first.locator("[data-testid=secrets]").inputValue(), "cooledge-test-secret");
      await page.fill("[data-testid=retention-count]", "500");
      await page.fill("[data-testid=retention-mib]", "64");
      await page.click("[data-testid=save-retention]");
      await page.waitForSelector("text=Saved. The oldest deliveries");
      assert.deepEqual((await server.apiGet("/api/settings")).retention, {
        max_deliveries: 500,
        max_bytes: 64 * 1024 * 1024,
      });

      await page.click("text=Add endpoint");
      const last = page.locator("fieldset.endpoint").last();
      await last.locator("input").first().fill("/hooks/github");
      await last.locator("select").selectOption("github");
      await last.locator("textarea").fill("gh-secret-1\ngh-secret-2");
      await page.click("[data-testid=save-endpoints]");
      await page.waitForSelector("text=Saved. Stored deliveries");
      const endpoints = (await server.apiGet("/api/endpoints")).items;
      const github = endpoints.find((e) => e.path === "/hooks/github");
      assert.deepEqual(github, { path: "/hooks/github", vendor: "github", secrets: ["gh-secret-1", "gh-secret-2"] });
      assert.equal(endpoints.length, 3);

      // A path the API refuses: its reason is shown.
      await last.locator("input").first().fill("no-slash");
      await page.click("[data-testid=save-endpoints]");
      await page.waitForSelector(".modal .error");

      await page.click("[role=radio]:has-text('Dark')");
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
      await page.keyboard.press("Escape");
      await page.waitForSelector("[data-testid=settings]", { state: "detached" });
      await page.reload();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });
});

describe("a reader lower in the list", () => {
  it("is not moved by new deliveries; the pill brings them", async () => {
    const server = await startServer();
    try {
      for (let i = 0; i < 80; i++) await server.post(`/bulk/${i}`, `{"i":${i}}`, { "Content-Type": "application/json" });
      const { page } = await openPage(browser, server.ui);
      await page.waitForSelector(".row[data-id]");
      await page.$eval("[data-testid=list-scroll]", (el) => {
        el.scrollTop = 600;
      });
      await page.waitForTimeout(200);
      const before = await rowIds(page);
      for (let i = 0; i < 3; i++) await server.post(`/late/${i}`, "late");
      await page.waitForSelector("[data-testid=new-pill]");
      assert.match(await page.textContent("[data-testid=new-pill]"), /3 new deliveries/);
      assert.deepEqual(await rowIds(page), before);
      await page.click("[data-testid=new-pill]");
      await page.waitForFunction(() => document.querySelector("[data-testid=list-scroll]").scrollTop === 0);
      await page.waitForFunction(() => !document.querySelector("[data-testid=new-pill]"));
      const top = await rowIds(page);
      assert.ok(top[0] > Math.max(...before), `${top[0]} is newer than what was shown`);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });
});

describe("untrusted payloads", () => {
  it("never run as script, in any tab", async () => {
    const server = await startServer({ config: CONFIG });
    try {
      const attacks = [
        `<img src=x onerror="window.__xss='img'">`,
        `</script><script>window.__xss='script'</script>`,
        `<svg onload="window.__xss='svg'"></svg>`,
        `javascript:window.__xss='href'`,
        `<iframe srcdoc="<script>parent.__xss='iframe'</script>"></iframe>`,
      ];
      const ids = [];
      for (const [i, attack] of attacks.entries()) {
        ids.push(
          await server.post(`/xss/${encodeURIComponent(attack)}?q=${encodeURIComponent(attack)}`, JSON.stringify({ html: attack, [attack]: i }), {
            "Content-Type": "text/html",
            "X-Attack": attack.replace(/[\r\n]/g, ""),
          }),
        );
      }
      ids.push(await server.post("/xss/raw", attacks.join("\n"), { "Content-Type": "text/html" }));
      const { page, problems } = await openPage(browser, server.ui);
      await page.waitForSelector(`.row[data-id="${ids.at(-1)}"]`);
      for (const id of ids) {
        await page.click(`.row[data-id="${id}"]`);
        for (const tab of ["overview", "body", "headers", "signature", "duplicates", "replay"]) {
          await page.click(`[data-testid=tab-${tab}]`);
          await page.waitForTimeout(30);
        }
        await page.click("[data-testid=tab-body]");
        for (const view of ["raw", "hex", "pretty"]) {
          if (await page.$(`[data-testid=body-${view}]`)) await page.click(`[data-testid=body-${view}]`);
        }
      }
      await page.click(`.row[data-id="${ids.at(-1)}"]`);
      await page.click("[data-testid=tab-body]");
      await page.click("[data-testid=body-raw]");
      // Shown as text, exactly.
      assert.equal(await codeText(page), attacks.join("\n"));
      await page.click("[data-testid=tab-headers]");
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      assert.equal(await page.evaluate(() => document.querySelectorAll("#root img, #root svg, #root iframe, #root script").length), 0);
      assert.deepEqual(problems, []);
      assert.equal(await page.evaluate(() => window.__cspViolations?.length ?? 0), 0);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });
});

describe("untrusted text", () => {
  it("shows bidi overrides and control characters instead of obeying them", async () => {
    const server = await startServer({ config: CONFIG });
    try {
      // The CRM's envelope: its `event` is the event type the list shows.
      const evil = "invoice\u202Efdp.exe\u001b[2J";
      const id = await server.post(
        "/hooks/crm",
        JSON.stringify({ event: evil, timestamp: "2026-11-30T10:00:00Z", payload: {} }),
        // U+202E as the UTF-8 bytes a sender puts in a header value.
        { "Content-Type": "application/json", "X-Note": "a\u00e2\u0080\u00aeb" },
      );
      const { page, problems } = await openPage(browser, server.ui);
      const row = `.row[data-id="${id}"]`;
      await page.waitForSelector(row);
      const cell = await page.textContent(`${row} .event-type`);
      assert.equal(cell, "invoice\\u{202e}fdp.exe\\x1b[2J");
      await page.click(row);
      await page.waitForSelector("[data-testid=overview]");
      const overview = await page.textContent("[data-testid=overview]");
      assert.ok(overview.includes("invoice\\u{202e}fdp.exe"), overview);
      assert.ok(!overview.includes("\u202E"), `no raw override in the overview: ${JSON.stringify(overview)}`);
      await page.click("[data-testid=tab-headers]");
      const headers = await page.textContent("[data-testid=headers]");
      assert.ok(headers.includes("a\\u{202e}b"), headers);
      assert.ok(!headers.includes("\u202E"), headers);
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });
});

describe("signing in", () => {
  it("exchanges the printed one-time link for a cookie no script can read, and refuses it twice", async () => {
    const server = await startServer({ config: CONFIG });
    try {
      assert.match(server.link, /\/\?code=[0-9a-f]{32}$/);
      const { page, context, problems } = await openPage(browser, server.link);
      await page.waitForSelector("[data-testid=empty-state]");
      assert.equal(new URL(page.url()).search, "", "the code is gone from the address");
      const kept = await page.evaluate(() => ({
        cookie: document.cookie,
        local: JSON.stringify(localStorage),
        session: JSON.stringify(sessionStorage),
      }));
      const cookies = await context.cookies();
      assert.equal(kept.cookie, "", "the session cookie is not readable by scripts");
      for (const secret of [server.token, cookies[0]?.value ?? "none"]) {
        assert.ok(!kept.local.includes(secret) && !kept.session.includes(secret), JSON.stringify(kept));
      }
      assert.ok(!/token/i.test(kept.local + kept.session), JSON.stringify(kept));
      assert.equal(cookies.length, 1);
      assert.equal(cookies[0].name, "hookscope_session");
      assert.equal(cookies[0].httpOnly, true);
      assert.equal(cookies[0].sameSite, "Strict");
      assert.ok(!cookies[0].value.includes(server.token), "the cookie is not the token");
      // The stream and the API work by the cookie alone: a delivery shows up live.
      const id = await server.post("/hooks/crm", JSON.stringify({ event: "signed.in", timestamp: "2026-12-01T10:00:00Z", payload: {} }));
      await page.waitForSelector(`.row[data-id="${id}"]`);
      assert.deepEqual(problems, []);
      await context.close();

      // The same link again, in another browser: spent.
      const again = await openPage(browser, server.link);
      const text = await (await again.page.waitForSelector("[data-testid=signed-out]")).textContent();
      assert.match(text, /used already or has expired/);
      assert.match(text, /hookscope open/);
      assert.deepEqual(await again.context.cookies(), []);
      await again.context.close();

      // A new link from the API, for a caller that has the token.
      const r = await fetch(`${server.api}/api/ui-link`, {
        method: "POST",
        headers: { Authorization: `Bearer ${server.token}` },
      });
      const { url } = await r.json();
      const fresh = await openPage(browser, url);
      await fresh.page.waitForSelector(`.row[data-id="${id}"]`);
      await fresh.context.close();
    } finally {
      await server.stop();
    }
  });
});

describe("a full disk", () => {
  it("says the disk is full while captures are refused, and stops once room returns", async (t) => {
    // A small tmpfs for the store, filled by a file beside it; mounting needs root.
    const disk = mkdtempSync(join(tmpdir(), "hookscope-disk-"));
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", disk], { stdio: "ignore" });
    } catch {
      t.skip("this process cannot mount a tmpfs (run the suite as root)");
      return;
    }
    const server = await startServer({ dataDir: join(disk, "data") });
    try {
      const filler = join(disk, "filler");
      const free = statfsSync(disk).bavail * statfsSync(disk).bsize;
      execFileSync("fallocate", ["-l", String(Math.max(free - (1 << 20), 1)), filler]);
      // Bytes zstd cannot shrink much: the store itself fills the disk.
      const body = randomBytes(200 * 1024).toString("base64");
      let refused = 0;
      for (let i = 0; i < 100 && refused < 3; i++) {
        const r = await fetch(`${server.capture}/hooks/full`, { method: "POST", body });
        await r.arrayBuffer();
        refused = r.status === 503 ? refused + 1 : 0;
      }
      assert.equal(refused, 3, "the disk filled");
      const { page, problems } = await openPage(browser, server.ui);
      const notice = await page.waitForSelector("[data-testid=disk-full]");
      assert.match(await notice.textContent(), /Disk full: new deliveries are answered 503/);
      rmSync(filler);
      await server.post("/hooks/full", "{}");
      // The status line is read every five seconds.
      await page.waitForSelector("[data-testid=disk-full]", { state: "detached", timeout: 12_000 });
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      await server.stop();
      execFileSync("umount", ["-l", disk]);
    }
  });
});

describe("replay", () => {
  it("sends a delivery to a handler, edited and re-signed, and lists every attempt with its answer", async () => {
    const server = await startServer({ config: CONFIG });
    // The handler being built: records what it gets, answers 202.
    const received = [];
    const target = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(202, { "Content-Type": "text/plain" });
        res.end("accepted by the handler");
      });
    });
    await new Promise((r) => target.listen(0, "127.0.0.1", r));
    const targetUrl = `http://127.0.0.1:${target.address().port}/webhooks`;
    try {
      const id = await sample(server, "stripe");
      const stored = await server.apiGet(`/api/deliveries/${id}`);
      const { page, problems } = await openPage(browser, server.ui);
      await page.waitForSelector(`.row[data-id="${id}"]`);
      await page.click(`.row[data-id="${id}"]`);
      await page.click("[data-testid=tab-replay]");
      await page.waitForSelector("[data-testid=attempts-empty]");
      await page.fill("[data-testid=replay-target]", targetUrl);
      await page.click("[data-testid=replay-send]");
      await page.waitForSelector("[data-testid=attempt]");
      assert.equal(await page.textContent("[data-testid=attempt-status]"), "202");
      assert.match(await page.textContent("[data-testid=attempt-response]"), /accepted by the handler/);
      assert.equal(received.length, 1);
      assert.equal(received[0].url, "/webhooks");
      assert.equal(received[0].body.toString("base64"), stored.body_base64, "byte-exact");
      const signature = stored.headers.find(([n]) => n.toLowerCase() === "stripe-signature")[1];
      assert.equal(received[0].headers["stripe-signature"], signature, "the original signature, untouched");

      // Edited, re-signed, and sent to this server's own Stripe endpoint: its check passes.
      await page.fill("[data-testid=replay-target]", `${server.capture}/hooks/stripe`);
      await page.check("[data-testid=replay-edit]");
      await page.check("[data-testid=replay-resign]");
      const edited = '{"id":"evt_edited_in_the_ui","object":"event","type":"invoice.paid"}';
      await page.click("[data-testid=replay-body-editor] .cm-content");
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.insertText(edited);
      await page.click("[data-testid=replay-send]");
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=attempt]").length === 2);
      assert.equal(await page.textContent("[data-testid=attempt-status]"), "200");
      const newest = (await server.apiGet(`/api/deliveries/${id}/attempts`)).items[0];
      assert.equal(newest.kind, "edit");
      assert.equal(newest.resigned, true);
      assert.equal(newest.request_body, edited);
      const copy = await server.apiGet(`/api/deliveries/${JSON.parse(newest.response_body).id}`);
      assert.equal(copy.body, edited);
      assert.equal(copy.signature.status, "valid", JSON.stringify(copy.signature));

      // A handler that is down: the reason, in plain words.
      await page.uncheck("[data-testid=replay-edit]");
      await new Promise((r) => target.close(r));
      await page.fill("[data-testid=replay-target]", targetUrl);
      await page.click("[data-testid=replay-send]");
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=attempt]").length === 3);
      assert.match(await page.textContent("[data-testid=attempt-error]"), /connection refused/);
      await page.screenshot({ path: artifact("replay.png") });
      if (process.env.HOOKSCOPE_UPDATE_DOCS) copyFileSync(artifact("replay.png"), join(ROOT, "docs/replay.png"));
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      target.close();
      await server.stop();
    }
  });
});

describe("bulk replay", () => {
  it("replays the listed deliveries oldest first with a progress bar, and cancels a slow one", async () => {
    const server = await startServer({ config: CONFIG });
    const received = [];
    const target = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        received.push(Buffer.concat(chunks).toString());
        res.writeHead(204).end();
      });
    });
    await new Promise((r) => target.listen(0, "127.0.0.1", r));
    const targetUrl = `http://127.0.0.1:${target.address().port}/webhooks`;
    try {
      for (let n = 0; n < 12; n++) await server.post(`/bulk/${n}`, `bulk ${n}`);
      await server.post("/elsewhere", "not listed");
      const filtered = new URL(server.ui);
      filtered.searchParams.set("path", "/bulk");
      const { page, problems } = await openPage(browser, filtered.href);
      await page.waitForSelector(".row[data-id]");
      await page.click("[data-testid=bulk-replay]");
      await page.waitForSelector("text=The 12 deliveries the list shows");
      await page.fill("[data-testid=bulk-target]", targetUrl);
      await page.fill("[data-testid=bulk-rate]", "40");
      await page.click("[data-testid=bulk-start]");
      // Part way, then done: the bar and the counts move with the stream's events.
      await page.waitForFunction(() => {
        const bar = document.querySelector("[data-testid=bulk-progress] progress");
        return bar && bar.value > 0 && bar.value < 12;
      });
      await page.waitForSelector("[data-testid=bulk-outcome]:has-text('Done: all 12 answered 2xx')");
      assert.match(await page.textContent("[data-testid=bulk-counts]"), /^12 of 12 · 12 ok · 0 failed/);
      assert.equal(await page.$eval("[data-testid=bulk-progress] progress", (p) => p.value), 12);
      assert.deepEqual(received, Array.from({ length: 12 }, (_, n) => `bulk ${n}`), "oldest first, only the listed");
      await page.screenshot({ path: artifact("bulk-replay.png") });

      // One a second: cancelled after the first, the rest not sent.
      await page.fill("[data-testid=bulk-rate]", "1");
      await page.click("[data-testid=bulk-start]");
      await page.waitForSelector("[data-testid=bulk-cancel]");
      await page.click("[data-testid=bulk-cancel]");
      await page.waitForSelector("[data-testid=bulk-outcome]:has-text('Cancelled after')");
      assert.ok(received.length < 24, `${received.length} sent`);
      // Closed while running, the button shows the share done.
      await page.fill("[data-testid=bulk-rate]", "2");
      await page.click("[data-testid=bulk-start]");
      await page.keyboard.press("Escape");
      await page.waitForSelector("[data-testid=bulk-replay]:has-text('Replaying')");
      const jobs = (await server.apiGet("/api/replays")).items;
      assert.equal(jobs[0].finished, false);
      assert.equal((await server.apiDelete(`/api/replays/${jobs[0].id}`)).id, jobs[0].id);
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      target.close();
      await server.stop();
    }
  });
});

describe("vendor profiles", () => {
  it("imports a vendor's OpenAPI webhooks from Settings, in force at once for test events and capture", async () => {
    const server = await startServer({ config: CONFIG });
    const scratch = mkdtempSync(join(tmpdir(), "hookscope-spec-"));
    try {
      const { page, problems } = await openPage(browser, server.ui);
      await page.click("text=Settings");
      await page.waitForSelector("[data-testid=vendor-table] tr[data-vendor=slack]");
      assert.equal(await page.locator("[data-testid=vendor-table] tr[data-vendor=transfer-webhooks]").count(), 0);
      // A description that cannot be imported says why, and adds nothing.
      const old = join(scratch, "old.json");
      writeFileSync(old, JSON.stringify({ openapi: "3.0.3", info: { title: "Old", version: "1" }, paths: {} }));
      await page.setInputFiles("[data-testid=spec-file]", old);
      await page.click("[data-testid=spec-import]");
      await page.waitForSelector("[data-testid=spec-error]");
      assert.match(await page.textContent("[data-testid=spec-error]"), /old\.json: .*they came with OpenAPI 3\.1/);

      await page.setInputFiles("[data-testid=spec-file]", join(ROOT, "fixtures/specs/adyen-transfer-webhooks.openapi.json"));
      await page.click("[data-testid=spec-import]");
      await page.waitForSelector("[data-testid=spec-result]");
      const report = await page.textContent("[data-testid=spec-result]");
      assert.match(report, /2 events from Transfer webhooks 4 \(OpenAPI 3\.1\.0\) make the new profile transfer-webhooks/);
      assert.match(report, /the event type is read from body \/type/);
      assert.match(report, /balancePlatform\.transfer\.updated/);
      // The list and the endpoints' vendor choice have it at once.
      await page.waitForSelector("[data-testid=vendor-table] tr[data-vendor=transfer-webhooks]");
      assert.match(await page.textContent("[data-testid=vendor-table] tr[data-vendor=transfer-webhooks]"), /Transfer webhooks/);
      assert.equal(await page.locator("fieldset.endpoint select option[value=transfer-webhooks]").first().count(), 1);
      await page.locator("[data-testid=spec-result]").scrollIntoViewIfNeeded();
      await page.screenshot({ path: artifact("vendor-import.png") });
      await page.keyboard.press("Escape");
      await page.waitForSelector("[data-testid=settings]", { state: "detached" });

      // Its events are test events now, and a delivery of one is decoded and validated by it.
      await page.click("[data-testid=test-event]");
      const choice = "transfer-webhooks:balancePlatform.transfer.updated";
      await page.waitForSelector(`[data-testid=test-event-choice] option[value='${choice}']`, { state: "attached" });
      await page.selectOption("[data-testid=test-event-choice]", choice);
      await page.click("[data-testid=test-event-send]");
      await page.waitForSelector("[data-testid=test-event-answer]");
      const stored = (await server.apiGet("/api/deliveries?vendor=transfer-webhooks")).items;
      assert.equal(stored.length, 1);
      assert.equal(stored[0].event.type, "balancePlatform.transfer.updated");
      assert.deepEqual(stored[0].validation, []);

      // What was imported can be removed from the same place.
      await page.keyboard.press("Escape");
      await page.click("text=Settings");
      await page.click("[data-testid=vendor-table] tr[data-vendor=transfer-webhooks] [data-testid=vendor-remove]");
      await page.waitForSelector("[data-testid=vendor-removed]");
      await page.waitForSelector("[data-testid=vendor-table] tr[data-vendor=transfer-webhooks]", { state: "detached" });
      assert.equal(await page.locator("[data-testid=vendor-table] tr[data-vendor=slack] [data-testid=vendor-remove]").count(), 0);
      assert.ok(!(await server.apiGet("/api/vendors")).items.some((v) => v.id === "transfer-webhooks"));
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      await server.stop();
    }
  });
});

describe("test events", () => {
  it("sends a chosen event twice to Hookscope and once altered to a handler, with each answer", async () => {
    const server = await startServer({ config: CONFIG });
    const received = [];
    const target = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(401, { "Content-Type": "text/plain" }).end("bad signature");
      });
    });
    await new Promise((r) => target.listen(0, "127.0.0.1", r));
    try {
      const { page, problems } = await openPage(browser, server.ui);
      await page.click("[data-testid=test-event]");
      await page.waitForSelector("[data-testid=test-event-choice] option[value='cooledge:job.completed']", { state: "attached" });
      await page.selectOption("[data-testid=test-event-choice]", "cooledge:job.completed");
      await page.check("[data-testid=test-event-dup]");
      await page.click("[data-testid=test-event-send]");
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=test-event-answer]").length === 2);
      assert.match(await page.textContent("[data-testid=test-event-result]"), /signed with the secret of endpoint \/hooks\/cooledge/);
      const page1 = await server.apiGet("/api/deliveries?path=/hooks/cooledge");
      assert.equal(page1.items.length, 2);
      assert.equal(page1.items[0].event.type, "job.completed");
      assert.equal(page1.items[0].signature.status, "valid");
      assert.equal(page1.items[0].duplicate.kind, "retry", "the second of the pair is a retry of the first");
      // The newest is selected behind the dialog.
      await page.waitForSelector(`.row[data-id="${page1.items[0].id}"]`);

      await page.uncheck("[data-testid=test-event-dup]");
      await page.check("[data-testid=test-event-tamper]");
      await page.check("[data-testid=test-event-to-handler]");
      await page.fill("[data-testid=test-event-target]", `http://127.0.0.1:${target.address().port}/webhooks`);
      await page.selectOption("[data-testid=test-event-choice]", "stripe:invoice.paid");
      await page.click("[data-testid=test-event-send]");
      await page.waitForSelector("[data-testid=test-event-answer]:has-text('→ 401')");
      assert.match(await page.textContent("[data-testid=test-event-result]"), /altered after signing/);
      assert.match(await page.textContent("[data-testid=test-event-answer]"), /bad signature/);
      assert.equal(received.length, 1);
      assert.ok(received[0].headers["stripe-signature"], "signed as Stripe signs");
      assert.ok(received[0].body.startsWith('{"tampered":true,'), received[0].body);
      await page.screenshot({ path: artifact("test-event.png") });
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      target.close();
      await server.stop();
    }
  });
});

/// A handler that records what it is sent ({url, body}) and answers 202.
async function recordingHandler() {
  const received = [];
  const target = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ url: req.url, body: Buffer.concat(chunks).toString() });
      res.writeHead(202).end("ok");
    });
  });
  await new Promise((r) => target.listen(0, "127.0.0.1", r));
  return { target, received, url: `http://127.0.0.1:${target.address().port}/webhooks` };
}

/// GitHub's reference handler (tests/sdk/check_handler.mjs, verifying with GitHub's own
/// @octokit/webhooks-methods) in `mode`, on `port` (a free one when 0); resolves once it listens.
async function githubHandler(mode, secret, port = 0) {
  const child = spawn("node", ["check_handler.mjs", mode, secret], {
    cwd: join(ROOT, "tests/sdk"),
    env: { ...process.env, CHECK_HANDLER_PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const listening = await new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => resolve(Number(String(chunk).trim())));
    child.on("exit", (code) => reject(new Error(`the reference handler exited (${code})`)));
  });
  return {
    port: listening,
    url: `http://127.0.0.1:${listening}/webhooks`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill();
      }),
  };
}

describe("learned schemas", () => {
  it("notes on a delivery how it differs from the earlier ones of its type", async () => {
    const server = await startServer({ config: CONFIG });
    try {
      const won = JSON.parse(readFileSync(join(ROOT, "fixtures/cooledge/lead.won.json"), "utf8"));
      const headers = { "Content-Type": "application/json" };
      for (let i = 0; i < 12; i++) {
        const body = { ...won, event_id: `9d2f6b81-4c07-4e3a-8b15-${String(i).padStart(12, "0")}` };
        body.won_via = i % 2 ? "call" : "quote_accepted";
        await server.post("/hooks/cooledge", JSON.stringify(body), headers);
      }
      const odd = { ...won, event_id: "9d2f6b81-4c07-4e3a-8b15-999999999999", won_via: "coin_toss" };
      const id = await server.post("/hooks/cooledge", JSON.stringify(odd), headers);
      const { page, problems } = await openPage(browser, `${server.ui}&id=${id}`);
      await page.waitForSelector("[data-testid=overview] [aria-label=Drift]");
      const notes = await page.$$eval("[aria-label=Drift] li", (li) => li.map((l) => l.textContent));
      assert.deepEqual(notes, ["won_via = coin_toss: not seen in 12 earlier lead.won"]);
      assert.deepEqual(
        await page.$$eval("[aria-label=Drift] li code", (c) => c.map((e) => e.textContent)),
        ["won_via", "coin_toss", "lead.won"],
      );
      assert.match(await page.textContent("[aria-label=Drift] h4"), /Unlike the earlier lead\.won/);

      // The learned schema it was measured against: each field, how often there, its types.
      await page.click("[data-testid=open-schema]");
      await page.waitForSelector("[data-testid=schemas-dialog] [data-testid=schema-fields]");
      assert.match(await page.textContent("[data-testid=schema-summary]"), /Learned from 13 deliveries/);
      const cells = (path) =>
        page.$$eval(`[data-testid=schema-fields] tr[data-path="${path}"] td`, (td) => td.map((c) => c.textContent));
      assert.deepEqual(await cells("event_id"), ["event_id", "100 %", "string (uuid)", "9d2f6b81-4c07-4e3a-8b15-000000000000"]);
      assert.deepEqual(await cells("won_via"), ["won_via", "100 %", "string", "call | coin_toss | quote_accepted"]);
      assert.deepEqual((await cells("invoice_id")).slice(2), ["null", ""]);
      // Written for a handler: TypeScript, shown and ready to save.
      await page.click("[data-testid=schema-typescript]");
      await page.waitForSelector("[data-testid=schema-code] .cm-line");
      const ts = await page.$$eval("[data-testid=schema-code] .cm-line", (l) => l.map((e) => e.textContent).join("\n"));
      assert.match(ts, /export type LeadWon = \{/);
      const download = page.waitForEvent("download");
      await page.click("[data-testid=schema-save]");
      assert.equal((await download).suggestedFilename(), "lead.won.ts");
      await page.keyboard.press("Escape");
      await page.waitForSelector("[data-testid=schemas-dialog]", { state: "detached" });
      // The top bar lists every event type learned.
      await page.click("[data-testid=schemas]");
      await page.waitForSelector("[data-testid=schema-type]");
      assert.deepEqual(
        await page.$$eval("[data-testid=schema-type] .mono", (t) => t.map((e) => e.textContent)),
        ["lead.won"],
      );
      await page.screenshot({ path: artifact("schemas.png") });
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });
});

describe("checking a handler", () => {
  it("grades a handler live from the UI, opens what a probe sent, and compares a run with the one before", async () => {
    const secret = "octokit-ui-secret";
    const server = await startServer();
    let handler = await githubHandler("no-verify", secret);
    try {
      const { page, problems } = await openPage(browser, server.ui);
      await page.click("[data-testid=check-handler]");
      await page.waitForSelector("[data-testid=check-dialog]");
      await page.waitForSelector("[data-testid=check-vendor] option[value=github]", { state: "attached" });
      await page.selectOption("[data-testid=check-vendor]", "github");
      await page.fill("[data-testid=check-to]", handler.url);
      await page.fill("[data-testid=check-secret]", secret);
      await page.click("[data-testid=check-start]");
      // Live: the card fills in probe by probe from the stream while the run can be cancelled.
      await page.waitForSelector("[data-testid=check-cancel]");
      await page.waitForFunction(() => {
        const bar = document.querySelector("[data-testid=check-report] progress");
        return bar && bar.value > 0 && bar.value < bar.max && document.querySelectorAll("[data-testid=check-row]").length > 0;
      });
      await page.waitForSelector("[data-testid=check-summary]:has-text('the handler is not ready')", { timeout: 60_000 });
      const tampered = page.locator("[data-testid=check-row][data-probe=tampered-body]");
      assert.equal(await tampered.getAttribute("data-grade"), "fail");
      assert.match(await tampered.locator("[data-testid=check-verdict]").textContent(), /Accepted a forged delivery/);
      assert.equal(await page.locator("[data-testid=check-row][data-probe=valid][data-grade=pass]").count() > 0, true);
      // A row opens the request it sent and the answer it got.
      await tampered.locator("[data-testid=check-open-attempt]").click();
      const attempt = page.locator("[data-testid=check-attempt]");
      await attempt.waitFor();
      assert.match(await attempt.textContent(), /X-Hub-Signature-256: sha256=/i);
      assert.match(await attempt.locator("[data-testid=attempt-response]").textContent(), /^202/);
      await page.screenshot({ path: artifact("check-failed.png") });

      // The handler fixed, at the same address: run again from the history, and see what changed.
      await handler.stop();
      handler = await githubHandler("correct", secret, handler.port);
      await page.locator("[data-testid=check-past]").first().locator("[data-testid=check-again]").click();
      await page.waitForSelector("[data-testid=check-summary]:has-text('the handler treats deliveries as the vendor expects')", {
        timeout: 60_000,
      });
      const changes = await page.textContent("[data-testid=check-changes]");
      assert.match(changes, /^Since run 1:/);
      const changed = await page.locator("[data-testid=check-change]").allTextContents();
      assert.ok(changed.includes("fail → pass one value of the body changed after signing"), changed.join("\n"));
      assert.equal(changed.length, 7, changed.join("\n"));
      assert.equal(await page.locator("[data-testid=check-past]").count(), 2);
      await page.screenshot({ path: artifact("check-passed.png") });
      const runs = (await server.apiGet("/api/checks")).items;
      assert.deepEqual(
        runs.map((r) => [r.id, r.state]),
        [
          [2, "passed"],
          [1, "failed"],
        ],
      );
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      await handler.stop();
      await server.stop();
    }
  });
});

describe("live forwarding", () => {
  it("sends each delivery on to the handler set in Settings, and shows the forward under Replay", async () => {
    const server = await startServer({ config: CONFIG });
    const { target, received, url: targetUrl } = await recordingHandler();
    try {
      const { page, problems } = await openPage(browser, server.ui);
      await page.click("text=Settings");
      await page.click("text=Add endpoint");
      const last = page.locator("fieldset.endpoint").last();
      await last.locator("input").first().fill("/hooks/live");
      await last.locator("[data-testid=endpoint-forward]").fill(targetUrl);
      await page.click("[data-testid=save-endpoints]");
      await page.waitForSelector("text=Saved. Stored deliveries");
      const live = (await server.apiGet("/api/endpoints")).items.find((e) => e.path === "/hooks/live");
      assert.equal(live.forward.pass_through, false);
      await page.keyboard.press("Escape");
      // The status line names the endpoint's forward (read again within seconds).
      await page.waitForFunction(
        (url) => document.querySelector("[data-testid=capture-forward]")?.textContent?.includes(`/hooks/live to ${url}`),
        targetUrl,
        { timeout: 10_000 },
      );

      const id = await server.post("/hooks/live", '{"live":true}', { "Content-Type": "application/json" });
      await page.waitForSelector(`.row[data-id="${id}"]`);
      await page.click(`.row[data-id="${id}"]`);
      await page.click("[data-testid=tab-replay]");
      await page.waitForSelector("[data-testid=attempt]");
      assert.equal(await page.textContent("[data-testid=attempt] .attempt-kind"), "forward");
      assert.equal(await page.textContent("[data-testid=attempt-status]"), "202");
      assert.deepEqual(received, [{ url: "/webhooks", body: '{"live":true}' }]);
      // The Replay tab aims at the endpoint's forward target.
      assert.equal(await page.inputValue("[data-testid=replay-target]"), targetUrl);

      // The handler's answer is where people look: its column in the list (from the stream,
      // without a reload), the Overview beside the sender's answer, and a facet.
      await page.waitForFunction(
        (id) => document.querySelector(`.row[data-id="${id}"] [data-testid=handler-answer]`)?.textContent?.startsWith("202"),
        id,
      );
      await page.click("[data-testid=tab-overview]");
      assert.match(await page.textContent("[data-testid=overview-handler]"), /^202 in [\d.]+ ms to the latest forward/);
      await page.click("[data-testid=show-handler-answer]");
      await page.waitForSelector("[data-testid=attempt-response]");
      const answered = page.locator("button.facet", { hasText: "2xx" });
      await answered.waitFor();
      assert.equal(await answered.locator(".facet-count").textContent(), "1");
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      target.close();
      await server.stop();
    }
  });

  it("says 'not sent' for what a hanging handler's full queue could not take, in the list, the Overview and the Replay tab", async () => {
    // A handler paused in a debugger: it takes the connection and never answers.
    const held = [];
    const target = net.createServer((socket) => held.push(socket));
    await new Promise((r) => target.listen(0, "127.0.0.1", r));
    const targetUrl = `http://127.0.0.1:${target.address().port}/webhooks`;
    const server = await startServer({
      config: `[capture]\nforward_concurrency = 1\nforward_queue = 1\n\n[[endpoints]]\npath = "/hooks/paused"\nforward = { to = "${targetUrl}" }\n`,
    });
    try {
      const { page, problems } = await openPage(browser, server.ui);
      // One in flight, then one waiting behind it; the third finds the queue full.
      const ids = [];
      for (const n of [1, 2, 3]) {
        ids.push(await server.post("/hooks/paused", `{"n":${n}}`, { "Content-Type": "application/json" }));
        await new Promise((r) => setTimeout(r, 100));
      }
      const notSent = ids[2];
      await page.waitForFunction(
        (id) => document.querySelector(`.row[data-id="${id}"] [data-testid=handler-answer]`)?.textContent?.includes("not sent"),
        notSent,
      );
      for (const id of ids.slice(0, 2)) {
        const answers = page.locator(`.row[data-id="${id}"] [data-testid=handler-answer]`);
        assert.equal(await answers.count(), 0, `${id} waits for the handler`);
      }
      await page.click(`.row[data-id="${notSent}"]`);
      assert.match(
        await page.textContent("[data-testid=overview-handler]"),
        /^not sent for the latest forward: not sent: the handler has 2 requests waiting \(1 unanswered, 1 queued\)/,
      );
      await page.click("[data-testid=tab-replay]");
      await page.waitForSelector("[data-testid=attempt]");
      assert.equal(await page.textContent("[data-testid=attempt-status]"), "not sent");
      assert.match(await page.textContent("[data-testid=attempt-error]"), /^not sent: the handler has 2 requests waiting/);
      await page.click("[data-testid=attempt] button.attempt-head");
      await page.waitForSelector("[data-testid=attempt-not-sent]");
      assert.equal(await page.locator("[data-testid=attempt-response]").count(), 0, "no answer to show");
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      for (const s of held) s.destroy();
      target.close();
      await server.stop();
    }
  });

  it("forwards everything with serve --forward-to, and the status line says where", async () => {
    const { target, received, url: targetUrl } = await recordingHandler();
    const server = await startServer({ args: ["--forward-to", targetUrl, "--forward-path", "full"] });
    try {
      const { page, problems } = await openPage(browser, server.ui);
      await page.waitForSelector("[data-testid=capture-forward]");
      assert.match(await page.textContent("[data-testid=capture-forward]"), new RegExp(`forwarding to ${targetUrl}`));
      const id = await server.post("/any/path", "everything goes");
      await page.waitForSelector(`.row[data-id="${id}"]`);
      await page.click(`.row[data-id="${id}"]`);
      await page.click("[data-testid=tab-replay]");
      await page.waitForSelector("[data-testid=attempt]");
      assert.equal(await page.textContent("[data-testid=attempt] .attempt-kind"), "forward");
      assert.deepEqual(received, [{ url: "/webhooks/any/path", body: "everything goes" }]);
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      target.close();
      await server.stop();
    }
  });
});

describe("export and import", () => {
  it("shares one delivery from its detail: HAR, JSON Lines, and cURL aimed at a typed target", async () => {
    const server = await startServer({ config: CONFIG });
    try {
      const id = await sample(server, "cooledge");
      await sample(server, "stripe");
      const { page, problems } = await openPage(browser, `${server.ui}&id=${id}`);
      await page.waitForSelector("[data-testid=detail]");
      await page.click("[data-testid=share]");
      await page.waitForSelector("[data-testid=share-dialog]");
      const [har] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=share-har]")]);
      assert.equal(har.suggestedFilename(), `delivery-${id}.har`);
      const entries = JSON.parse(readFileSync(await har.path(), "utf8")).log.entries;
      assert.equal(entries.length, 1, "only this delivery");
      assert.equal(entries[0]._hookscope.id, id);
      const [jsonl] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=share-jsonl]")]);
      assert.equal(readFileSync(await jsonl.path(), "utf8").trim().split("\n").length, 1);
      await page.fill("[data-testid=share-to]", "http://localhost:4242/mine");
      const [script] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=share-curl]")]);
      const text = readFileSync(await script.path(), "utf8");
      assert.match(text, / -X POST http:\/\/localhost:4242\/mine\/hooks\/cooledge /);
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });

  it("downloads the listed deliveries as HAR and imports another tool's HAR", async () => {
    const server = await startServer({ config: CONFIG });
    try {
      await sample(server, "cooledge");
      await sample(server, "stripe");
      const filtered = new URL(server.ui);
      filtered.searchParams.set("vendor", "stripe");
      const { page, problems } = await openPage(browser, filtered.href);
      await page.waitForSelector(".row[data-id]");
      const [download] = await Promise.all([page.waitForEvent("download"), page.selectOption("[data-testid=export]", "har")]);
      assert.equal(download.suggestedFilename(), "hookscope-export.har");
      const har = JSON.parse(readFileSync(await download.path(), "utf8"));
      assert.equal(har.log.version, "1.2");
      assert.equal(har.log.entries.length, 1, "only what the filter lists");
      assert.equal(har.log.entries[0]._hookscope.vendor, "stripe");

      await page.goto(server.ui);
      await page.setInputFiles("[data-testid=import-file]", join(ROOT, "fixtures/har/chromium-playwright.har"));
      await page.waitForSelector("[data-testid=export-import-notice]:has-text('Imported 3 deliveries')");
      const page1 = await server.apiGet("/api/deliveries?path=/hooks/leadron");
      assert.equal(page1.items.length, 1);
      assert.equal(page1.items[0].imported, true);
      assert.equal(page1.items[0].vendor, "leadron");
      await page.waitForSelector(`.row[data-id="${page1.items[0].id}"]`);

      // A file that is neither HAR nor JSON Lines: the reason, and nothing stored.
      const junk = artifact("junk.txt");
      writeFileSync(junk, "not a capture\n");
      await page.setInputFiles("[data-testid=import-file]", junk);
      await page.waitForSelector("[data-testid=export-import-notice]:has-text('junk.txt: line 1')");
      assert.equal((await server.apiGet("/api")).deliveries, 5);
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });
});

describe("layout", () => {
  it("fits 1024, 1400 and 1920 px: the list takes the room, the split is resizable, nothing runs off", async () => {
    const server = await startServer({ config: CONFIG });
    try {
      let chosen;
      for (const v of ["cooledge", "stripe", "github", "leadron"]) chosen = await sample(server, v);
      for (const width of [1024, 1400, 1920]) {
        const { page, problems } = await openPage(browser, server.ui, { viewport: { width, height: 800 } });
        await page.waitForSelector(`.row[data-id="${chosen}"]`);
        // Nothing selected: no detail pane, the list reaches the right edge.
        assert.equal(await page.locator(".detail-pane").count(), 0, `${width}`);
        const listRight = await page.evaluate(() => document.querySelector(".list-pane").getBoundingClientRect().right);
        assert.ok(listRight >= width - 2, `${width}: the list ends at ${listRight}`);
        // The top bar never runs off screen; Settings is reachable (through the menu when narrow).
        const overflow = await page.evaluate(() => {
          const bar = document.querySelector(".topbar");
          return bar.scrollWidth - bar.clientWidth;
        });
        assert.ok(overflow <= 0, `${width}: the top bar overflows by ${overflow}px`);
        if (width < 1360) await page.click("[data-testid=topbar-menu]");
        await page.click("button:has-text('Settings')");
        await page.waitForSelector("[data-testid=settings]");
        const modal = await page.evaluate(() => {
          const m = document.querySelector(".modal");
          const r = m.getBoundingClientRect();
          return { overflow: m.scrollWidth - m.clientWidth, left: r.left, right: r.right };
        });
        assert.ok(modal.overflow <= 0 && modal.left >= 0 && modal.right <= width, `${width}: ${JSON.stringify(modal)}`);
        await page.keyboard.press("Escape");

        // Selected: list, handle and detail split the room, and no list header overlaps another
        // or the detail.
        await page.click(`.row[data-id="${chosen}"]`);
        await page.waitForSelector("[data-testid=overview]");
        const cells = await page.evaluate(() => {
          const detail = document.querySelector(".detail-pane").getBoundingClientRect();
          const heads = [...document.querySelectorAll(".row-head > span")]
            .map((c) => c.getBoundingClientRect())
            .filter((r) => r.width > 0);
          return { detailLeft: detail.left, heads: heads.map((r) => [r.left, r.right]) };
        });
        for (const [i, [, right]] of cells.heads.entries()) {
          assert.ok(right <= cells.detailLeft, `${width}: header ${i} ends at ${right}, the detail starts at ${cells.detailLeft}`);
          const next = cells.heads[i + 1];
          if (next) assert.ok(right <= next[0] + 0.5, `${width}: header ${i} overlaps the next`);
        }
        await page.screenshot({ path: artifact(`layout-${width}.png`) });
        if (process.env.HOOKSCOPE_UPDATE_DOCS) copyFileSync(artifact(`layout-${width}.png`), join(ROOT, `docs/layout-${width}.png`));

        // Dragging the handle gives the detail more room, and the width is remembered.
        const before = await page.evaluate(() => document.querySelector(".detail-pane").getBoundingClientRect().width);
        const handle = await page.locator("[data-testid=split-handle]").boundingBox();
        await page.mouse.move(handle.x + 2, handle.y + 200);
        await page.mouse.down();
        await page.mouse.move(handle.x - 80, handle.y + 200, { steps: 4 });
        await page.mouse.up();
        const after = await page.evaluate(() => document.querySelector(".detail-pane").getBoundingClientRect().width);
        assert.ok(after > before + 40, `${width}: the detail went from ${before} to ${after}px`);
        await page.reload();
        await page.waitForSelector("[data-testid=overview]");
        const kept = await page.evaluate(() => document.querySelector(".detail-pane").getBoundingClientRect().width);
        assert.ok(Math.abs(kept - after) < 4, `${width}: remembered ${kept}, dragged to ${after}`);
        assert.deepEqual(problems, []);
        await page.context().close();
      }
    } finally {
      await server.stop();
    }
  });
});

describe("screenshots", () => {
  it("of the list with a selected delivery, light and dark", async () => {
    const server = await startServer({ config: CONFIG });
    try {
      const vendors = ["cooledge", "leadron", "event-timestamp-payload", "stripe", "github", "shopify", "slack", "standard-webhooks"];
      let chosen;
      for (const v of vendors) {
        const id = await sample(server, v);
        if (v === "cooledge") chosen = id;
      }
      await resend(server, chosen);
      const conflict = await resend(server, chosen, (body) => body.replace(/}\s*$/, ',"amended":true}'));
      await sample(server, "leadron");
      await server.post("/hooks/stripe", '{"id":"evt_9","type":"charge.failed"}', {
        "Content-Type": "application/json",
        "Stripe-Signature": "t=1700000000,v1=00000000",
      });
      await sample(server, "cooledge");
      mkdirSync(join(ROOT, "target/browser"), { recursive: true });
      for (const scheme of ["light", "dark"]) {
        const { page, problems } = await openPage(browser, `${server.ui}&id=${conflict}`, {
          colorScheme: scheme,
          viewport: { width: 1440, height: 860 },
        });
        await page.waitForSelector("[data-testid=overview]");
        await page.waitForSelector(".facet");
        await page.evaluate(
          () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
        );
        const path = artifact(`list-${scheme}.png`);
        await page.screenshot({ path });
        if (process.env.HOOKSCOPE_UPDATE_DOCS) copyFileSync(path, join(ROOT, `docs/ui-${scheme}.png`));
        await page.click("[data-testid=tab-body]");
        await page.waitForSelector("[data-testid=body-code] .cm-line");
        await page.screenshot({ path: artifact(`body-${scheme}.png`) });
        await page.click("[data-testid=tab-signature]");
        await page.screenshot({ path: artifact(`signature-${scheme}.png`) });
        assert.deepEqual(problems, []);
        await page.context().close();
      }
      const empty = await startServer();
      try {
        const { page } = await openPage(browser, empty.ui);
        await page.waitForSelector("[data-testid=empty-state]");
        await page.screenshot({ path: artifact("empty.png") });
        await page.context().close();
      } finally {
        await empty.stop();
      }
    } finally {
      await server.stop();
    }
  });
});

describe("rules", () => {
  it("edits, checks, saves and tries rules, and says when the config file's rules do not reload", async () => {
    const server = await startServer({
      config: `[[endpoints]]\npath = "/hooks/shop"\n\n[[rules]]\nname = "elsewhere"\nmatch = { path = "/other" }\ndo = { status = 201 }\n`,
    });
    const configFile = join(server.dir, "hookscope.toml");
    const order = () =>
      fetch(`${server.capture}/hooks/shop/x`, {
        method: "POST",
        body: JSON.stringify({ order: "o-1" }),
        headers: { "Content-Type": "application/json" },
      });
    try {
      const { page, problems } = await openPage(browser, server.ui);
      await page.click("[data-testid=open-rules]");
      await page.waitForSelector("[data-testid=rules] [data-testid=rule-card]");
      // The global rule in force, as the config file has it.
      assert.equal(await page.inputValue("[data-testid=rule-name]"), "elsewhere");
      assert.equal(await page.inputValue("[data-testid=rule-path]"), "/other");
      assert.equal(await page.inputValue("[data-testid=rule-status]"), "201");
      assert.match(await page.textContent("[data-testid=rules-status]"), /^1 rule in force since .+ \(at start\)$/);

      // A rule of the endpoint's own.
      await page.selectOption("[data-testid=rules-scope]", "/hooks/shop");
      await page.waitForSelector("[data-testid=rules-none]");
      await page.click("[data-testid=add-rule]");
      const card = page.locator("[data-testid=rule-card]");
      assert.equal(await card.count(), 1);
      await card.locator("[data-testid=rule-name]").fill("seen");
      await card.locator("[data-testid=rule-path]").fill("/hooks/shop");
      await card.locator("[data-testid=rule-status]").fill("202");
      const save = page.locator("[data-testid=save-rules]");

      // An event type glob that does not compile, then a template that does not parse: each is
      // said at its own field, and saving waits.
      await card.locator("[data-testid=rule-event]").fill("order.[");
      const eventProblem = card.locator("[data-field='match.event'] [data-testid=rule-problem]");
      await eventProblem.waitFor();
      assert.ok(await save.isDisabled());
      await card.locator("[data-testid=rule-event]").fill("");
      await eventProblem.waitFor({ state: "detached" });
      await card.locator("[data-testid=rule-body]").fill('{"seen": "{{ body.order ');
      const bodyProblem = card.locator("[data-field='do.body'] [data-testid=rule-problem]");
      await bodyProblem.waitFor();
      assert.match(await bodyProblem.textContent(), /\(line 1\)/);
      assert.equal(await card.locator("[data-testid=rule-problem]").count(), 1, "only the body has a problem");
      assert.equal(await card.locator("[data-testid=rule-body]").getAttribute("aria-invalid"), "true");
      assert.ok(await save.isDisabled());
      await card.locator("[data-testid=rule-body]").fill('{"seen": "{{ body.order }}"}');
      await bodyProblem.waitFor({ state: "detached" });
      await page.waitForSelector("[data-testid=save-rules]:not([disabled])");
      await save.click();
      await page.waitForSelector("[data-testid=rules-message]:has-text('Saved to the config file')");
      assert.match(await page.textContent("[data-testid=rules-status]"), /^2 rules in force since .+ \(saved here\)$/);
      // The server sees its own write to the config file as no change: still "saved here".
      await new Promise((r) => setTimeout(r, 1200));
      assert.match(await page.textContent("[data-testid=rules-status]"), /\(saved here\)$/);

      // In force at once, without a restart; the global rule is kept.
      const answer = await order();
      assert.equal(answer.status, 202);
      assert.equal(await answer.text(), '{"seen": "o-1"}');
      const other = await fetch(`${server.capture}/other`, { method: "POST", body: "{}" });
      assert.equal(other.status, 201);
      await other.text();
      const written = readFileSync(configFile, "utf8");
      assert.match(written, /\[\[endpoints\.rules\]\]\s+name = "seen"/);
      assert.ok(written.includes('{"seen": "{{ body.order }}"}'), written);
      assert.match(written, /name = "elsewhere"/);

      // Tried on that delivery: the one selected in the list is offered, and the trial uses the
      // rules as edited (203, not yet saved) where the rules in force answered 202.
      const stored = (await server.apiGet("/api/deliveries?path=/hooks/shop")).items;
      assert.equal(stored.length, 1);
      const id = stored[0].id;
      await page.keyboard.press("Escape");
      await page.waitForSelector("[data-testid=rules]", { state: "detached" });
      await page.click(`.row[data-id="${id}"]`);
      await page.click("[data-testid=open-rules]");
      await page.waitForSelector("[data-testid=rule-card]");
      assert.equal(await page.inputValue("[data-testid=try-delivery]"), String(id));
      await page.click("[data-testid=try-rules]");
      await page.waitForSelector("[data-testid=rules-trial]");
      assert.equal(await page.textContent("[data-testid=trial-status]"), "202");
      assert.match(await page.textContent("[data-testid=trial-applied]"), /Rule applied: endpoint \/hooks\/shop: rules\[0\] \("seen"\)/);
      assert.equal(await page.textContent("[data-testid=trial-body]"), '{"seen": "o-1"}');
      await page.selectOption("[data-testid=rules-scope]", "/hooks/shop");
      await page.fill("[data-testid=rule-status]", "203");
      await page.waitForSelector("[data-testid=rules-dirty]");
      await page.waitForSelector("[data-testid=try-rules]:not([disabled])");
      await page.click("[data-testid=try-rules]");
      await page.waitForFunction(() => document.querySelector("[data-testid=trial-status]")?.textContent === "203");
      await page.screenshot({ path: artifact("rules.png") });

      // A rule written into the file by hand that does not compile: the editor and the page say
      // so, and the rules in force stay.
      appendFileSync(configFile, '\n[[rules]]\ndo = { body = "{{ x " }\n');
      const failed = page.locator("[data-testid=rules-reload-failed]");
      await failed.waitFor({ timeout: 10_000 });
      assert.match(
        await failed.textContent(),
        /^The config file's rules were not reloaded at .+: .*rules\[1\]: do\.body: .*\. The rules in force are unchanged\.$/,
      );
      assert.match(await page.textContent("[data-testid=rules-banner]"), /Rules not reloaded: .*do\.body/);
      const still = await order();
      assert.equal(still.status, 202);
      assert.equal(await still.text(), '{"seen": "o-1"}');
      // Reloading by hand fails the same way; what is edited here stays.
      await page.click("[data-testid=reload-rules]");
      await page.waitForSelector("[data-testid=reload-rules]:not([disabled])");
      await failed.waitFor();
      assert.equal(await page.inputValue("[data-testid=rule-status]"), "203");

      // The banner opens the editor, and can be dismissed.
      await page.keyboard.press("Escape");
      await page.waitForSelector("[data-testid=rules]", { state: "detached" });
      await page.click("[data-testid=rules-banner-open]");
      await page.waitForSelector("[data-testid=rules] [data-testid=rules-reload-failed]");
      await page.keyboard.press("Escape");
      await page.click("[data-testid=rules-banner-dismiss]");
      await page.waitForSelector("[data-testid=rules-banner]", { state: "detached" });
      assert.deepEqual(problems, []);
      await page.context().close();

      // In the narrow bar, Rules is in the menu, and the menu closes as the editor opens.
      const narrow = await openPage(browser, server.ui, { viewport: { width: 1024, height: 800 } });
      await narrow.page.click("[data-testid=topbar-menu]");
      await narrow.page.click("[data-testid=open-rules]");
      await narrow.page.waitForSelector("[data-testid=rules] [data-testid=rule-card]");
      assert.equal(await narrow.page.getAttribute(".topbar-menu-panel", "data-open"), "false");
      assert.deepEqual(narrow.problems, []);
      await narrow.context.close();
    } finally {
      await server.stop();
    }
  });
});
