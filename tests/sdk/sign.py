"""Signs test deliveries with the vendors' own Python SDKs and prints them as JSON lines:
{"name", "vendor", "secret", "headers": [[name, value]], "body"}. Run by
crates/hookscope/tests/sdk_vectors.rs, which posts each one to a real capture port."""

import json
import sys
from datetime import datetime, timezone

import standardwebhooks
import stripe
import svix

now = datetime.now(tz=timezone.utc)
out = []

body = json.dumps({"type": "invoice.paid", "data": {"id": "inv_1", "amount": 4200}})
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

wh = standardwebhooks.Webhook(secret)
sig = wh.sign("msg_sdk_standard_1", now, body)
out.append({
    "name": "standardwebhooks (Python)",
    "vendor": "standard-webhooks",
    "secret": secret,
    "headers": [["webhook-id", "msg_sdk_standard_1"],
                ["webhook-timestamp", str(int(now.timestamp()))],
                ["webhook-signature", sig]],
    "body": body,
})

sv = svix.webhooks.Webhook(secret)
sig = sv.sign("msg_sdk_svix_1", now, body)
out.append({
    "name": "svix (Python)",
    "vendor": "svix",
    "secret": secret,
    "headers": [["svix-id", "msg_sdk_svix_1"],
                ["svix-timestamp", str(int(now.timestamp()))],
                ["svix-signature", sig]],
    "body": body,
})

stripe_secret = "whsec_test_sdk_secret"
stripe_body = json.dumps({
    "id": "evt_sdk_1", "object": "event", "type": "invoice.paid",
    "created": int(now.timestamp()), "data": {"object": {"id": "in_1", "object": "invoice"}},
})
header = stripe.WebhookSignature.generate_signature_header(stripe_body, stripe_secret)
out.append({
    "name": "stripe (Python)",
    "vendor": "stripe",
    "secret": stripe_secret,
    "headers": [["Stripe-Signature", header]],
    "body": stripe_body,
})

for v in out:
    sys.stdout.write(json.dumps(v) + "\n")
