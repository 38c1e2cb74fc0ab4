"""Export a programme as a ZIP of CSVs, and the round trip: export -> import elsewhere -> same report."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import asdict

from sqlalchemy import select

from eventsapp import create_app
from eventsapp.demo import DEMO_PROGRAMME_SLUG, seed_demo
from eventsapp.extensions import db as _db
from eventsapp.imports.services import commit_import
from eventsapp.imports.summary import ImportTarget
from eventsapp.models import Programme
from eventsapp.reference_data import seed_reference_data
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from tests.conftest import base_config


def _read(archive: zipfile.ZipFile, name: str) -> list[dict]:
    raw = archive.read(name)
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name} is not UTF-8 with BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def comparable(report) -> dict:
    """The report without database ids and generation time."""
    return {
        "figures": asdict(report.figures),
        "headline": report.headline,
        "sectors": [asdict(row) for row in report.sectors],
        "regions": [asdict(row) for row in report.regions],
        "events": sorted((e.title, e.starts_at, e.town, e.region, e.host, e.registrations, e.cancellations,
                          e.attendances, e.no_shows, e.people, e.organisations) for e in report.events),
        "hosts": sorted((h.name, h.events, h.attendances, h.people, h.organisations) for h in report.hosts),
        "sector_region": sorted(asdict(c).items() for c in report.sector_region),
    }


def test_export_holds_every_file_with_a_readme_and_safe_cells(runner, db, tmp_path, make_programme, make_event,
                                                              make_registration, make_organisation, make_person):
    programme = make_programme(slug="p")
    organisation = make_organisation("=cmd|' /C calc'!A0")
    event = make_event(programme=programme)
    make_registration(event=event, organisation=organisation, attended=True,
                      person=make_person(first_name="@Ann", last_name="Jones"))
    make_registration(event=make_event(), organisation=organisation)  # not in the programme
    output = tmp_path / "p.zip"
    result = runner.invoke(args=["export-programme", "p", "--output", str(output)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as archive:
        names = set(archive.namelist())
        assert {"README.txt", "events.csv", "organisations.csv", "people.csv", "registrations.csv",
                "attendances.csv", "questions.csv", "answers.csv", "equality_summary.csv"} <= names
        readme = archive.read("README.txt").decode()
        assert "registrations.csv" in readme and "organisation as entered" in readme
        registrations = _read(archive, "registrations.csv")
        assert len(registrations) == 1
        assert registrations[0]["first name"] == "'@Ann" and registrations[0]["attended"] == "yes"
        organisations = _read(archive, "organisations.csv")
        assert "'=cmd|' /C calc'!A0" in {o["name"] for o in organisations}
        assert len(_read(archive, "attendances.csv")) == 1
    missing = runner.invoke(args=["export-programme", "nope", "--output", str(tmp_path / "x.zip")])
    assert missing.exit_code != 0 and "No programme" in missing.output


def test_round_trip_export_then_import_into_an_empty_database_gives_the_same_report(
        db, app, tmp_path, fresh_engine_url):
    seed_demo()
    db.session.commit()
    programme = db.session.scalar(select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    original = comparable(build_report(ReportScope(programme_id=programme.id)))
    assert original["figures"]["attendances"] == 358 and original["figures"]["people"] == 346
    output = tmp_path / "export.zip"
    from eventsapp.imports.export import export_programme

    export_programme(programme, output)
    with zipfile.ZipFile(output) as archive:
        (tmp_path / "registrations.csv").write_bytes(archive.read("registrations.csv"))

    other = create_app(base_config(tmp_path / "other", fresh_engine_url))
    with other.app_context():
        _db.create_all()
        seed_reference_data()
        _db.session.commit()
        summary = commit_import(tmp_path / "registrations.csv",
                                ImportTarget(programme_slug="copy", create_events=True))
        assert summary.ok
        copy = _db.session.scalar(select(Programme).where(Programme.slug == "copy"))
        imported = comparable(build_report(ReportScope(programme_id=copy.id)))
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()
    assert imported == original


def test_export_edge_cases_merges_formulas_clock_change_questions(
        db, tmp_path, make_programme, make_event, make_registration, make_organisation, make_person):
    """Each file, parsed: merged organisations and their aliases, formula-like cells, no email, no
    organisation, unlimited capacity, a start on the night the clocks go forward, questions and answers."""
    from datetime import datetime

    from eventsapp.imports.export import export_programme
    from eventsapp.models import OrganisationAlias
    from eventsapp.models.organisation import normalise_organisation_name
    from eventsapp.models.questions import EventQuestion, RegistrationAnswer

    seed_demo()
    db.session.commit()
    programme = db.session.scalar(select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    survivor = make_organisation("-Survivor Trust")
    merged = make_organisation("Old Name Trust", sector_code="police", merged_into_id=survivor.id)
    for name in ("Old Name Trust", "+Another Name"):
        db.session.add(OrganisationAlias(organisation=survivor, name=name,
                                         normalised_key=normalise_organisation_name(name)))
    same_start = datetime(2026, 3, 29, 0, 30)  # UTC, the night the clocks go forward (at 01:00 UTC)
    first = make_event(programme=programme, starts_at=same_start, capacity=None, title="=SUM(A1)", town="@town")
    second = make_event(programme=programme, starts_at=same_start, capacity=12, host=merged)
    question = EventQuestion(event_id=first.id, label="Dietary?", kind="multiple_choice",
                             choices="  vegan\n\n=halal\n", required=True, position=-1)
    db.session.add(question)
    registration = make_registration(event=first, organisation=merged, attended=True, job_title="-chair",
                                     person=make_person(first_name="=Ann", last_name="O'Neil", email=None))
    cancelled = make_registration(event=second, organisation=None, status="cancelled", source="manual")
    waitlisted = make_registration(event=second, organisation=survivor, status="waitlisted")
    db.session.add(RegistrationAnswer(registration=registration, question=question, value="vegan\n =halal \n"))
    registration.attendance.note = "+late"
    db.session.commit()

    output = tmp_path / "programme.zip"
    counts = export_programme(programme, output)
    with zipfile.ZipFile(output) as archive:
        files = {name: _read(archive, name) for name in counts}
    assert counts == {name: len(rows) for name, rows in files.items()}

    events = {row["event id"]: row for row in files["events.csv"]}
    assert (events[str(first.id)]["event title"], events[str(first.id)]["town"]) == ("'=SUM(A1)", "'@town")
    for event in (first, second):  # 00:30 UTC is still 00:30 GMT: the clocks go forward at 01:00 UTC
        assert (events[str(event.id)]["event date"], events[str(event.id)]["start time"]) == ("2026-03-29", "00:30")
    assert (events[str(first.id)]["capacity"], events[str(second.id)]["capacity"]) == ("", "12")

    organisations = {row["organisation id"]: row for row in files["organisations.csv"]}
    assert organisations[str(survivor.id)]["name"] == "'-Survivor Trust"
    assert set(organisations[str(survivor.id)]["aliases"].split(" | ")) == {"Old Name Trust", "+Another Name"}
    assert (organisations[str(merged.id)]["merged into id"], organisations[str(merged.id)]["sector"]) == (
        str(survivor.id), "police")

    (person,) = [row for row in files["people.csv"] if row["person id"] == str(registration.person_id)]
    assert (person["first name"], person["last name"], person["email"]) == ("'=Ann", "O'Neil", "")

    registrations = {row["registration id"]: row for row in files["registrations.csv"]}
    mine = registrations[str(registration.id)]
    # Figures count the survivor of a merge; what the person typed is kept beside it.
    assert (mine["organisation"], mine["organisation id"], mine["organisation as entered"]) == (
        "'-Survivor Trust", str(survivor.id), "Old Name Trust")
    assert (mine["job title"], mine["attended"], mine["registration status"]) == ("'-chair", "yes", "confirmed")
    assert [registrations[str(r.id)]["registration status"] for r in (cancelled, waitlisted)] == [
        "cancelled", "waitlisted"]
    assert (registrations[str(cancelled.id)]["organisation"], registrations[str(cancelled.id)]["source"]) == (
        "", "manual")

    (attendance,) = [row for row in files["attendances.csv"] if row["registration id"] == str(registration.id)]
    assert attendance["note"] == "'+late"
    assert files["questions.csv"] == [{
        "question id": str(question.id), "event id": str(first.id), "label": "Dietary?",
        "kind": "multiple_choice", "choices": "vegan | =halal", "required": "yes", "position": "-1",
        "sensitive": "no"}]
    assert files["answers.csv"] == [
        {"registration id": str(registration.id), "question id": str(question.id), "value": "vegan | =halal"}]
