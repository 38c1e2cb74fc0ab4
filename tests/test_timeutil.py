"""Local (Europe/London) and UTC conversions across the clock changes."""

from datetime import datetime

from eventsapp.timeutil import date_in_words, plural, time_range, to_local, to_utc


def test_summer_time_is_an_hour_ahead_of_utc():
    assert to_utc(datetime(2026, 3, 28, 18, 30)) == datetime(2026, 3, 28, 18, 30)  # still GMT
    assert to_utc(datetime(2026, 3, 29, 18, 30)) == datetime(2026, 3, 29, 17, 30)  # BST from 29 March
    assert to_utc(datetime(2026, 10, 24, 18, 30)) == datetime(2026, 10, 24, 17, 30)
    assert to_utc(datetime(2026, 10, 25, 18, 30)) == datetime(2026, 10, 25, 18, 30)  # GMT again


def test_round_trip_and_words():
    stored = to_utc(datetime(2026, 7, 4, 10, 0))
    assert to_local(stored).strftime("%H:%M") == "10:00"
    assert date_in_words(stored) == "Saturday 4 July 2026"
    assert time_range(stored, to_utc(datetime(2026, 7, 4, 13, 0))) == "10:00–13:00"


def test_plural():
    assert plural(1, "event") == "1 event"
    assert plural(2, "event") == "2 events"
    assert plural(1346, "person", "people") == "1,346 people"
