"""What a report holds: its scope, its figures and its tables (small frozen dataclasses),
and the counting rules shown to readers. :mod:`eventsapp.reports.aggregate` fills them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

INDIVIDUAL_SECTOR = "individual"
NOT_RECORDED = "not_recorded"

METHODOLOGY = [
    ("Events held", "Published events whose start time has passed. Drafts, cancelled and future events "
     "are not counted."),
    ("Registrations", "Confirmed bookings for the events held, including walk-ins. Cancelled and "
     "waitlisted bookings are shown separately and never counted as people."),
    ("Attendances", "Registrations marked as attended: checked in at the door, ticked on a sign-in "
     "sheet afterwards, or walk-ins. A person at two events makes two attendances."),
    ("People", "Distinct people with at least one attendance. A person at two events is one person."),
    ("Organisations", "Distinct organisations among the attendances, after merges: an organisation "
     "merged into another counts as the one it was merged into. People attending as individuals "
     "count as people, not as organisations."),
    ("No-show rate", "Confirmed registrations without an attendance, as a share of confirmed "
     "registrations."),
    ("First-time and returning", "A person (or organisation) is returning if they attended any event "
     "held before the first event in this report they attended, in any programme; otherwise they are "
     "first-time. Repeat attendees came to more than one event in this report."),
    ("Sectors and regions", "The sector is that of the organisation a person came from; the region is "
     "that of the event. A person who came from organisations in two sectors, or to events in two "
     "regions, is counted in each, so these columns can add up to more than the total."),
    ("Question answers", "Answers given at registration by the people who attended; a multiple-choice "
     "answer counts once for each option ticked."),
    ("Feedback survey (outcomes)", "After each event, everyone who attended is emailed a link to a short "
     "anonymous survey; answers are stored without any link to the person. The response rate is responses as "
     "a share of survey emails sent. As for equality monitoring, no breakdown is shown for fewer than 10 "
     "responses (the count is shown as \"<10\"), answer counts from 1 to 7 are shown as \"<8\", others are "
     "rounded to the nearest 5, and \"[c]\" hides a count that could otherwise be worked out. Each question's "
     "total is rounded to the nearest 5 as well, so it can differ a little from the exact number of responses. "
     "Free-text answers appear only as quotes an organiser chose to publish, from events with at least 10 "
     "responses."),
    ("Equality monitoring", "Optional answers from people who attended. To protect people, no breakdown "
     "is shown for fewer than 10 respondents, counts from 1 to 7 are shown as \"<8\", other counts are "
     "rounded to the nearest 5, totals are rounded from the exact figures, and a second count is "
     "hidden (\"[c]\") where the hidden one could otherwise be worked out from the total."),
]


@dataclass(frozen=True)
class ReportScope:
    """Which events a report covers; every given criterion must hold (they combine with AND).

    Dates are local calendar dates, both inclusive.
    """

    programme_id: int | None = None
    event_id: int | None = None
    host_id: int | None = None
    region_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_event(self) -> bool:
        return self.event_id is not None


def no_show_count(confirmed: int, attended: int) -> int:
    """The counting rule for no-shows (docs/reports.md): an event's confirmed registrations without an
    attendance. The report, the desk and the event's manage page all count with this."""
    return confirmed - attended


@dataclass(frozen=True)
class Figures:
    events: int
    regions: int
    registrations: int
    cancellations: int
    waitlisted: int
    attendances: int
    no_shows: int
    people: int
    organisations: int
    repeat_people: int
    first_time_people: int
    returning_people: int
    first_time_organisations: int
    returning_organisations: int

    @property
    def no_show_rate(self) -> float | None:
        """No-shows as a share of confirmed registrations (None when nobody registered)."""
        return self.no_shows / self.registrations if self.registrations else None


@dataclass(frozen=True)
class SectorRow:
    code: str
    name: str
    plural: str
    people: int
    organisations: int
    attendances: int


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    events: int
    attendances: int
    people: int
    organisations: int


@dataclass(frozen=True)
class EventRow:
    id: int
    title: str
    starts_at: datetime
    town: str
    region: str
    host: str
    registrations: int
    cancellations: int
    attendances: int
    no_shows: int
    people: int
    organisations: int


@dataclass(frozen=True)
class HostRow:
    id: int
    name: str
    events: int
    attendances: int
    people: int
    organisations: int


@dataclass(frozen=True)
class SectorRegionCell:
    sector_code: str
    region_code: str
    people: int
    organisations: int


@dataclass(frozen=True)
class QuestionSummary:
    """Each answer's count; for a sensitive question, protected display strings (and a note)."""

    event_id: int
    event_title: str
    label: str
    kind: str
    respondents: int | str
    counts: tuple[tuple[str, int | str], ...]
    note: str = ""


@dataclass(frozen=True)
class ProtectedTable:
    """An equality-monitoring breakdown after small-number protection: only display strings."""

    characteristic: str
    label: str
    respondents: str
    rows: tuple[tuple[str, str], ...]
    note: str = ""


@dataclass(frozen=True)
class ReportStory:
    """A published story a coordinator chose for the report ("Stories from the programme")."""

    id: int
    title: str
    summary: str
    #: Markdown as written (the page renders it sanitised; the PDF as plain paragraphs).
    body: str
    attribution: str
    kind_of_work: str
    approaches: tuple[str, ...]
    region: str
    place: str
    event_id: int | None
    published_at: datetime | None


@dataclass(frozen=True)
class OutcomeQuestion:
    """One survey question's answers in scope, after small-number protection (display strings only)."""

    kind: str
    label: str
    respondents: str
    rows: tuple[tuple[str, str], ...]
    note: str = ""


@dataclass(frozen=True)
class OutcomeEvent:
    """One event's survey: emails sent, responses and rate as shown ("<10" and "–" below 10 responses)."""

    event_id: int
    title: str
    starts_at: datetime
    invited: int
    responses: str
    rate: str


@dataclass(frozen=True)
class OutcomeQuote:
    """A free-text answer an organiser published as a quote."""

    event_title: str
    question: str
    text: str


@dataclass(frozen=True)
class Outcomes:
    """The feedback survey's results for a scope (reports/outcomes.py), protected like equality monitoring."""

    invited: int = 0
    responses: str = "0"
    rate: str = "–"
    note: str = ""
    questions: tuple[OutcomeQuestion, ...] = ()
    events: tuple[OutcomeEvent, ...] = ()
    quotes: tuple[OutcomeQuote, ...] = ()


@dataclass(frozen=True)
class Report:
    scope: ReportScope
    scope_label: str
    generated_at: datetime
    figures: Figures
    headline: str
    sectors: tuple[SectorRow, ...]
    regions: tuple[RegionRow, ...]
    events: tuple[EventRow, ...]
    hosts: tuple[HostRow, ...]
    sector_region: tuple[SectorRegionCell, ...]
    questions: tuple[QuestionSummary, ...] = ()
    equality: tuple[ProtectedTable, ...] = ()
    equality_respondents: str = "0"
    themes: tuple[str, ...] = field(default=())
    stories: tuple[ReportStory, ...] = ()
    outcomes: Outcomes = field(default=Outcomes())

    def cell(self, sector_code: str, region_code: str) -> SectorRegionCell | None:
        for cell in self.sector_region:
            if cell.sector_code == sector_code and cell.region_code == region_code:
                return cell
        return None
