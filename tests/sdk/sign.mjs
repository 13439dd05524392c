// Signs a test delivery with GitHub's own @octokit/webhooks-methods and prints it as one JSON
// line, like sign.py. Run by crates/hookscope/tests/sdk_vectors.rs.
import { sign } from "@octokit/webhooks-methods";

const secret = "octokit-sdk-secret";
const body = JSON.stringify({ action: "opened", issue: { number: 1 }, repository: { full_name: "o/r" } });
const signature = await sign(secret, body);
console.log(JSON.stringify({
  name: "@octokit/webhooks-methods (Node)",
  vendor: "github",
  secret,
  headers: [["X-GitHub-Event", "issues"], ["X-GitHub-Delivery", "sdk-delivery-1"], ["X-Hub-Signature-256", signature]],
  body,
}));
