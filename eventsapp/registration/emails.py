"""The messages a registration sends: text plus HTML, queued until the commit.

Each ``queue_*`` function writes an outbox row in the caller's transaction
saying what to send (:func:`eventsapp.outbox.enqueue_rendered`); the worker
builds the message from the registration (:func:`render`) after the commit,
and nothing leaves if the change rolls back.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import Message

from flask import current_app, has_request_context, render_template, request, url_for

from eventsapp import mail, outbox
from eventsapp.caching import process_cache
from eventsapp.extensions import db
from eventsapp.models import Event, Registration
from eventsapp.tokens import make_token


def booking_url(registration: Registration) -> str:
    return url_for("registration.booking", token=make_token("booking", registration.id), _external=True)


def online_link_for(registration: Registration) -> str | None:
    """The event's joining link, for a confirmed registration of an event going ahead; else None.

    The link is kept from the public page and feeds: only confirmed registrants get it (booking
    page, emails, their own .ics).
    """
    event = registration.event
    if registration.status != "confirmed" or event.is_cancelled:
        return None
    link = (event.online_url or "").strip()
    return link if link.lower().startswith(("https://", "http://")) else None


def event_ics(event: Event, *, include_online: bool = False) -> bytes:
    """The event as an iCalendar file (the feeds area's generator, the only one); the joining
    link only with ``include_online`` (a confirmed registrant's copy)."""
    # Imported here: importing the feeds package loads its views, which need this area's services.
    from eventsapp.feeds.ical import event_to_ical

    return event_to_ical(event, include_online=include_online)


def registration_ics(registration: Registration) -> bytes:
    """The .ics a registrant downloads or gets attached: with the joining link when confirmed."""
    return event_ics(registration.event, include_online=online_link_for(registration) is not None)


#: Name of this process's cache of built .ics attachments, by event version (eventsapp.caching).
ICS_CACHE = "registration.ics"
#: At most this many kept (a burst of registrations is for one or a few events).
ICS_CACHE_SIZE = 32


def _ics_key(event: Event, include_online: bool) -> tuple:
    """Everything the .ics of ``event`` is made from (feeds.ical.vevent), so a change to any of it
    (or to its host's, programme's or region's name, or the site's address) makes a new one."""
    return (
        request.host_url if has_request_context() else None, include_online,
        event.id, event.sequence, event.status, event.created_at, event.updated_at, event.starts_at, event.ends_at,
        event.title, event.summary, event.themes, event.accessibility, event.cancel_reason,
        event.venue, event.address, event.town, event.postcode, event.online_url,
        event.host.name if event.host else None, event.programme.name if event.programme else None,
        event.region.name if event.region else None,
    )


def _event_ics_once(event: Event, include_online: bool) -> bytes:
    """:func:`event_ics`, built once per process for each version of the event (the confirmation
    emails of a burst of registrations share one)."""
    key = _ics_key(event, include_online)
    cache = process_cache(ICS_CACHE, max_entries=ICS_CACHE_SIZE)
    ics = cache.get(key)
    if ics is None:
        ics = event_ics(event, include_online=include_online)
        cache.put(key, ics)
    return ics


def recipient(registration: Registration) -> str:
    return _address(registration.full_name, registration.person.email)


def _address(full_name: str, email: str) -> str:
    try:  # the name given with this registration, at the person's address
        return str(Address(display_name=full_name, addr_spec=email))
    except (ValueError, IndexError, TypeError):
        return email


def _params(registration_id: int, kind: str, subject: str, paragraphs: list[str], attach_ics: bool,
            show_link: bool) -> dict:
    """What :func:`render` builds the message from (JSON: ids, not objects)."""
    return {
        "registration_id": registration_id, "kind": kind, "subject": subject, "paragraphs": paragraphs,
        "attach_ics": attach_ics, "show_link": show_link,
        "base_url": request.host_url.rstrip("/") if has_request_context() else base_url(),
    }


def _queue(registration: Registration, kind: str, subject: str, paragraphs: list[str],
           attach_ics: bool = False, show_link: bool = True) -> None:
    """Write the message to the outbox; the worker renders it (:func:`render`), outside the request."""
    if registration.id is None:
        db.session.flush()
    outbox.enqueue_rendered("registration", recipient(registration), subject,
                            _params(registration.id, kind, subject, paragraphs, attach_ics, show_link))


@outbox.renderer("registration")
def render(params: dict) -> Message:
    """The message :func:`_queue` wrote, built from the registration as it is now."""
    registration = db.session.get(Registration, params["registration_id"])
    if registration is None:
        raise outbox.NothingToSend(f"registration {params['registration_id']} no longer exists")
    with current_app.test_request_context(base_url=params.get("base_url") or base_url()):
        return _build(registration, params["kind"], params["subject"], params["paragraphs"],
                      params.get("attach_ics", False), params.get("show_link", True))


def _build(registration: Registration, kind: str, subject: str, paragraphs: list[str],
           attach_ics: bool, show_link: bool) -> Message:
    context = {
        "registration": registration,
        "person": registration.person,
        "event": registration.event,
        "kind": kind,
        "subject": subject,
        "paragraphs": paragraphs,
        "link": booking_url(registration) if show_link else None,
        "online_link": online_link_for(registration),
    }
    text = render_template("registration/email/message.txt", **context)
    html = render_template("registration/email/message.html", **context)
    attachments = []
    if attach_ics:
        attachments.append(("event.ics", "text/calendar",
                            _event_ics_once(registration.event, context["online_link"] is not None)))
    return mail.build_message(recipient(registration), subject, text, html, attachments)


def base_url() -> str:
    server = current_app.config.get("SERVER_NAME")
    scheme = current_app.config.get("PREFERRED_URL_SCHEME", "http")
    return f"{scheme}://{server}" if server else "http://localhost:5000"


def _confirmation(title: str) -> tuple[str, str, list[str], bool]:
    """(kind, subject, paragraphs, attach_ics) of the email saying a new place is confirmed."""
    return "confirmation", f"Your place is confirmed: {title}", [
        "Thank you for registering. Your place is confirmed.",
        "The calendar file attached adds the event to your calendar.",
    ], True


def _waitlisted(title: str) -> tuple[str, str, list[str], bool]:
    """(kind, subject, paragraphs, attach_ics) of the email saying a new registration is on the waitlist."""
    return "waitlisted", f"You are on the waiting list: {title}", [
        "This event is full, so we have put you on the waiting list.",
        "If a place comes free, it goes to the next person on the list and we will email you at once.",
    ], False


def queue_confirmation(registration: Registration) -> None:
    _queue(registration, *_confirmation(registration.event.title))


def queue_waitlisted(registration: Registration) -> None:
    _queue(registration, *_waitlisted(registration.event.title))


def new_registration_values(registration_id: int, status: str, event_title: str, full_name: str,
                            email: str) -> dict:
    """The outbox row (column values) of :func:`queue_confirmation` or :func:`queue_waitlisted` for
    a registration the service inserts with Core, without its ORM object (see
    ``outbox.rendered_values``)."""
    kind, subject, paragraphs, attach_ics = (_confirmation if status == "confirmed" else _waitlisted)(event_title)
    return outbox.rendered_values("registration", _address(full_name, email), subject,
                                  _params(registration_id, kind, subject, paragraphs, attach_ics, True))


def queue_promoted(registration: Registration) -> None:
    event = registration.event
    _queue(registration, "promoted", f"A place has come free — you're in: {event.title}", [
        "Good news: a place has come free and it is yours. Your place is now confirmed.",
        "If you can no longer come, please cancel using the link below so the place can go to someone else.",
    ], attach_ics=True)


def queue_cancelled(registration: Registration, by_organiser: bool = False) -> None:
    event = registration.event
    first = ("The organiser has cancelled your registration." if by_organiser
             else "Your registration has been cancelled, as you asked.")
    _queue(registration, "cancelled", f"Registration cancelled: {event.title}", [
        first, "If this is a mistake, you are welcome to register again while places last.",
    ], show_link=False)


def queue_link_resent(registration: Registration) -> None:
    event = registration.event
    _queue(registration, "resent", f"Your booking link: {event.title}", [
        "Someone (we hope you) tried to register again with this email address. "
        "You are already registered, so nothing has changed.",
        f"Your registration is {registration.status}. Use the link below to see, change or cancel it.",
    ])


def queue_event_changed(registration: Registration, change: str, cancelled: bool = False) -> None:
    event = registration.event
    if cancelled:
        reason = f"Reason given: {event.cancel_reason}" if event.cancel_reason else ""
        _queue(registration, "event_cancelled", f"Event cancelled: {event.title}", [
            "We are sorry: the organiser has cancelled this event.", *([reason] if reason else []),
        ], show_link=False)
        return
    _queue(registration, "event_changed", f"Event details changed: {event.title}", [
        "The organiser has changed the details of this event. Please check the date, time and place below.",
        *([change] if change and change != "changed" else []),
    ], attach_ics=registration.status == "confirmed")


def queue_reminder(registration: Registration) -> None:
    event = registration.event
    _queue(registration, "reminder", f"Reminder: {event.title}", [
        "This is a reminder that you have a place at this event.",
        "If you can no longer come, please cancel using the link below so the place can go to someone else.",
    ])

