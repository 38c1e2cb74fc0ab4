"""B10 (bench/peer): the ratio of ratios, and the one line ``make bench`` prints without pretix."""

from __future__ import annotations

import sys

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


def test_without_pretix_b10_prints_one_line_saying_how_to_install_it_and_adds_no_row(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PRETIX_PYTHON", sys.executable)  # this Python has no pretix
    ctx = Context(scale=0.01, sqlite_url=f"sqlite:///{tmp_path / 'unused.db'}", pg_url=None)
    assert b10_peer.run(ctx) == []
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("B10 skipped: pretix is not installed (PRETIX_PYTHON: ")
    assert "pip install pretix gunicorn" in lines[0] and "PRETIX_PYTHON=~/pretix-venv/bin/python make bench" in lines[0]


def test_a_missing_pretix_python_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PRETIX_PYTHON", str(tmp_path / "nowhere" / "python"))
    found, why = pretix.find()
    assert found is None and why == f"PRETIX_PYTHON={tmp_path / 'nowhere' / 'python'} does not exist"
    assert pretix.skip_message(why).startswith(f"B10 skipped: PRETIX_PYTHON={tmp_path / 'nowhere' / 'python'}")


def test_the_pretix_config_is_sqlite_on_the_served_port(tmp_path):
    text = pretix.config_text(tmp_path, 5093)
    assert "url=http://127.0.0.1:5093" in text
    assert "backend=sqlite3" in text and f"name={tmp_path / 'data' / 'db.sqlite3'}" in text
