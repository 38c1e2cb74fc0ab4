"""Views of the embeddable event list (see the package docstring)."""

from __future__ import annotations

from flask import abort, current_app, render_template, url_for

from eventsapp.embed import bp
from eventsapp.events.queries import EventFilters, upcoming_events
from eventsapp.extensions import db
from eventsapp.models import Organisation, Programme
from eventsapp.security import frameable

#: Events an embedded list shows; a link below it leads to the full list.
PER_EMBED = 20


def _render(name: str, filters: EventFilters, full_list_url: str):
    events = upcoming_events(filters, 1, PER_EMBED, with_places=True)
    return render_template("embed/events.html", name=name, events=events.items, more=events.total > PER_EMBED,
                           full_list_url=full_list_url)


@bp.get("/embed/organisations/<int:organisation_id>/events")
@frameable
def organisation_events(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.merged_into_id is not None:
        abort(404)
    return _render(organisation.name, EventFilters(host=organisation.id),
                   url_for("events.index", host=organisation.id, _external=True))


@bp.get("/embed/programmes/<int:programme_id>/events")
@frameable
def programme_events(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    return _render(programme.name, EventFilters(programme=programme.slug),
                   url_for("events.index", programme=programme.slug, _external=True))


@bp.get("/embed.js")
def script():
    """The script a host puts on its website (README "Webhooks and embedding")."""
    response = current_app.send_static_file("embed.js")
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
