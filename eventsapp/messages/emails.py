"""The email of a message: plain text as written, HTML from Markdown (sanitised like event
descriptions), and for a programme-wide message the one-click unsubscribe of RFC 8058.

Each recipient's email is an outbox row written with the message (:func:`queue_to_person`) and
built by the worker (:func:`render`) from the message and the person as they are then; a person who
unsubscribed in the meantime gets nothing.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import Message as EmailMessage

from flask import current_app, render_template, url_for
from markupsafe import Markup, escape

from eventsapp import mail, outbox
from eventsapp.events.rich_text import render_rich_text
from eventsapp.extensions import db
from eventsapp.messages.audiences import is_unsubscribed
from eventsapp.models import Event, Message, Person, Programme
from eventsapp.tokens import make_token

TEMPLATE = "registrant_message"
#: The value RFC 8058 asks for beside an HTTPS List-Unsubscribe.
ONE_CLICK = "List-Unsubscribe=One-Click"


def body_html(body: str, body_format: str) -> Markup:
    """The body as safe HTML: Markdown rendered and sanitised, or plain text as paragraphs."""
    if body_format == "markdown":
        return render_rich_text(body)
    paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("\n").join(Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in p.split("\n")))
                             for p in paragraphs)


def unsubscribe_token(person_id: int, message_id: int | None) -> str:
    return make_token("unsubscribe", {"person": person_id, "message": message_id})


def unsubscribe_url(token: str) -> str:
    """The one-click address: always HTTPS (RFC 8058 requires it), on this site's host."""
    return url_for("messages.unsubscribe", token=token, _external=True, _scheme="https")


def _address(name: str, email: str) -> str:
    try:
        return str(Address(display_name=name, addr_spec=email))
    except (ValueError, IndexError, TypeError):
        return email


def build_email(*, to: str, subject: str, body: str, body_format: str, about: str,
                unsubscribe: str | None, test: bool = False) -> EmailMessage:
    """One recipient's email. ``about`` says why they receive it; ``unsubscribe`` (an HTTPS URL)
    adds the link and the List-Unsubscribe headers."""
    context = {"subject": subject, "body": body, "html": body_html(body, body_format), "about": about,
               "unsubscribe": unsubscribe, "test": test}
    text = render_template("messages/email/message.txt", **context)
    html = render_template("messages/email/message.html", **context)
    message = mail.build_message(to, subject, text, html)
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"  # folded onto its own line: the parser unfolds it
        message["List-Unsubscribe-Post"] = ONE_CLICK
    return message


def about_line(event: Event | None, programme: Programme | None) -> str:
    """Why the recipient receives a message about ``event`` or ``programme``."""
    if programme is not None:
        return (f"You receive this because you attended an event of {programme.name} and agreed "
                "to hear about the network.")
    return f"You receive this because you registered for {event.title} ({event.host.name})."


def queue_to_person(message: Message, person: Person, base_url: str) -> None:
    """One outbox row for one recipient, in the caller's transaction."""
    outbox.enqueue_rendered(TEMPLATE, _address(person.full_name, person.email), message.subject,
                            {"message_id": message.id, "person_id": person.id, "base_url": base_url})


@outbox.renderer(TEMPLATE)
def render(params: dict) -> EmailMessage:
    message = db.session.get(Message, params["message_id"])
    person = db.session.get(Person, params["person_id"])
    if message is None or person is None or not person.email:
        raise outbox.NothingToSend("the message or its recipient no longer exists")
    if message.is_programme_wide and is_unsubscribed(person.id):
        raise outbox.NothingToSend("the recipient unsubscribed from programme-wide messages")
    with current_app.test_request_context(base_url=params.get("base_url") or "http://localhost"):
        link = unsubscribe_url(unsubscribe_token(person.id, message.id)) if message.is_programme_wide else None
        return build_email(to=_address(person.full_name, person.email), subject=message.subject, body=message.body,
                           body_format=message.body_format, about=about_line(message.event, message.programme), unsubscribe=link)


def queue_test(*, to: str, subject: str, body: str, body_format: str, about: str, programme_wide: bool) -> None:
    """The sender's own copy, built now and written to the outbox (no recipient, no message kept)."""
    outbox.enqueue(build_email(to=to, subject=f"[Test] {subject}", body=body, body_format=body_format, about=about,
                               unsubscribe=None, test=programme_wide))
