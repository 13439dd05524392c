"""Writes the fuzzers' seed inputs into fuzz/corpus/<target>/ from the recorded deliveries in
fixtures/signed/ and a few hand-made edge cases. Each file is named by the SHA-1 of its content,
as libFuzzer names what it adds, so running this again adds nothing twice. The fuzzers grow the
corpus from these (`cargo xtask fuzz`); the test suite replays all of it.

    python3 fuzz/seed.py
"""
import glob
import gzip
import hashlib
import json
import os
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))


def put(target, data):
    d = os.path.join(ROOT, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


signed = []
for path in sorted(glob.glob(os.path.join(ROOT, "..", "fixtures", "signed", "*.json"))):
    d = json.load(open(path))
    headers = [(n, v) for n, v in d["headers"]]
    signed.append((headers, d["body"].encode()))

# Request heads as senders write them, and the odd ones.
for headers, body in signed:
    head = "POST /hooks/x?a=1 HTTP/1.1\r\nHost: h\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers)
    put("head", head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
for raw in [
    b"GET / HTTP/1.0\r\n\r\n",
    b"POST /caf\xe9/x HTTP/1.1\r\nX-Latin: caf\xe9\r\n\r\n",
    b"POST http://example.com/p?q=%41 HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"POST /a HTTP/1.1\r\nX-Dup: 1\r\nx-dup: 2\r\nX-Empty:\r\n\r\n",
    b"POST /a HTTP/1.1\nBare: lf\n\n",
    b"\r\n\r\nPOST /after-blank HTTP/1.1\r\n\r\n",
    b"POST /a HTTP/1.1\r\nFolded: a\r\n b\r\n\r\n",
    b"POST /\x1b]0;t\x07 HTTP/1.1\r\n\r\n",
]:
    put("head", raw)

# Chunked bodies and what follows them; the first byte seeds how reads are split.
for seed, wire in enumerate([
    b"5\r\nhello\r\n0\r\n\r\nPOST /next HTTP/1.1\r\n\r\n",
    b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n",
    b"A\r\n0123456789\r\n0\r\n\r\n",
    b"zz\r\nbroken\r\n",
    b"ffffffffffffffff\r\n",
    b"3\nabc\n0\n\nGET /lf HTTP/1.1\n\n",
    b"0\r\n\r\n",
]):
    put("chunked", bytes([seed * 37 % 256]) + wire)

# Content codings: the first byte picks the header (0 gzip, 1 deflate, 2 br, 3 x-gzip,
# 4 "gzip, br", 5 "deflate, gzip").
for _, body in signed[:4]:
    put("content_coding", b"\x00" + gzip.compress(body))
    put("content_coding", b"\x01" + zlib.compress(body))
    put("content_coding", b"\x01" + zlib.compress(body)[2:-4])  # raw deflate
    put("content_coding", b"\x03" + gzip.compress(body)[:20])  # cut short
put("content_coding", b"\x00" + gzip.compress(b"\0" * 100_000))  # a small bomb
put("content_coding", b"\x00" + gzip.compress(b"a") + gzip.compress(b"b"))  # two members
put("content_coding", b"\x05" + gzip.compress(zlib.compress(b"deflate inside gzip")))
put("content_coding", b"\x02\x0b\x02\x80hello\x03")  # brotli: "hello", uncompressed block

# Deliveries for the analysis (the first byte picks the endpoint's profile, or detection) and
# bodies to sign (the first byte picks the scheme).
for i, (headers, body) in enumerate(signed):
    text = "".join(f"{n}: {v}\n" for n, v in headers).encode()
    for pick in (i, 255):
        put("analysis", bytes([pick]) + text + b"\n" + body)
    put("signature", bytes([i]) + body)
put("analysis", b"\x02Content-Type: application/x-www-form-urlencoded\n\npayload=%7B%22a%22%3A1%7D")
put("analysis", b"\x00\n\n{\"type\": [1, {\"deep\": " * 20)
put("signature", b"\x00")
put("signature", b"\x01\xff\xfe not utf-8")

# Text a sender wrote, printed on a terminal.
for text in [
    "\x1b]0;TITLE\x07\x1b[2J\x1b]52;c;aGk=\x07",
    "abc\u202edef\u2066x\u2069",
    "line\r\nnext\ttab\rcr",
    "caf\u00e9 \U0001f980 \u009b31m",
]:
    put("visible", text.encode())
put("visible", b"bad \xff\xfe\n\x1b[0m")
