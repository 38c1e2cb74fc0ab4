"""The survey email: written to the outbox with the attendance it is for, built at delivery.

The link's token is dropped from the outbox row once the email has been sent
(:data:`eventsapp.outbox.FORGET_AFTER_SEND`), so no row keeps a recipient beside their link.
"""

from __future__ import annotations

from email.message import Message

from flask import current_app, has_request_context, render_template, request, url_for

from eventsapp import mail, outbox
from eventsapp.extensions import db
from eventsapp.models import Registration
from eventsapp.registration.emails import base_url, recipient


def subject_for(registration: Registration) -> str:
    return f"How was it? A short survey about {registration.event.title}"


def queue_survey(registration: Registration, token: str) -> None:
    """Write the survey email for ``registration`` with the link ``token`` (the caller commits)."""
    outbox.enqueue_rendered("survey", recipient(registration), subject_for(registration), {
        "registration_id": registration.id, "token": token, outbox.FORGET_AFTER_SEND: ["token"],
        "base_url": request.host_url.rstrip("/") if has_request_context() else base_url(),
    })


@outbox.renderer("survey")
def render(params: dict) -> Message:
    registration = db.session.get(Registration, params["registration_id"])
    if registration is None or not registration.person.email:
        raise outbox.NothingToSend(f"registration {params['registration_id']} no longer exists")
    with current_app.test_request_context(base_url=params.get("base_url") or base_url()):
        link = url_for("surveys.respond", token=params["token"], _external=True)
        context = {"registration": registration, "event": registration.event, "link": link,
                   "subject": subject_for(registration)}
        text = render_template("surveys/email/survey.txt", **context)
        html = render_template("surveys/email/survey.html", **context)
    return mail.build_message(recipient(registration), context["subject"], text, html)
