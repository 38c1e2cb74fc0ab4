"""What the PDF's cover page and its document properties say about a report.

The programme's name, the period from the first to the last event held (UK dates, e.g.
"15 January 2025 to 2 September 2025"), the host organisations and the generation date, plus
the title, author, subject and keywords written into the PDF's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventsapp.extensions import db
from eventsapp.models import Organisation, Programme
from eventsapp.reports.model import Report
from eventsapp.timeutil import format_local

AUTHOR = "eventsapp"
UK_DATE = "%-d %B %Y"


@dataclass(frozen=True)
class Cover:
    title: str
    #: What kind of report: "Programme report", "Event report", "Report".
    kicker: str
    #: The programme's name, or what the report covers ("Events hosted by …").
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
    """The cover of ``report``, whose title is e.g. "Programme report: <name>" (see
    :func:`eventsapp.reports.scope.describe_scope`)."""
    programme = (db.session.get(Programme, report.scope.programme_id)
                 if report.scope.programme_id is not None else None)
    host = (db.session.get(Organisation, report.scope.host_id)
            if report.scope.host_id is not None else None)
    author_organisation = (programme.coordinator_organisation if programme else None) or host
    kicker, _, rest = title.partition(": ")
    if not rest:
        kicker, rest = "Report", title
    heading = programme.name if programme else rest[:1].upper() + rest[1:]
    period = period_in_words(report)
    subject = report.scope_label + (f", events from {period}" if period and " to " in period
                                    else f", event on {period}" if period else "")
    keywords = ["good relations", "events report"]
    if programme:
        keywords.append(programme.name)
    keywords += [row.name for row in report.regions if row.events]
    return Cover(
        title=title,
        kicker=kicker,
        heading=heading,
        scope_label=report.scope_label,
        period=period,
        hosts=tuple(sorted({host.name for host in report.hosts}, key=str.casefold)),
        generated=format_local(report.generated_at, UK_DATE),
        author=author_organisation.name if author_organisation else AUTHOR,
        subject=subject,
        keywords=tuple(keywords),
    )
