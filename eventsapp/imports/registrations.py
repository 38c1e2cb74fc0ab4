"""The registrations and attendances an import's rows make: a row for an event and person who
already have a registration adds at most the attendance; repeated rows count once; the rest are
written in one INSERT per chunk (or counted, in a preview)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func, select

from eventsapp.checkin.services import record_attendances
from eventsapp.extensions import db
from eventsapp.imports.batch import insert_returning_ids
from eventsapp.imports.rows import Row
from eventsapp.imports.summary import ImportSummary
from eventsapp.models import Attendance, Registration


class Registrations:
    """The registrations of one pass, by (event id, person id)."""

    def __init__(self, summary: ImportSummary, *, write: bool, placeholders: Iterator[int], file_label: str,
                 now: datetime, people, events):
        self.summary, self.write, self._placeholders = summary, write, placeholders
        self.file_label, self._now, self.people, self.events = file_label, now, people, events
        #: (event id, person id) -> [registration id, attended]
        self.known: dict[tuple[int, int], list] = {}
        #: Registrations that existed before this pass and rows of the file have named.
        self.seen_existing: set[int] = set()
        #: Highest registration id before this pass: anything above was created by it.
        self.watermark = 0

    def prepare(self) -> None:
        self.watermark = db.session.scalar(select(func.max(Registration.id))) or 0

    def forget(self) -> None:
        """Drop the cache between chunks of a write pass (found again in the database)."""
        self.known.clear()

    def resolve(self, chunk: list[Row]) -> None:
        """Count (and in a write pass, write) the chunk's registrations and attendances."""
        self._find_existing(chunk)
        attend_ids: list[tuple[int, int]] = []
        pending: dict[tuple, dict] = {}
        for row in chunk:
            key = (row.event_id, row.person_id)
            if key in pending:
                self._repeat(row, pending[key])
            elif key in self.known:
                self._existing(row, self.known[key], attend_ids)
            else:
                pending[key] = self._new(row)
        if self.write and pending:
            attend_ids += self._insert(pending)
        if attend_ids:
            self._attend(attend_ids)

    def _find_existing(self, chunk: list[Row]) -> None:
        """Load the registrations (and whether attended) of the chunk's existing people at its events."""
        wanted = {(r.event_id, r.person_id) for r in chunk
                  if r.event_id > 0 and r.person_id > 0 and r.person_id not in self.people.created
                  and (r.event_id, r.person_id) not in self.known}
        if not wanted:
            return
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
            self.known[key] = [registration_id, attended]

    def _repeat(self, row: Row, pending: dict) -> None:
        """A row for a registration an earlier row of this chunk makes: it can confirm or attend it."""
        self.summary.repeated_rows += 1
        if pending["values"]["status"] != "confirmed" and row.status == "confirmed":
            pending["values"]["status"] = "confirmed"  # a cancelled ticket and one that stands
        if row.attended and not pending["attended"]:
            pending["attended"] = True
            self.summary.attendances_new += 1

    def _existing(self, row: Row, known: list, attend_ids: list[tuple[int, int]]) -> None:
        """A row for a registration that exists (before this pass, or from an earlier chunk or row):
        counted once; it adds the attendance if it says so and none is recorded."""
        registration_id = known[0]
        if registration_id < 0 or registration_id > self.watermark:
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
                attend_ids.append((registration_id, row.event_id))

    def _new(self, row: Row) -> dict:
        """A new registration (counted): its values, and whether the row attended."""
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
        if not self.write:
            self.known[(row.event_id, row.person_id)] = [next(self._placeholders), row.attended]
        return {"values": values, "attended": row.attended}

    def _insert(self, pending: dict[tuple, dict]) -> list[tuple[int, int]]:
        """Write the new registrations in one INSERT; :return: (registration id, event id) of those attended."""
        keys = list(pending)
        ids = insert_returning_ids(Registration.__table__, [pending[k]["values"] for k in keys])
        attended = []
        for key, registration_id in zip(keys, ids, strict=True):
            self.known[key] = [registration_id, pending[key]["attended"]]
            if pending[key]["attended"]:
                attended.append((registration_id, key[0]))
        return attended

    def _attend(self, attend_ids: list[tuple[int, int]]) -> None:
        """Record the attendances (dated by their event's start), through the check-in service."""
        label = f"Imported from {self.file_label}"[:500] if self.file_label else "Imported"
        starts = self.events.starts()
        record_attendances([(rid, starts.get(eid) or self._now) for rid, eid in attend_ids], "import", note=label)
