"""B8: the public ICS feed of ~1,000 events: first request, then a repeat with If-None-Match.

Runs the app in-process (Flask test client) so that calls to the generator
``events_to_ical`` can be counted: the repeat must answer 304 without calling it.
"""

from __future__ import annotations

import sys

from bench.core import Context, FeatureMissing, Row, feature, fmt_seconds, measure, ratio, timed
from bench.generate import Sizes, ensure_dataset

TITLE = "ICS feed, repeat with If-None-Match"
TARGET = "304, feed not rebuilt"


def worker(url: str) -> dict:
    import icalendar

    from bench.generate import make_app

    real = feature("eventsapp.feeds.ical", "events_to_ical")
    app = make_app(url, CHECK_DATABASE_ON_START=False)
    if not any(rule.rule == "/calendar.ics" for rule in app.url_map.iter_rules()):
        raise FeatureMissing("no route /calendar.ics")
    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    # Wrap the generator wherever a module imported it by name.
    for module in list(sys.modules.values()):
        if (getattr(module, "__name__", "") or "").startswith("eventsapp") and \
                getattr(module, "events_to_ical", None) is real:
            module.events_to_ical = counting
    client = app.test_client()
    client.get("/bench-warm-up-404")  # first-request setup, not part of either timing
    first_s, first = timed(client.get, "/calendar.ics")
    builds_first = len(calls)
    etag = first.headers.get("ETag")
    events = len(icalendar.Calendar.from_ical(first.data).walk("VEVENT")) if first.status_code == 200 else 0
    headers = {"If-None-Match": etag} if etag else {}
    repeat_s, repeat = timed(client.get, "/calendar.ics", headers=headers)
    rebuilt = len(calls) - builds_first
    fresh_s, _fresh = timed(client.get, "/calendar.ics")  # without If-None-Match: rebuilt again
    return {"first_seconds": first_s, "first_status": first.status_code, "events": events,
            "bytes": len(first.data), "etag": etag, "builds_first": builds_first,
            "repeat_seconds": repeat_s, "repeat_status": repeat.status_code, "rebuilt_on_repeat": rebuilt,
            "uncached_repeat_seconds": fresh_s}


def run(ctx: Context) -> list[Row]:
    feature("eventsapp.feeds.ical", "events_to_ical")
    # ~1,000 events in the feed at scale 1: upcoming ones, and past ones from the last 90 days.
    n = ctx.n(1660, minimum=8)
    url = ctx.sqlite_path("b8")
    ensure_dataset(url, Sizes(organisations=200, people=400, events=n, attendances=max(10, n),
                              checkin_registrations=10, upcoming_per_event=2))
    result = measure("bench.benchmarks.b8_ical:worker", url=url)
    ok = result["repeat_status"] == 304 and result["rebuilt_on_repeat"] == 0 and result["builds_first"] >= 1
    note = "" if result["builds_first"] else "the first request did not call events_to_ical (not counted)"
    return [
        Row("B8", f"GET /calendar.ics, {result['events']:,} events ({result['bytes'] // 1024:,} KiB), "
            "repeat with If-None-Match",
            f"{fmt_seconds(result['repeat_seconds'])}, {result['repeat_status']}, "
            f"rebuilt {result['rebuilt_on_repeat']}x",
            f"{fmt_seconds(result['first_seconds'])}, {result['first_status']} first",
            ratio(result["repeat_seconds"], result["first_seconds"]), TARGET, ok, note, data=result),
    ]
