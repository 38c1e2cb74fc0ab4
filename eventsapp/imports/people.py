"""The people an import's rows are: one person per email; rows without an email are the existing
person of the same name and organisation only when the organiser confirms it (else new people,
and the preview lists the candidates).

An email given with two different names (in the file, or in the file and the database) is one
person, and the rows are flagged for the organiser. To keep memory flat however long the file,
the pass remembers only an 8-byte fingerprint of each email's first name; the earlier name is
looked up only for the conflicts the summary lists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.imports.batch import insert_returning_ids
from eventsapp.imports.rows import Row
from eventsapp.imports.summary import ImportSummary
from eventsapp.models import Person, Registration

MAX_LISTED = 50
#: Emails whose first name is remembered (fingerprints: about 100 bytes each).
MAX_REMEMBERED = 500_000
#: An email already flagged as given with two names (flagged once).
_FLAGGED = 0


def fingerprint(text: str) -> int:
    """8 bytes of BLAKE2b of ``text``, never 0 (0 marks an email already flagged). Two different
    texts share one with a chance of about 1 in 10^19 per pair: at most a conflict not flagged."""
    value = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
    return value or 1


def _name_key(row: Row) -> tuple:
    return (row.first_name.casefold(), row.last_name.casefold(), row.organisation_id)


def _compared(name: str) -> str:
    """A name as compared: case and spacing do not make two names."""
    return " ".join(name.casefold().split())


class People:
    """The people of one pass: matched by email, by name and organisation, or new."""

    def __init__(self, summary: ImportSummary, *, write: bool, placeholders: Iterator[int], match_names: bool):
        self.summary, self.write, self._placeholders, self.match_names = summary, write, placeholders, match_names
        #: Highest person id before this pass: anyone above was created by it.
        self.watermark = 0
        self.by_email: dict[str, int] = {}
        self.by_name: dict[tuple, int] = {}
        #: fingerprint of an email key -> fingerprint of the first name given with it (or _FLAGGED).
        self.first_names: dict[int, int] = {}
        #: email key -> the first name given with it, as written, where neither the database nor the
        #: current chunk will hold it: an existing person's email given with another name, and
        #: (in a preview, which writes nothing) every new person's email.
        self.first_written: dict[str, str] = {}
        self.candidate_keys: set[tuple] = set()
        #: Existing people matched (counted once).
        self.seen: set[int] = set()
        #: People this pass created: they cannot have registrations yet.
        self.created: set[int] = set()

    def prepare(self) -> None:
        self.watermark = db.session.scalar(select(func.max(Person.id))) or 0

    def forget(self) -> None:
        """Drop the per-person caches (a write pass, between chunks): what earlier chunks wrote is
        found again in the database, so memory stays flat however long the file."""
        self.by_email.clear()
        self.by_name.clear()
        self.created.clear()

    def resolve(self, chunk: list[Row]) -> None:
        """Set every row's ``person_id``: found by email, or by name and organisation, or new
        (created in one INSERT in a write pass, a placeholder in a preview)."""
        existing = self._find_by_email(chunk)
        self._check_names(chunk, existing)
        self._find_by_name(chunk)
        self._assign(chunk)

    # Finding ------------------------------------------------------------------

    def _find_by_email(self, chunk: list[Row]) -> dict[str, str]:
        """Look up the chunk's new emails; :return: email key -> name of the people who existed
        before this pass."""
        emails = {r.email_key for r in chunk if r.email_key and r.email_key not in self.by_email}
        existing: dict[str, str] = {}
        if emails:
            for person_id, key, first, last in db.session.execute(
                select(Person.id, Person.email_key, Person.first_name, Person.last_name)
                .where(Person.email_key.in_(emails))
            ):
                self.by_email[key] = person_id
                if person_id <= self.watermark:
                    existing[key] = f"{first} {last}".strip()
                self._note_match(person_id, "email", chunk, key=key)
        return existing

    def _find_by_name(self, chunk: list[Row]) -> None:
        """Rows without an email: the person of that name and organisation who already has a
        registration for the row's event (the same row imported again), or any person of that name
        and organisation when the organiser has confirmed it; otherwise listed as a candidate."""
        names = {_name_key(r) for r in chunk if not r.email_key and _name_key(r) not in self.by_name}
        if not names:
            return
        firsts = {n[0] for n in names}
        query = (
            select(Person.id, func.lower(Person.first_name), func.lower(Person.last_name),
                   Registration.organisation_id, Registration.event_id)
            .join(Registration, Registration.person_id == Person.id)
            .where(func.lower(Person.first_name).in_(firsts))
        )
        row_events: dict[tuple, set[int]] = {}
        for row in chunk:
            if not row.email_key:
                row_events.setdefault(_name_key(row), set()).add(row.event_id)
        maybe: set[tuple] = set()
        for person_id, first, last, organisation_id, event_id in db.session.execute(query):
            key = (first, last, organisation_id)
            if key in names and key not in self.by_name:
                if (person_id <= self.watermark and not self.match_names
                        and event_id not in row_events.get(key, ())):
                    maybe.add(key)
                    continue
                self.by_name[key] = person_id
                self._note_match(person_id, "name and organisation", chunk, name_key=key)
        for key in maybe - set(self.by_name):
            self._name_candidate(key, chunk)

    def _assign(self, chunk: list[Row]) -> None:
        """Give each row its person; new people are counted, and created in one INSERT (write)."""
        pending: dict[tuple, list[Row]] = {}
        for row in chunk:
            if row.email_key:
                person_key = ("email", row.email_key)
                person_id = self.by_email.get(row.email_key)
            else:
                person_key = ("name", *_name_key(row))
                person_id = self.by_name.get(_name_key(row))
            if person_id is None:
                if person_key in pending:
                    pending[person_key].append(row)
                    continue
                self.summary.people_new += 1
                if self.write:
                    pending[person_key] = [row]
                    continue
                person_id = next(self._placeholders)
                self._remember(row, person_id)
            row.person_id = person_id
        if pending:
            groups = list(pending.values())
            ids = insert_returning_ids(
                Person.__table__,
                [{"first_name": rows[0].first_name, "last_name": rows[0].last_name, "email": rows[0].email,
                  "email_key": rows[0].email_key} for rows in groups],
            )
            self.created.update(ids)
            for rows, person_id in zip(groups, ids, strict=True):
                self._remember(rows[0], person_id)
                for row in rows:
                    row.person_id = person_id

    def _remember(self, row: Row, person_id: int) -> None:
        if row.email_key:
            self.by_email[row.email_key] = person_id
        else:
            self.by_name[_name_key(row)] = person_id

    # One email, two names -----------------------------------------------------

    def _check_names(self, chunk: list[Row], existing: dict[str, str]) -> None:
        """Flag an email given with two different names: in the file, or in the file and the database."""
        for row in chunk:
            if not row.email_key:
                continue
            written = row.name
            key = _compared(written)
            email = fingerprint(row.email_key)
            first = self.first_names.get(email)
            # An existing person's name is compared with the first row that gives their email only
            # (a write pass, which forgets people between chunks, meets them again in later chunks).
            known = existing.get(row.email_key) if first is None else None
            if known is not None and _compared(known) != key:
                self._name_conflict(row, lambda known=known: known, "an existing person")
                existing.pop(row.email_key)  # once per email
            if first is None:
                if len(self.first_names) < MAX_REMEMBERED:
                    self.first_names[email] = fingerprint(key)
                    if (known is not None and known != written) or (known is None and not self.write):
                        self.first_written[row.email_key] = written
            elif first != fingerprint(key) and first != _FLAGGED:
                self._name_conflict(row, lambda row=row: self._first_written(row, chunk), "an earlier row")
                self.first_names[email] = _FLAGGED  # once per email

    def _first_written(self, row: Row, chunk: list[Row]) -> str:
        """The name the first row with ``row``'s email gave, as written: remembered where nothing
        else holds it, else the person's name in the database (created from that row, or equal to
        it), else the first such row of this chunk (the person is created at the chunk's end)."""
        written = self.first_written.get(row.email_key)
        if written is not None:
            return written
        person = db.session.execute(
            select(Person.first_name, Person.last_name).where(Person.email_key == row.email_key)
        ).first()
        if person is not None:
            return f"{person.first_name} {person.last_name}".strip()
        return next(r.name for r in chunk if r.email_key == row.email_key)

    def _name_conflict(self, row: Row, other_name, other: str) -> None:
        """Count a conflict; the first MAX_LISTED are listed (``other_name()`` is asked only then)."""
        self.summary.name_conflict_count += 1
        if len(self.summary.name_conflicts) < MAX_LISTED:
            self.summary.name_conflicts.append({"row": row.number, "email": row.email or "", "name": row.name,
                                                "other_name": other_name(), "other": other})

    # What the preview lists ---------------------------------------------------

    def _name_candidate(self, key: tuple, chunk: list[Row]) -> None:
        """A walk-in who may be an existing person: listed once for the organiser, not matched."""
        if key in self.candidate_keys:
            return
        self.candidate_keys.add(key)
        self.summary.name_candidate_count += 1
        row = next((r for r in chunk if not r.email_key and _name_key(r) == key), None)
        if row is not None and len(self.summary.name_candidates) < MAX_LISTED:
            self.summary.name_candidates.append({"row": row.number, "name": row.name})

    def _note_match(self, person_id: int, how: str, chunk: list[Row], key=None, name_key=None) -> None:
        if person_id in self.seen or person_id > self.watermark:
            return  # counted already, or created by this pass (an earlier row of the file)
        self.seen.add(person_id)
        if how == "email":
            self.summary.people_matched_email += 1
        else:
            self.summary.people_matched_name += 1
        if len(self.summary.matched_people) < MAX_LISTED:
            row = next((r for r in chunk if (key and r.email_key == key) or
                        (name_key and not r.email_key and _name_key(r) == name_key)), None)
            if row is not None:
                self.summary.matched_people.append({"row": row.number, "name": row.name, "by": how})
