"""What the PDF's cover page and its document properties say about a report.

The programme's name, the period from the first to the last event held (UK dates, e.g.
"15 January 2025 to 2 September 2025"), the host organisations and the generation date, plus
the title, author, subject and keywords written into the PDF's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventsapp.extensions import db
from eventsapp.models import Programme
from eventsapp.reports.model import Report
from eventsapp.timeutil import format_local

AUTHOR = "eventsapp"
UK_DATE = "%-d %B %Y"


@dataclass(frozen=True)
class Cover:
    title: str
    #: The programme's name, or the report's title when it covers no single programme.
    heading: str
    scope_label: str
    #: "15 January 2025 to 2 September 2025", one date for one day, or "" with no events held.
    period: str
    hosts: tuple[str, ...]
    generated: str
    author: str
    subject: str
    keywords: tuple[str, ...]


def period_in_words(report: Report) -> str:
    """From the first to the last event held in the report's scope, in UK date format."""
    if not report.events:
        return ""
    first = format_local(min(e.starts_at for e in report.events), UK_DATE)
    last = format_local(max(e.starts_at for e in report.events), UK_DATE)
    return first if first == last else f"{first} to {last}"


def cover_for(report: Report, title: str) -> Cover:
    programme = (db.session.get(Programme, report.scope.programme_id)
                 if report.scope.programme_id is not None else None)
    coordinator = programme.coordinator_organisation if programme else None
    period = period_in_words(report)
    subject = report.scope_label + (f", events from {period}" if period and " to " in period
                                    else f", event on {period}" if period else "")
    keywords = ["good relations", "events report"]
    if programme:
        keywords.append(programme.name)
    keywords += [row.name for row in report.regions if row.events]
    return Cover(
        title=title,
        heading=programme.name if programme else title,
        scope_label=report.scope_label,
        period=period,
        hosts=tuple(sorted({host.name for host in report.hosts}, key=str.casefold)),
        generated=format_local(report.generated_at, UK_DATE),
        author=coordinator.name if coordinator else AUTHOR,
        subject=subject,
        keywords=tuple(keywords),
    )
