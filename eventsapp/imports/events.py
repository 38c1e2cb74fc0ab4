"""Which event each row is for: the event imported into, or the programme's events matched by
title and date; new events are created when the import is asked to (with what the file, or the
events file the user gave, says of them), or listed as incomplete when something is lacking."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.imports import parsing
from eventsapp.imports.parsing import ValueProblem, cell_text
from eventsapp.imports.summary import ImportRefused, ImportSummary, ImportTarget, event_lacks
from eventsapp.models import Event, Programme, Region, normalise_organisation_name
from eventsapp.timeutil import to_local, to_utc

DEFAULT_START, DEFAULT_END = time(10, 0), time(13, 0)


class Events:
    """The events of one pass, by (title key, local date)."""

    def __init__(self, target: ImportTarget, summary: ImportSummary, *, write: bool, placeholders: Iterator[int],
                 organisations, error, memo):
        self.target, self.summary, self.write = target, summary, write
        self._placeholders, self.organisations, self.error, self._memo = placeholders, organisations, error, memo
        self.details = {(_title_key(d.get("title", "")), str(d.get("date", ""))): d
                        for d in target.event_details}
        self.regions: dict[str, int] = {}
        #: (title key, date) -> (event id, starts at): the programme's events and those this pass made.
        self.known: dict[tuple, tuple[int, datetime]] = {}
        #: New events this pass creates (or would): (title key, date) -> what the preview lists.
        self.specs: dict[tuple, dict] = {}
        #: New events that lack what creating them needs.
        self.incomplete: dict[tuple, dict] = {}
        self.programme: Programme | None = None
        self.programme_id: int | None = None
        #: The event imported into, when the target is one event: (id, starts at).
        self.fixed: tuple[int, datetime] | None = None

    def prepare(self) -> bool:
        """Load the regions and the target event or programme (creating the programme when asked);
        False, with the summary's file error, when the target does not exist."""
        for region in db.session.scalars(select(Region)):
            self.regions[parsing.normalise_header(region.code)] = region.id
            self.regions[parsing.normalise_header(region.name)] = region.id
        if self.target.event_id is not None:
            event = db.session.get(Event, self.target.event_id)
            if event is None:
                self.summary.file_error = f"There is no event with id {self.target.event_id}."
                return False
            self.fixed = (event.id, event.starts_at)
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
                    name=new_programme_name(self.target.programme_slug),
                    coordinator_organisation_id=self.target.coordinator_organisation_id,
                )
                db.session.add(programme)
                db.session.flush()
            else:
                self.programme_id = next(self._placeholders)
                return True
        self.programme, self.programme_id = programme, programme.id
        for event in db.session.scalars(select(Event).where(Event.programme_id == programme.id)):
            self.known[(_title_key(event.title), to_local(event.starts_at).date())] = (event.id, event.starts_at)
        return True

    def for_row(self, row, values: dict) -> bool:
        """Set ``row.event_key``; False when the row names no event it may go to (reported)."""
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
        if key in self.known:
            return True
        if not self.target.create_events:
            self.error(row.number, "event_title", title,
                       f"is not an event of this programme on {day:%d/%m/%Y} (choose “create events” to add it)")
            return False
        return self._new_event(key, title, day, values)

    def _new_event(self, key: tuple, title: str, day, values: dict) -> bool:
        """An event the programme does not have yet: created (or given a placeholder in a preview)
        from what the events file or the row says; listed as incomplete when that is not enough."""
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
            self.known[key] = (next(self._placeholders), to_utc(datetime.combine(day, start)))
            return True
        starts_at = to_utc(datetime.combine(day, start))
        ends_at = to_utc(datetime.combine(day, end)) if end else None
        if ends_at is None or ends_at <= starts_at:
            ends_at = starts_at + timedelta(hours=3) if end is None else to_utc(
                datetime.combine(day + timedelta(days=1), end))
        host_id = self.organisations.id_for(host, None, host=True)
        spec = {"title": title, "date": day.isoformat(), "region_id": region_id, "region": region_text,
                "town": given.get("town") or values.get("town", ""), "host": host, "rows": 0}
        event_id = next(self._placeholders)
        if self.write:
            event = Event(programme_id=self.programme_id, host_organisation_id=host_id, region_id=region_id,
                          title=title, town=spec["town"], starts_at=starts_at, ends_at=ends_at, status="published")
            db.session.add(event)
            db.session.flush()
            event_id = event.id
        self.known[key] = (event_id, starts_at)
        self.specs[key] = spec
        return True

    def assign(self, row) -> None:
        """Give ``row`` its event's id, and count the row for a new event."""
        if row.event_key is not None:
            row.event_id = self.known[row.event_key][0]
            (self.specs.get(row.event_key) or self.incomplete.get(row.event_key) or {"rows": 0})["rows"] += 1
        else:
            row.event_id = self.fixed[0]

    def starts(self) -> dict[int, datetime]:
        """Event id -> start, for every event of the pass (an imported attendance is dated by it)."""
        starts = dict(self.known.values())
        if self.fixed is not None:
            starts.setdefault(*self.fixed)
        return starts

    def summarise(self) -> None:
        self.summary.events_new = sorted(self.specs.values(), key=lambda e: (e["date"], e["title"]))
        self.summary.events_incomplete = sorted(self.incomplete.values(), key=lambda e: (e["date"], e["title"]))


def new_programme_name(slug: str) -> str:
    """The name a programme created by an import is given ("good-relations-2013" -> "Good relations 2013")."""
    return slug.replace("-", " ").replace("_", " ").capitalize()


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())
