"""What an import is asked to do (ImportTarget) and what it found or did (ImportSummary).

The CLI, the web preview and the background jobs read and store these; ImportSummary
round-trips through JSON (models.ImportJob keeps both as dicts).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


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


def event_lacks(spec: dict) -> str:
    """One line for a new event the file names without what creating it needs."""
    rows = f"({spec['rows']:,} row{'' if spec['rows'] == 1 else 's'}) " if spec["rows"] else ""
    return (f"The new event “{spec['title']}” on {date.fromisoformat(spec['date']):%d/%m/%Y} {rows}needs "
            + " and ".join(spec["lacks"]) + ".")
