"""The report's tables as plain rows, shared by the page, the PDF and the CSV files.

Sector and region tables pass their counts through
:func:`eventsapp.reports.suppression.small_count` (off unless
``REPORT_SMALL_NUMBER_THRESHOLD`` is set); equality-monitoring tables are
already protected in the report itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventsapp.reports.aggregate import Report
from eventsapp.reports.suppression import small_count
from eventsapp.timeutil import format_local


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]

    @property
    def numeric(self) -> tuple[bool, ...]:
        """Which columns hold figures (right-aligned on the page and in the PDF); see :func:`numeric_columns`."""
        return numeric_columns(self)


def looks_numeric(value) -> bool:
    """A figure as a table shows it: a number, or text starting with a digit, "<" ("<8"), "[" ("[c]") or "–"."""
    if isinstance(value, int):
        return True
    text = str(value)
    return bool(text) and (text[0].isdigit() or text[0] in "<[–")


def numeric_columns(table: Table) -> tuple[bool, ...]:
    """For each column: does it hold figures only? The first column (the row's label) never does."""
    return tuple(i > 0 and bool(table.rows) and all(looks_numeric(row[i]) for row in table.rows)
                 for i in range(len(table.columns)))


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def summary_table(report: Report) -> Table:
    f = report.figures
    rows = (
        ("Events held", f.events),
        ("Regions", f.regions),
        ("Registrations (confirmed)", f.registrations),
        ("Attendances", f.attendances),
        ("People", f.people),
        ("Organisations", f.organisations),
        ("No-shows", f.no_shows),
        ("No-show rate", percent(f.no_show_rate)),
        ("Cancelled registrations", f.cancellations),
        ("Waitlisted registrations", f.waitlisted),
        ("People attending more than one event", f.repeat_people),
    )
    return Table("summary", "Key figures", ("Figure", "Value"), rows)


def events_table(report: Report) -> Table:
    rows = tuple(
        (format_local(e.starts_at, "%-d %b %Y"), e.title, e.region, e.host, e.registrations, e.attendances,
         e.no_shows, e.cancellations, e.people, e.organisations)
        for e in report.events
    )
    return Table("events", "Events", ("Date", "Event", "Region", "Host", "Registrations", "Attendances",
                                      "No-shows", "Cancelled", "People", "Organisations"), rows)


def sectors_table(report: Report) -> Table:
    rows = tuple(
        (s.name, small_count(s.organisations) if s.organisations else 0, small_count(s.people),
         small_count(s.attendances))
        for s in report.sectors
    )
    return Table("sectors", "Sectors", ("Sector", "Organisations", "People", "Attendances"), rows)


def regions_table(report: Report) -> Table:
    rows = tuple(
        (r.name, r.events, small_count(r.attendances), small_count(r.people), small_count(r.organisations))
        for r in report.regions
    )
    return Table("regions", "Regions", ("Region", "Events", "Attendances", "People", "Organisations"), rows)


def hosts_table(report: Report) -> Table:
    rows = tuple((h.name, h.events, h.attendances, h.people, h.organisations) for h in report.hosts)
    return Table("hosts", "Host organisations", ("Host", "Events", "Attendances", "People", "Organisations"),
                 rows)


def sector_region_table(report: Report) -> Table:
    """Organisations by sector (rows) and region (columns)."""
    regions = [(r.code, r.name) for r in report.regions]
    rows = []
    for sector in report.sectors:
        cells = []
        for code, _ in regions:
            cell = report.cell(sector.code, code)
            value = (cell.organisations if sector.organisations else cell.people) if cell else 0
            cells.append(small_count(value))
        label = sector.name if sector.organisations else f"{sector.name} (people)"
        rows.append((label, *cells))
    return Table("sector_region", "Organisations by sector and region",
                 ("Sector", *[name for _, name in regions]), tuple(rows))


def returning_table(report: Report) -> Table:
    f = report.figures
    rows = (
        ("People", f.first_time_people, f.returning_people),
        ("Organisations", f.first_time_organisations, f.returning_organisations),
    )
    return Table("returning", "First-time and returning", ("", "First-time", "Returning"), rows)


def questions_table(report: Report) -> Table:
    rows = tuple(
        (q.event_title, q.label, answer, count)
        for q in report.questions
        for answer, count in q.counts
    )
    return Table("questions", "Answers to registration questions", ("Event", "Question", "Answer", "Count"), rows)


def equality_table(report: Report) -> Table:
    rows = [("All", "Respondents", report.equality_respondents)]
    for table in report.equality:
        rows += [(table.label, label, shown) for label, shown in table.rows]
        rows.append((table.label, "Total", table.respondents))
    return Table("equality", "Equality monitoring (protected)", ("Characteristic", "Answer", "Count"),
                 tuple(rows))


def outcomes_table(report: Report) -> Table:
    """The feedback survey: totals, each question's protected answers, each event's response rate."""
    o = report.outcomes
    rows = [("All events", "Survey emails sent", "", o.invited), ("All events", "Responses", "", o.responses),
            ("All events", "Response rate", "", o.rate)]
    for question in o.questions:
        rows += [("Question", question.label, answer, shown) for answer, shown in question.rows]
    for event in o.events:
        rows += [(event.title, "Survey emails sent", "", event.invited), (event.title, "Responses", "", event.responses),
                 (event.title, "Response rate", "", event.rate)]
    return Table("outcomes", "Outcomes (feedback survey, protected)", ("Scope", "Item", "Answer", "Value"),
                 tuple(rows))


def quotes_table(report: Report) -> Table:
    rows = tuple((q.event_title, q.question, q.text) for q in report.outcomes.quotes)
    return Table("quotes", "Quotes from the feedback survey", ("Event", "Question", "Answer"), rows)


TABLES = {
    "summary": summary_table,
    "events": events_table,
    "sectors": sectors_table,
    "regions": regions_table,
    "hosts": hosts_table,
    "sector_region": sector_region_table,
    "returning": returning_table,
    "questions": questions_table,
    "equality": equality_table,
    "outcomes": outcomes_table,
    "quotes": quotes_table,
}


def all_tables(report: Report) -> list[Table]:
    return [build(report) for build in TABLES.values()]
