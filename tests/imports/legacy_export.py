"""The programme export as it was before the Core rewrite (ORM entities per row), kept to check that
the rewrite writes byte-identical files (tests/imports/test_export.py)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased

from eventsapp.extensions import db
from eventsapp.models import (
    Attendance,
    Event,
    Organisation,
    OrganisationAlias,
    Person,
    Programme,
    Region,
    Registration,
    Sector,
    utcnow,
)
from eventsapp.timeutil import to_local

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")

#: file name -> [(column, meaning)]; the README is written from this.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "events.csv": [
        ("event id", "the event's id in the exporting installation"),
        ("event title", "title"),
        ("event date", "date, YYYY-MM-DD, local time (Europe/London unless configured otherwise)"),
        ("start time", "start, HH:MM local time"),
        ("end time", "end, HH:MM local time (the next day when earlier than the start)"),
        ("status", "draft, published or cancelled"),
        ("region", "ONS ITL1 region code (e.g. TLJ); NAT for national / online"),
        ("region name", "region name"),
        ("town", "town or city"),
        ("venue", "venue name"),
        ("host organisation", "name of the hosting organisation"),
        ("host organisation id", "id in organisations.csv"),
        ("capacity", "places available; empty means unlimited"),
    ],
    "organisations.csv": [
        ("organisation id", "id; registrations and events refer to it"),
        ("name", "the organisation's name"),
        ("sector", "stable sector code (e.g. police, youth_justice, community_voluntary)"),
        ("sector name", "sector name"),
        ("merged into id", "set when this organisation was merged into another; figures count the survivor"),
        ("aliases", "other names that resolve to this organisation, separated by ' | '"),
    ],
    "people.csv": [
        ("person id", "id; registrations refer to it"),
        ("first name", "first name"),
        ("last name", "last name"),
        ("email", "email address; empty for walk-ins and imports without one"),
    ],
    "registrations.csv": [
        ("registration id", "id; attendances and answers refer to it"),
        ("event id", "id in events.csv"),
        ("event title", "the event's title (lets this file be imported on its own)"),
        ("event date", "YYYY-MM-DD local date of the event"),
        ("start time", "HH:MM local"),
        ("end time", "HH:MM local"),
        ("region", "ITL1 region code of the event"),
        ("town", "town of the event"),
        ("host organisation", "the event's host"),
        ("person id", "id in people.csv"),
        ("first name", "the person's first name"),
        ("last name", "the person's last name"),
        ("email", "the person's email, if known"),
        ("organisation", "the organisation the person came from (after merges); empty for individuals"),
        ("organisation as entered", "the organisation name exactly as the person typed it"),
        ("organisation id", "id in organisations.csv (after merges)"),
        ("sector", "sector code of that organisation"),
        ("job title", "job title as given"),
        ("registration status", "confirmed, waitlisted or cancelled"),
        ("source", "how the registration was made: web, manual, walk_in, import, demo"),
        ("registered at", "date and time of registration, YYYY-MM-DD HH:MM local"),
        ("attended", "yes when an attendance was recorded, else no"),
    ],
    "attendances.csv": [
        ("registration id", "id in registrations.csv"),
        ("event id", "id in events.csv"),
        ("person id", "id in people.csv"),
        ("checked in at", "YYYY-MM-DD HH:MM local"),
        ("method", "desk, qr, walk_in, sheet or import"),
        ("note", "note recorded with the attendance"),
    ],
    "questions.csv": [
        ("question id", "id; answers refer to it"),
        ("event id", "id in events.csv"),
        ("label", "the question as asked"),
        ("kind", "short_text, long_text, single_choice, multiple_choice or yes_no"),
        ("choices", "the options, separated by ' | '"),
        ("required", "yes or no"),
        ("position", "order on the form"),
    ],
    "answers.csv": [
        ("registration id", "id in registrations.csv"),
        ("question id", "id in questions.csv"),
        ("value", "the answer; several choices separated by ' | '"),
    ],
    "equality_summary.csv": [
        ("characteristic", "ethnic group, religion, age, gender, disability …"),
        ("category", "census category or 'Not answered'"),
        ("people", "attendees in the programme who gave that answer, protected: counts 1-7 shown as <8, "
                   "others rounded to the nearest 5; no breakdown below 10 respondents"),
    ],
}


def safe_cell(value: object) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_DANGEROUS_START):
        return "'" + text
    return text


def _local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return to_local(value).strftime(fmt) if value else ""


def _write_csv(archive: zipfile.ZipFile, name: str, rows: Iterable[Iterable[object]]) -> int:
    count = 0
    with archive.open(name, "w", force_zip64=True) as raw, io.TextIOWrapper(
        raw, encoding="utf-8-sig", newline=""
    ) as text:
        writer = csv.writer(text)
        writer.writerow([column for column, _ in COLUMNS[name]])
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            count += 1
    return count


def export_programme(programme: Programme, destination: str | Path) -> dict[str, int]:
    """Write ``programme``'s data to a ZIP file at ``destination``; return rows per file."""
    counts: dict[str, int] = {}
    event_ids = select(Event.id).where(Event.programme_id == programme.id)
    registration_ids = select(Registration.id).where(Registration.event_id.in_(event_ids))
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        counts["events.csv"] = _write_csv(archive, "events.csv", _events(programme))
        counts["organisations.csv"] = _write_csv(archive, "organisations.csv", _organisations(programme))
        counts["people.csv"] = _write_csv(archive, "people.csv", _people(event_ids))
        counts["registrations.csv"] = _write_csv(archive, "registrations.csv", _registrations(event_ids))
        counts["attendances.csv"] = _write_csv(archive, "attendances.csv", _attendances(registration_ids))
        counts["questions.csv"] = _write_csv(archive, "questions.csv", _questions(event_ids))
        counts["answers.csv"] = _write_csv(archive, "answers.csv", _answers(registration_ids))
        counts["equality_summary.csv"] = _write_csv(archive, "equality_summary.csv", _equality(programme))
        archive.writestr("README.txt", readme(programme, counts))
    return counts


def readme(programme: Programme, counts: dict[str, int]) -> str:
    lines = [
        f"Export of the programme “{programme.name}” (slug: {programme.slug})",
        f"Made {_local(utcnow())} by eventsapp.",
        "",
        "Every file is CSV, UTF-8 with a byte-order mark, comma-separated, one header row.",
        "Cells that begin with = + - or @ are prefixed with an apostrophe so that spreadsheets",
        "do not run them as formulas. Times are local (the installation's APP_TIMEZONE).",
        "registrations.csv can be imported on its own into another eventsapp with",
        "  flask --app eventsapp import-attendance registrations.csv --programme SLUG --create-events",
        "Equality-monitoring answers are special-category data and are included only in aggregate.",
        "",
    ]
    for name, columns in COLUMNS.items():
        lines.append(f"{name} ({counts.get(name, 0)} rows)")
        lines.extend(f"  {column}: {meaning}" for column, meaning in columns)
        lines.append("")
    return "\r\n".join(lines)


def _events(programme: Programme):
    host = aliased(Organisation)
    query = (
        select(Event, Region.code, Region.name, host.name)
        .join(Region, Region.id == Event.region_id)
        .join(host, host.id == Event.host_organisation_id)
        .where(Event.programme_id == programme.id)
        .order_by(Event.starts_at, Event.id)
    )
    for event, region_code, region_name, host_name in db.session.execute(query):
        yield (event.id, event.title, _local(event.starts_at, "%Y-%m-%d"), _local(event.starts_at, "%H:%M"),
               _local(event.ends_at, "%H:%M"), event.status, region_code, region_name, event.town, event.venue,
               host_name, event.host_organisation_id, "" if event.capacity is None else event.capacity)


def _organisations(programme: Programme):
    event_ids = select(Event.id).where(Event.programme_id == programme.id)
    used = (
        select(Registration.organisation_id).where(Registration.event_id.in_(event_ids))
        .union(select(Event.host_organisation_id).where(Event.programme_id == programme.id))
    ).subquery()
    survivor = aliased(Organisation)
    ids = select(used.c[0])
    query = (
        select(Organisation, Sector.code, Sector.name)
        .outerjoin(Sector, Sector.id == Organisation.sector_id)
        .where(Organisation.id.in_(ids) | Organisation.id.in_(
            select(survivor.merged_into_id).where(survivor.id.in_(ids))))
        .order_by(Organisation.id)
    )
    for organisation, sector_code, sector_name in db.session.execute(query).yield_per(500):
        aliases = db.session.scalars(
            select(OrganisationAlias.name).where(OrganisationAlias.organisation_id == organisation.id)
            .order_by(OrganisationAlias.id)
        ).all()
        yield (organisation.id, organisation.name, sector_code or "", sector_name or "",
               organisation.merged_into_id or "", " | ".join(aliases))


def _people(event_ids):
    query = (
        select(Person.id, Person.first_name, Person.last_name, Person.email)
        .where(Person.id.in_(select(Registration.person_id).where(Registration.event_id.in_(event_ids))))
        .order_by(Person.id)
    )
    yield from db.session.execute(query).yield_per(1000)


def _registrations(event_ids):
    host = aliased(Organisation)
    entered = aliased(Organisation)
    survivor = aliased(Organisation)
    query = (
        select(Registration, Event, Region.code, host.name, Person, entered, survivor, Sector.code,
               Attendance.id)
        .join(Event, Event.id == Registration.event_id)
        .join(Region, Region.id == Event.region_id)
        .join(host, host.id == Event.host_organisation_id)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(entered, entered.id == Registration.organisation_id)
        .outerjoin(survivor, survivor.id == entered.merged_into_id)
        .outerjoin(Sector, Sector.id == db.func.coalesce(survivor.sector_id, entered.sector_id))
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(Registration.event_id.in_(event_ids))
        .order_by(Event.starts_at, Registration.id)
    )
    for (registration, event, region_code, host_name, person, organisation, merged, sector_code,
         attendance_id) in db.session.execute(query).yield_per(1000):
        current = merged or organisation
        yield (
            registration.id, event.id, event.title, _local(event.starts_at, "%Y-%m-%d"),
            _local(event.starts_at, "%H:%M"), _local(event.ends_at, "%H:%M"), region_code, event.town, host_name,
            person.id, person.first_name, person.last_name, person.email or "",
            current.name if current else "", registration.organisation_name_entered,
            current.id if current else "", sector_code or "", registration.job_title, registration.status,
            registration.source, _local(registration.created_at), "yes" if attendance_id else "no",
        )


def _attendances(registration_ids):
    query = (
        select(Attendance, Registration.event_id, Registration.person_id)
        .join(Registration, Registration.id == Attendance.registration_id)
        .where(Attendance.registration_id.in_(registration_ids))
        .order_by(Attendance.registration_id)
    )
    for attendance, event_id, person_id in db.session.execute(query).yield_per(1000):
        yield (attendance.registration_id, event_id, person_id, _local(attendance.checked_in_at),
               attendance.method, attendance.note)


def _questions(event_ids):
    try:
        from eventsapp.models.questions import EventQuestion
    except ImportError:
        return
    query = select(EventQuestion).where(EventQuestion.event_id.in_(event_ids)).order_by(
        EventQuestion.event_id, EventQuestion.position, EventQuestion.id)
    for question in db.session.scalars(query):
        yield (question.id, question.event_id, question.label, question.kind,
               " | ".join(question.choice_list), "yes" if question.required else "no", question.position)


def _answers(registration_ids):
    try:
        from eventsapp.models.questions import RegistrationAnswer
    except ImportError:
        return
    query = select(RegistrationAnswer).where(RegistrationAnswer.registration_id.in_(registration_ids)).order_by(
        RegistrationAnswer.registration_id, RegistrationAnswer.question_id)
    for answer in db.session.scalars(query).yield_per(1000):
        yield (answer.registration_id, answer.question_id,
               " | ".join(line.strip() for line in (answer.value or "").splitlines() if line.strip()))


def _equality(programme: Programme):
    try:
        from eventsapp.reports.aggregate import ReportScope
        from eventsapp.reports.monitoring import equality_tables
    except ImportError:
        return
    tables, _shown = equality_tables(ReportScope(programme_id=programme.id), utcnow())
    for table in tables:
        yield (table.label, "(respondents)", table.respondents)
        for label, shown in table.rows:
            yield (table.label, label, shown)
