"""The import pass: stream rows in chunks, resolve them, and (when writing) insert in batches.

The same pass runs twice: once as a preview (``write=False``: nothing is
written, new things get placeholder ids so that counting is identical) and
once to write (``write=True``, inside one transaction the caller commits).
Lookups are cached in dicts for the whole file and missing keys are fetched
per chunk with ``IN`` queries, so the database sees a few queries per
thousand rows, never one per row.

The parts, each in its module: reading and checking rows (:mod:`.rows`), which event a
row is for (:mod:`.events`), organisations (:mod:`.organisations`), people
(:mod:`.people`), registrations and attendances (:mod:`.registrations`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from eventsapp.imports import parsing
from eventsapp.imports.columns import examples
from eventsapp.imports.events import Events
from eventsapp.imports.organisations import Organisations
from eventsapp.imports.parsing import RowSource
from eventsapp.imports.people import People
from eventsapp.imports.registrations import Registrations
from eventsapp.imports.rows import Memo, Row, RowErrors, RowReader, missing_fields
from eventsapp.imports.sectors import SectorResolver
from eventsapp.imports.summary import ImportRefused, ImportSummary, ImportTarget
from eventsapp.models import utcnow

CHUNK_ROWS = 1000


class ImportPass:
    """One streaming pass over a file for one target."""

    def __init__(self, source: RowSource, target: ImportTarget, columns: dict[int, str], *, write: bool,
                 progress: Callable[[int, float], None] | None = None):
        self.source, self.target, self.columns, self.write = source, target, columns, write
        self.progress = progress or (lambda rows, fraction: None)
        self.summary = summary = ImportSummary(headers=list(source.headers), kind=source.kind,
                                               encoding=source.encoding, delimiter=source.delimiter)
        summary.columns = {h: columns.get(i, "") for i, h in enumerate(source.headers)}
        summary.examples = {h: examples(source.sample, i) for i, h in enumerate(source.headers)}
        placeholders = itertools.count(-1, -1)
        sectors, error, memo = SectorResolver(), RowErrors(summary, write=write), Memo()
        self.organisations = Organisations(write=write, placeholders=placeholders, sectors=sectors)
        self.events = Events(target, summary, write=write, placeholders=placeholders,
                             organisations=self.organisations, error=error, memo=memo)
        self.reader = RowReader(source.headers, columns, summary, error=error, memo=memo, sectors=sectors,
                                organisations=self.organisations, events=self.events)
        self.people = People(summary, write=write, placeholders=placeholders, match_names=target.match_names)
        self.registrations = Registrations(summary, write=write, placeholders=placeholders,
                                           file_label=target.file_label, now=utcnow(), people=self.people,
                                           events=self.events)

    # Set-up ------------------------------------------------------------------

    def prepare(self) -> bool:
        self.people.prepare()
        self.registrations.prepare()
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
        return self.events.prepare()

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
        chunk: list[Row] = []
        try:
            for number, cells in self.source.rows:
                self.summary.rows += 1
                row = self.reader.parse(number, cells)
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
        self.organisations.summarise(self.summary)
        self.events.summarise()
        self.summary.written = self.write
        return self.summary

    def process(self, chunk: list[Row]) -> None:
        """Resolve one chunk: organisations, each row's event and organisation, people, registrations."""
        if self.write:
            # What earlier chunks wrote is in the database (same transaction) and is found there
            # again, so the per-person caches start empty: memory stays flat however long the file.
            self.people.forget()
            self.registrations.forget()
        self.organisations.look_up({row.organisation_key for row in chunk})
        if self.write:
            self.organisations.insert_new(chunk)
        for row in chunk:
            self.events.assign(row)
            row.organisation_id = self.organisations.for_row(row)
        self.people.resolve(chunk)
        self.registrations.resolve(chunk)


def run_pass(source: RowSource, target: ImportTarget, columns: dict[int, str], *, write: bool,
             progress=None) -> ImportSummary:
    return ImportPass(source, target, columns, write=write, progress=progress).run()
