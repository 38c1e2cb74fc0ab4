"""A real HTTP receiver on loopback for webhook deliveries (a threading http.server)."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    #: Statuses to answer, in order; 200 once they run out.
    plan: list[int] = field(default_factory=list)
    #: Seconds to wait before answering (a slow receiver).
    delay: float = 0


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The README's recipe ("Webhooks and embedding"), as written there: split ``t=…,v1=…``,
    HMAC-SHA256 the secret over ``"{t}.{body}"``, compare in constant time, refuse an old timestamp."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) <= tolerance


@pytest.fixture
def receiver():
    state = Receiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            time.sleep(state.delay)
            with lock:
                state.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status = state.plan.pop(0) if state.plan else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            answer = b"ok" if status < 300 else b"receiver is down"
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/eventsapp"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
