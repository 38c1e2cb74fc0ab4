"""Every URL of the events area:

GET  /events/                         upcoming events, filtered and paginated
GET  /events/past                     past events
GET  /events/<id>                     an event's public page
GET/POST /events/new                  schedule an event
GET  /events/<id>/manage              the organiser's page for an event
GET/POST /events/<id>/edit            change it
POST /events/<id>/publish, /unpublish
GET/POST /events/<id>/cancel          cancel, giving a reason
GET/POST /events/<id>/duplicate       a draft copy on a new date
GET  /events/organisations.json       the co-host type-ahead: live organisations matching ``q``
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from eventsapp.caching import process_cache
from eventsapp.directory import search_organisations
from eventsapp.events import bp
from eventsapp.events.consent import ask, hold_back, pending_cohost_ids
from eventsapp.events.forms import (
    ActionForm,
    CancelForm,
    DuplicateForm,
    EventForm,
    FilterForm,
    render_options,
)
from eventsapp.events.queries import EventFilters, filter_choices, past_events, upcoming_events
from eventsapp.events.rich_text import render_rich_text
from eventsapp.events.services import (
    DETAIL_PAGE_CACHE,
    FILTER_CHOICES_CACHE,
    LIST_PAGE_CACHE,
    EventStateError,
    RegistrationCounts,
    cancel_event,
    cohost_candidates,
    coordinated_programmes,
    create_event,
    duplicate_event,
    hostable_organisations,
    may_schedule_events,
    organiser_of,
    publish_event,
    registration_counts,
    timing_notice,
    unpublish_event,
    update_event,
)
from eventsapp.extensions import db
from eventsapp.models import Event, Programme, Region
from eventsapp.permissions import MAX_ID, can_manage_event, get_event_or_404, is_admin
from eventsapp.registration.services import confirmed_count, panel_state, places_left
from eventsapp.timeutil import to_local, to_utc
from eventsapp.urls import page_number, parse_id

log = logging.getLogger(__name__)

#: Query-string keys of the public lists' filters.
FILTER_NAMES = ("q", "region", "programme", "host", "month")


def _page_number() -> int:
    return page_number(request.args.get("page"))


def options(blank: str, pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(value, label) for value, label in pairs]


#: Blank choice of each filter select.
FILTER_BLANKS = {"region": "Any region", "programme": "Any programme", "host": "Any host"}


@dataclass(frozen=True)
class CachedChoices:
    """The filter selects' choices as accepted values and rendered ``<option>`` markup."""

    loaded_at: float
    values: dict[str, frozenset[str]]
    options_html: dict[str, str]


def _filter_choices(refresh: bool = False) -> CachedChoices:
    """The filter choices, kept per process for ``FILTER_CHOICES_TTL`` seconds (60; 0 when testing).

    They change only when an event is published or an organisation, programme or region is
    renamed; this process forgets them at once when it changes an event (services), other
    workers within the TTL. A value in the query string that is not among them reloads them.
    """
    config = current_app.config
    ttl = config.get("FILTER_CHOICES_TTL", 0 if current_app.testing else 60)
    store = process_cache(FILTER_CHOICES_CACHE, max_entries=1, ttl=ttl)
    cached = store.get("choices")
    now = time.monotonic()
    if refresh or cached is None:
        choices = filter_choices()
        cached = CachedChoices(
            loaded_at=now,
            values={name: frozenset(value for value, _ in pairs) for name, pairs in choices.items()},
            options_html={name: render_options(FILTER_BLANKS[name], pairs) for name, pairs in choices.items()},
        )
        store.put("choices", cached)
    return cached


def _filters_from_request() -> tuple[FilterForm, EventFilters]:
    """Read the query string; values that are not among the choices are ignored, never an error."""
    form = FilterForm(formdata=request.args)
    fields = {"region": form.region, "programme": form.programme, "host": form.host}
    choices = _filter_choices()
    if any(field.data and field.data not in choices.values[name] for name, field in fields.items()):
        choices = _filter_choices(refresh=True)  # perhaps new since they were cached
    for name, field in fields.items():
        field.options_html = choices.options_html[name]

    def chosen(name):
        data = fields[name].data
        return data if data in choices.values[name] else None

    host = chosen("host")
    text = (form.q.data or "")[:200] or None
    filters = EventFilters(
        region=chosen("region"),
        programme=chosen("programme"),
        host=int(host) if host else None,
        month=form.month_value(),
        text=text,
    )
    return form, filters


#: Key in ``app.extensions`` of the rendered public lists kept for anonymous visitors.
PAGE_CACHE = LIST_PAGE_CACHE
#: At most this many rendered list pages per process (query strings come from anyone).
PAGE_CACHE_SIZE = 64
#: At most this many rendered event pages per process (one per event, the most visited kept).
DETAIL_CACHE_SIZE = 256


def _page_cache_key(template: str) -> tuple | None:
    """The key under which this request's list page may be shared, or None when it may not.

    Only anonymous visitors with nothing flashed get a shared page: everything else on it
    depends on the endpoint, the query string and the host name (feed links are absolute).
    """
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    return template, request.host_url, request.path, tuple(sorted(request.args.items(multi=True)))


def _list_cache_seconds() -> float:
    return current_app.config.get("EVENT_LIST_CACHE_SECONDS", 0 if current_app.testing else 5)


def _cached_page(template: str, render, *, ttl: float | None = None, cache: str = PAGE_CACHE,
                 size: int = PAGE_CACHE_SIZE) -> str:
    """``render()``, or the same page rendered less than ``ttl`` seconds ago
    (default ``EVENT_LIST_CACHE_SECONDS``: 5; 0 when testing), for anonymous visitors only.

    Anonymous visitors may see "places left" and new events up to that many seconds late;
    an event change in this process (services) empties this worker's cache at once.
    """
    ttl = _list_cache_seconds() if ttl is None else ttl
    key = _page_cache_key(template) if ttl > 0 else None
    if key is None:
        return render()
    pages = process_cache(cache, max_entries=size, ttl=ttl)
    body = pages.get(key)
    if body is None:
        body = render()
        pages.put(key, body)
    return body


def _listing(template: str, paginate, show_places: bool):
    def render() -> str:
        form, filters = _filters_from_request()
        pagination = paginate(filters, _page_number(), current_app.config["EVENTS_PER_PAGE"], with_places=show_places)
        # Only the filters travel to the page links (never "_external", "endpoint" or other url_for arguments).
        args = {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}
        return render_template(template, form=form, filters=filters, pagination=pagination,
                               page_args=args)

    return _cached_page(template, render)


@bp.get("/")
def index():
    """Upcoming published events (and cancelled ones, marked), soonest first."""
    return _listing("events/index.html", upcoming_events, show_places=True)


@bp.get("/past")
def past():
    return _listing("events/past.html", past_events, show_places=False)


@bp.get("/<int:event_id>")
def detail(event_id: int):
    """An event's public page.

    Anonymous visitors share a page rendered less than ``EVENT_PAGE_CACHE_SECONDS`` ago (default:
    the list's ``EVENT_LIST_CACHE_SECONDS``, 5 s; per worker), so "places left" there is at most
    that old; registering always decides on the locked counts (registration.services). Signed-in
    visitors (organisers see the manage link, drafts) always get a live page.

    :raise 404: for a draft, unless the user is of the host or coordinates its programme.
    """
    ttl = current_app.config.get("EVENT_PAGE_CACHE_SECONDS", _list_cache_seconds())
    return _cached_page("events/detail.html", lambda: _render_detail(event_id), ttl=ttl,
                        cache=DETAIL_PAGE_CACHE, size=DETAIL_CACHE_SIZE)


def _render_detail(event_id: int) -> str:
    loaded = None
    if 0 < event_id <= MAX_ID:
        # One query for what the page shows, instead of a lazy load per relationship from the template;
        # get_event_or_404 then finds the event in the session (and still decides who may see it).
        # ``loaded`` keeps it alive there (the identity map holds weak references).
        loaded = db.session.get(Event, event_id, options=[
            joinedload(Event.host), joinedload(Event.region), joinedload(Event.programme),
            selectinload(Event.cohosts),
        ])
    event = get_event_or_404(event_id)
    del loaded
    panel = panel_state(event)  # the registration panel's counts, read once for the whole page
    return render_template(
        "events/detail.html",
        event=event,
        panel=panel,
        places_left=panel["places_left"],
        description=render_rich_text(event.description),
        accessibility=render_rich_text(event.accessibility),
        themes=[line.strip() for line in event.themes.splitlines() if line.strip()],
        can_manage=can_manage_event(current_user, event),
    )


# --- scheduling -------------------------------------------------------------


def _event_form(event: Event | None = None) -> EventForm:
    """The event form with its choices limited to what the current user may use."""
    programmes = {p.id: p for p in db.session.scalars(select(Programme).order_by(Programme.name))}
    coordinated = {p.id for p in coordinated_programmes(current_user)}
    hosts = hostable_organisations(current_user, current=event.host if event else None)
    form = EventForm(
        obj=None,
        confirmed=confirmed_count(event) if event else 0,
        # The administrator may host for anyone, in a programme or not.
        may_host_without_programme={o.id for o in hosts} if is_admin(current_user) else organiser_of(current_user),
        coordinated=coordinated,
    )
    form.host.choices = [SelectChoice(o.id, o.name) for o in hosts]
    form.programme.choices = [SelectChoice(0, "Not part of a programme")] + [
        SelectChoice(p.id, p.name) for p in programmes.values()
    ]
    form.cohosts.choices = [SelectChoice(o.id, o.name) for o in cohost_candidates()]
    form.cohosts.render_kw = {**form.cohosts.render_kw, "data-organisation-search": url_for(".organisation_options")}
    form.region.choices = [SelectChoice(0, "Choose a region")] + [
        SelectChoice(r.id, r.name)
        for r in db.session.scalars(select(Region).order_by(Region.sort_order, Region.name))
    ]
    if event is None:
        del form.capacity_understood
    elif event.status == "cancelled":
        del form.status
    return form


def _fill_from_event(form: EventForm, event: Event) -> None:
    def local(value):
        return to_local(value).replace(tzinfo=None) if value else None

    form.title.data, form.summary.data = event.title, event.summary
    form.description.data, form.themes.data = event.description, event.themes
    # A proposal waiting for its programme's coordinator, and co-hosts still asked, stay chosen.
    form.programme.data = event.programme_id or event.proposed_programme_id or 0
    form.host.data = event.host_organisation_id
    form.cohosts.data = [o.id for o in event.cohosts] + pending_cohost_ids(event)
    form.region.data = event.region_id
    form.town.data, form.venue.data, form.address.data = event.town, event.venue, event.address
    form.postcode.data, form.online_url.data = event.postcode, event.online_url or ""
    form.starts_at.data, form.ends_at.data = local(event.starts_at), local(event.ends_at)
    form.capacity.data = event.capacity
    form.registration_opens_at.data = local(event.registration_opens_at)
    form.registration_closes_at.data = local(event.registration_closes_at)
    form.accessibility.data = event.accessibility
    if "status" in form._fields:
        form.status.data = event.status


def _organisations_by_id() -> dict:
    return {o.id: o for o in cohost_candidates()}


@bp.get("/organisations.json")
@login_required
def organisation_options():
    """The co-hosts' type-ahead: a page of the organisations the event form offers as co-hosts whose
    name matches ``q`` (two characters or more), as :meth:`~eventsapp.directory.OrganisationMatches.as_json`.

    :raise 403: for a user who may not schedule events (as ``/events/new``).
    """
    if not may_schedule_events(current_user):
        abort(403)
    return jsonify(search_organisations(request.args.get("q", ""), page=_page_number()).as_json())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """:raise 403: for a user who organises nothing and coordinates no programme."""
    if not may_schedule_events(current_user):
        abort(403)
    form = _event_form()
    if request.method == "GET":
        # "Schedule an event" on a programme's page starts in that programme.
        programme_id = parse_id(request.args.get("programme"))
        if programme_id in {choice.value for choice in form.programme.choices}:
            form.programme.data = programme_id
    if form.validate_on_submit():
        wanted = form.event_fields(_organisations_by_id())
        fields, asked = hold_back(None, wanted, current_user)
        event = create_event(fields)
        ask(event, asked, current_user, wanted.get("programme_id"))
        db.session.commit()
        flash(f"“{event.title}” is saved as {'published' if event.is_published else 'a draft'}. "
              + asked.message(), "success")
        if notice := timing_notice(event):
            flash(notice, "warning")
        return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/form.html", form=form, event=None), 422 if form.errors else 200


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = get_event_or_404(event_id, permission=can_manage_event)
    form = _event_form(event)
    if request.method == "GET":
        _fill_from_event(form, event)
    elif form.validate_on_submit():
        wanted = form.event_fields(_organisations_by_id())
        fields, asked = hold_back(event, wanted, current_user)
        changed = update_event(event, fields)
        ask(event, asked, current_user, wanted.get("programme_id"))
        db.session.commit()
        message = ("Changes saved. " + asked.message()).strip()
        if changed and event.is_published:
            message += " People registered have been told about the new date, time or place."
        flash(message, "success")
        if notice := timing_notice(event):
            flash(notice, "warning")
        return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), 422 if form.errors else 200


@bp.get("/<int:event_id>/manage")
@login_required
def manage(event_id: int):
    event = get_event_or_404(event_id, permission=can_manage_event)
    counts = registration_counts([event.id]).get(event.id, RegistrationCounts())
    return render_template("events/manage.html", event=event, counts=counts, action_form=ActionForm(),
                           places_left=places_left(event, counts.confirmed))


def _change_state(event_id: int, change, done: str):
    event = get_event_or_404(event_id, permission=can_manage_event)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        change(event)
    except EventStateError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("events.manage", event_id=event_id))


@bp.post("/<int:event_id>/publish")
@login_required
def publish(event_id: int):
    return _change_state(event_id, publish_event, "The event is published: anyone can see it and register.")


@bp.post("/<int:event_id>/unpublish")
@login_required
def unpublish(event_id: int):
    return _change_state(event_id, unpublish_event, "The event is back in draft: only your organisation sees it.")


@bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(event_id: int):
    event = get_event_or_404(event_id, permission=can_manage_event)
    form = CancelForm()
    if event.is_cancelled:
        flash("This event is already cancelled.", "info")
        return redirect(url_for("events.manage", event_id=event.id))
    if form.validate_on_submit():
        cancel_event(event, form.reason.data)
        db.session.commit()
        flash("The event is cancelled. It stays listed, marked as cancelled, with your reason.", "success")
        return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/cancel.html", form=form, event=event), 422 if form.errors else 200


@bp.route("/<int:event_id>/duplicate", methods=["GET", "POST"])
@login_required
def duplicate(event_id: int):
    event = get_event_or_404(event_id, permission=can_manage_event)
    form = DuplicateForm()
    if form.validate_on_submit():
        copy = duplicate_event(event, to_utc(form.starts_at.data))
        db.session.commit()
        flash("A draft copy is ready: check the details, then publish it.", "success")
        return redirect(url_for("events.edit", event_id=copy.id))
    return render_template("events/duplicate.html", form=form, event=event), 422 if form.errors else 200
