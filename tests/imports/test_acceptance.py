"""The issue's acceptance: a real-shaped programme file imports to exactly the figures it implies."""

from __future__ import annotations

from sqlalchemy import func, select

from eventsapp.models import Attendance, AttendanceLog, Event, Organisation, Programme, Sector
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from tests.imports.conftest import attendance_figures, table_counts
from tests.imports.samples import EVENTS, attendance_file


def test_358_rows_windows_1252_create_the_programme_with_the_implied_figures(runner, db, write_file):
    sample = attendance_file()
    assert sample.rows == 358 and sample.attendances == 358 and sample.people == 346
    path = write_file("sign-in-sheets.csv", sample.data)
    assert "’".encode("cp1252") in path.read_bytes()  # really Windows-1252, not UTF-8

    result = runner.invoke(args=["import-attendance", str(path), "--programme", "gr-2013", "--create-events"])
    assert result.exit_code == 0, result.output

    programme = db.session.scalar(select(Programme).where(Programme.slug == "gr-2013"))
    assert programme is not None
    figures = attendance_figures(db, "gr-2013")
    # Individuals (no organisation) count as people, not organisations; 235 names in many spellings.
    assert figures == {"attendances": 358, "people": 346, "organisations": sample.organisations}
    # Each imported attendance went through the check-in service: one audit-log entry per attendance.
    logged = db.session.execute(select(AttendanceLog.registration_id, AttendanceLog.action, AttendanceLog.method)).all()
    attended = set(db.session.scalars(select(Attendance.registration_id)))
    assert len(attended) == 358 and sorted(r for r, *_ in logged) == sorted(attended)
    assert {(action, method) for _, action, method in logged} == {("check_in", "import")}
    report = build_report(ReportScope(programme_id=programme.id))
    assert report.figures.attendances == 358
    assert report.figures.people == 346
    assert report.figures.organisations == sample.organisations
    assert report.figures.events == 11

    events = db.session.scalars(select(Event).where(Event.programme_id == programme.id)).all()
    # One event per (title, date) however the title was capitalised; dates read day first.
    assert sorted((e.title.casefold(), e.starts_at.date()) for e in events) == sorted(
        (t.casefold(), d) for t, d, *_ in EVENTS)
    assert {e.region.code for e in events} >= {"TLC", "TLD", "TLE", "TLF", "TLK"}
    # Hosts named in the file became organisations, with a proposed sector.
    host = db.session.scalar(select(Organisation).where(Organisation.name == "Bristol Youth Offending Team"))
    assert host is not None and host.sector.code == "youth_justice"
    # Sector words went through the synonym table.
    by_sector = dict(db.session.execute(
        select(Sector.code, func.count(Organisation.id)).join(Organisation.sector)
        .where(Organisation.id.in_(select(Organisation.id).where(Organisation.name != host.name)))
        .group_by(Sector.code)
    ).all())
    for code, count in sample.sectors.items():
        assert by_sector.get(code, 0) >= count


def test_reimporting_the_same_file_adds_nothing(runner, db, write_file):
    path = write_file("sheet.csv", attendance_file(no_shows=10).data)
    args = ["import-attendance", str(path), "--programme", "gr-2013", "--create-events"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    before = table_counts(db)
    assert before["registration"] == 368 and before["attendance"] == 358
    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    assert "0 registrations, 0 attendances" in second.output
    db.session.expire_all()
    assert table_counts(db) == before
