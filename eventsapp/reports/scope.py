"""A report's scope: read from the filters people give, and put into words.

The report page's form (and its PDF and CSV links), the JSON API and ``flask report`` all read
the same six filters with :func:`parse_scope`, so they accept the same values and refuse bad
ones with the same messages (:data:`MESSAGES`): at the form's field, in the API's problem
details (``fields``), or as the CLI's option error. Every output names a scope with
:func:`describe_scope`: the title, the one-line description and the query string.

Who may see a scope is another question: :mod:`eventsapp.reports.services`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Programme, Region
from eventsapp.reports.model import ReportScope
from eventsapp.timeutil import parse_query_date
from eventsapp.urls import parse_id

#: The filters' names (query string, form fields, ``--programme`` … options), in the order the page shows them.
FILTERS = ("programme", "region", "host", "event", "from", "to")

#: Every message a filter can be refused with, whoever asked (page, API or CLI).
MESSAGES = {
    "region": "Choose a region from the list.",
    "host": "Choose a host from the list.",
    "event": "Choose an event from the list.",
    "date": "Enter a date as YYYY-MM-DD, e.g. 2026-03-31.",
    "order": "The end date must be on or after the start date.",
    "no_programme": "No such programme.",
    "no_host": "No such host.",
    "no_event": "No such event.",
}


class ScopeError(ValueError):
    """Filters that cannot be read.

    ``errors`` maps a filter's name to its message; ``missing`` names the filters that are well
    formed but name a programme, host or event that does not exist (the page and the API answer
    those 404, as for a scope the user may not see; the others 400 at the field).
    """

    def __init__(self, errors: dict[str, str], missing: frozenset[str] = frozenset()):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors
        self.missing = missing


def parse_scope(values: Mapping[str, str | None]) -> ReportScope:
    """Read the filters from ``values`` (strings, as a query string or the CLI's options give them).

    ``programme`` is a slug (or an id), ``region`` a code (e.g. TLJ), ``host`` and ``event`` ids,
    ``from``/``to`` dates (YYYY-MM-DD, inclusive). Empty and absent filters do not narrow.

    :raise ScopeError: naming every filter that cannot be read, with its message from :data:`MESSAGES`.
    """
    errors: dict[str, str] = {}
    missing: set[str] = set()
    found: dict = {}

    def given(name: str) -> str:
        return (values.get(name) or "").strip()

    if slug := given("programme"):
        programme_id = db.session.scalar(select(Programme.id).where(Programme.slug == slug))
        if programme_id is None and parse_id(slug) is not None:
            programme_id = db.session.scalar(select(Programme.id).where(Programme.id == parse_id(slug)))
        if programme_id is None:
            errors["programme"] = MESSAGES["no_programme"]
            missing.add("programme")
        found["programme_id"] = programme_id
    if code := given("region"):
        found["region_id"] = db.session.scalar(select(Region.id).where(Region.code == code.upper()))
        if found["region_id"] is None:
            errors["region"] = MESSAGES["region"]
    for name, model, key in (("host", Organisation, "host_id"), ("event", Event, "event_id")):
        if not (raw := given(name)):
            continue
        if not (raw.isascii() and raw.isdigit()):
            errors[name] = MESSAGES[name]
            continue
        found[key] = parse_id(raw)
        if found[key] is None or db.session.get(model, found[key]) is None:
            errors[name] = MESSAGES[f"no_{name}"]
            missing.add(name)
    for name, key in (("from", "date_from"), ("to", "date_to")):
        if raw := given(name):
            try:
                found[key] = parse_query_date(raw)
            except ValueError:
                errors[name] = MESSAGES["date"]
    if found.get("date_from") and found.get("date_to") and found["date_to"] < found["date_from"]:
        errors["to"] = MESSAGES["order"]
    if errors:
        raise ScopeError(errors, frozenset(missing))
    return ReportScope(**found)


@dataclass(frozen=True)
class ScopeDescription:
    """A scope in words: what the page, the PDF, the CSV files' names, the JSON and the CLI call it."""

    #: "Programme report: <name>", "Event report: <title>", "Report: events hosted by <name>" or "Report".
    title: str
    #: Every filter, e.g. "Programme: <name> · Region: South East · 1 Jan 2026 to 31 Mar 2026".
    label: str
    #: The filters as a query string (for links to the page, PDF, CSV and JSON), in :data:`FILTERS` order.
    args: dict[str, str]


def describe_scope(scope: ReportScope) -> ScopeDescription:
    """The title, the description and the query string of ``scope`` (ids turned into names here only)."""
    programme = db.session.get(Programme, scope.programme_id) if scope.programme_id is not None else None
    region = db.session.get(Region, scope.region_id) if scope.region_id is not None else None
    host = db.session.get(Organisation, scope.host_id) if scope.host_id is not None else None
    event = db.session.get(Event, scope.event_id) if scope.event_id is not None else None

    if scope.event_id is not None:
        title = f"Event report: {event.title}" if event else "Event report"
    elif scope.programme_id is not None:
        title = f"Programme report: {programme.name}" if programme else "Programme report"
    elif scope.host_id is not None:
        title = f"Report: events hosted by {host.name}" if host else "Report"
    else:
        title = "Report"

    parts = []
    if scope.programme_id is not None:
        parts.append(f"Programme: {programme.name if programme else scope.programme_id}")
    if scope.event_id is not None:
        parts.append(f"Event: {event.title if event else scope.event_id}")
    if scope.host_id is not None:
        parts.append(f"Host: {host.name if host else scope.host_id}")
    if scope.region_id is not None:
        parts.append(f"Region: {region.name if region else scope.region_id}")
    if scope.date_from or scope.date_to:
        start = scope.date_from.strftime("%-d %b %Y") if scope.date_from else "the start"
        end = scope.date_to.strftime("%-d %b %Y") if scope.date_to else "today"
        parts.append(f"{start} to {end}")

    args: dict[str, str] = {}
    if scope.programme_id is not None:
        args["programme"] = programme.slug if programme else str(scope.programme_id)
    if scope.region_id is not None:
        args["region"] = region.code if region else str(scope.region_id)
    if scope.host_id is not None:
        args["host"] = str(scope.host_id)
    if scope.event_id is not None:
        args["event"] = str(scope.event_id)
    if scope.date_from is not None:
        args["from"] = scope.date_from.isoformat()
    if scope.date_to is not None:
        args["to"] = scope.date_to.isoformat()
    return ScopeDescription(title=title, label=" · ".join(parts) or "All events", args=args)
