"""The one helper behind every per-process cache (eventsapp.caching)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import eventsapp
from eventsapp.caching import ProcessCache, forget, process_cache


def test_least_recently_used_entries_go_first():
    cache = ProcessCache(max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c"), len(cache)) == (1, None, 3, 2)


def test_a_byte_budget_bounds_the_total_and_refuses_what_cannot_fit():
    cache = ProcessCache(max_bytes=10)
    cache.put("a", b"12345")
    cache.put("b", b"123456")
    assert (cache.get("a"), cache.get("b")) == (None, b"123456")
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None and cache.get("b") == b"123456"


def test_entries_expire_after_their_ttl():
    cache = ProcessCache(ttl=0.05)
    cache.put("a", 1)
    assert cache.get("a") == 1
    time.sleep(0.06)
    assert cache.get("a") is None and len(cache) == 0


def test_named_caches_live_per_app_and_forget_empties_them(app):
    with app.app_context():
        first = process_cache("test.things", max_entries=5)
        first.put("k", "v")
        assert process_cache("test.things", max_entries=5) is first
        forget("test.things", "test.never-made")
        assert first.get("k") is None
        assert process_cache("test.things", max_entries=6) is not first  # new settings, new cache


def test_no_module_keeps_a_cache_of_its_own_in_app_extensions():
    """Per-process caches go through eventsapp.caching (bounded, named, forgotten in one place)."""
    root = Path(eventsapp.__file__).parent
    own = re.compile(r"\.extensions(\[|\.get\(|\.setdefault\()(?![\"']celery[\"'])")
    found = [f"{path.relative_to(root)}:{number}" for path in sorted(root.rglob("*.py")) if path.name != "caching.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if own.search(line)]
    assert found == []
