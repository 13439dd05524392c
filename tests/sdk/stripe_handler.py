"""A webhook handler as an integrator writes one: it verifies each Stripe delivery with Stripe's
own library and answers 400 with the library's message when the signature does not hold, 200
otherwise. Python's http.server serves it on a free loopback port, which it prints first.

Usage: stripe_handler.py SECRET. Run by crates/hookscope/tests/it/handler.rs."""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import stripe

SECRET = sys.argv[1]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            event = stripe.Webhook.construct_event(
                body, self.headers.get("Stripe-Signature", ""), SECRET
            )
        except (ValueError, stripe.SignatureVerificationError) as e:
            self.answer(400, "text/plain", str(e).encode())
            return
        self.answer(200, "application/json", json.dumps({"received": event["id"]}).encode())

    def answer(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
