"""Who may see which report: authorising (and narrowing) a parsed :class:`ReportScope`.

Parsing the filters and naming a scope: :mod:`eventsapp.reports.scope`.

Access (design.md): a coordinator sees the reports of the programmes they
coordinate; an organiser sees the reports of its own organisation's events
(``host=`` its organisation, or one of its events). Anything else answers
404, as if it did not exist; a door volunteer of the host gets 403.
"""

from __future__ import annotations

from dataclasses import replace

from flask import abort
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Programme, Region, User
from eventsapp.permissions import can_manage_event, coordinates, is_admin, roles_by_organisation
from eventsapp.reports.model import ReportScope
from eventsapp.timeutil import format_local

REPORT_ROLES = ("organiser", "coordinator")


def default_scope(user: User) -> ReportScope | None:
    """What a user sees on /reports/ without filters: their first programme, else their organisation
    (the administrator: the whole site)."""
    if is_admin(user):
        return ReportScope()
    roles = roles_by_organisation(user)
    coordinated = [org for org, role in roles.items() if role == "coordinator"]
    if coordinated:
        programme_id = db.session.scalar(
            select(Programme.id).where(Programme.coordinator_organisation_id.in_(coordinated))
            .order_by(Programme.starts_on.desc().nulls_last(), Programme.id.desc()).limit(1)
        )
        if programme_id is not None:
            return ReportScope(programme_id=programme_id)
    hosts = sorted(org for org, role in roles.items() if role in REPORT_ROLES)
    if hosts:
        return ReportScope(host_id=hosts[0])
    return None


def may_view(user: User | None, scope: ReportScope) -> bool:
    """True when ``user`` may see every filter of ``scope`` (not just one of them).

    - an event: they manage it;
    - a host: they organise or coordinate it, or it is narrowed by a programme they coordinate;
    - a programme: they coordinate it, or it only narrows a host or event they may see.

    Region and dates only narrow. The administrator sees everything; a scope with no
    programme, host or event is the whole site, for the administrator only.
    """
    if is_admin(user):
        return True
    roles = roles_by_organisation(user)
    programme_allowed = scope.programme_id is not None and coordinates(
        user, db.session.get(Programme, scope.programme_id))
    if scope.event_id is not None:
        event = db.session.get(Event, scope.event_id)
        if event is None or not can_manage_event(user, event):
            return False
    if scope.host_id is not None and not (roles.get(scope.host_id) in REPORT_ROLES or programme_allowed):
        return False
    if scope.programme_id is not None and not programme_allowed:
        return scope.host_id is not None or scope.event_id is not None
    return scope.programme_id is not None or scope.host_id is not None or scope.event_id is not None


def narrow_to_own_events(user: User | None, scope: ReportScope) -> ReportScope:
    """An organiser asking for a whole programme or region gets its own organisation's events in it;
    a coordinator asking for "any programme" gets one of their own programmes.

    Narrowing never widens what anyone sees: without a host or event filter,
    a user who may not see the scope gets it limited to the first
    organisation they organise for (for a programme: one that hosts events in it). A scope
    naming no programme, host or event (a region or dates only: "Any programme" on the page) that
    no organisation narrows gets the user's :func:`default_scope` (their latest programme, else
    their organisation), its region and dates kept; a host a coordinator may see only within
    their programmes gets their latest programme it hosts events in.
    """
    if scope.event_id is not None or may_view(user, scope):
        return scope
    if scope.host_id is not None:
        if scope.programme_id is not None:
            return scope
        programme_id = db.session.scalar(
            select(Event.programme_id).join(Programme, Programme.id == Event.programme_id)
            .where(Event.host_organisation_id == scope.host_id,
                   Programme.coordinator_organisation_id.in_(
                       [org for org, role in roles_by_organisation(user).items() if role == "coordinator"]))
            .order_by(Programme.starts_on.desc().nulls_last(), Programme.id.desc()).limit(1)
        )
        return replace(scope, programme_id=programme_id) if programme_id is not None else scope
    own = sorted(org for org, role in roles_by_organisation(user).items() if role == "organiser")
    if scope.programme_id is not None:  # only a programme the organisation takes part in
        own = list(db.session.scalars(
            select(Event.host_organisation_id).where(
                Event.programme_id == scope.programme_id, Event.host_organisation_id.in_(own))
            .distinct().order_by(Event.host_organisation_id)
        ))
    if own:
        return replace(scope, host_id=own[0])
    if scope.programme_id is None and (fallback := default_scope(user)) is not None:
        return replace(scope, programme_id=fallback.programme_id, host_id=fallback.host_id)
    return scope


def authorise(user: User | None, scope: ReportScope) -> ReportScope:
    """Return ``scope`` when ``user`` may see it.

    :raise 404: when they may not (403 for the host organisation's door volunteers).
    """
    if may_view(user, scope):
        return scope
    roles = roles_by_organisation(user)
    host_id = scope.host_id
    if scope.event_id is not None:
        event = db.session.get(Event, scope.event_id)
        host_id = event.host_organisation_id if event and event.status != "draft" else None
    if host_id is not None and roles.get(host_id) == "door":
        abort(403)
    abort(404)


def within_programme(scope: ReportScope, programme_id: int | None) -> ReportScope:
    """``scope`` kept inside one programme (a programme token's reports; None: no limit).

    A scope without a programme or event is narrowed to the programme.

    :raise 404: for a scope outside it (an event or programme elsewhere).
    """
    if programme_id is None or scope.programme_id == programme_id:
        return scope
    if scope.programme_id is None and scope.event_id is not None:
        event = db.session.get(Event, scope.event_id)
        if event is not None and event.programme_id == programme_id:
            return scope
        abort(404)
    if scope.programme_id is None:  # narrower than what was asked: within the programme
        return replace(scope, programme_id=programme_id)
    abort(404)


def filter_choices(user: User, scope: ReportScope) -> dict[str, list[tuple[str, str]]]:
    """The options of each filter on the page, limited to what ``user`` may see."""
    roles = roles_by_organisation(user)
    coordinated = [org for org, role in roles.items() if role == "coordinator"]
    own_hosts = [org for org, role in roles.items() if role in REPORT_ROLES]
    programmes = db.session.execute(
        select(Programme.slug, Programme.name)
        .where((Programme.coordinator_organisation_id.in_(coordinated))
               | Programme.id.in_(select(Event.programme_id).where(Event.host_organisation_id.in_(own_hosts))))
        .order_by(Programme.name)
    ).all()
    host_filter = Event.host_organisation_id.in_(own_hosts)
    if scope.programme_id is not None and coordinates(user, db.session.get(Programme, scope.programme_id)):
        host_filter = host_filter | (Event.programme_id == scope.programme_id)
    hosts = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(select(Event.host_organisation_id).where(host_filter))
               | Organisation.id.in_(own_hosts))
        .order_by(Organisation.name)
    ).all()
    event_filter = host_filter
    if scope.programme_id is not None:
        event_filter = event_filter & (Event.programme_id == scope.programme_id)
    events = db.session.execute(
        select(Event.id, Event.title, Event.starts_at)
        .where(event_filter, Event.status == "published")
        .order_by(Event.starts_at.desc()).limit(200)
    ).all()
    regions = db.session.execute(select(Region.code, Region.name).order_by(Region.sort_order)).all()
    return {
        "programme": [("", "Any programme")] + [(slug, name) for slug, name in programmes],
        "region": [("", "Any region")] + [(code, name) for code, name in regions],
        "host": [("", "Any host")] + [(str(i), name) for i, name in hosts],
        "event": [("", "Any event")] + [(str(i), f"{title} ({format_local(start, '%-d %b %Y')})")
                                         for i, title, start in events],
    }
