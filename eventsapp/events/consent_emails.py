"""The emails of consent (eventsapp.events.consent): who is asked is told, and so is the asker of the answer.

- A programme proposal: the programme's coordinators (members of its coordinating organisation
  with the coordinator role); a co-host request: the asked organisation's members in
  :data:`~eventsapp.events.consent.ANSWERING_ROLES` (consent passes them). Each email says who asked, for which event,
  and links to ``/dashboard/requests``, where they answer.
- An answer (accepted or declined): the user who asked (``Event.proposed_by``,
  ``CohostRequest.requested_by``), with a link to the event's manage page.

Every message is built here and written to the transactional outbox in the caller's transaction
(:func:`eventsapp.outbox.enqueue`), as invitations and stories do: it leaves only if the change
commits. A deactivated (or erased) account gets nothing, and nobody is emailed about what they
did themselves (the asker among those asked; an answer to one's own question).
"""

from __future__ import annotations

from contextlib import nullcontext

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.mail import build_message
from eventsapp.models import Event, Membership, Organisation, Programme, User
from eventsapp.outbox import enqueue
from eventsapp.registration.emails import base_url


def _links():
    """A request context to build absolute links in: the request's own, else the configured site's."""
    return nullcontext() if has_request_context() else current_app.test_request_context(base_url=base_url())


def _name(user: User) -> str:
    return user.name or user.email


def _members(organisation_id: int | None, roles: tuple[str, ...], by: User) -> list[User]:
    """Active members of the organisation in one of ``roles``, but not ``by``; each once, by id."""
    if organisation_id is None:
        return []
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, Membership.role.in_(roles),
               User.active, User.id != by.id)
        .distinct().order_by(User.id)))


def _send(to: User, subject: str, template: str, **context) -> None:
    context["subject"] = subject
    text = render_template(f"events/email/{template}.txt", **context)
    html = render_template(f"events/email/{template}.html", **context)
    enqueue(build_message(to.email, subject, text, html))


def proposal_made(event: Event, programme: Programme, by: User) -> int:
    """Tell the programme's coordinators that ``by`` proposed ``event`` to it; returns how many."""
    recipients = _members(programme.coordinator_organisation_id, ("coordinator",), by)
    subject = f"Event proposed to {programme.name}: {event.title}"
    with _links():
        link = url_for("dashboard.requests", _external=True)
        for user in recipients:
            _send(user, subject, "asked", recipient=user, event=event, asker=_name(by), link=link,
                  asked_to=f"to join the programme “{programme.name}”",
                  outcome="If you accept, the event joins the programme and you can see and manage it "
                          "with the programme's other events. Until then you get nothing of it.")
    return len(recipients)


def cohost_asked(event: Event, organisation: Organisation, by: User, roles: tuple[str, ...]) -> int:
    """Tell the organisation's members in ``roles`` (consent.ANSWERING_ROLES) that ``by`` asked it to
    co-host ``event``; returns how many."""
    recipients = _members(organisation.id, roles, by)
    subject = f"Asked to co-host: {event.title}"
    with _links():
        link = url_for("dashboard.requests", _external=True)
        for user in recipients:
            _send(user, subject, "asked", recipient=user, event=event, asker=_name(by), link=link,
                  asked_to=f"to have {organisation.name} co-host it",
                  outcome=f"If you accept, {organisation.name} is shown as a co-host of the event.")
    return len(recipients)


def _tell_asker(asker: User | None, by: User, event: Event, subject: str, what: str) -> int:
    if asker is None or not asker.active or asker.id == by.id:
        return 0
    with _links():
        link = url_for("events.manage", event_id=event.id, _external=True)
        _send(asker, subject, "answered", recipient=asker, event=event, answerer=_name(by), what=what, link=link)
    return 1


def proposal_answered(event: Event, programme: Programme, accepted: bool, asker: User | None, by: User) -> int:
    """Tell the user who proposed ``event`` to ``programme`` that ``by`` accepted or declined it."""
    if accepted:
        return _tell_asker(asker, by, event, f"Accepted into {programme.name}: {event.title}",
                           f"accepted your proposal: the event is now part of the programme “{programme.name}”.")
    return _tell_asker(asker, by, event, f"Not accepted into {programme.name}: {event.title}",
                       f"declined your proposal: the event is not part of the programme “{programme.name}”.")


def cohost_answered(event: Event, organisation: Organisation, accepted: bool, asker: User | None, by: User) -> int:
    """Tell the user who asked ``organisation`` to co-host ``event`` that ``by`` accepted or declined."""
    if accepted:
        return _tell_asker(asker, by, event, f"{organisation.name} co-hosts {event.title}",
                           f"accepted for {organisation.name}: it is now a co-host of the event.")
    return _tell_asker(asker, by, event, f"{organisation.name} declined to co-host {event.title}",
                       f"declined for {organisation.name}: it is not a co-host of the event.")
