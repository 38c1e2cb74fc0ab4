"""B10 (bench/peer): the ratio of ratios, and the one line ``make bench`` prints without pretix."""

from __future__ import annotations

import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.benchmarks import b10_peer
from bench.benchmarks.b10_peer import PeerComparison
from bench.core import Context
from bench.peer import pretix


def test_ratio_of_ratios_divides_each_page_by_its_own_hello_world():
    # ours: 150 of 1,500 req/s = 0.1 of Flask's hello; pretix: 20 of 2,000 = 0.01 of Django's
    comparison = PeerComparison(ours_page=150, ours_hello=1500, peer_page=20, peer_hello=2000)
    assert comparison.ours == pytest.approx(0.1)
    assert comparison.peer == pytest.approx(0.01)
    assert comparison.ratio_of_ratios == pytest.approx(10.0)
    # a faster machine (everything x 3) leaves it unchanged; a slower page of ours halves it
    assert PeerComparison(450, 4500, 60, 6000).ratio_of_ratios == pytest.approx(10.0)
    assert PeerComparison(75, 1500, 20, 2000).ratio_of_ratios == pytest.approx(5.0)


def test_no_ratio_when_a_side_served_nothing():
    assert PeerComparison(150, 1500, 0, 2000).ratio_of_ratios is None
    assert PeerComparison(150, 0, 20, 2000).ratio_of_ratios is None
    assert PeerComparison(150, 1500, 20, 0).ratio_of_ratios is None


@pytest.mark.parametrize("where", ["a Python without pretix", "nowhere"])
def test_without_pretix_b10_prints_one_line_saying_how_to_install_it_and_adds_no_row(where, monkeypatch, capsys,
                                                                                       tmp_path):
    python = sys.executable if where == "a Python without pretix" else str(tmp_path / "nowhere" / "python")
    monkeypatch.setenv("PRETIX_PYTHON", python)
    ctx = Context(scale=0.01, sqlite_url=f"sqlite:///{tmp_path / 'unused.db'}", pg_url=None)
    assert b10_peer.run(ctx) == []
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 1 and captured.err == ""
    reason = (f"pretix is not installed (PRETIX_PYTHON: {python})" if where == "a Python without pretix"
              else f"PRETIX_PYTHON={python} does not exist")
    assert lines[0].startswith(f"B10 skipped: {reason} (to compare with pretix: ")
    assert "pip install pretix gunicorn" in lines[0] and "PRETIX_PYTHON=~/pretix-venv/bin/python make bench" in lines[0]
    assert not (tmp_path / "unused.db").exists()  # nothing generated, nothing served


def test_a_missing_pretix_python_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PRETIX_PYTHON", str(tmp_path / "nowhere" / "python"))
    found, why = pretix.find()
    assert found is None and why == f"PRETIX_PYTHON={tmp_path / 'nowhere' / 'python'} does not exist"
    assert pretix.skip_message(why).startswith(f"B10 skipped: PRETIX_PYTHON={tmp_path / 'nowhere' / 'python'}")


def test_the_pretix_config_is_sqlite_on_the_served_port(tmp_path):
    text = pretix.config_text(tmp_path, 5093)
    assert "url=http://127.0.0.1:5093" in text
    assert "backend=sqlite3" in text and f"name={tmp_path / 'data' / 'db.sqlite3'}" in text


def test_with_a_redis_url_pretix_keeps_its_cache_and_sessions_there(tmp_path):
    text = pretix.config_text(tmp_path, 5093, "redis://127.0.0.1:6379/14")
    assert "[redis]\nlocation=redis://127.0.0.1:6379/14\nsessions=true" in text
    assert "[redis]" not in pretix.config_text(tmp_path, 5093)


def _listening_port() -> tuple[socket.socket, int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    return listener, listener.getsockname()[1]


def test_pretix_uses_redis_when_it_answers_unless_told_off(monkeypatch):
    monkeypatch.delenv("PRETIX_REDIS_URL", raising=False)
    listener, port = _listening_port()
    with listener:
        monkeypatch.setattr(pretix, "DEFAULT_REDIS", f"redis://127.0.0.1:{port}/14")
        assert pretix.redis_url() == f"redis://127.0.0.1:{port}/14"
        monkeypatch.setenv("PRETIX_REDIS_URL", "off")
        assert pretix.redis_url() is None
        monkeypatch.setenv("PRETIX_REDIS_URL", "redis://127.0.0.1:6379/3")
        assert pretix.redis_url() == "redis://127.0.0.1:6379/3"
    monkeypatch.delenv("PRETIX_REDIS_URL")
    assert pretix.redis_url() is None  # nothing listens there any more


class _FakePretix(BaseHTTPRequestHandler):
    """Answers as pretix would, or as a broken set-up would (``front`` says which)."""

    front = "shop"

    def do_GET(self):  # noqa: N802  (http.server's name)
        if self.path == pretix.HELLO:
            self._answer(200, b"Hello, world!")
        elif self.path == pretix.FRONT_PAGE and self.front == "redirect":
            self.send_response(302)
            self.send_header("Location", "/control/login/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == pretix.FRONT_PAGE and self.front == "closed":
            self._answer(200, f"<h1>{pretix.EVENT_NAME}</h1><p>The presale period is over.</p>".encode())
        elif self.path == pretix.FRONT_PAGE:
            self._answer(200, (f"<h1>{pretix.EVENT_NAME}</h1><form method=post action=\"{pretix.FRONT_PAGE}cart/add?\">"
                               "</form><a>ticketing powered by pretix</a>").encode())
        else:
            self._answer(404, b"not found")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@pytest.mark.parametrize("front", ["shop", "redirect", "closed"])
def test_b10_measures_only_a_front_page_that_is_the_open_shop(front, monkeypatch):
    monkeypatch.setattr(_FakePretix, "front", front)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakePretix)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        if front == "shop":
            pretix.check_pages(server.server_address[1])
        else:
            with pytest.raises(RuntimeError, match=r"front page /bench/bench/ answered (302|200)") as raised:
                pretix.check_pages(server.server_address[1])
            assert "cart/add" in str(raised.value)
            if front == "redirect":
                assert "Location: /control/login/" in str(raised.value)
    finally:
        server.shutdown()
        server.server_close()
