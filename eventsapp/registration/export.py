"""An event's registrations as CSV bytes (UTF-8 with BOM, RFC 4180), safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsapp.extensions import db
from eventsapp.models import Event, EventQuestion, Organisation, Registration, RegistrationAnswer
from eventsapp.spreadsheets import safe_cell
from eventsapp.timeutil import format_local

COLUMNS = [
    "Status", "First name", "Last name", "Email", "Organisation", "Organisation as entered", "Sector",
    "Job title or role", "Access requirements", "Dietary needs", "Agreed to be contacted", "Source",
    "Registered at", "Cancelled at", "Attended",
    # "yes": the email was first registered under another name (see Registration.name_differs).
    "Second name on this email",
]


def registrations_to_csv(event: Event) -> bytes:
    """Every registration of ``event`` (no equality-monitoring data, ever)."""
    questions = db.session.scalars(
        select(EventQuestion).where(EventQuestion.event_id == event.id)
        .order_by(EventQuestion.position, EventQuestion.id)
    ).all()
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.person),
                 selectinload(Registration.organisation).selectinload(Organisation.sector),
                 selectinload(Registration.attendance))
        .order_by(Registration.created_at, Registration.id)
    ).all()
    answers: dict[tuple[int, int], str] = {}
    if registrations and questions:
        for answer in db.session.scalars(
            select(RegistrationAnswer).join(Registration).where(Registration.event_id == event.id)
        ):
            answers[(answer.registration_id, answer.question_id)] = answer.value

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(c) for c in [*COLUMNS, *(q.label for q in questions)]])
    for registration in registrations:
        person, organisation = registration.person, registration.organisation
        row = [
            registration.status, registration.first_name, registration.last_name, person.email or "",
            organisation.name if organisation else "", registration.organisation_name_entered,
            organisation.sector.name if organisation and organisation.sector else
            ("Individual (no organisation)" if organisation is None else ""),
            registration.job_title, registration.access_requirements, registration.dietary_requirements,
            "yes" if registration.consent_contact else "no", registration.source,
            format_local(registration.created_at, "%Y-%m-%d %H:%M"),
            format_local(registration.cancelled_at, "%Y-%m-%d %H:%M"),
            "yes" if registration.attendance is not None else "no",
            "yes" if registration.name_differs else "no",
            *(answers.get((registration.id, q.id), "").replace("\n", "; ") for q in questions),
        ]
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
