"""Issue 17's acceptance: a ticketing tool's 400-row XLSX (date cells, a status of "Checked In" and
"Attending", the sector asked as a question, organisations spelt many ways, no region or host) gives
exactly the figures of its rows; new events it does not describe are named once each, not per row."""

from __future__ import annotations

import csv
from fractions import Fraction

from sqlalchemy import select

from eventsapp.models import Event, Programme, Sector
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from tests.imports.conftest import table_counts
from tests.imports.tools import ticketing_workbook


def _expected(workbook) -> dict:
    """The figures, counted here from the generator's rows (not by the app)."""
    attended = [row for row in workbook.rows if row[2]]
    organisations: dict[str, str] = {row[3]: row[4] for row in attended if row[3]}
    per_sector: dict[str, int] = {}
    for code in organisations.values():
        per_sector[code] = per_sector.get(code, 0) + 1
    ranked = sorted(per_sector.items(), key=lambda item: -item[1])
    assert len({count for _, count in ranked}) == len(ranked)  # no ties for the headline to break
    named, covered = [], 0
    for code, count in ranked:
        if len(named) == 4 or Fraction(covered, len(organisations)) >= Fraction(2, 3):
            break
        named.append(code)
        covered += count
    return {"attendances": len(attended), "people": len({row[0] for row in attended}),
            "organisations": len(organisations), "registrations": len(workbook.rows), "named": named}


def _events_file(path, events) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Date", "Region", "Host"])
        for title, day, region, _town, host in events:
            writer.writerow([title, day.strftime("%d/%m/%Y"), region, host])


def test_the_400_row_workbook_gives_the_exact_figures_and_headline_sectors(runner, db, tmp_path):
    workbook = ticketing_workbook()
    assert len(workbook.rows) == 400
    path = tmp_path / "attendees.xlsx"
    path.write_bytes(workbook.data)
    expected = _expected(workbook)
    assert expected["attendances"] < 400  # "Attending" rows are bookings, not attendances

    args = ["import-attendance", str(path), "--programme", "gr-2013", "--create-events"]
    before = table_counts(db)
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1
    lines = [line for line in refused.output.splitlines() if line.startswith("Error: The new event")]
    assert len(lines) == 11  # one per new event, not one per row
    assert "“Good Relations in Bristol” on 01/10/2013" in refused.output
    assert all("needs a region and a host organisation" in line for line in lines)
    assert "--events FILE" in refused.output and "row " not in refused.output.casefold().replace("rows)", "")
    db.session.expire_all()
    assert table_counts(db) == before

    events_file = tmp_path / "events.csv"
    _events_file(events_file, workbook.events)
    result = runner.invoke(args=[*args, "--events", str(events_file)])
    assert result.exit_code == 0, result.output
    assert "“Attendee Status” → Attended (e.g. Checked In, Attending)" in result.output
    assert "“Session Date” → Event date (e.g. 17/01/2013" in result.output
    assert "“What sector is your organisation in?” → Sector" in result.output

    programme = db.session.scalar(select(Programme).where(Programme.slug == "gr-2013"))
    report = build_report(ReportScope(programme_id=programme.id))
    assert report.figures.events == 11
    assert report.figures.attendances == expected["attendances"]
    assert report.figures.people == expected["people"]
    assert report.figures.organisations == expected["organisations"]
    assert report.figures.registrations == expected["registrations"]
    plurals = {s.code: s.plural for s in db.session.scalars(select(Sector))}
    named = [plurals[code] for code in expected["named"]]
    joined = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
    assert f"primarily from {joined}." in report.headline
    hosts = {e.title: (e.region.code, e.host.name) for e in
             db.session.scalars(select(Event).where(Event.programme_id == programme.id))}
    assert hosts["Good Relations in Bristol"] == ("TLK", "Bristol Youth Offending Team")


def test_the_events_file_must_name_and_date_its_events(runner, db, tmp_path):
    workbook = ticketing_workbook()
    path = tmp_path / "attendees.xlsx"
    path.write_bytes(workbook.data)
    events_file = tmp_path / "events.csv"
    events_file.write_text("Name,Date,Region,Host\nGood Relations in Bristol,10/31/2013,TLK,Bristol YOT\n")
    result = runner.invoke(args=["import-attendance", str(path), "--programme", "gr", "--create-events",
                                 "--events", str(events_file)])
    assert result.exit_code == 2 and "row 2: “10/31/2013” is not a real date" in result.output
    without = runner.invoke(args=["import-attendance", str(path), "--programme", "gr", "--events",
                                  str(events_file)])
    assert without.exit_code == 2 and "needs --create-events" in without.output
