"""``flask export-calendar`` writes the same public feed as the web."""

from __future__ import annotations

from eventsapp.feeds.ical import event_uid


def test_export_calendar_writes_public_events(runner, db, make_event, make_programme, parse, tmp_path):
    programme = make_programme(name="Regional convening")
    inside = make_event(programme=programme)
    make_event(programme=programme, status="draft")
    make_event()
    target = tmp_path / "out.ics"

    result = runner.invoke(args=["export-calendar", "--programme", programme.slug, "-o", str(target)])

    assert result.exit_code == 0, result.output
    parsed = parse(target.read_bytes())
    assert parsed.uids() == {event_uid(inside)}
    assert str(parsed.icalendar["X-WR-CALNAME"]) == "Regional convening"


def test_export_calendar_to_stdout_with_filters(runner, db, make_event, parse):
    leeds = make_event(region_code="TLE", title="Leeds gathering")
    make_event(region_code="TLJ")

    result = runner.invoke(args=["export-calendar", "--region", "tle", "--query", "gathering"])

    assert result.exit_code == 0, result.output
    assert parse(result.stdout_bytes).uids() == {event_uid(leeds)}


def test_export_calendar_rejects_an_unknown_scope(runner, db):
    result = runner.invoke(args=["export-calendar", "--programme", "nope"])
    assert result.exit_code == 2
    assert "no programme with slug 'nope'" in result.output
