"""What each column of an attendance file holds, read by its header and its values.

Headers are recognised by the names other tools give them (parsing.HEADER_ALIASES), by the words of a
registration question ("Which organisation do you represent?"), and by their values: a status column
that says "Checked In" says who attended, one of numbers is not a name. Attendance and status cells are
read by meaning too ("Attending" is a booking, "Refunded" a cancelled one). Nothing here touches the
database.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from eventsapp.imports.parsing import (
    EMAIL,
    ValueProblem,
    cell_text,
    guess_field,
    normalise_header,
    parse_date,
    parse_datetime,
)

#: Headers whose meaning depends on their values: a "Status" of "Checked In" says who attended,
#: one of "Paid" or "Cancelled" only whether the booking stands.
AMBIGUOUS_HEADERS = {"status": "registration_status", "ticket status": "registration_status",
                     "attendee status": "attended"}

#: Questions asked on registration forms, read by their words ("Which organisation do you represent?").
_QUESTION_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("sector", re.compile(r"\b(sector|type of (organi[sz]ation|agency|body)|kind of (organi[sz]ation|agency))\b")),
    ("organisation", re.compile(r"\b(organi[sz]ation|company|employer|agency|group you represent)\b")),
    ("email", re.compile(r"\be ?mail\b")),
    ("job_title", re.compile(r"\b(job title|your role|your position)\b")),
    ("first_name", re.compile(r"\b(first name|given name|forename)\b")),
    ("last_name", re.compile(r"\b(last name|surname|family name)\b")),
    ("full_name", re.compile(r"\b(your name|full name|name of attendee)\b")),
    # Google Forms, Microsoft Forms and Eventbrite's custom questions ask which event and when: "Date of
    # the event", "What date did you attend?", "Which event did you attend?", "Which session are you
    # booking?"; "How did you hear about the event?" is neither.
    ("event_date", re.compile(r"\b(date (and time )?of (the |this |your )?(event|session|workshop|meeting|training)"
                              r"|(event|session|workshop|meeting) date"
                              r"|(what|which) (date|day)\b.*\b(event|session|workshop|attend\w*)"
                              r"|when (was|is|did|will)\b.*\b(event|session|workshop|attend\w*)"
                              r"|date (you|did you|of attendance|attended))\b")),
    ("event_title", re.compile(r"\b(which|what) (event|session|workshop)( (did|are|were|have|will|do) you\b.*\b"
                               r"(attend|book|register|go|going|come|came|join|sign)\w*\b.*)?$"
                               r"|\bname of (the |this |your )?(event|session|workshop)\b"
                               r"|\b(event|session|workshop) (you|did you|are you|were you|have you)\b.*\b"
                               r"(attend|book|register|going|join)\w*")),
]

#: Values of an attendance or status column, read by meaning: (registration status, attended).
_ATTENDED = {"yes", "y", "true", "t", "1", "x", "attended", "checked in", "checkedin", "present", "walk in",
             "walked in", "walk up", "tick", "ticked", "arrived", "in", "checked in yes", "came", "joined"}
_NOT_ATTENDED = {"no", "n", "false", "f", "0", "no show", "noshow", "did not attend", "not attended", "dna",
                 "absent", "not checked in", "apologies", "registered", "booked", "attending", "confirmed",
                 "approved", "active", "valid", "paid", "completed", "complete", "manual", "offline", "going",
                 "pending", "not arrived", "didn t attend", "did not show", "unpaid", "free", "issued"}
_CANCELLED = {"cancelled", "canceled", "refunded", "transferred", "not attending", "declined", "denied", "deleted",
              "void", "voided", "expired", "refunded canceled", "refunded cancelled", "withdrawn", "rejected",
              "cancelled by attendee", "cancelled by organiser", "blocked", "denied blocked"}
_WAITLISTED = {"waitlisted", "waiting list", "waitlist", "on waiting list", "on the waiting list", "wait list"}
_CHECK_MARKS = {"✓", "✔", "☑", "✅"}
_CROSS_MARKS = {"✗", "✘", "☐", "❌", "×"}
_STATUSES = {key: "confirmed" for key in _NOT_ATTENDED - {"no", "n", "false", "f", "0"}}
_STATUSES.update({key: "confirmed" for key in ("attended", "checked in", "present")})
_STATUSES.update({key: "cancelled" for key in _CANCELLED})
_STATUSES.update({key: "waitlisted" for key in _WAITLISTED})


def column_values(sample: list[list[object]], index: int) -> list[object]:
    return [cells[index] for cells in sample if index < len(cells) and cell_text(cells[index])]


def examples(sample: list[list[object]], index: int, count: int = 3) -> list[str]:
    """A few distinct values of a column, as the preview shows them."""
    seen: list[str] = []
    for value in column_values(sample, index):
        text = value.strftime("%d/%m/%Y %H:%M").removesuffix(" 00:00") if isinstance(value, datetime) else \
            cell_text(value)
        text = text if len(text) <= 40 else text[:39] + "…"
        if text not in seen:
            seen.append(text)
            if len(seen) == count:
                break
    return seen


#: Fields whose values are words: a column of numbers is not one of them.
_WORD_FIELDS = {"first_name", "last_name", "full_name", "organisation", "sector", "job_title", "event_title",
                "host_organisation", "town"}


def guess_by_meaning(header: str, values: list[object]) -> str | None:
    """The field a column holds, from its header (a known name, or a question's words) and its values."""
    key = normalise_header(header)
    if values and all(normalise_header(cell_text(v)) == "anonymous" for v in values):
        return None  # Microsoft Forms' "Email" and "Name" of anonymous responses
    if key in AMBIGUOUS_HEADERS:
        return "attended" if status_gives_attendance(values) else "registration_status"
    field_name = guess_field(header)
    if field_name is None:
        field_name = guess_question(header)
        if field_name == "email" and values and not any(EMAIL.match(cell_text(v)) for v in values):
            return None  # "Can we email you about future events?" answered yes or no
        if field_name == "event_date" and values and not any(_is_date(v) for v in values):
            return None  # "When did you attend?" answered "Morning" or "Afternoon"
    if field_name in _WORD_FIELDS and values and not any(re.search(r"[^\W\d_]", cell_text(v)) for v in values):
        return None  # Eventbrite's "Attendee #" holds numbers, not names
    if field_name in ("start_time", "end_time") and any(
            isinstance(v, datetime) or re.search(r"\d[/-]\d", cell_text(v)) for v in values):
        return None  # a form's "Start time" is when the response was begun, a date and time
    return field_name


def _is_date(value: object) -> bool:
    try:
        parse_date(value)
    except ValueProblem:
        return False
    return True


def read_attendance(value: object) -> tuple[str, bool]:
    """An attendance cell as (registration status, attended): "Checked In" -> ("confirmed", True),
    "Attending" -> ("confirmed", False), "Refunded" -> ("cancelled", False); a check-in time is attended.

    :raise ValueProblem: for a value that says neither.
    """
    if isinstance(value, datetime | date | time):
        return "confirmed", True
    text = cell_text(value).strip()
    if text in _CHECK_MARKS:
        return "confirmed", True
    if text in _CROSS_MARKS:
        return "confirmed", False
    key = normalise_header(text)
    if key in _ATTENDED:
        return "confirmed", True
    if key in _NOT_ATTENDED or not key:
        return "confirmed", False
    if key in _CANCELLED:
        return "cancelled", False
    if key in _WAITLISTED:
        return "waitlisted", False
    if re.match(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", text):
        try:
            parse_datetime(text)  # a check-in time ("2024-03-14 09:12")
        except ValueProblem:
            pass
        else:
            return "confirmed", True
    raise ValueProblem("is not an attendance answer (use yes, no, checked in, attending, no-show, cancelled …)")


def parse_bool(text: str) -> bool:
    return read_attendance(text)[1]


def parse_status(text: str) -> str:
    key = normalise_header(text)
    if not key:
        return "confirmed"
    if key in _STATUSES:
        return _STATUSES[key]
    raise ValueProblem("is not a registration status (confirmed, attending, waitlisted, cancelled, refunded …)")


def status_gives_attendance(values: list[object]) -> bool:
    """Whether a status column's values say who attended ("Checked In") rather than only who booked."""
    for value in values:
        try:
            if read_attendance(value)[1]:
                return True
        except ValueProblem:
            continue
    return False


def guess_question(header: str) -> str | None:
    """The field a registration question asks for ("What sector is your organisation in?" -> sector)."""
    key = normalise_header(header)
    if len(key.split()) < 3:
        return None
    for field_name, pattern in _QUESTION_PATTERNS:
        if pattern.search(key):
            return field_name
    return None
