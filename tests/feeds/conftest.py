"""Helpers for the feeds tests: parse every calendar with two independent parsers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import icalendar
import pytest
import vobject

from eventsapp.timeutil import to_utc


@dataclass
class Parsed:
    raw: bytes
    icalendar: icalendar.Calendar
    vobject: vobject.base.Component

    @property
    def events(self) -> list[icalendar.Event]:
        return list(self.icalendar.walk("VEVENT"))

    @property
    def vevents(self) -> list:
        return list(self.vobject.contents.get("vevent", []))

    def event(self, uid: str) -> icalendar.Event:
        (found,) = [e for e in self.events if str(e["UID"]) == uid]
        return found

    def vevent(self, uid: str):
        (found,) = [e for e in self.vevents if e.uid.value == uid]
        return found

    def uids(self) -> set[str]:
        return {str(e["UID"]) for e in self.events}


def parse_calendar(raw: bytes) -> Parsed:
    """Parse with icalendar and vobject; both must accept the whole file and agree on the events."""
    calendar = icalendar.Calendar.from_ical(raw)
    assert not calendar.errors, calendar.errors
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
    other = vobject.readOne(raw.decode("utf-8"))
    parsed = Parsed(raw, calendar, other)
    assert {e.uid.value for e in parsed.vevents} == parsed.uids()
    assert len(parsed.vevents) == len(parsed.events)
    return parsed


@pytest.fixture
def parse():
    return parse_calendar


def local(year, month, day, hour, minute=0) -> datetime:
    """A London wall-clock time as the naive UTC the database stores."""
    return to_utc(datetime(year, month, day, hour, minute))
