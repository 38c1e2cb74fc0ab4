"""Create the organiser and event the bench reads in pretix (run once, in pretix's Python).

An organiser ``bench``, a live event ``bench`` a year ahead (so its shop is still open on later runs)
with one free ticket and a quota, so ``/bench/bench/`` is a shop front page with something to book.
"""

from __future__ import annotations

import os
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")

import django  # noqa: E402

django.setup()

from django.utils.timezone import now  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from pretix.base.models import Event, Organizer  # noqa: E402

from bench.peer.pretix import EVENT_NAME  # noqa: E402


def main() -> None:
    with scopes_disabled():
        organizer, _ = Organizer.objects.get_or_create(slug="bench", defaults={"name": "Bench Partnership"})
        event = Event.objects.filter(organizer=organizer, slug="bench").first()
        if event is None:
            event = Event.objects.create(organizer=organizer, slug="bench", name=EVENT_NAME,
                                         date_from=now() + timedelta(days=365), currency="GBP", live=True)
            item = event.items.create(name="Ticket", default_price=0, active=True)
            quota = event.quotas.create(name="Places", size=150)
            quota.items.add(item)
        print(f"pretix: event {organizer.slug}/{event.slug} ready")


if __name__ == "__main__":
    main()
