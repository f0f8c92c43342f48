"""A stand-in for LINE's Messaging API on 127.0.0.1 (the real one is not reachable from here): the
portal's LINE client (line-bot-sdk, with LINE_API_URL pointing here) pushes, replies, asks for link
tokens and reads the quota over real HTTP, and the test reads what arrived. It keeps LINE's rules
that the portal relies on: the access token, a push's X-Line-Retry-Key accepted once (a repeat
answers 409), and answers a test sets up (``fail``: a 500, a 429 with Retry-After, a 400).

Also ``sign(body)``: the X-Line-Signature LINE puts on a webhook delivery, computed here from the
specification (HMAC-SHA256 of the body with the channel secret, base64), not with the SDK."""

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PUSH, REPLY, QUOTA, CONSUMPTION = "/v2/bot/message/push", "/v2/bot/message/reply", "/v2/bot/message/quota", \
    "/v2/bot/message/quota/consumption"
LINK_TOKEN = re.compile(r"^/v2/bot/user/(U[0-9a-f]{32})/linkToken$")


def sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def user_id(n: int) -> str:
    """A LINE user ID as the Messaging API gives them: U and 32 hex digits."""
    return "U" + f"{n:032x}"


class LineApi:
    """What the stand-in received. ``pushes``: the accepted pushes (to, text, retry key);
    ``attempts``: every push request per retry key, accepted or not (a duplicate sent is a count
    above 1); ``replies``, ``link_tokens`` ({token: LINE user}); ``fail``: answers for the next push
    requests, each (status, headers, body); ``quota``: the month's limit."""

    def __init__(self, token: str, *, keep_texts: bool = True):
        self.token = token
        self.keep_texts = keep_texts
        self.pushes, self.replies = [], []
        self.attempts = Counter()
        self.accepted = set()
        self.link_tokens = {}
        self.fail = []
        self.quota = 1000
        self.lock = threading.Lock()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def to(self, line_user_id):
        return [p for p in self.pushes if p["to"] == line_user_id]

    # ------------------------------------------------------------ answers

    def answer(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict, dict]:
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {}, {"message": "Authentication failed"}
        if method == "GET" and path == QUOTA:
            return 200, {}, {"type": "limited", "value": self.quota}
        if method == "GET" and path == CONSUMPTION:
            return 200, {}, {"totalUsage": len(self.pushes)}
        if method != "POST":
            return 404, {}, {"message": "Not found"}
        data = json.loads(body or b"{}")
        if path == PUSH:
            return self._push(headers.get("X-Line-Retry-Key", ""), data)
        if path == REPLY:
            with self.lock:
                self.replies.append({"token": data["replyToken"], "text": data["messages"][0]["text"]})
            return 200, {}, {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
        if found := LINK_TOKEN.match(path):
            token = secrets.token_urlsafe(24)
            with self.lock:
                self.link_tokens[token] = found.group(1)
            return 200, {}, {"linkToken": token}
        return 404, {}, {"message": "Not found"}

    def _push(self, key: str, data: dict):
        with self.lock:
            self.attempts[key] += 1
            if self.fail:
                return self.fail.pop(0)
            if key and key in self.accepted:
                return 409, {}, {"message": "The retry key is already accepted", "sentMessages": []}
            if key:
                self.accepted.add(key)
            text = data["messages"][0]["text"] if self.keep_texts else ""
            self.pushes.append({"to": data["to"], "text": text, "key": key})
            number = len(self.pushes)
        return 200, {}, {"sentMessages": [{"id": str(number), "quoteToken": "q"}]}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as LINE's API: one connection per worker batch
    disable_nagle_algorithm = True  # else each small answer waits ~40 ms for the client's delayed ACK

    def _serve(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, headers, payload = self.server.api.answer(method, self.path, self.headers, body)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 - http.server's names
        self._serve("POST")

    def do_GET(self):  # noqa: N802
        self._serve("GET")

    def log_message(self, *args):
        pass


def start(token: str, *, keep_texts: bool = True) -> LineApi:
    api = LineApi(token, keep_texts=keep_texts)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.api = api
    api.server = server
    # A short poll: stopping waits for it (the default 0.5 s would be half a second per test).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="line-stub",
                     daemon=True).start()
    return api


def stop(api: LineApi) -> None:
    api.server.shutdown()
    api.server.server_close()
