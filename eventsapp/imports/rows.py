"""Reading rows: which column holds which field, and each row's cells checked and read into a Row.

A row with a problem is reported (RowErrors) and left out; a write pass stops at the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from eventsapp.forms import clean_line, has_control_characters
from eventsapp.imports import parsing
from eventsapp.imports.columns import column_values, guess_by_meaning, parse_status, read_attendance
from eventsapp.imports.parsing import FIELDS, ValueProblem, cell_text
from eventsapp.imports.sectors import SectorResolver
from eventsapp.imports.summary import ImportRefused, ImportSummary, ImportTarget
from eventsapp.models import normalise_email
from eventsapp.timeutil import to_utc

MAX_ERRORS_KEPT = 200
#: Characters of a problem's value kept for the preview (which shortens it, the whole of it a click away).
MAX_ERROR_VALUE = 300
_LIMITS = {"first_name": 100, "last_name": 100, "email": 254, "organisation": 200, "job_title": 200,
           "event_title": 200, "town": 100, "host_organisation": 200}


@dataclass
class Row:
    """One row of the file as read; the ids are filled in as the row's chunk is resolved."""

    number: int
    first_name: str
    last_name: str
    email: str | None
    email_key: str | None
    organisation: str
    organisation_key: str
    sector_code: str | None
    job_title: str
    attended: bool
    status: str
    registered_at: datetime | None
    event_key: tuple | None = None
    event_id: int | None = None
    organisation_id: int | None = None
    person_id: int | None = None

    @property
    def name(self) -> str:
        """The name as the row gives it ("first last")."""
        return f"{self.first_name} {self.last_name}".strip()


def column_fields(headers: list[str], remembered: dict[str, str] | None = None,
                  sample: list[list[object]] | None = None) -> dict[int, str]:
    """Column index -> field: the user's (or remembered) choices first, then what each column's
    header and values mean (see columns.guess_by_meaning); a field is read from one column only."""
    remembered = remembered or {}
    chosen: dict[int, str] = {}
    taken: set[str] = set()
    keys = [parsing.normalise_header(header) for header in headers]
    for index, key in enumerate(keys):
        field_name = remembered.get(key)
        if field_name in FIELDS and field_name not in taken:
            chosen[index] = field_name
            taken.add(field_name)
    # The attendee's own columns first: pretix has "Email" (the buyer's) and "Attendee email".
    order = sorted(range(len(headers)), key=lambda i: not keys[i].startswith(("attendee ", "ticket holder ")))
    for index in order:
        header = headers[index]
        if keys[index] in remembered:
            continue
        field_name = guess_by_meaning(header, column_values(sample or [], index))
        if field_name and field_name not in taken:
            chosen[index] = field_name
            taken.add(field_name)
    return chosen


def missing_fields(fields: set[str], target: ImportTarget) -> list[str]:
    missing = []
    if not fields & {"first_name", "last_name", "full_name"}:
        missing.append("a name column (first name and last name, or full name)")
    if target.event_id is None:
        for needed in ("event_title", "event_date"):
            if needed not in fields:
                missing.append(f"an {FIELDS[needed].lower()} column (to know which event each row is for)")
    return missing


class RowErrors:
    """Problems found in rows: counted, the first MAX_ERRORS_KEPT kept for the preview;
    a write pass stops at the first (:class:`ImportRefused`)."""

    def __init__(self, summary: ImportSummary, *, write: bool):
        self.summary, self.write = summary, write

    def __call__(self, number: int, field_name: str, value: str, message: str) -> None:
        self.summary.error_count += 1
        if len(self.summary.errors) < MAX_ERRORS_KEPT:
            header = next((h for h, f in self.summary.columns.items() if f == field_name), FIELDS.get(field_name, ""))
            self.summary.errors.append({"row": number, "column": header, "value": value[:MAX_ERROR_VALUE],
                                        "length": len(value), "message": message})
        if self.write:
            raise ImportRefused(self.summary, f"Row {number}, column “{header}”: “{value[:60]}” {message}")


#: A spreadsheet cell's line breaks and tabs are layout (Alt+Enter in Excel), read as spaces as a browser
#: reads them pasted into a one-line field; any other control character is refused, as forms refuse it.
_LAYOUT = str.maketrans("\t\n\r\x0b\x0c\x85", "      ")


def hidden_characters_problem(text: str) -> str | None:
    """Why a cell's text cannot be imported as it is (the rule of :class:`eventsapp.forms.BaseForm`'s
    one-line fields, line breaks and tabs apart), or None."""
    if (text.isprintable() and "\ufffd" not in text) or not has_control_characters(text.translate(_LAYOUT)):
        return None
    if "\ufffd" in text:
        return "holds characters that could not be read (shown here as [U+FFFD]): type them again in the file"
    return "holds invisible control characters (shown here as [U+…]): remove them from the file"


def show_hidden_characters(text: str) -> str:
    """The text with each control character written as [U+XXXX], so that the preview shows it."""
    return "".join(f"[U+{ord(c):04X}]" if has_control_characters(c) else c for c in text)


class Memo:
    """Parsed values remembered per text: columns such as dates and yes/no repeat endlessly."""

    def __init__(self):
        self._parsed: dict[tuple, object] = {}

    def __call__(self, parse, value):
        """``parse(value)``, remembered when ``value`` is a text.

        :raise ValueProblem: as ``parse`` does (problems are not remembered).
        """
        if type(value) is not str:
            return parse(value)
        key = (parse, value)
        if key not in self._parsed:
            result = parse(value)
            if len(self._parsed) < 10_000:
                self._parsed[key] = result
            return result
        return self._parsed[key]


class RowReader:
    """Turns a row's cells into a :class:`Row`: lengths and formulas checked, name, email,
    attendance, booking status, sector and registration time read, and its event found."""

    def __init__(self, headers: list[str], columns: dict[int, str], summary: ImportSummary, *,
                 error: RowErrors, memo: Memo, sectors: SectorResolver, organisations, events):
        self.width = len(headers)
        self.summary, self.error, self._memo, self.sectors = summary, error, memo, sectors
        self.organisations, self.events = organisations, events
        self._column_limits = [(index, name, min(_LIMITS.get(name, 1000), parsing.MAX_CELL_CHARS))
                               for index, name in columns.items()]
        self._sector_codes: dict[str, str | None] = {}

    def parse(self, number: int, cells: list) -> Row | None:
        """The row, or None when it has a problem (reported)."""
        values: dict[str, object] = {}
        width = self.width
        if len(cells) > width and any(cell_text(c) for c in cells[width:]):
            self.error(number, "", f"{len(cells):,} cells",
                       f"has {len(cells):,} cells but the header row names {width} columns")
            return None
        ok = True
        count = len(cells)
        for index, field_name, limit in self._column_limits:
            raw = cells[index] if index < count else None
            if type(raw) is str and (problem := hidden_characters_problem(raw)):
                self.error(number, field_name, show_hidden_characters(raw.translate(_LAYOUT).strip()), problem)
                ok = False
                continue
            text = clean_line(raw) if type(raw) is str else cell_text(raw)
            if len(text) > limit:
                self.error(number, field_name, text, f"is too long (at most {limit} characters)")
                ok = False
            elif text and text[0] in "=+-@" and parsing.looks_like_formula(text):
                self.error(number, field_name, text, "looks like a spreadsheet formula, not a value")
                ok = False
            values[field_name] = raw if raw is not None and type(raw) is not str and isinstance(
                raw, datetime | date | time) else text
        if not ok:
            return None
        return self._build_row(number, values)

    def _build_row(self, number: int, values: dict) -> Row | None:
        first, last = values.get("first_name", ""), values.get("last_name", "")
        if not first and not last and values.get("full_name"):
            first, last = parsing.split_full_name(values["full_name"])
        if not first and not last:
            self.error(number, "full_name" if "full_name" in values else "first_name", "", "has no name")
            return None
        email = values.get("email") or None
        if email and not parsing.EMAIL.match(email):
            self.error(number, "email", email, "is not an email address")
            return None
        try:
            status, attended = (self._memo(read_attendance, values["attended"]) if "attended" in values
                                else ("confirmed", self.summary.attendance == "all"))
        except ValueProblem as problem:
            self.error(number, "attended", cell_text(values["attended"]), str(problem))
            return None
        try:
            booking = self._memo(parse_status, values.get("registration_status", ""))
        except ValueProblem as problem:
            self.error(number, "registration_status", values["registration_status"], str(problem))
            return None
        if "cancelled" in (status, booking):
            # Cancelled, refunded or transferred: kept as a cancelled booking, never a registration that
            # stands nor an attendance, whatever else the row says.
            self.summary.cancelled_rows += 1
            status, attended = "cancelled", False
        else:
            status = "confirmed" if attended else (booking if booking != "confirmed" else status)
        registered_at = None
        if values.get("registered_at"):
            try:
                registered_at = to_utc(parsing.parse_datetime(values["registered_at"]))
            except ValueProblem as problem:
                self.error(number, "registered_at", cell_text(values["registered_at"]), str(problem))
                return None
        organisation = values.get("organisation", "")
        sector_text = values.get("sector", "")
        sector_code = None
        if sector_text:
            if sector_text not in self._sector_codes:
                self._sector_codes[sector_text] = self.sectors.resolve(sector_text)
            sector_code = self._sector_codes[sector_text]
        if sector_text and sector_code is None and len(self.summary.unknown_sectors) < 100:
            self.summary.unknown_sectors[sector_text] = self.summary.unknown_sectors.get(sector_text, 0) + 1
        row = Row(
            number=number, first_name=first[:100], last_name=last[:100], email=email,
            email_key=normalise_email(email), organisation=organisation,
            organisation_key=self.organisations.key(organisation), sector_code=sector_code,
            job_title=values.get("job_title", ""), attended=attended, status=status, registered_at=registered_at,
        )
        if self.events.fixed is None and not self.events.for_row(row, values):
            return None
        return row
