"""Webhook handlers written the ways people write them, right and wrong, for `hookscope check`
to grade (crates/hookscope/tests/it/check.rs). Each verifies with the vendor's own library where
the vendor has one: Stripe's `stripe.Webhook`, Standard Webhooks' `standardwebhooks.Webhook`.
Python's http.server serves it on a free loopback port, which it prints first.

Usage: check_handler.py VENDOR MODE SECRET [EFFECTS_FILE]

VENDOR: stripe | standard-webhooks
MODE:
  correct       verifies the raw body with the library, dedupes by event id, answers 2xx
  no-verify     never checks the signature
  reserialize   verifies json.dumps(json.loads(body)) instead of the bytes it got
  no-tolerance  verifies the signature but not how old its timestamp is
  dedupe-409    answers 409 to an event id it has seen
  double-work   does the work for every delivery, repeats included
  slow          takes longer than the vendor waits on its first delivery (a cold start):
                SECONDS (the fifth argument, default 6) before it answers
  small-limit   refuses bodies over 100 kB with 413, as Express's default does
EFFECTS_FILE: the work done is a line appended to this file per event processed.
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import standardwebhooks
import stripe

VENDOR, MODE, SECRET = sys.argv[1], sys.argv[2], sys.argv[3]
EFFECTS = sys.argv[4] if len(sys.argv) > 4 else None
SEEN = set()
LOCK = threading.Lock()
FIRST = True


class Refused(Exception):
    pass


def verify(body, headers):
    """The event, verified as the mode says; raises Refused."""
    signed = body
    if MODE == "reserialize":
        # The classic bug: the framework parsed the body, and the handler verifies what it
        # serializes back (express.json() then JSON.stringify(req.body)).
        signed = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()
    if MODE == "no-verify":
        return json.loads(body)
    try:
        if VENDOR == "stripe":
            header = headers.get("Stripe-Signature", "")
            if MODE == "no-tolerance":
                stripe.WebhookSignature.verify_header(
                    signed.decode(), header, SECRET, tolerance=None
                )
                return json.loads(body)
            return stripe.Webhook.construct_event(signed, header, SECRET)
        if VENDOR == "standard-webhooks":
            wh = standardwebhooks.Webhook(SECRET)
            wanted = {k: headers.get(k, "") for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
            if MODE == "no-tolerance":
                # The signature only, as a handler that skipped the timestamp check computes it.
                expected = wh.sign(wanted["webhook-id"], _time(wanted["webhook-timestamp"]), signed.decode())
                if expected not in wanted["webhook-signature"].split():
                    raise Refused("No matching signature found")
                return json.loads(body)
            return wh.verify(signed, wanted)
    except (ValueError, KeyError, stripe.SignatureVerificationError, standardwebhooks.WebhookVerificationError) as e:
        raise Refused(str(e) or type(e).__name__)
    raise Refused(f"unknown vendor {VENDOR}")


def _time(text):
    from datetime import datetime, timezone

    return datetime.fromtimestamp(int(text), tz=timezone.utc)


def event_id(event, headers):
    return headers.get("webhook-id") or event["id"]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        if MODE == "small-limit" and length > 100 * 1024:
            self.rfile.read(length)
            self.answer(413, b"request entity too large")
            return
        body = self.rfile.read(length)
        try:
            event = verify(body, self.headers)
        except Refused as e:
            self.answer(400, str(e).encode())
            return
        eid = event_id(event, self.headers)
        with LOCK:
            repeat = eid in SEEN
            SEEN.add(eid)
        if repeat and MODE == "dedupe-409":
            self.answer(409, b"duplicate event")
            return
        global FIRST
        with LOCK:
            first, FIRST = FIRST, False
        if MODE == "slow" and first:
            time.sleep(float(sys.argv[5]) if len(sys.argv) > 5 else 6.0)
        if EFFECTS and (not repeat or MODE == "double-work"):
            with LOCK, open(EFFECTS, "a") as f:
                f.write(f"{eid}\n")
        self.answer(200, json.dumps({"received": eid}).encode())

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# CHECK_HANDLER_PORT: a fixed port, so that a test can put another handler where one was.
server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("CHECK_HANDLER_PORT", "0"))), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
