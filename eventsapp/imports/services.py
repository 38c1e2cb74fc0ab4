"""Importing attendance files: preview, then commit all or nothing; remembered mappings; synonyms.

The CLI, the web views and the background jobs all call these functions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from eventsapp.checkin.search import add_missing_search_keys
from eventsapp.database import begin_immediate
from eventsapp.extensions import db
from eventsapp.imports.engine import run_pass
from eventsapp.imports.parsing import (
    FIELDS,
    ImportFileError,
    ValueProblem,
    cell_text,
    guess_field,
    normalise_header,
    open_rows,
    parse_date,
    peek,
    phrase_key,
)
from eventsapp.imports.rows import column_fields, hidden_characters_problem, show_hidden_characters
from eventsapp.imports.summary import ImportRefused, ImportSummary, ImportTarget
from eventsapp.models import ImportMapping, Registration, Sector, SectorSynonym

Progress = Callable[[int, float], None]

__all__ = [
    "ImportRefused",
    "ImportSummary",
    "ImportTarget",
    "add_sector_synonym",
    "commit_import",
    "mapping_signature",
    "preview_import",
    "read_event_details",
    "remember_columns",
    "remembered_columns",
]


def mapping_signature(headers: list[str], source_name: str = "") -> str:
    """The key a column mapping is remembered under: the source's name, else its header row."""
    if phrase_key(source_name):
        return f"source:{phrase_key(source_name)}"[:250]
    joined = "\x1f".join(sorted({normalise_header(h) for h in headers if normalise_header(h)}))
    return "headers:" + hashlib.sha1(joined.encode(), usedforsecurity=False).hexdigest()


def remembered_columns(headers: list[str], source_name: str = "") -> dict[str, str]:
    """The mapping chosen last time for this source (or these headers), normalised header -> field."""
    signature = mapping_signature(headers, source_name)
    mapping = db.session.scalar(select(ImportMapping).where(ImportMapping.signature == signature))
    if mapping is None and source_name:
        mapping = db.session.scalar(
            select(ImportMapping).where(ImportMapping.signature == mapping_signature(headers))
        )
    return mapping.column_map if mapping is not None else {}


def remember_columns(headers: list[str], chosen: dict[str, str], source_name: str = "") -> ImportMapping:
    """Store the user's choice of field per header (not committed); ``""`` ignores a column.

    Saved under the source name when given and always under the header signature,
    so the next file from the same source, or with the same columns, is read the same way.
    """
    columns = {normalise_header(h): (f if f in FIELDS else "") for h, f in chosen.items()}
    saved = None
    for signature in {mapping_signature(headers, source_name), mapping_signature(headers)}:
        mapping = db.session.scalar(select(ImportMapping).where(ImportMapping.signature == signature))
        if mapping is None:
            mapping = ImportMapping(signature=signature, source_name=source_name[:200])
            db.session.add(mapping)
        mapping.columns = json.dumps(columns, sort_keys=True)
        saved = mapping if signature.startswith("source:") or saved is None else saved
    db.session.flush()
    return saved


def _open(path: str | Path, source_name: str, columns: dict[str, str] | None):
    source = peek(open_rows(path))
    chosen = columns if columns is not None else remembered_columns(source.headers, source_name)
    return source, column_fields(source.headers, {normalise_header(h): f for h, f in chosen.items()},
                                 source.sample)


def preview_import(path: str | Path, target: ImportTarget, *, source_name: str = "",
                   columns: dict[str, str] | None = None, progress: Progress | None = None) -> ImportSummary:
    """Read the whole file and say what importing it would do. Nothing is written.

    ``columns`` (header -> field) overrides the remembered mapping and the recognised names.
    """
    try:
        source, fields = _open(path, source_name, columns)
    except ImportFileError as error:
        return ImportSummary(file_error=str(error))
    try:
        return run_pass(source, target, fields, write=False, progress=progress)
    finally:
        db.session.rollback()


def commit_import(path: str | Path, target: ImportTarget, *, source_name: str = "",
                  columns: dict[str, str] | None = None, progress: Progress | None = None,
                  before_commit: Callable[[ImportSummary], None] | None = None) -> ImportSummary:
    """Import the file in one transaction and commit it, or write nothing at all.

    Rows already imported (same event and person) are not added again, so
    importing a file twice changes nothing the second time. ``before_commit``
    writes in the same transaction (a web job records that it is done).

    :raise ImportRefused: when the file, a column or any row has a problem;
        the transaction has been rolled back.
    """
    try:
        source, fields = _open(path, source_name, columns)
    except ImportFileError as error:
        raise ImportRefused(ImportSummary(file_error=str(error)), str(error)) from None
    begin_immediate(db.session())
    try:
        last_before = db.session.scalar(select(func.max(Registration.id))) or 0
        summary = run_pass(source, target, fields, write=True, progress=progress)
        # the desk finds the rows written in bulk (the ORM's listener does not see them)
        add_missing_search_keys(db.session.scalars(
            select(Registration.event_id).where(Registration.id > last_before).distinct()))
        if not summary.ok:
            problem = summary.file_error or "; ".join(f"missing {m}" for m in summary.missing) or "no rows"
            raise ImportRefused(summary, problem)
        if columns is not None:
            remember_columns(summary.headers, columns, source_name)
        if before_commit is not None:
            before_commit(summary)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return summary


#: Columns of an events file (``--events``): the new events' details, one line per event.
_EVENT_COLUMNS = {"name": "title", "title": "title", "event": "title", "event name": "title", "event title": "title",
                  "start": "start_time", "end": "end_time"}
_EVENT_FIELDS = {"title", "date", "region", "host", "start_time", "end_time", "town"}


def read_event_details(path: str | Path) -> list[dict]:
    """The events a file describes (CSV or XLSX: name, date, region, host; optionally start, end, town),
    as ImportTarget.event_details.

    :raise ValueError: with a message for people, when a column or a date cannot be read.
    """
    try:
        source = open_rows(path)
    except ImportFileError as error:
        raise ValueError(str(error)) from None
    names = []
    for header in source.headers:
        key = normalise_header(header)
        name = _EVENT_COLUMNS.get(key) or {"event_title": "title", "event_date": "date",
                                           "host_organisation": "host"}.get(guess_field(header) or "", guess_field(header))
        names.append(name if name in _EVENT_FIELDS else None)
    if not {"title", "date"} <= set(names):
        source.close()
        raise ValueError("the file needs the columns name and date (and region and host).")
    details = []
    try:
        for number, cells in source.rows:
            row = {name: cells[i] for i, name in enumerate(names) if name and i < len(cells)}
            for value in row.values():
                if isinstance(value, str) and (problem := hidden_characters_problem(value)):
                    raise ValueError(f"row {number}: “{show_hidden_characters(value)[:60]}” {problem}.")
            try:
                day = parse_date(row.get("date"))
            except ValueProblem as problem:
                raise ValueError(f"row {number}: “{cell_text(row.get('date'))}” {problem}") from None
            details.append({name: cell_text(value) for name, value in row.items()} | {"date": day.isoformat()})
    except ImportFileError as error:
        raise ValueError(str(error)) from None
    finally:
        source.close()
    return details


def add_sector_synonym(phrase: str, sector: Sector) -> SectorSynonym:
    """Teach imports a new word for a sector (not committed); an existing phrase is re-pointed. Every
    network's imports read it: only the site administrator may (``permissions.can_change_sector_synonyms``).

    :raise ValueError: when the phrase has no letters or digits.
    """
    key = phrase_key(phrase)
    if not key:
        raise ValueError("Enter a word or phrase.")
    synonym = db.session.scalar(select(SectorSynonym).where(SectorSynonym.phrase_key == key))
    if synonym is None:
        synonym = SectorSynonym(phrase=" ".join(phrase.split())[:120], phrase_key=key[:120], sector=sector)
        db.session.add(synonym)
    else:
        synonym.sector = sector
    db.session.flush()
    return synonym
