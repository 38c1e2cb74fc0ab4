"""A small in-process cache of built feeds, keyed by URL and ETag.

The generator's output is a pure function of the rows the ETag is computed
from (see :mod:`eventsapp.feeds.ical`), so once one subscriber has made a
feed build, every other subscriber polling the same URL before the next change
gets the same bytes without rebuilding. Each worker process keeps its own,
bounded by ``FEED_CACHE_BYTES`` (default 16 MB; 0 turns it off).
"""

from __future__ import annotations

from flask import current_app

from eventsapp.caching import ProcessCache, process_cache

DEFAULT_BUDGET = 16 * 1024 * 1024


def feed_cache() -> ProcessCache | None:
    """This process's cache of built feeds (at most ``FEED_CACHE_BYTES``), or None when that is 0."""
    budget = int(current_app.config.get("FEED_CACHE_BYTES", DEFAULT_BUDGET))
    if budget <= 0:
        return None
    return process_cache("feeds.built", max_bytes=budget)
