"""One definition of no-shows (eventsapp.reports.model.no_show_count): the event's manage page, the
desk, the attendance page and every report output give the same figure, before and after attendance
is marked final, and after a late tick."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

from eventsapp.models import utcnow
from eventsapp.reports.model import no_show_count
from tests import factories
from tests.reports.test_outputs import pdf_text


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def figures_everywhere(client, event) -> dict[str, int]:
    """The no-show figure as each page and output states it."""
    manage = _text(client.get(f"/events/{event.id}/manage").get_data(as_text=True))
    attendance = _text(client.get(f"/events/{event.id}/attendance").get_data(as_text=True))
    counts = client.get(f"/events/{event.id}/checkin/counts.json").get_json()
    api = client.get(f"/api/v1/reports?event={event.id}").get_json()
    rows = list(csv.reader(io.StringIO(client.get(f"/reports/report.csv?event={event.id}&table=events")
                                       .get_data().decode("utf-8-sig"))))
    page = _text(client.get(f"/reports/?event={event.id}").get_data(as_text=True))
    pdf = pdf_text(client.get(f"/reports/report.pdf?event={event.id}").data)
    return {
        "manage panel": int(re.search(r"No-shows (\d+)", manage).group(1)),
        "manage report panel": int(re.search(r"(\d+) no-shows? of", manage).group(1)),
        "attendance page": int(re.search(r"(\d+) no-shows?", attendance).group(1)),
        "desk counts.json": counts["no_shows"],
        "json total": api["no_shows"],
        "json by event": api["by_event"][0]["no_shows"],
        "csv events table": int(rows[1][rows[0].index("No-shows")]),
        "report page": int(re.search(r"No-shows: (\d+)", page).group(1)),
        "pdf": int(re.search(r"No-shows\s+(\d+)", pdf).group(1)),
    }


def test_every_output_counts_no_shows_alike_before_and_after_finalising(app, client, db, login_as):
    host = factories.make_organisation()
    event = factories.make_event(host=host, starts_at=utcnow() - timedelta(hours=4), capacity=10)
    registrations = [factories.make_registration(event=event, attended=n < 3) for n in range(5)]
    factories.make_registration(event=event, status="waitlisted")
    factories.make_registration(event=event, status="cancelled")
    login_as("organiser", host)
    assert no_show_count(5, 3) == 2

    before = figures_everywhere(client, event)
    assert set(before.values()) == {2}, before

    assert client.post(f"/events/{event.id}/attendance/no-shows", data={"confirm": "y"}).status_code == 302
    final = figures_everywhere(client, event)
    assert set(final.values()) == {2}, final

    # A late tick from the paper sheet turns a no-show into an attendance everywhere.
    late = registrations[3]
    assert client.post(f"/events/{event.id}/checkin/{late.id}/check-in").status_code in (200, 302)
    after = figures_everywhere(client, event)
    assert set(after.values()) == {1}, after


def test_an_event_not_yet_started_has_no_no_shows(client, db, login_as):
    host = factories.make_organisation()
    event = factories.make_event(host=host, starts_at=utcnow() + timedelta(days=2))
    factories.make_registration(event=event)
    login_as("organiser", host)
    counts = client.get(f"/events/{event.id}/checkin/counts.json").get_json()
    assert (counts["no_shows"], counts["held"]) == (0, False)
    manage = _text(client.get(f"/events/{event.id}/manage").get_data(as_text=True))
    assert "No-shows none yet: the event has not started" in manage
    assert json.loads(client.get(f"/api/v1/reports?event={event.id}").data)["events"] == 0
