"""A programme's complete data as a ZIP of CSV files with a README, streamed to a file.

``registrations.csv`` uses the column names the importer recognises, so the
export of one installation imports into another (events, people,
organisations, registrations and attendances; the report comes out the same).
Every CSV is UTF-8 with a BOM (Excel reads it right) and formula-safe.
Equality-monitoring answers leave only in aggregate, protected as in reports, unless the site
administrator asks for a restorable export (``export-programme --with-equality-answers``), which adds
each answer set with its registration so that ``import-programme`` restores the figures exactly.
The ``… utc`` columns and ``programme.csv``, ``aliases.csv`` and ``merges.csv`` are what
``import-programme`` (eventsapp/imports/restore.py) needs to restore the programme whole, ids kept.
The messages organisers sent (with their recipients, by person id: never an address) and the webhook
endpoints of the programme and of its events' hosts (never their signing secrets) with their delivery
history (outcomes and times, not the bodies) come out too, and so do the published stories' co-authors
(by their accounts' addresses, which the restore links to accounts of the same address) and who asked
for no more programme-wide messages (by person id).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path
from typing import IO

from sqlalchemy import case, func, select, union
from sqlalchemy.orm import selectinload

from eventsapp.directory import survivor_id
from eventsapp.extensions import db
from eventsapp.models import (
    REGISTRATION_SOURCES,
    Attendance,
    EqualityResponse,
    Event,
    EventQuestion,
    Message,
    MessageRecipient,
    NetworkUnsubscribe,
    Organisation,
    OrganisationAlias,
    OrganisationMerge,
    OutboxMessage,
    Person,
    Programme,
    Region,
    Registration,
    RegistrationAnswer,
    Sector,
    Story,
    StoryCoauthor,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    User,
    WebhookEndpoint,
    utcnow,
)
from eventsapp.models.story import story_organisation as story_organisation_table
from eventsapp.reports.model import ReportScope
from eventsapp.reports.monitoring import equality_tables
from eventsapp.spreadsheets import safe_cell
from eventsapp.timeutil import app_zone, to_local

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
        ("starts at utc", "start, YYYY-MM-DD HH:MM:SS UTC"),
        ("ends at utc", "end, YYYY-MM-DD HH:MM:SS UTC"),
        ("cancelled at utc", "when the event was cancelled, UTC"),
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
        ("source", "how the registration was made: " + ", ".join(REGISTRATION_SOURCES)),
        ("registered at", "date and time of registration, YYYY-MM-DD HH:MM local"),
        ("attended", "yes when an attendance was recorded, else no"),
        ("entered organisation id", "id in organisations.csv of the organisation as registered (before merges)"),
        ("registered at utc", "date and time of registration, YYYY-MM-DD HH:MM:SS UTC"),
        ("cancelled at utc", "when the registration was cancelled, UTC"),
    ],
    "attendances.csv": [
        ("registration id", "id in registrations.csv"),
        ("event id", "id in events.csv"),
        ("person id", "id in people.csv"),
        ("checked in at", "YYYY-MM-DD HH:MM local"),
        ("method", "desk, qr, walk_in, sheet or import"),
        ("note", "note recorded with the attendance"),
        ("checked in at utc", "YYYY-MM-DD HH:MM:SS UTC"),
    ],
    "questions.csv": [
        ("question id", "id; answers refer to it"),
        ("event id", "id in events.csv"),
        ("label", "the question as asked"),
        ("kind", "short_text, long_text, single_choice, multiple_choice or yes_no"),
        ("choices", "the options, separated by ' | '"),
        ("required", "yes or no"),
        ("position", "order on the form"),
        ("sensitive", "yes when reports protect its small numbers as for equality monitoring"),
    ],
    "answers.csv": [
        ("registration id", "id in registrations.csv"),
        ("question id", "id in questions.csv"),
        ("value", "the answer; several choices separated by ' | '"),
    ],
    "programme.csv": [
        ("programme id", "the programme's id"),
        ("slug", "the programme's slug"),
        ("name", "name"),
        ("description", "description"),
        ("starts on", "YYYY-MM-DD"),
        ("ends on", "YYYY-MM-DD"),
        ("coordinator organisation id", "id in organisations.csv of the coordinating organisation"),
    ],
    "aliases.csv": [
        ("alias id", "id; merges.csv refers to it"),
        ("organisation id", "id in organisations.csv"),
        ("name", "another name that resolves to the organisation"),
    ],
    "merges.csv": [
        ("merge id", "id of the merge record"),
        ("survivor id", "id in organisations.csv of the organisation kept"),
        ("merged id", "id in organisations.csv of the organisation merged into it"),
        ("survivor name", "its name at the time"),
        ("merged name", "its name at the time"),
        ("merged at utc", "YYYY-MM-DD HH:MM:SS UTC"),
        ("aliases added", "alias ids the merge added, separated by spaces"),
        ("repointed", "organisation ids the merge re-pointed, separated by spaces"),
        ("undone at utc", "when the merge was undone, UTC; empty while it stands"),
    ],
    "stories.csv": [
        ("story id", "id"),
        ("title", "title"),
        ("summary", "summary"),
        ("body", "the story"),
        ("region", "ITL1 region code"),
        ("place", "place"),
        ("kind of work", "code of the kind of good-relations work"),
        ("differences", "the differences bridged"),
        ("event id", "id in events.csv of the event it tells of, if any"),
        ("attribution", "organisation or anonymous"),
        ("attributed organisation id", "id in organisations.csv of the organisation credited"),
        ("organisations involved", "ids in organisations.csv, separated by ' | '"),
        ("approaches", "approaches used, separated by ' | '"),
        ("featured in report", "yes when chosen for the programme's reports"),
        ("published at utc", "YYYY-MM-DD HH:MM:SS UTC"),
        ("photo alt", "the photo's description (the photo itself is not exported)"),
    ],
    "story_coauthors.csv": [
        ("story id", "id in stories.csv"),
        ("co-author name", "the name of the account invited to co-write the story"),
        ("co-author email", "that account's address: import-programme links the co-author to the account with the "
                            "same address where it restores, or makes one (no password, no organisation)"),
        ("invited by email", "the address of the account that invited them; empty once that account is gone"),
        ("added at utc", "when they were invited, YYYY-MM-DD HH:MM:SS UTC"),
    ],
    "survey_questions.csv": [
        ("survey question id", "id; survey_answers.csv refers to it"),
        ("programme id", "the programme's id; empty for the site's default questions (events outside programmes)"),
        ("kind", "agreement, rating or text"),
        ("label", "the question as asked"),
        ("position", "order in the survey"),
        ("active", "yes while it is asked in surveys sent from now on"),
    ],
    "survey_invitations.csv": [
        ("registration id", "id in registrations.csv of the attendance the survey email was sent for"),
        ("event id", "id in events.csv"),
        ("sent at utc", "YYYY-MM-DD HH:MM:SS UTC"),
    ],
    "survey_responses.csv": [
        ("response id", "a random id (anonymous: nothing ties a response to a person or an invitation)"),
        ("event id", "id in events.csv"),
    ],
    "survey_answers.csv": [
        ("response id", "id in survey_responses.csv"),
        ("survey question id", "id in survey_questions.csv"),
        ("value", "the answer"),
        ("published", "yes when chosen as a quote for reports"),
    ],
    "messages.csv": [
        ("message id", "id; message_recipients.csv refers to it"),
        ("event id", "id in events.csv of the event whose registrants it went to; empty for a programme-wide one"),
        ("programme id", "the programme's id for a programme-wide message (to the consenting network); else empty"),
        ("audience", "who it went to: confirmed, waitlisted, attended, no_show, or network (programme-wide)"),
        ("subject", "the subject"),
        ("body", "the message as written"),
        ("body format", "plain or markdown"),
        ("sender name", "the sender's name when it was sent ('Anonymised' when the sender's account was erased)"),
        ("sent at utc", "YYYY-MM-DD HH:MM:SS UTC"),
        ("recipients count", "how many people it was sent to"),
    ],
    "message_recipients.csv": [
        ("message id", "id in messages.csv"),
        ("person id", "id in people.csv of a person it was sent to (their address is in people.csv only, "
                      "and not at all once they are anonymised or erased)"),
        ("registration id", "id in registrations.csv of their registration for the message's event; "
                            "empty for a programme-wide message"),
    ],
    "network_unsubscribes.csv": [
        ("person id", "id in people.csv of someone who asked (one-click unsubscribe) to be sent no more "
                      "programme-wide messages, of any programme"),
        ("message id", "id in messages.csv of the message whose link they used; empty when it is not in this export"),
        ("unsubscribed at utc", "YYYY-MM-DD HH:MM:SS UTC"),
    ],
    "webhook_endpoints.csv": [
        ("endpoint id", "id; webhook_deliveries.csv refers to it"),
        ("owner", "programme (its coordinators) or organisation (a host organisation's organisers: only in the "
                  "site administrator's export)"),
        ("organisation id", "id in organisations.csv of the owning host organisation"),
        ("programme id", "the programme's id when the programme owns it"),
        ("url", "the address deliveries are POSTed to"),
        ("description", "description"),
        ("events", "the kinds of change it is sent, separated by ' | '"),
        ("active", "yes when deliveries are being written for it"),
        ("created at utc", "YYYY-MM-DD HH:MM:SS UTC"),
    ],
    "webhook_deliveries.csv": [
        ("delivery id", "the delivery's id (its Eventsapp-Delivery header)"),
        ("endpoint id", "id in webhook_endpoints.csv"),
        ("event type", "the kind of change it told of (or webhook.test)"),
        ("status", "pending, sending, sent or failed"),
        ("attempts", "how many times it was tried"),
        ("answer status", "the receiver's last HTTP status, if any"),
        ("created at utc", "YYYY-MM-DD HH:MM:SS UTC"),
        ("delivered at utc", "when it was delivered, UTC; empty if it was not"),
    ],
    "equality_summary.csv": [
        ("characteristic", "ethnic group, religion, age, gender, disability …"),
        ("category", "census category or 'Not answered'"),
        ("people", "attendees in the programme who gave that answer, protected: counts 1-7 shown as <8, "
                   "others rounded to the nearest 5; no breakdown below 10 respondents"),
    ],
}
#: Only in a restorable export (``with_equality_answers``): special-category data, for the administrator.
EQUALITY_ANSWERS = ("equality_answers.csv", [
    ("registration id", "id in registrations.csv"),
    ("event id", "id in events.csv"),
    ("ethnicity", "census code or empty"),
    ("religion", "census code or empty"),
    ("age band", "code or empty"),
    ("gender", "code or empty"),
    ("disability", "code or empty"),
])


def _local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return to_local(value).strftime(fmt) if value else ""


def _write_csv(archive: zipfile.ZipFile, name: str, rows: Iterable[Iterable[object]]) -> int:
    count = 0
    columns = COLUMNS[name] if name in COLUMNS else EQUALITY_ANSWERS[1]
    with archive.open(name, "w", force_zip64=True) as raw, io.TextIOWrapper(
        raw, encoding="utf-8-sig", newline=""
    ) as text:
        writer = csv.writer(text)
        writer.writerow([column for column, _ in columns])
        writerow = writer.writerow
        for row in rows:
            writerow([safe_cell(v) for v in row])
            count += 1
    return count


def _stream(query, rows: int = 1000):
    """Rows of a Core select, fetched ``rows`` at a time (a server-side cursor on PostgreSQL)."""
    return db.session.connection().execute(query.execution_options(stream_results=True, yield_per=rows))


def _formatter(fmt: str):
    """``_local`` with the zone looked up once: naive UTC datetime -> local text, "" for None."""
    zone = app_zone()

    def local(value) -> str:
        return value.replace(tzinfo=UTC).astimezone(zone).strftime(fmt) if value else ""

    return local


def export_programme(programme: Programme, destination: str | Path | IO[bytes], *,
                     with_equality_answers: bool = False, with_host_webhooks: bool = True) -> dict[str, int]:
    """Write ``programme``'s data as a ZIP to ``destination`` (a path or a binary file); return rows per file.

    ``with_equality_answers`` adds each registration's equality answers (for a restore elsewhere by the
    site administrator; never offered on the web). ``with_host_webhooks`` adds the webhook endpoints
    of the events' host organisations (their organisers', which a coordinator may not see) to the
    programme's own."""
    counts: dict[str, int] = {}
    db.session.flush()  # the rows are read with Core selects, which do not autoflush
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
        counts["stories.csv"] = _write_csv(archive, "stories.csv", _stories(programme))
        counts["story_coauthors.csv"] = _write_csv(archive, "story_coauthors.csv", _story_coauthors(programme))
        counts["equality_summary.csv"] = _write_csv(archive, "equality_summary.csv", _equality(programme))
        for name, rows in _survey(programme, event_ids).items():
            counts[name] = _write_csv(archive, name, rows)
        counts["programme.csv"] = _write_csv(archive, "programme.csv", [(
            programme.id, programme.slug, programme.name, programme.description,
            programme.starts_on.isoformat() if programme.starts_on else "",
            programme.ends_on.isoformat() if programme.ends_on else "", programme.coordinator_organisation_id or "")])
        counts["aliases.csv"] = _write_csv(archive, "aliases.csv", _aliases(programme))
        counts["merges.csv"] = _write_csv(archive, "merges.csv", _merges(programme))
        counts["messages.csv"] = _write_csv(archive, "messages.csv", _messages(programme, event_ids))
        counts["message_recipients.csv"] = _write_csv(archive, "message_recipients.csv",
                                                      _message_recipients(programme, event_ids))
        counts["network_unsubscribes.csv"] = _write_csv(archive, "network_unsubscribes.csv",
                                                        _network_unsubscribes(programme, event_ids))
        endpoint_ids = _endpoint_ids(programme, with_host_webhooks)
        counts["webhook_endpoints.csv"] = _write_csv(archive, "webhook_endpoints.csv", _endpoints(endpoint_ids))
        counts["webhook_deliveries.csv"] = _write_csv(archive, "webhook_deliveries.csv", _deliveries(endpoint_ids))
        if with_equality_answers:
            counts[EQUALITY_ANSWERS[0]] = _write_csv(archive, EQUALITY_ANSWERS[0], _equality_answers(registration_ids))
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
        "Webhook endpoints leave without their signing secrets: import-programme restores them disabled,",
        "with new secrets, and nothing in webhook_deliveries.csv or messages.csv is sent again.",
        "Story co-authors are named by their accounts' addresses: import-programme links each to the account",
        "of the same address where it restores, or makes one without a password or an organisation.",
        "network_unsubscribes.csv lists who asked for no more programme-wide messages; the restore keeps it.",
        "",
    ]
    files = list(COLUMNS.items()) + ([EQUALITY_ANSWERS] if EQUALITY_ANSWERS[0] in counts else [])
    for name, columns in files:
        lines.append(f"{name} ({counts.get(name, 0)} rows)")
        lines.extend(f"  {column}: {meaning}" for column, meaning in columns)
        lines.append("")
    return "\r\n".join(lines)


def _events(programme: Programme):
    event, region, host = Event.__table__, Region.__table__, Organisation.__table__.alias("host")
    day, clock = _formatter("%Y-%m-%d"), _formatter("%H:%M")
    query = (
        select(event.c.id, event.c.title, event.c.starts_at, event.c.ends_at, event.c.status, region.c.code,
               region.c.name, event.c.town, event.c.venue, host.c.name, event.c.host_organisation_id,
               event.c.capacity, event.c.cancelled_at)
        .join_from(event, region, region.c.id == event.c.region_id)
        .join(host, host.c.id == event.c.host_organisation_id)
        .where(event.c.programme_id == programme.id)
        .order_by(event.c.starts_at, event.c.id)
    )
    for (event_id, title, starts_at, ends_at, status, region_code, region_name, town, venue, host_name,
         host_id, capacity, cancelled_at) in _stream(query):
        yield (event_id, title, day(starts_at), clock(starts_at), clock(ends_at), status, region_code,
               region_name, town, venue, host_name, host_id, "" if capacity is None else capacity,
               _utc(starts_at), _utc(ends_at), _utc(cancelled_at))


def _organisations(programme: Programme):
    organisation, alias = Organisation.__table__, OrganisationAlias.__table__
    sector, survivor = Sector.__table__, Organisation.__table__.alias("survivor")
    used = _used_organisations(programme).subquery()
    ids = select(used.c[0])
    survivors = select(survivor.c.merged_into_id).where(survivor.c.id.in_(ids))
    query = (
        select(organisation.c.id, organisation.c.name, sector.c.code, sector.c.name,
               organisation.c.merged_into_id)
        .outerjoin_from(organisation, sector, sector.c.id == organisation.c.sector_id)
        .where(organisation.c.id.in_(ids) | organisation.c.id.in_(survivors))
        .order_by(organisation.c.id)
    )
    # The aliases of the same organisations, in the same order, merged in as both streams go by
    # (one query instead of one per organisation).
    aliases = iter(_stream(
        select(alias.c.organisation_id, alias.c.name)
        .where(alias.c.organisation_id.in_(ids) | alias.c.organisation_id.in_(survivors))
        .order_by(alias.c.organisation_id, alias.c.id)
    ))
    pending = next(aliases, None)
    for organisation_id, name, sector_code, sector_name, merged_into_id in _stream(query, 500):
        names = []
        while pending is not None and pending[0] <= organisation_id:
            if pending[0] == organisation_id:
                names.append(pending[1])
            pending = next(aliases, None)
        yield (organisation_id, name, sector_code or "", sector_name or "", merged_into_id or "",
               " | ".join(names))


def _people(event_ids):
    person, registration = Person.__table__, Registration.__table__
    query = (
        select(person.c.id, person.c.first_name, person.c.last_name, person.c.email)
        .where(person.c.id.in_(select(registration.c.person_id).where(registration.c.event_id.in_(event_ids))))
        .order_by(person.c.id)
    )
    return _stream(query)


def _registrations(event_ids):
    registration, event, person = Registration.__table__, Event.__table__, Person.__table__
    region, attendance, sector = Region.__table__, Attendance.__table__, Sector.__table__
    host = Organisation.__table__.alias("host")
    entered = Organisation.__table__.alias("entered")
    survivor = Organisation.__table__.alias("survivor")
    day, clock, stamp = _formatter("%Y-%m-%d"), _formatter("%H:%M"), _formatter("%Y-%m-%d %H:%M")
    # The event's cells, once per event (a programme has a few thousand at most).
    events = {
        event_id: (event_id, title, day(starts_at), clock(starts_at), clock(ends_at), region_code, town, host_name)
        for event_id, title, starts_at, ends_at, region_code, town, host_name in _stream(
            select(event.c.id, event.c.title, event.c.starts_at, event.c.ends_at, region.c.code, event.c.town,
                   host.c.name)
            .join_from(event, region, region.c.id == event.c.region_id)
            .join(host, host.c.id == event.c.host_organisation_id)
            .where(event.c.id.in_(event_ids))
        )
    }
    # The organisation counted is the survivor of a merge, else the one entered.
    query = (
        select(registration.c.id, registration.c.event_id, person.c.id, registration.c.first_name,
               registration.c.last_name, person.c.email, func.coalesce(survivor.c.name, entered.c.name),
               registration.c.organisation_name_entered, func.coalesce(survivor.c.id, entered.c.id),
               sector.c.code, registration.c.job_title, registration.c.status, registration.c.source,
               registration.c.created_at, attendance.c.id, registration.c.organisation_id,
               registration.c.cancelled_at)
        .join_from(registration, event, event.c.id == registration.c.event_id)
        .join(person, person.c.id == registration.c.person_id)
        .outerjoin(entered, entered.c.id == registration.c.organisation_id)
        .outerjoin(survivor, survivor.c.id == survivor_id(entered))
        .outerjoin(sector, sector.c.id == survivor.c.sector_id)
        .outerjoin(attendance, attendance.c.registration_id == registration.c.id)
        .where(registration.c.event_id.in_(event_ids))
        .order_by(event.c.starts_at, registration.c.id)
    )
    for (registration_id, event_id, person_id, first_name, last_name, email, organisation_name, entered_name,
         organisation_id, sector_code, job_title, status, source, created_at, attendance_id, entered_id,
         cancelled_at) in _stream(query):
        yield (
            registration_id, *events[event_id],
            person_id, first_name, last_name, email or "", organisation_name or "", entered_name,
            organisation_id or "", sector_code or "", job_title, status, source, stamp(created_at),
            "yes" if attendance_id else "no", entered_id or "", _utc(created_at), _utc(cancelled_at),
        )


def _attendances(registration_ids):
    attendance, registration = Attendance.__table__, Registration.__table__
    stamp = _formatter("%Y-%m-%d %H:%M")
    query = (
        select(attendance.c.registration_id, registration.c.event_id, registration.c.person_id,
               attendance.c.checked_in_at, attendance.c.method, attendance.c.note)
        .join_from(attendance, registration, registration.c.id == attendance.c.registration_id)
        .where(attendance.c.registration_id.in_(registration_ids))
        .order_by(attendance.c.registration_id)
    )
    for registration_id, event_id, person_id, checked_in_at, method, note in _stream(query):
        yield registration_id, event_id, person_id, stamp(checked_in_at), method, note, _utc(checked_in_at)


def _questions(event_ids):
    question = EventQuestion.__table__
    query = (
        select(question.c.id, question.c.event_id, question.c.label, question.c.kind, question.c.choices,
               question.c.required, question.c.position, question.c.sensitive)
        .where(question.c.event_id.in_(event_ids))
        .order_by(question.c.event_id, question.c.position, question.c.id)
    )
    for question_id, event_id, label, kind, choices, required, position, sensitive in _stream(query):
        yield (question_id, event_id, label, kind, _joined(choices), "yes" if required else "no", position,
               "yes" if sensitive else "no")


def _answers(registration_ids):
    answer = RegistrationAnswer.__table__
    query = (
        select(answer.c.registration_id, answer.c.question_id, answer.c.value)
        .where(answer.c.registration_id.in_(registration_ids))
        .order_by(answer.c.registration_id, answer.c.question_id)
    )
    for registration_id, question_id, value in _stream(query):
        yield registration_id, question_id, _joined(value)


def _joined(lines: str | None) -> str:
    """Text kept one item per line, as one cell: 'a | b'."""
    return " | ".join(line.strip() for line in (lines or "").splitlines() if line.strip())


def _equality(programme: Programme):
    tables, _shown = equality_tables(ReportScope(programme_id=programme.id), utcnow())
    for table in tables:
        yield (table.label, "(respondents)", table.respondents)
        for label, shown in table.rows:
            yield (table.label, label, shown)


def _utc(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if value else ""


def _organisation_ids(programme: Programme):
    """Every organisation the export lists (as organisations.csv selects them)."""
    used = _used_organisations(programme).subquery()
    ids = select(used.c[0])
    survivors = select(Organisation.merged_into_id).where(Organisation.id.in_(ids))
    return select(Organisation.id).where(Organisation.id.in_(ids) | Organisation.id.in_(survivors))


def _aliases(programme: Programme):
    alias = OrganisationAlias.__table__
    return _stream(select(alias.c.id, alias.c.organisation_id, alias.c.name)
                   .where(alias.c.organisation_id.in_(_organisation_ids(programme))).order_by(alias.c.id))


def _merges(programme: Programme):
    merge = OrganisationMerge.__table__
    ids = _organisation_ids(programme)
    query = (select(merge.c.id, merge.c.survivor_id, merge.c.merged_id, merge.c.survivor_name, merge.c.merged_name,
                    merge.c.merged_at, merge.c.aliases_added, merge.c.repointed, merge.c.undone_at)
             .where(merge.c.survivor_id.in_(ids), merge.c.merged_id.in_(ids)).order_by(merge.c.id))
    for row in _stream(query):
        yield (*row[:5], _utc(row[5]), row[6], row[7], _utc(row[8]))


def _equality_answers(registration_ids):
    response = EqualityResponse.__table__
    return _stream(select(response.c.registration_id, response.c.event_id, response.c.ethnicity, response.c.religion,
                          response.c.age_band, response.c.gender, response.c.disability)
                   .where(response.c.registration_id.in_(registration_ids)).order_by(response.c.registration_id))


def _used_organisations(programme: Programme):
    """The organisations a programme's data names: as registered, hosting, coordinating, in its stories."""
    event, registration = Event.__table__, Registration.__table__
    event_ids = select(event.c.id).where(event.c.programme_id == programme.id)
    story_ids = select(Story.id).where(Story.programme_id == programme.id, Story.state == "published")
    return union(
        select(registration.c.organisation_id).where(registration.c.event_id.in_(event_ids)),
        select(event.c.host_organisation_id).where(event.c.programme_id == programme.id),
        select(Programme.coordinator_organisation_id).where(Programme.id == programme.id),
        select(Story.attributed_organisation_id).where(Story.id.in_(story_ids)),
        select(story_organisation_table.c.organisation_id).where(story_organisation_table.c.story_id.in_(story_ids)),
    )


def _stories(programme: Programme):
    """The programme's published stories (already public), without their photos."""
    stories = db.session.scalars(
        select(Story).where(Story.programme_id == programme.id, Story.state == "published")
        .options(selectinload(Story.approaches), selectinload(Story.organisations), selectinload(Story.region))
        .order_by(Story.id)).all()
    for story in stories:
        yield (story.id, story.title, story.summary, story.body, story.region.code, story.place, story.kind_of_work,
               story.differences, story.event_id or "", story.attribution, story.attributed_organisation_id or "",
               " | ".join(str(o.id) for o in story.organisations), " | ".join(a.name for a in story.approaches),
               "yes" if story.featured_in_report else "no", _utc(story.published_at), story.photo_alt or "")


def _story_coauthors(programme: Programme):
    """Who co-wrote each published story (stories.csv), by the accounts' names and addresses."""
    coauthor, user = StoryCoauthor.__table__, User.__table__
    inviter = User.__table__.alias("inviter")
    published = select(Story.id).where(Story.programme_id == programme.id, Story.state == "published")
    query = (select(coauthor.c.story_id, user.c.name, user.c.email, inviter.c.email, coauthor.c.added_at)
             .join_from(coauthor, user, user.c.id == coauthor.c.user_id)
             .outerjoin(inviter, inviter.c.id == coauthor.c.added_by)
             .where(coauthor.c.story_id.in_(published)).order_by(coauthor.c.story_id, coauthor.c.id))
    for story_id, name, email, invited_by, added_at in _stream(query):
        yield story_id, name, email, invited_by or "", _utc(added_at)


def _survey(programme: Programme, event_ids) -> dict[str, Iterable[tuple]]:
    """The feedback survey's questions, invitations and anonymous responses (responses in id order:
    random ids, so the file's order says nothing about who answered when)."""
    response_ids = select(SurveyResponse.id).where(SurveyResponse.event_id.in_(event_ids))
    used = select(SurveyAnswer.question_id).where(SurveyAnswer.response_id.in_(response_ids))
    questions = (select(SurveyQuestion.id, SurveyQuestion.programme_id, SurveyQuestion.kind, SurveyQuestion.label,
                        SurveyQuestion.position, SurveyQuestion.active)
                 .where((SurveyQuestion.programme_id == programme.id) | SurveyQuestion.id.in_(used))
                 .order_by(SurveyQuestion.id))
    invitations = (select(SurveyInvitation.registration_id, SurveyInvitation.event_id, SurveyInvitation.sent_at)
                   .where(SurveyInvitation.event_id.in_(event_ids)).order_by(SurveyInvitation.registration_id))
    responses = (select(SurveyResponse.id, SurveyResponse.event_id)
                 .where(SurveyResponse.event_id.in_(event_ids)).order_by(SurveyResponse.id))
    answers = (select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.value, SurveyAnswer.published)
               .where(SurveyAnswer.response_id.in_(response_ids))
               .order_by(SurveyAnswer.response_id, SurveyAnswer.question_id))
    return {
        "survey_questions.csv": ((i, p or "", kind, label, position, "yes" if active else "no")
                                 for i, p, kind, label, position, active in _stream(questions)),
        "survey_invitations.csv": ((r, e, _utc(sent)) for r, e, sent in _stream(invitations)),
        "survey_responses.csv": _stream(responses),
        "survey_answers.csv": ((r, q, value, "yes" if published else "no")
                               for r, q, value, published in _stream(answers)),
    }


def _message_ids(programme: Programme, event_ids):
    """The messages about the programme's events, and its programme-wide ones."""
    return select(Message.id).where(Message.event_id.in_(event_ids) | (Message.programme_id == programme.id))


def _messages(programme: Programme, event_ids):
    message = Message.__table__
    query = (select(message.c.id, message.c.event_id, message.c.programme_id, message.c.audience, message.c.subject,
                    message.c.body, message.c.body_format, message.c.sender_name, message.c.sent_at,
                    message.c.recipients_count)
             .where(message.c.id.in_(_message_ids(programme, event_ids))).order_by(message.c.id))
    for (message_id, event_id, programme_id, audience, subject, body, body_format, sender_name, sent_at,
         recipients_count) in _stream(query):
        yield (message_id, event_id or "", programme_id or "", audience, subject, body, body_format,
               sender_name, _utc(sent_at), recipients_count)


def _message_recipients(programme: Programme, event_ids):
    """Who each message went to, by the ids of people.csv (only people it lists: those registered for
    the programme's events) and, for an event's message, of their registration for that event."""
    recipient, message, registration = MessageRecipient.__table__, Message.__table__, Registration.__table__
    people = select(registration.c.person_id).where(registration.c.event_id.in_(event_ids))
    first_registration = (select(func.min(registration.c.id))
                          .where(registration.c.person_id == recipient.c.person_id,
                                 registration.c.event_id == message.c.event_id)
                          .scalar_subquery())
    query = (select(recipient.c.message_id, recipient.c.person_id, first_registration)
             .join_from(recipient, message, message.c.id == recipient.c.message_id)
             .where(recipient.c.message_id.in_(_message_ids(programme, event_ids)),
                    recipient.c.person_id.in_(people))
             .order_by(recipient.c.message_id, recipient.c.person_id))
    for message_id, person_id, registration_id in _stream(query):
        yield message_id, person_id, registration_id or ""


def _network_unsubscribes(programme: Programme, event_ids):
    """Who of people.csv asked for no more programme-wide messages (it holds for every programme, so a
    restore must keep it); the message whose link they used only when it is one of messages.csv."""
    unsubscribe, registration = NetworkUnsubscribe.__table__, Registration.__table__
    exported = unsubscribe.c.message_id.in_(_message_ids(programme, event_ids))
    query = (select(unsubscribe.c.person_id, case((exported, unsubscribe.c.message_id)), unsubscribe.c.created_at)
             .where(unsubscribe.c.person_id.in_(select(registration.c.person_id)
                                                .where(registration.c.event_id.in_(event_ids))))
             .order_by(unsubscribe.c.person_id))
    for person_id, message_id, created_at in _stream(query):
        yield person_id, message_id or "", _utc(created_at)


def _endpoint_ids(programme: Programme, with_hosts: bool):
    """The webhook endpoints told about the programme's events: the programme's, and its hosts'."""
    owned = WebhookEndpoint.programme_id == programme.id
    if with_hosts:
        hosts = select(Event.host_organisation_id).where(Event.programme_id == programme.id)
        owned = owned | WebhookEndpoint.organisation_id.in_(hosts)
    return select(WebhookEndpoint.id).where(owned)


def _endpoints(endpoint_ids):
    """The endpoints, never their signing secrets."""
    endpoint = WebhookEndpoint.__table__
    query = (select(endpoint.c.id, endpoint.c.organisation_id, endpoint.c.programme_id, endpoint.c.url,
                    endpoint.c.description, endpoint.c.events, endpoint.c.active, endpoint.c.created_at)
             .where(endpoint.c.id.in_(endpoint_ids)).order_by(endpoint.c.id))
    for endpoint_id, organisation_id, programme_id, url, description, events, active, created_at in _stream(query):
        yield (endpoint_id, "programme" if programme_id else "organisation", organisation_id or "",
               programme_id or "", url, description, " | ".join(events or ()), "yes" if active else "no",
               _utc(created_at))


def _deliveries(endpoint_ids):
    """The endpoints' delivery log (the outbox's webhook rows): outcomes and times, not the bodies."""
    row = OutboxMessage.__table__
    query = (select(row.c.id, row.c.endpoint_id, row.c.subject, row.c.state, row.c.attempts, row.c.response_status,
                    row.c.created_at, row.c.sent_at)
             .where(row.c.kind == "webhook", row.c.endpoint_id.in_(endpoint_ids)).order_by(row.c.id))
    for delivery_id, endpoint_id, kind, state, attempts, status, created_at, sent_at in _stream(query):
        yield (delivery_id, endpoint_id, kind, state, attempts, "" if status is None else status, _utc(created_at),
               _utc(sent_at))
