"""One rule for formula-safe CSV cells (eventsapp.spreadsheets), and every CSV output goes through it."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from eventsapp.imports.export import export_programme
from eventsapp.models import utcnow
from eventsapp.registration.export import registrations_to_csv
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from eventsapp.reports.csv import render_csv
from eventsapp.spreadsheets import safe_cell
from tests import factories

HOSTILE_ORGANISATION = '=HYPERLINK("https://example.invalid","Kent Police")'
HOSTILE_NAME = "@SUM(A1)"


def _cells(data: bytes) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row}


def test_the_rule():
    assert [safe_cell(v) for v in ("=1+1", "+44 20", "-x", "@A1", "\tx", "\rx")] == [
        "'=1+1", "'+44 20", "'-x", "'@A1", "'\tx", "'\rx"]
    assert [safe_cell(v) for v in (None, -1, 2.5, "Kent Police", "a=b")] == ["", "-1", "2.5", "Kent Police", "a=b"]


def test_registrations_csv_report_csv_and_programme_export_escape_alike(db, tmp_path):
    programme = factories.make_programme()
    host = factories.make_organisation(HOSTILE_ORGANISATION)
    event = factories.make_event(host=host, programme=programme, starts_at=utcnow() - timedelta(days=2))
    person = factories.make_person(first_name=HOSTILE_NAME)
    factories.make_registration(event=event, person=person, organisation=host, attended=True)
    escaped_organisation, escaped_name = "'" + HOSTILE_ORGANISATION, "'" + HOSTILE_NAME

    registrations = _cells(registrations_to_csv(event))
    assert {escaped_organisation, escaped_name} <= registrations
    assert HOSTILE_ORGANISATION not in registrations and HOSTILE_NAME not in registrations

    hosts = _cells(render_csv(build_report(ReportScope(programme_id=programme.id)), "hosts"))
    assert escaped_organisation in hosts and HOSTILE_ORGANISATION not in hosts

    export_programme(programme, tmp_path / "export.zip")
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        organisations = _cells(archive.read("organisations.csv"))
        people = _cells(archive.read("people.csv"))
    assert escaped_organisation in organisations and HOSTILE_ORGANISATION not in organisations
    assert escaped_name in people and HOSTILE_NAME not in people
