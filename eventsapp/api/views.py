"""The API's routes: thin, they read arguments, ask eventsapp.permissions and call the areas' services.

Reads answer any caller what the pages would show them (a token: through its scope); writes need a
read-write token (eventsapp.api.auth). Another organisation's data answers 404, as on the pages.
"""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user
from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import selectinload

from eventsapp.api import bp
from eventsapp.api.auth import allows_event, event_in_scope, require_signed_in, require_write
from eventsapp.api.pagination import decode_cursor, encode_cursor
from eventsapp.api.schemas import (
    AttendanceCountsSchema,
    CheckInResultSchema,
    DirectoryArgs,
    EventArgs,
    EventDetailSchema,
    EventPageSchema,
    NewRegistrationSchema,
    OrganisationPageSchema,
    OrganisationSchema,
    RegistrationArgs,
    RegistrationPageSchema,
    RegistrationResultSchema,
    StoryArgs,
    StoryPageSchema,
    StorySchema,
)
from eventsapp.checkin.services import attendance_counts, check_in, registration_for_event
from eventsapp.events.queries import EventFilters, filter_events
from eventsapp.extensions import db
from eventsapp.models import Event, NetworkProfile, Organisation, Registration, Story, utcnow
from eventsapp.network.services import DirectoryFilters, directory_query
from eventsapp.permissions import (
    can_check_in,
    can_manage_event,
    coordinated_programme_ids,
    get_event_or_404,
    is_admin,
    roles_by_organisation,
)
from eventsapp.registration.services import RegistrationClosed, confirmed_count, places_left, register
from eventsapp.stories.services import StoryFilters, published_stories

#: What a page of events shows besides the event's own columns, loaded for the page at once.
EVENT_LOADS = (selectinload(Event.host), selectinload(Event.region), selectinload(Event.programme))


def _visible_events():
    """SQL condition on :class:`Event`: public events, and the drafts the caller's organisations hold."""
    user = current_user
    public = Event.status.in_(("published", "cancelled"))
    if is_admin(user):
        return true()
    own = list(roles_by_organisation(user))
    drafts = (Event.host_organisation_id.in_(own or [-1])
              | Event.programme_id.in_(coordinated_programme_ids(user)))
    return public | ((Event.status == "draft") & drafts & event_in_scope())


def _event_or_404(event_id: int, permission=None) -> Event:
    """The event, if the caller may see it (and, with ``permission``, manage it): a programme token
    reaches drafts and attendee data of its programme's events only."""
    event = get_event_or_404(event_id, permission) if permission else get_event_or_404(event_id)
    if (permission is not None or event.status == "draft") and not allows_event(event):
        abort(404)
    return event


def _confirmed_counts(events: list[Event]) -> dict[int, int]:
    """Confirmed registrations per event, for a page of events in one query."""
    ids = [e.id for e in events if e.status == "published"]
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Registration.event_id, func.count()).where(Registration.event_id.in_(ids),
                                                          Registration.status == "confirmed")
        .group_by(Registration.event_id)).all())


def _event(event: Event, detail: bool = False, confirmed: int | None = None) -> dict:
    if event.status == "published" and confirmed is None:
        confirmed = confirmed_count(event)
    data = {
        "id": event.id, "title": event.title, "summary": event.summary, "status": event.status,
        "starts_at": event.starts_at, "ends_at": event.ends_at, "venue": event.venue, "town": event.town,
        "online": bool(event.online_url), "capacity": event.capacity,
        "places_left": places_left(event, confirmed) if event.status == "published" else None,
        "host": {"id": event.host.id, "name": event.host.name},
        "region": {"code": event.region.code, "name": event.region.name},
        "programme": ({"slug": event.programme.slug, "name": event.programme.name}
                      if event.programme else None),
        "url": url_for("events.detail", event_id=event.id, _external=True),
    }
    if detail:
        data.update(
            description=event.description, themes=[t.strip() for t in event.themes.split(",") if t.strip()],
            address=event.address, postcode=event.postcode, accessibility=event.accessibility,
            cohosts=[{"id": o.id, "name": o.name} for o in event.cohosts])
    return data


def _month(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    year, month = value.split("-")
    return int(year), int(month)


@bp.get("/events")
@bp.arguments(EventArgs, location="query", as_kwargs=True)
@bp.response(200, EventPageSchema)
@bp.doc(operationId="listEvents", responses={200: {'links': {'GetEvent': {'operationId': 'getEvent', 'parameters': {'event_id': '$response.body#/items/0/id'}}}}})
def events(cursor=None, limit=25, when="upcoming", region=None, programme=None, host=None, month=None, q=None):
    """Events, with the public list's filters; signed in (or with a token), also your organisations' drafts.

    Ordered by start (``when=past``: latest first). Pass ``next_cursor`` back as ``cursor``.
    """
    filters = EventFilters(region=(region or "").upper() or None, programme=programme, host=host,
                           month=_month(month), text=q)
    query = filter_events(select(Event).where(_visible_events()), filters)
    now = utcnow()
    descending = when == "past"
    if when == "upcoming":
        query = query.where(Event.ends_at >= now)
    elif when == "past":
        query = query.where(Event.ends_at < now)
    after = decode_cursor(cursor, ("datetime", "int"))
    if after:
        start, last_id = after
        if descending:
            query = query.where(or_(Event.starts_at < start, and_(Event.starts_at == start, Event.id < last_id)))
        else:
            query = query.where(or_(Event.starts_at > start, and_(Event.starts_at == start, Event.id > last_id)))
    order = (Event.starts_at.desc(), Event.id.desc()) if descending else (Event.starts_at, Event.id)
    rows = list(db.session.scalars(query.options(*EVENT_LOADS).order_by(*order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    confirmed = _confirmed_counts(rows)
    return {"items": [_event(e, confirmed=confirmed.get(e.id, 0)) for e in rows],
            "next_cursor": encode_cursor(rows[-1].starts_at, rows[-1].id) if more else None}


@bp.get("/events/<int:event_id>")
@bp.response(200, EventDetailSchema)
@bp.doc(operationId="getEvent", responses={200: {'links': {'ListRegistrations': {'operationId': 'listRegistrations', 'parameters': {'event_id': '$response.body#/id'}}, 'GetAttendance': {'operationId': 'getAttendance', 'parameters': {'event_id': '$response.body#/id'}}, 'CreateRegistration': {'operationId': 'createRegistration', 'parameters': {'event_id': '$response.body#/id'}}}}})
def event(event_id: int):
    """One event. Drafts only to their host's members and coordinators (others: 404)."""
    return _event(_event_or_404(event_id), detail=True)


def _registration(registration: Registration) -> dict:
    attendance = registration.attendance
    organisation = registration.organisation
    return {
        "id": registration.id, "event_id": registration.event_id, "status": registration.status,
        "first_name": registration.first_name or registration.person.first_name,
        "last_name": registration.last_name or registration.person.last_name,
        "email": registration.person.email,
        "organisation": {"id": organisation.id, "name": organisation.name} if organisation else None,
        "job_title": registration.job_title, "source": registration.source,
        "created_at": registration.created_at, "cancelled_at": registration.cancelled_at,
        "attendance": ({"checked_in_at": attendance.checked_in_at, "method": attendance.method}
                       if attendance else None),
    }


@bp.get("/events/<int:event_id>/registrations")
@bp.arguments(RegistrationArgs, location="query", as_kwargs=True)
@bp.response(200, RegistrationPageSchema)
@bp.doc(operationId="listRegistrations", responses={200: {'links': {'CheckIn': {'operationId': 'checkIn', 'parameters': {'event_id': '$request.path.event_id', 'registration_id': '$response.body#/items/0/id'}}}}})
def registrations(event_id: int, cursor=None, limit=25, status=None):
    """Registrations of an event you manage, with attendance; in the order they were made.

    Personal data: only for the event's host organisers and programme coordinators (door
    volunteers: 403; anyone else: 404).
    """
    require_signed_in()
    event = _event_or_404(event_id, can_manage_event)
    query = select(Registration).where(Registration.event_id == event.id)
    if status:
        query = query.where(Registration.status == status)
    after = decode_cursor(cursor, ("int",))
    if after:
        query = query.where(Registration.id > after[0])
    rows = list(db.session.scalars(query.options(selectinload(Registration.person), selectinload(
        Registration.organisation), selectinload(Registration.attendance)).order_by(Registration.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_registration(r) for r in rows],
            "next_cursor": encode_cursor(rows[-1].id) if more else None}


@bp.post("/events/<int:event_id>/registrations")
@bp.arguments(NewRegistrationSchema)
@bp.response(201, RegistrationResultSchema)
@bp.doc(operationId="createRegistration", responses={201: {'links': {'CheckIn': {'operationId': 'checkIn', 'parameters': {'event_id': '$request.path.event_id', 'registration_id': '$response.body#/registration/id'}}, 'ListRegistrations': {'operationId': 'listRegistrations', 'parameters': {'event_id': '$request.path.event_id'}}}}})
def create_registration(data: dict, event_id: int):
    """Register someone for an event you manage (read-write token): a place while places last,
    else the waitlist; an email already registered answers ``already_registered``.

    :raise 409: when the event takes no registrations (a draft, cancelled or over).
    """
    require_write()
    event = _event_or_404(event_id, can_manage_event)
    if event.status != "published" or event.ends_at < utcnow():
        abort(409, description="This event takes no registrations.")
    try:
        result = register(event, {**data, "consent_privacy": True}, source="api")
    except RegistrationClosed as error:
        db.session.rollback()
        abort(409, description=str(error))
    db.session.commit()
    return {"outcome": result.status, "registration": _registration(result.registration)}


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/check-in")
@bp.response(200, CheckInResultSchema)
@bp.doc(operationId="checkIn", responses={200: {'links': {'GetAttendance': {'operationId': 'getAttendance', 'parameters': {'event_id': '$request.path.event_id'}}}}})
def check_in_registration(event_id: int, registration_id: int):
    """Record that a confirmed registration's person attended (read-write token; the event's
    organisers, coordinators and door volunteers). Checking in twice answers ``already_checked_in``.

    :raise 409: for a registration that is not confirmed.
    """
    require_write()
    event = _event_or_404(event_id, can_check_in)
    registration = registration_for_event(event, registration_id)
    if registration is None:
        abort(404)
    user = getattr(current_user, "_user", None)
    result = check_in(registration, by=user, method="desk")
    if not result.ok:
        db.session.rollback()
        abort(409, description="Only confirmed registrations can be checked in.")
    db.session.commit()
    return {"outcome": result.outcome, "registration": _registration(result.registration)}


@bp.get("/events/<int:event_id>/attendance")
@bp.response(200, AttendanceCountsSchema)
@bp.doc(operationId="getAttendance")
def attendance(event_id: int):
    """The desk's figures for an event you can check in at: registered, checked in, waitlisted, no-shows."""
    require_signed_in()
    event = _event_or_404(event_id, can_check_in)
    return {"event_id": event.id, **attendance_counts(event).as_dict()}


def _organisation(profile: NetworkProfile) -> dict:
    organisation = profile.organisation
    return {
        "id": organisation.id, "name": organisation.name,
        "sector": organisation.sector.code if organisation.sector else None,
        "area": profile.area,
        "region": {"code": profile.region.code, "name": profile.region.name} if profile.region else None,
        "website": organisation.website, "about": profile.about, "kinds_of_work": profile.kinds,
        "approaches": [a.name for a in profile.approaches],
        "url": url_for("network.profile", slug=profile.slug, _external=True),
    }


@bp.get("/organisations")
@bp.arguments(DirectoryArgs, location="query", as_kwargs=True)
@bp.response(200, OrganisationPageSchema)
@bp.doc(operationId="listOrganisations", responses={200: {'links': {'GetOrganisation': {'operationId': 'getOrganisation', 'parameters': {'organisation_id': '$response.body#/items/0/id'}}}}})
def organisations(cursor=None, limit=25, q=None, region=None):
    """The network directory: organisations that chose to be listed (as the public page shows them)."""
    query = directory_query(DirectoryFilters(q=q or "", region=(region or "").upper()))
    after = decode_cursor(cursor, ("int",))
    if after:
        query = query.where(NetworkProfile.id > after[0])
    rows = list(db.session.scalars(query.options(
        selectinload(NetworkProfile.organisation).selectinload(Organisation.sector),
        selectinload(NetworkProfile.region), selectinload(NetworkProfile.approaches),
        selectinload(NetworkProfile.kind_rows)).order_by(NetworkProfile.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_organisation(p) for p in rows],
            "next_cursor": encode_cursor(rows[-1].id) if more else None}


@bp.get("/organisations/<int:organisation_id>")
@bp.response(200, OrganisationSchema)
@bp.doc(operationId="getOrganisation")
def organisation(organisation_id: int):
    """One listed organisation of the directory (not listed: 404)."""
    profile = db.session.scalar(directory_query(DirectoryFilters()).where(
        NetworkProfile.organisation_id == organisation_id))
    if profile is None:
        abort(404)
    return _organisation(profile)


def _story(story: Story) -> dict:
    return {
        "id": story.id, "title": story.title, "summary": story.summary, "body": story.body,
        "kind_of_work": story.kind_of_work, "approaches": [a.name for a in story.approaches],
        "region": {"code": story.region.code, "name": story.region.name}, "place": story.place,
        "programme": {"slug": story.programme.slug, "name": story.programme.name},
        "event_id": story.event_id, "published_at": story.published_at,
        "url": url_for("stories.detail", story_id=story.id, _external=True),
    }


@bp.get("/stories")
@bp.arguments(StoryArgs, location="query", as_kwargs=True)
@bp.response(200, StoryPageSchema)
@bp.doc(operationId="listStories", responses={200: {'links': {'GetStory': {'operationId': 'getStory', 'parameters': {'story_id': '$response.body#/items/0/id'}}}}})
def stories(cursor=None, limit=25, region=None, kind=None, programme=None, q=None):
    """Published stories, newest first, with the stories page's filters."""
    query = published_stories(StoryFilters(region=(region or "").upper() or None, kind=kind,
                                            programme=programme, text=q)).order_by(None)
    after = decode_cursor(cursor, ("datetime", "int"))
    if after:
        published, last_id = after
        query = query.where(or_(Story.published_at < published,
                                and_(Story.published_at == published, Story.id < last_id)))
    rows = list(db.session.scalars(query.options(
        selectinload(Story.region), selectinload(Story.programme), selectinload(Story.approaches))
        .order_by(Story.published_at.desc(), Story.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_story(s) for s in rows],
            "next_cursor": encode_cursor(rows[-1].published_at, rows[-1].id) if more else None}


@bp.get("/stories/<int:story_id>")
@bp.response(200, StorySchema)
@bp.doc(operationId="getStory")
def story(story_id: int):
    """One published story (anything else: 404)."""
    found = db.session.scalar(select(Story).where(Story.id == story_id, Story.state == "published"))
    if found is None:
        abort(404)
    return _story(found)

