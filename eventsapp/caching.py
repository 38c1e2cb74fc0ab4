"""Per-process caches: one small helper for every cache the app keeps in a worker's memory.

Each worker process has its own caches (nothing here is shared between processes or servers), so
whatever is cached must be keyed by everything that makes it (the .ics of an event version, a feed
by URL and ETag) or be allowed to be a few seconds stale (the public list for anonymous visitors).
A cache is named, bounded (by entries or by bytes) and may expire entries after ``ttl`` seconds.
Invalidation goes through :func:`forget`, the one place that empties caches when data changes.

The caches today: ``events.list_pages``, ``events.detail_pages`` and ``events.filter_choices``
(events.views, forgotten by events.services on any event change), ``registration.ics``
(registration.emails), ``registration.sector_choices`` (registration.forms; reference data, five
minutes), ``feeds.built`` (feeds.cache). ``tests/test_caching.py`` keeps it the only one: no module
keeps its own cache in ``app.extensions``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import current_app

REGISTRY = "eventsapp.caches"


class ProcessCache:
    """Least recently used entries, at most ``max_entries`` of them or ``max_bytes`` of ``bytes``/``str``
    values in all, each kept for at most ``ttl`` seconds (None: until evicted); thread-safe."""

    def __init__(self, *, max_entries: int | None = None, max_bytes: int | None = None, ttl: float | None = None):
        self.settings = (max_entries, max_bytes, ttl)
        self.max_entries, self.max_bytes, self.ttl = max_entries, max_bytes, ttl
        self._items: OrderedDict[Hashable, tuple[float, Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            stored_at, value, _size = item
            if self.ttl is not None and time.monotonic() - stored_at >= self.ttl:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        size = len(value) if isinstance(value, bytes | str) else 0
        if self.max_bytes is not None and size > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic(), value, size)
            self._size += size
            while self._items and (
                (self.max_entries is not None and len(self._items) > self.max_entries)
                or (self.max_bytes is not None and self._size > self.max_bytes)
            ):
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def _drop(self, key: Hashable) -> None:
        _stored_at, _value, size = self._items.pop(key)
        self._size -= size

    def __len__(self) -> int:
        return len(self._items)


def process_cache(name: str, *, max_entries: int | None = None, max_bytes: int | None = None,
                  ttl: float | None = None) -> ProcessCache:
    """The current app's cache called ``name`` in this process (a new, empty one when its settings
    changed, e.g. a TTL read from the configuration)."""
    registry: dict[str, ProcessCache] = current_app.extensions.setdefault(REGISTRY, {})
    cache = registry.get(name)
    if cache is None or cache.settings != (max_entries, max_bytes, ttl):
        cache = registry[name] = ProcessCache(max_entries=max_entries, max_bytes=max_bytes, ttl=ttl)
    return cache


def forget_all() -> None:
    """Empty every cache of the current app in this process (an erasure: nothing cached outlives it)."""
    for cache in current_app.extensions.get(REGISTRY, {}).values():
        cache.clear()


def forget(*names: str) -> None:
    """Empty the named caches of the current app in this process (data they were made from changed)."""
    registry: dict[str, ProcessCache] = current_app.extensions.get(REGISTRY, {})
    for name in names:
        cache = registry.get(name)
        if cache is not None:
            cache.clear()
