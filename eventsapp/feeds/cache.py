"""A small in-process cache of built feeds, keyed by URL and ETag.

The generator's output is a pure function of the rows the ETag is computed
from (see :mod:`eventsapp.feeds.ical`), so once one subscriber has made a
feed build, every other subscriber polling the same URL before the next change
gets the same bytes without rebuilding. Each worker process keeps its own,
bounded by ``FEED_CACHE_BYTES`` (default 16 MB; 0 turns it off).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app

DEFAULT_BUDGET = 16 * 1024 * 1024


class FeedCache:
    """Least-recently-used bytes, bounded by their total size."""

    def __init__(self, budget: int):
        self.budget = budget
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        if len(body) > self.budget:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = body
            self._size += len(body)
            while self._size > self.budget:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted)

    def __len__(self) -> int:
        return len(self._items)


def feed_cache() -> FeedCache | None:
    """This app's cache, or None when ``FEED_CACHE_BYTES`` is 0."""
    budget = int(current_app.config.get("FEED_CACHE_BYTES", DEFAULT_BUDGET))
    if budget <= 0:
        return None
    cache = current_app.extensions.get("feeds_cache")
    if cache is None or cache.budget != budget:
        cache = current_app.extensions["feeds_cache"] = FeedCache(budget)
    return cache
