"""The import pass: stream rows in chunks, resolve them, and (when writing) insert in batches.

The same pass runs twice: once as a preview (``write=False``: nothing is
written, new things get placeholder ids so that counting is identical) and
once to write (``write=True``, inside one transaction the caller commits).
Lookups are cached in dicts for the whole file and missing keys are fetched
per chunk with ``IN`` queries, so the database sees a few queries per
thousand rows, never one per row.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update

from eventsapp.directory import find_organisation, survivor_ids
from eventsapp.extensions import db
from eventsapp.forms import clean_line
from eventsapp.imports import parsing
from eventsapp.imports.columns import column_values, examples, guess_by_meaning, parse_status, read_attendance
from eventsapp.imports.parsing import FIELDS, RowSource, ValueProblem, cell_text
from eventsapp.imports.sectors import SectorResolver
from eventsapp.models import (
    Attendance,
    Event,
    Organisation,
    OrganisationAlias,
    Person,
    Programme,
    Region,
    Registration,
    normalise_email,
    normalise_organisation_name,
    utcnow,
)
from eventsapp.timeutil import to_local, to_utc

CHUNK_ROWS = 1000
MAX_ERRORS_KEPT = 200
MAX_LISTED = 500
DEFAULT_START, DEFAULT_END = time(10, 0), time(13, 0)
_LIMITS = {"first_name": 100, "last_name": 100, "email": 254, "organisation": 200, "job_title": 200,
           "event_title": 200, "town": 100, "host_organisation": 200}


@dataclass
class ImportTarget:
    """Where rows go: one event, or a programme (whose events may be created from the rows)."""

    event_id: int | None = None
    programme_slug: str | None = None
    create_events: bool = False
    #: The coordinating organisation of a programme the import creates.
    coordinator_organisation_id: int | None = None
    file_label: str = ""
    #: Who attended when no column says: "all" (every row), "none", or "" (a column must say).
    attendance: str = ""
    #: What the file does not say about the events it names: [{title, date (ISO), region, host,
    #: start_time, end_time, town}], from the CLI's --events file or the web preview's form.
    event_details: list[dict] = field(default_factory=list)
    #: Rows without an email are the existing person of the same name and organisation only when
    #: the organiser confirms it; otherwise they are new people (and the preview lists the candidates).
    match_names: bool = False


@dataclass
class ImportSummary:
    """What a file holds and what importing it does; JSON-serialisable for the web preview."""

    kind: str = ""
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)
    #: header as written -> field ("" when the column is ignored).
    columns: dict[str, str] = field(default_factory=dict)
    #: header as written -> a few of its values, so the user sees what each column was read as.
    examples: dict[str, list[str]] = field(default_factory=dict)
    #: No column says who attended and the user has not chosen: nothing can be written.
    needs_attendance: bool = False
    #: How attendance is decided: "column", "all" or "none".
    attendance: str = ""
    #: Fields that decide the figures but that no column gives (organisation, sector, email).
    warnings: list[str] = field(default_factory=list)
    #: Rows of cancelled, refunded or transferred bookings: neither registrations nor attendances.
    cancelled_rows: int = 0
    #: New events the file names without what creating them needs: [{title, date, lacks, rows}].
    events_incomplete: list[dict] = field(default_factory=list)
    file_error: str | None = None
    missing: list[str] = field(default_factory=list)
    rows: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    people_new: int = 0
    people_matched_email: int = 0
    people_matched_name: int = 0
    matched_people: list[dict] = field(default_factory=list)
    organisations_matched: int = 0
    organisations_new: list[dict] = field(default_factory=list)
    organisations_new_count: int = 0
    events_matched: int = 0
    events_new: list[dict] = field(default_factory=list)
    programme_created: bool = False
    registrations_new: int = 0
    registrations_existing: int = 0
    attendances_new: int = 0
    repeated_rows: int = 0
    unknown_sectors: dict[str, int] = field(default_factory=dict)
    #: One email under two different names (in the file, or the file and an existing person):
    #: [{row, email, name, other_name, other}]; imported as one person, flagged for the organiser.
    name_conflicts: list[dict] = field(default_factory=list)
    name_conflict_count: int = 0
    #: Rows without an email whose name and organisation match an existing person, not matched
    #: because the organiser has not confirmed it: [{row, name}].
    name_candidates: list[dict] = field(default_factory=list)
    name_candidate_count: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return (not self.file_error and not self.missing and not self.error_count and self.rows > 0
                and not self.needs_attendance and not self.events_incomplete)

    @property
    def ignored(self) -> list[str]:
        return [header for header, field_name in self.columns.items() if not field_name]

    @property
    def people_matched(self) -> int:
        return self.people_matched_email + self.people_matched_name

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportSummary:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


class ImportRefused(Exception):
    """A write pass met a problem; the transaction must be rolled back."""

    def __init__(self, summary: ImportSummary, message: str):
        super().__init__(message)
        self.summary = summary


@dataclass
class _Row:
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


class ImportPass:
    """One streaming pass over a file for one target."""

    def __init__(self, source: RowSource, target: ImportTarget, columns: dict[int, str], *, write: bool,
                 progress: Callable[[int, float], None] | None = None):
        self.source, self.target, self.columns, self.write = source, target, columns, write
        self.progress = progress or (lambda rows, fraction: None)
        self.summary = ImportSummary(headers=list(source.headers), kind=source.kind, encoding=source.encoding,
                                     delimiter=source.delimiter)
        self.summary.columns = {h: columns.get(i, "") for i, h in enumerate(source.headers)}
        self.summary.examples = {h: examples(source.sample, i) for i, h in enumerate(source.headers)}
        self.incomplete: dict[tuple, dict] = {}
        self.details = {(_title_key(d.get("title", "")), str(d.get("date", ""))): d
                        for d in target.event_details}
        self.sectors = SectorResolver()
        self._column_limits = [(index, name, min(_LIMITS.get(name, 1000), parsing.MAX_CELL_CHARS))
                               for index, name in columns.items()]
        self._keys: dict[str, str] = {}
        self._sector_codes: dict[str, str | None] = {}
        self._parsed: dict[tuple, object] = {}
        self._now = utcnow()
        self._placeholders = itertools.count(-1, -1)
        self.organisations: dict[str, int] = {}
        self.new_organisations: dict[str, dict] = {}
        #: Keys looked up and not found: new organisations (created once, below).
        self.absent_organisations: set[str] = set()
        self.matched_organisation_ids: set[int] = set()
        self.people_by_email: dict[str, int] = {}
        #: email key -> the first name given with it ("first last", casefolded) and how it was written.
        self.names_by_email: dict[str, tuple[str, str]] = {}
        self.candidate_keys: set[tuple] = set()
        self.people_by_name: dict[tuple, int] = {}
        self.seen_people: set[int] = set()
        #: People this pass created: they cannot have registrations yet.
        self.created_people: set[int] = set()
        #: (event id, person id) -> [registration id, attended]
        self.registrations: dict[tuple[int, int], list] = {}
        #: Registrations that existed before this pass and rows of the file have named.
        self.seen_existing: set[int] = set()
        #: Highest ids before this pass: anything above was created by it (see process()).
        self.person_watermark = 0
        self.registration_watermark = 0
        self.events: dict[tuple, tuple[int, datetime]] = {}
        self.event_specs: dict[tuple, dict] = {}
        self.regions: dict[str, int] = {}
        self.programme: Programme | None = None
        self.programme_id: int | None = None
        self.fixed_event: tuple[int, datetime] | None = None

    # Set-up ------------------------------------------------------------------

    def prepare(self) -> bool:
        self.person_watermark = db.session.scalar(select(func.max(Person.id))) or 0
        self.registration_watermark = db.session.scalar(select(func.max(Registration.id))) or 0
        fields = set(self.columns.values())
        self.summary.missing = missing_fields(fields, self.target)
        self._decide_attendance(fields)
        if "organisation" not in fields:
            self.summary.warnings.append("No column gives the organisation: every person counts as an individual.")
        elif "sector" not in fields:
            self.summary.warnings.append("No column gives the sector: new organisations get the sector their "
                                         "name suggests, or none.")
        if "email" not in fields:
            self.summary.warnings.append("No column gives the email: people are matched by name and organisation.")
        if self.summary.missing or (self.write and self.summary.needs_attendance):
            return False
        for region in db.session.scalars(select(Region)):
            self.regions[parsing.normalise_header(region.code)] = region.id
            self.regions[parsing.normalise_header(region.name)] = region.id
        if self.target.event_id is not None:
            event = db.session.get(Event, self.target.event_id)
            if event is None:
                self.summary.file_error = f"There is no event with id {self.target.event_id}."
                return False
            self.fixed_event = (event.id, event.starts_at)
            return True
        programme = db.session.scalar(select(Programme).where(Programme.slug == self.target.programme_slug))
        if programme is None:
            if not self.target.create_events:
                self.summary.file_error = (
                    f"No programme has the slug “{self.target.programme_slug}”. "
                    "Choose “create events” to create it from the file."
                )
                return False
            self.summary.programme_created = True
            if self.write:
                programme = Programme(
                    slug=self.target.programme_slug,
                    name=self.target.programme_slug.replace("-", " ").replace("_", " ").capitalize(),
                    coordinator_organisation_id=self.target.coordinator_organisation_id,
                )
                db.session.add(programme)
                db.session.flush()
            else:
                self.programme_id = next(self._placeholders)
                return True
        self.programme, self.programme_id = programme, programme.id
        for event in db.session.scalars(select(Event).where(Event.programme_id == programme.id)):
            self.events[(_title_key(event.title), to_local(event.starts_at).date())] = (event.id, event.starts_at)
        return True

    def _decide_attendance(self, fields: set[str]) -> None:
        choice = self.target.attendance
        if "attended" in fields:
            if choice in ("all", "none"):
                header = next(h for h, f in self.summary.columns.items() if f == "attended")
                self.summary.missing.append(
                    f"one answer to who attended: the column “{header}” or "
                    f"{'every row' if choice == 'all' else 'no row'} attended, not both")
            self.summary.attendance = "column"
        elif choice in ("all", "none"):
            self.summary.attendance = choice
        else:
            self.summary.needs_attendance = True

    # The pass ----------------------------------------------------------------

    def run(self) -> ImportSummary:
        if not self.prepare():
            return self.summary
        chunk: list[_Row] = []
        try:
            for number, cells in self.source.rows:
                self.summary.rows += 1
                row = self.parse(number, cells)
                if row is not None:
                    chunk.append(row)
                if len(chunk) >= CHUNK_ROWS:
                    self.process(chunk)
                    chunk = []
                    self.progress(self.summary.rows, self.source.progress())
            if chunk:
                self.process(chunk)
        except parsing.ImportFileError as error:
            self.summary.file_error = str(error)
            if self.write:
                raise ImportRefused(self.summary, str(error)) from None
        finally:
            self.source.close()
        self.progress(self.summary.rows, 1.0)
        if self.summary.rows == 0 and not self.summary.file_error:
            self.summary.file_error = "The file has a header row but no rows of data."
        self.summary.organisations_matched = len(self.matched_organisation_ids)
        self.summary.organisations_new_count = len(self.new_organisations)
        self.summary.organisations_new = sorted(self.new_organisations.values(), key=lambda o: o["name"].casefold())[
            :MAX_LISTED]
        self.summary.events_new = sorted(self.event_specs.values(), key=lambda e: (e["date"], e["title"]))
        self.summary.events_incomplete = sorted(self.incomplete.values(), key=lambda e: (e["date"], e["title"]))
        self.summary.written = self.write
        return self.summary

    def error(self, number: int, field_name: str, value: str, message: str) -> None:
        self.summary.error_count += 1
        if len(self.summary.errors) < MAX_ERRORS_KEPT:
            header = next((h for h, f in self.summary.columns.items() if f == field_name), FIELDS.get(field_name, ""))
            self.summary.errors.append({"row": number, "column": header, "value": value[:120], "message": message})
        if self.write:
            raise ImportRefused(self.summary, f"Row {number}, column “{header}”: “{value[:60]}” {message}")

    def parse(self, number: int, cells: list) -> _Row | None:
        values: dict[str, object] = {}
        width = len(self.source.headers)
        if len(cells) > width and any(cell_text(c) for c in cells[width:]):
            self.error(number, "", f"{len(cells):,} cells",
                       f"has {len(cells):,} cells but the header row names {width} columns")
            return None
        ok = True
        count = len(cells)
        for index, field_name, limit in self._column_limits:
            raw = cells[index] if index < count else None
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

    def _build_row(self, number: int, values: dict) -> _Row | None:
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
        row = _Row(
            number=number, first_name=first[:100], last_name=last[:100], email=email,
            email_key=normalise_email(email), organisation=organisation,
            organisation_key=self.organisation_key(organisation), sector_code=sector_code,
            job_title=values.get("job_title", ""), attended=attended, status=status, registered_at=registered_at,
        )
        if self.fixed_event is None and not self._event_for(row, values):
            return None
        return row

    def _event_for(self, row: _Row, values: dict) -> bool:
        title = values.get("event_title", "")
        if not title:
            self.error(row.number, "event_title", "", "is empty: which event is this row for?")
            return False
        try:
            day = self._memo(parsing.parse_date, values.get("event_date", ""))
        except ValueProblem as problem:
            self.error(row.number, "event_date", cell_text(values.get("event_date", "")), str(problem))
            return False
        key = (_title_key(title), day)
        row.event_key = key
        if key in self.events:
            return True
        if not self.target.create_events:
            self.error(row.number, "event_title", title,
                       f"is not an event of this programme on {day:%d/%m/%Y} (choose “create events” to add it)")
            return False
        given = self.details.get((key[0], day.isoformat()), {})
        region_text = given.get("region") or values.get("region", "")
        region_id = self.regions.get(parsing.normalise_header(region_text))
        host = given.get("host") or values.get("host_organisation", "")
        lacks = []
        if region_id is None:
            lacks.append(f"a region (“{region_text}” is not one: use a name such as “South East” or an ITL code "
                         "such as TLJ)" if region_text else "a region")
        if not normalise_organisation_name(host):
            lacks.append("a host organisation")
        start, end = DEFAULT_START, None
        try:
            start_text = given.get("start_time") or values.get("start_time")
            end_text = given.get("end_time") or values.get("end_time")
            start = parsing.parse_time(start_text) if start_text else DEFAULT_START
            end = parsing.parse_time(end_text) if end_text else None
        except ValueProblem as problem:
            lacks.append(f"a start and end time ({problem})")
        if lacks:
            self.incomplete[key] = {"title": title, "date": day.isoformat(), "lacks": lacks, "rows": 0,
                                    "region": region_text if region_id else "", "host": host,
                                    "start_time": start.strftime("%H:%M"),
                                    "end_time": end.strftime("%H:%M") if end else ""}
            if self.write:
                raise ImportRefused(self.summary, event_lacks(self.incomplete[key]))
            self.events[key] = (next(self._placeholders), to_utc(datetime.combine(day, start)))
            return True
        starts_at = to_utc(datetime.combine(day, start))
        ends_at = to_utc(datetime.combine(day, end)) if end else None
        if ends_at is None or ends_at <= starts_at:
            ends_at = starts_at + timedelta(hours=3) if end is None else to_utc(
                datetime.combine(day + timedelta(days=1), end))
        host_id = self._organisation_id(host, None, host=True)
        spec = {"title": title, "date": day.isoformat(), "region_id": region_id, "region": region_text,
                "town": given.get("town") or values.get("town", ""), "host": host, "rows": 0}
        event_id = next(self._placeholders)
        if self.write:
            event = Event(programme_id=self.programme_id, host_organisation_id=host_id, region_id=region_id,
                          title=title, town=spec["town"], starts_at=starts_at, ends_at=ends_at, status="published")
            db.session.add(event)
            db.session.flush()
            event_id = event.id
        self.events[key] = (event_id, starts_at)
        self.event_specs[key] = spec
        return True

    # Resolution per chunk -------------------------------------------------------

    def _memo(self, parse, value):
        """``parse(value)``, remembered per text: columns such as dates and yes/no repeat endlessly.

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

    def organisation_key(self, name: str) -> str:
        """normalise_organisation_name, remembered: a file repeats the same names many times."""
        key = self._keys.get(name)
        if key is None:
            key = normalise_organisation_name(name)
            if len(self._keys) < 200_000:
                self._keys[name] = key
        return key

    def _organisation_id(self, name: str, sector_code: str | None, *, host: bool = False) -> int | None:
        key = self.organisation_key(name)
        if not key:
            return None
        if key in self.organisations:
            organisation_id = self.organisations[key]
            created = self.new_organisations.get(key)
            if created is not None:
                created["rows"] += 0 if host else 1
                if sector_code and not created["explicit"]:
                    # A sector the file states beats one proposed from a host's name.
                    created["sector"], created["explicit"] = sector_code, True
                    if self.write:
                        db.session.execute(update(Organisation).where(Organisation.id == organisation_id)
                                           .values(sector_id=self.sectors.sector_id(sector_code)))
            return organisation_id
        if key not in self.absent_organisations:
            found = find_organisation(name)
            if found is not None:
                self.organisations[key] = found.id
                return found.id
        clean = " ".join(name.split())
        code = sector_code or self.sectors.propose(clean)
        organisation_id = next(self._placeholders)
        if self.write:
            organisation = Organisation(name=clean, normalised_key=key, sector_id=self.sectors.sector_id(code))
            db.session.add(organisation)
            db.session.flush()
            organisation_id = organisation.id
        self.organisations[key] = organisation_id
        self.new_organisations[key] = {"name": clean, "sector": code or "", "rows": 0 if host else 1,
                                       "host": host, "explicit": bool(sector_code)}
        return organisation_id

    def _lookup_organisations(self, keys: set[str]) -> None:
        """Resolve many normalised names at once, as directory.find_organisation does one:
        a live organisation's key, else an alias, then on through merges to the survivor."""
        keys = {k for k in keys if k and k not in self.organisations and k not in self.absent_organisations}
        if not keys:
            return
        found: dict[str, int] = dict(db.session.execute(
            select(Organisation.normalised_key, Organisation.id)
            .where(Organisation.normalised_key.in_(keys), Organisation.merged_into_id.is_(None))
        ).all())
        remaining = keys - set(found)
        by_alias: dict[str, int] = {}
        if remaining:
            by_alias = dict(db.session.execute(
                select(OrganisationAlias.normalised_key, OrganisationAlias.organisation_id)
                .where(OrganisationAlias.normalised_key.in_(remaining))
            ).all())
        self.organisations.update(found)
        found.update(by_alias)
        survivors = survivor_ids(by_alias.values())
        for key, organisation_id in by_alias.items():
            self.organisations[key] = survivors.get(organisation_id, organisation_id)
        self.absent_organisations.update(keys - set(found))

    def _insert_new_organisations(self, chunk: list[_Row]) -> None:
        """Create, in one INSERT per chunk, the organisations its rows name that don't exist yet."""
        first_rows: dict[str, _Row] = {}
        for row in chunk:
            key = row.organisation_key
            if key and key not in self.organisations and key not in first_rows:
                first_rows[key] = row
        if not first_rows:
            return
        values = []
        for key, row in first_rows.items():
            name = " ".join(row.organisation.split())
            code = row.sector_code or self.sectors.propose(name)
            values.append({"name": name, "normalised_key": key, "sector_id": self.sectors.sector_id(code)})
            self.new_organisations[key] = {"name": name, "sector": code or "", "rows": 0, "host": False,
                                           "explicit": bool(row.sector_code)}
        ids = insert_returning_ids(Organisation.__table__, values)
        self.organisations.update(zip(first_rows, ids, strict=True))

    def process(self, chunk: list[_Row]) -> None:
        if self.write:
            # What earlier chunks wrote is in the database (same transaction) and is found there
            # again, so the per-person caches start empty: memory stays flat however long the file.
            self.people_by_email.clear()
            self.people_by_name.clear()
            self.registrations.clear()
            self.created_people.clear()
        self._lookup_organisations({row.organisation_key for row in chunk})
        if self.write:
            self._insert_new_organisations(chunk)
        for row in chunk:
            if row.event_key is not None:
                row.event_id = self.events[row.event_key][0]
                (self.event_specs.get(row.event_key) or self.incomplete.get(row.event_key) or {"rows": 0})[
                    "rows"] += 1
            else:
                row.event_id = self.fixed_event[0]
            row.organisation_id = self._organisation_id(row.organisation, row.sector_code)
            if row.organisation_id is not None and row.organisation_key not in self.new_organisations:
                self.matched_organisation_ids.add(row.organisation_id)
        self._resolve_people(chunk)
        self._resolve_registrations(chunk)

    def _name_key(self, row: _Row) -> tuple:
        return (row.first_name.casefold(), row.last_name.casefold(), row.organisation_id)

    def _name_conflict(self, row: _Row, other_name: str, other: str) -> None:
        self.summary.name_conflict_count += 1
        if len(self.summary.name_conflicts) < 50:
            self.summary.name_conflicts.append({"row": row.number, "email": row.email or "",
                                                "name": f"{row.first_name} {row.last_name}".strip(),
                                                "other_name": other_name, "other": other})

    def _check_names(self, chunk: list[_Row], existing: dict[str, str]) -> None:
        """Flag an email given with two different names: in the file, or in the file and the database."""
        for row in chunk:
            if not row.email_key:
                continue
            written = f"{row.first_name} {row.last_name}".strip()
            key = " ".join(written.casefold().split())
            known = existing.get(row.email_key)
            if known is not None and " ".join(known.casefold().split()) != key:
                self._name_conflict(row, known, "an existing person")
                existing.pop(row.email_key)  # once per email
            first = self.names_by_email.get(row.email_key)
            if first is None:
                if len(self.names_by_email) < 500_000:
                    self.names_by_email[row.email_key] = (key, written)
            elif first[0] != key and first[0] != "":
                self._name_conflict(row, first[1], "an earlier row")
                self.names_by_email[row.email_key] = ("", first[1])  # once per email

    def _resolve_people(self, chunk: list[_Row]) -> None:
        emails = {r.email_key for r in chunk if r.email_key and r.email_key not in self.people_by_email}
        existing: dict[str, str] = {}
        if emails:
            for person_id, key, first, last in db.session.execute(
                select(Person.id, Person.email_key, Person.first_name, Person.last_name)
                .where(Person.email_key.in_(emails))
            ):
                self.people_by_email[key] = person_id
                if person_id <= self.person_watermark:
                    existing[key] = f"{first} {last}".strip()
                self._note_match(person_id, "email", chunk, key=key)
        self._check_names(chunk, existing)
        names = {self._name_key(r) for r in chunk if not r.email_key and self._name_key(r) not in self.people_by_name}
        if names:
            firsts = {n[0] for n in names}
            query = (
                select(Person.id, func.lower(Person.first_name), func.lower(Person.last_name),
                       Registration.organisation_id, Registration.event_id)
                .join(Registration, Registration.person_id == Person.id)
                .where(func.lower(Person.first_name).in_(firsts))
            )
            # A walk-in already registered for the row's event is the same row imported again; anyone
            # else of that name and organisation is that person only when the organiser confirms it.
            row_events: dict[tuple, set[int]] = {}
            for row in chunk:
                if not row.email_key:
                    row_events.setdefault(self._name_key(row), set()).add(row.event_id)
            maybe: set[tuple] = set()
            for person_id, first, last, organisation_id, event_id in db.session.execute(query):
                key = (first, last, organisation_id)
                if key in names and key not in self.people_by_name:
                    if (person_id <= self.person_watermark and not self.target.match_names
                            and event_id not in row_events.get(key, ())):
                        maybe.add(key)
                        continue
                    self.people_by_name[key] = person_id
                    self._note_match(person_id, "name and organisation", chunk, name_key=key)
            for key in maybe - set(self.people_by_name):
                self._name_candidate(key, chunk)
        pending: dict[tuple, list[_Row]] = {}
        for row in chunk:
            if row.email_key:
                person_key = ("email", row.email_key)
                person_id = self.people_by_email.get(row.email_key)
            else:
                person_key = ("name", *self._name_key(row))
                person_id = self.people_by_name.get(self._name_key(row))
            if person_id is None:
                if person_key in pending:
                    pending[person_key].append(row)
                    continue
                self.summary.people_new += 1
                if self.write:
                    pending[person_key] = [row]
                    continue
                person_id = next(self._placeholders)
                self._remember_person(row, person_id)
            row.person_id = person_id
        if pending:
            groups = list(pending.values())
            ids = insert_returning_ids(
                Person.__table__,
                [{"first_name": rows[0].first_name, "last_name": rows[0].last_name, "email": rows[0].email,
                  "email_key": rows[0].email_key} for rows in groups],
            )
            self.created_people.update(ids)
            for rows, person_id in zip(groups, ids, strict=True):
                self._remember_person(rows[0], person_id)
                for row in rows:
                    row.person_id = person_id

    def _name_candidate(self, key: tuple, chunk: list[_Row]) -> None:
        """A walk-in who may be an existing person: listed once for the organiser, not matched."""
        if key in self.candidate_keys:
            return
        self.candidate_keys.add(key)
        self.summary.name_candidate_count += 1
        row = next((r for r in chunk if not r.email_key and self._name_key(r) == key), None)
        if row is not None and len(self.summary.name_candidates) < 50:
            self.summary.name_candidates.append({"row": row.number,
                                                 "name": f"{row.first_name} {row.last_name}".strip()})

    def _remember_person(self, row: _Row, person_id: int) -> None:
        if row.email_key:
            self.people_by_email[row.email_key] = person_id
        else:
            self.people_by_name[self._name_key(row)] = person_id

    def _note_match(self, person_id: int, how: str, chunk: list[_Row], key=None, name_key=None) -> None:
        if person_id in self.seen_people or person_id > self.person_watermark:
            return  # counted already, or created by this pass (an earlier row of the file)
        self.seen_people.add(person_id)
        if how == "email":
            self.summary.people_matched_email += 1
        else:
            self.summary.people_matched_name += 1
        if len(self.summary.matched_people) < 50:
            row = next((r for r in chunk if (key and r.email_key == key) or
                        (name_key and not r.email_key and self._name_key(r) == name_key)), None)
            if row is not None:
                self.summary.matched_people.append(
                    {"row": row.number, "name": f"{row.first_name} {row.last_name}".strip(), "by": how}
                )

    def _resolve_registrations(self, chunk: list[_Row]) -> None:
        wanted = {(r.event_id, r.person_id) for r in chunk
                  if r.event_id > 0 and r.person_id > 0 and r.person_id not in self.created_people
                  and (r.event_id, r.person_id) not in self.registrations}
        if wanted:
            query = (
                select(Registration.id, Registration.event_id, Registration.person_id, Attendance.id,
                       Registration.status)
                .outerjoin(Attendance, Attendance.registration_id == Registration.id)
                # By person (indexed) rather than a (event, person) row-value IN, which SQLite scans.
                .where(Registration.person_id.in_({person for _, person in wanted}),
                       Registration.event_id.in_({event for event, _ in wanted}))
                .order_by(Registration.id)
            )
            found: dict[tuple, tuple] = {}
            for registration_id, event_id, person_id, attendance_id, status in db.session.execute(query):
                key = (event_id, person_id)
                # Of several registrations (cancelled, then booked again) the live one counts.
                if key in wanted and (key not in found or found[key][2] == "cancelled"):
                    found[key] = (registration_id, attendance_id is not None, status)
            for key, (registration_id, attended, _status) in found.items():
                self.registrations[key] = [registration_id, attended]
        attend_ids: list[tuple[int, int]] = []
        pending: dict[tuple, dict] = {}
        for row in chunk:
            key = (row.event_id, row.person_id)
            if key in pending:
                self.summary.repeated_rows += 1
                if pending[key]["values"]["status"] != "confirmed" and row.status == "confirmed":
                    pending[key]["values"]["status"] = "confirmed"  # a cancelled ticket and one that stands
                if row.attended and not pending[key]["attended"]:
                    pending[key]["attended"] = True
                    self.summary.attendances_new += 1
                continue
            known = self.registrations.get(key)
            if known is not None:
                registration_id = known[0]
                if registration_id < 0 or registration_id > self.registration_watermark:
                    self.summary.repeated_rows += 1  # created by an earlier row of this file
                elif registration_id in self.seen_existing:
                    self.summary.repeated_rows += 1
                else:
                    self.seen_existing.add(registration_id)
                    self.summary.registrations_existing += 1
                if row.attended and not known[1]:
                    known[1] = True
                    self.summary.attendances_new += 1
                    if self.write:
                        attend_ids.append((known[0], row.event_id))
                continue
            self.summary.registrations_new += 1
            if row.attended:
                self.summary.attendances_new += 1
            values = {
                "event_id": row.event_id, "person_id": row.person_id, "organisation_id": row.organisation_id,
                "first_name": row.first_name, "last_name": row.last_name,  # the name on this row, kept
                "organisation_name_entered": row.organisation[:200], "email_key": row.email_key,
                "status": row.status, "source": "import", "job_title": row.job_title[:200],
                "created_at": row.registered_at or self._now, "updated_at": self._now,
            }
            pending[key] = {"values": values, "attended": row.attended}
            if not self.write:
                self.registrations[key] = [next(self._placeholders), row.attended]
        if self.write and pending:
            keys = list(pending)
            ids = insert_returning_ids(Registration.__table__, [pending[k]["values"] for k in keys])
            for key, registration_id in zip(keys, ids, strict=True):
                self.registrations[key] = [registration_id, pending[key]["attended"]]
                if pending[key]["attended"]:
                    attend_ids.append((registration_id, key[0]))
        if attend_ids:
            label = f"Imported from {self.target.file_label}"[:500] if self.target.file_label else "Imported"
            starts = {event_id: starts_at for event_id, starts_at in self._event_starts()}
            db.session.execute(Attendance.__table__.insert(), [
                {"registration_id": rid, "method": "import", "checked_in_at": starts.get(eid) or self._now,
                 "note": label} for rid, eid in attend_ids
            ])
            db.session.execute(
                update(Registration).where(Registration.id.in_([rid for rid, _ in attend_ids]),
                                           Registration.status != "confirmed")
                .values(status="confirmed")
            )

    def _event_starts(self):
        if self.fixed_event is not None:
            yield self.fixed_event
        yield from self.events.values()


def insert_returning_ids(table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` in one batch and return their new ids, in order.

    PostgreSQL: one multi-row INSERT ... RETURNING. SQLite: SQLAlchemy can only keep
    RETURNING in parameter order there by inserting one row per statement, so the rows go
    in one ``executemany`` instead; the import holds SQLite's write lock (BEGIN IMMEDIATE),
    and a rowid table numbers new rows max+1, max+2, ... in order, so the ids are the range
    above the previous maximum (checked).
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return db.session.execute(
            table.insert().returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars().all()
    before = db.session.scalar(select(func.max(table.c.id))) or 0
    db.session.execute(table.insert(), rows)
    after = db.session.scalar(select(func.max(table.c.id))) or 0
    if after - before != len(rows):
        raise RuntimeError(f"{table.name}: expected {len(rows)} new ids, found {after - before}")
    return list(range(before + 1, after + 1))


def event_lacks(spec: dict) -> str:
    """One line for a new event the file names without what creating it needs."""
    rows = f"({spec['rows']:,} row{'' if spec['rows'] == 1 else 's'}) " if spec["rows"] else ""
    return (f"The new event “{spec['title']}” on {date.fromisoformat(spec['date']):%d/%m/%Y} {rows}needs "
            + " and ".join(spec["lacks"]) + ".")


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def run_pass(source: RowSource, target: ImportTarget, columns: dict[int, str], *, write: bool,
             progress=None) -> ImportSummary:
    return ImportPass(source, target, columns, write=write, progress=progress).run()
