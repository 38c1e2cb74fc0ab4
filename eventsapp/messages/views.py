"""Every URL of the messages area:

GET/POST /events/<id>/messages/new              an event's organisers write to its registrants:
                                                 preview, a test to themselves, send
GET      /events/<id>/messages/<message_id>     a message sent about the event
GET/POST /programmes/<slug>/messages/new        a programme's coordinators write to its attendees
                                                 who agreed to hear about the network
GET      /programmes/<slug>/messages/<message_id>
GET/POST /messages/unsubscribe/<token>           one-click unsubscribe (RFC 8058): GET shows the state and
                                                 asks, POST does (action=subscribe: subscribe again);
                                                 no sign-in, no CSRF token (the signed link authorises)

Sent messages are listed on the event's manage page and the programme's page (its coordinators).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from eventsapp.extensions import csrf, db
from eventsapp.messages import bp
from eventsapp.messages.audiences import AUDIENCE_LABELS, Scope, count_recipients, is_unsubscribed
from eventsapp.messages.emails import about_line, body_html, queue_test
from eventsapp.messages.forms import MessageForm
from eventsapp.messages.services import (
    messages_of,
    resubscribe_to_network,
    send_message,
    unsubscribe_from_network,
)
from eventsapp.models import Message, Person, Programme
from eventsapp.permissions import MAX_ID, can_manage_event, coordinates, get_event_or_404
from eventsapp.programmes.services import programme_by_slug
from eventsapp.tokens import read_token

#: The buttons of the compose page (anything else previews).
ACTIONS = ("preview", "test", "send")


def _programme_or_404(slug: str) -> Programme:
    """:raise 404: unknown slug, or a programme the user does not coordinate (another network's)."""
    programme = programme_by_slug(slug)
    if programme is None or not coordinates(current_user, programme):
        abort(404)
    return programme


def _message_or_404(scope: Scope, message_id: int) -> Message:
    message = db.session.get(Message, message_id) if 0 < message_id <= MAX_ID else None
    if message is None or (scope.event is not None and message.event_id != scope.event.id) or (
            scope.programme is not None and message.programme_id != scope.programme.id):
        abort(404)
    return message


def _about(scope: Scope) -> str:
    return about_line(scope.event, scope.programme)


def _compose(scope: Scope, back_url: str):
    """Write, preview, test and send: one page, the action chosen by the button pressed."""
    form = MessageForm(audiences=scope.audiences)
    context = {"form": form, "scope": scope, "back_url": back_url, "labels": AUDIENCE_LABELS, "preview": None}
    if not form.is_submitted():
        return render_template("messages/compose.html", **context)
    action = request.form.get("action", "preview")
    if action not in ACTIONS:
        action = "preview"
    if not form.validate():
        return render_template("messages/compose.html", **context), 422
    fields = {"subject": form.subject.data.strip(), "body": form.body.data, "body_format": form.body_format.data}
    if action == "send":
        if count_recipients(scope, form.audience.data) == 0:
            form.audience.errors = [*form.audience.errors, "Nobody in this audience has an email address yet."]
            return render_template("messages/compose.html", **context), 422
        message = send_message(scope, form.audience.data, sender=current_user._get_current_object(),
                               base_url=request.host_url.rstrip("/"), **fields)
        db.session.commit()
        flash(f"Your message is on its way to {message.recipients_count} "
              f"{'person' if message.recipients_count == 1 else 'people'}.", "success")
        return redirect(_detail_url(scope, message))
    if action == "test":
        queue_test(to=current_user.email, about=_about(scope), programme_wide=scope.programme is not None, **fields)
        db.session.commit()
        flash(f"A test copy is on its way to {current_user.email}. Nothing has been sent to anyone else.", "success")
    context["preview"] = {
        "subject": fields["subject"], "html": body_html(fields["body"], fields["body_format"]),
        "recipients": count_recipients(scope, form.audience.data), "audience": AUDIENCE_LABELS[form.audience.data],
        "about": _about(scope),
    }
    return render_template("messages/compose.html", **context)


def _detail_url(scope: Scope, message: Message) -> str:
    if scope.event is not None:
        return url_for("messages.event_message", event_id=scope.event.id, message_id=message.id)
    return url_for("messages.programme_message", slug=scope.programme.slug, message_id=message.id)


@bp.route("/events/<int:event_id>/messages/new", methods=["GET", "POST"])
@login_required
def event_compose(event_id: int):
    """:raise 404: another organisation's event; 403: the host's door volunteer."""
    event = get_event_or_404(event_id, permission=can_manage_event)
    return _compose(Scope(event=event), url_for("events.manage", event_id=event.id))


@bp.get("/events/<int:event_id>/messages/<int:message_id>")
@login_required
def event_message(event_id: int, message_id: int):
    event = get_event_or_404(event_id, permission=can_manage_event)
    scope = Scope(event=event)
    message = _message_or_404(scope, message_id)
    return render_template("messages/detail.html", message=message, scope=scope, labels=AUDIENCE_LABELS,
                           html=body_html(message.body, message.body_format),
                           back_url=url_for("events.manage", event_id=event.id))


@bp.route("/programmes/<slug>/messages/new", methods=["GET", "POST"])
@login_required
def programme_compose(slug: str):
    programme = _programme_or_404(slug)
    return _compose(Scope(programme=programme), url_for("programmes.detail", slug=programme.slug))


@bp.get("/programmes/<slug>/messages/<int:message_id>")
@login_required
def programme_message(slug: str, message_id: int):
    programme = _programme_or_404(slug)
    scope = Scope(programme=programme)
    message = _message_or_404(scope, message_id)
    return render_template("messages/detail.html", message=message, scope=scope, labels=AUDIENCE_LABELS,
                           html=body_html(message.body, message.body_format),
                           back_url=url_for("programmes.detail", slug=programme.slug))


@bp.route("/messages/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET: the address's state with the button that changes it; POST (the button, or a mail
    client's one-click): unsubscribe, or with ``action=subscribe`` ("Subscribe again") undo it.

    A forged, altered or unknown link (or one for an erased address) gets a page saying so, 404.
    """
    payload = read_token("unsubscribe", token)
    person_id = payload.get("person") if isinstance(payload, dict) else None
    message_id = payload.get("message") if isinstance(payload, dict) else None
    person = None
    if isinstance(person_id, int) and (message_id is None or isinstance(message_id, int)) and 0 < person_id <= MAX_ID:
        person = db.session.get(Person, person_id)
    if person is None:
        return render_template("messages/unsubscribe.html", token=token, state="invalid"), 404
    message_id = message_id if message_id and 0 < message_id <= MAX_ID else None
    if request.method == "GET":
        return render_template("messages/unsubscribe.html", token=token,
                               state="unsubscribed" if is_unsubscribed(person.id) else "subscribed")
    if request.form.get("action") == "subscribe":
        programme = resubscribe_to_network(person.id, message_id)
        db.session.commit()
        return render_template("messages/unsubscribe.html", token=token, state="resubscribed", programme=programme)
    try:
        unsubscribe_from_network(person.id, message_id)
        db.session.commit()
    except IntegrityError:  # a second click at the same moment recorded it first
        db.session.rollback()
    return render_template("messages/unsubscribe.html", token=token, state="done")


@bp.app_context_processor
def message_lists():
    """``event_messages(event)`` and ``programme_messages(programme)`` for the manage and programme pages."""
    return {
        "event_messages": lambda event: messages_of(Scope(event=event)),
        "programme_messages": lambda programme: messages_of(Scope(programme=programme)),
        "audience_labels": AUDIENCE_LABELS,
    }

