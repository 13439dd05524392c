// A GitHub webhook handler written the way GitHub's documents show it, verifying with GitHub's
// own @octokit/webhooks-methods over the raw body, for `hookscope check` to grade
// (crates/hookscope/tests/it/check.rs, and the browser suite's check from the UI). Node's http
// serves it on a free loopback port (or CHECK_HANDLER_PORT), which it prints first.
//
// node check_handler.mjs MODE SECRET [EFFECTS_FILE]
//   correct     verifies X-Hub-Signature-256 over the bytes it got, does the work once per
//               X-GitHub-Delivery, answers 202
//   no-verify   never checks the signature
// EFFECTS_FILE: the work done is a line appended to this file per delivery processed.

import { appendFileSync } from "node:fs";
import http from "node:http";
import { verify } from "@octokit/webhooks-methods";

const [mode, secret, effects] = process.argv.slice(2);
const seen = new Set();

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (mode !== "no-verify") {
      const signature = req.headers["x-hub-signature-256"];
      let valid = false;
      try {
        valid = typeof signature === "string" && (await verify(secret, body, signature));
      } catch {
        valid = false;
      }
      if (!valid) {
        res.writeHead(401, { "content-type": "text/plain" }).end("signature does not match");
        return;
      }
    }
    const id = String(req.headers["x-github-delivery"] ?? "");
    if (!seen.has(id)) {
      seen.add(id);
      if (effects) appendFileSync(effects, `${id}\n`);
    }
    res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ received: id }));
  });
});
server.listen(Number(process.env.CHECK_HANDLER_PORT ?? 0), "127.0.0.1", () => {
  console.log(server.address().port);
});
