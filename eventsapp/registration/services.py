"""The rules of registering: capacity, waitlist, cancellation and promotion.

These functions are the contract the views, the CLI, check-in (walk-ins),
imports and the events area call. They add to ``db.session`` and queue mail
(:mod:`eventsapp.registration.emails`); the caller commits once. :func:`register`, the busiest
write path, writes a new registration with Core statements in the session's transaction instead
(:mod:`eventsapp.registration.queries`): the same rows, without the ORM's unit of work. Mail is an
outbox row in the same transaction (:mod:`eventsapp.outbox`), so no message leaves before the data
it describes is committed, and none leaves if it rolls back.

No overbooking, ever: every function that changes who holds a place first
locks the event (:func:`lock_event`) — ``BEGIN IMMEDIATE`` on SQLite,
``SELECT … FOR UPDATE`` on the event row on PostgreSQL — then counts, then
writes. The lock is held until the caller commits or rolls back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from eventsapp import outbox, webhooks
from eventsapp.checkin import search
from eventsapp.database import begin_immediate
from eventsapp.directory import find_organisation, resolve_organisation
from eventsapp.extensions import db
from eventsapp.messages.audiences import is_unsubscribed
from eventsapp.models import (
    Event,
    EventQuestion,
    Organisation,
    Registration,
    RegistrationAnswer,
    Sector,
    normalise_email,
    normalise_organisation_name,
    utcnow,
)
from eventsapp.models.event import free_places
from eventsapp.privacy.notice import event_notice_version
from eventsapp.registration import emails, queries

#: Sources that must respect the event's registration window (opens/closes).
SELF_SERVICE_SOURCES = ("web",)


class RegistrationClosed(Exception):
    """The event takes no registrations now; ``str(error)`` says why, for the attendee."""


@dataclass
class RegistrationDetails:
    """What a person gives when registering (from the form, an import or the door)."""

    first_name: str
    last_name: str
    email: str | None = None
    #: Blank for a person attending as an individual.
    organisation_name: str = ""
    #: Sector code, used only when the organisation is new.
    sector_code: str | None = None
    job_title: str = ""
    access_requirements: str = ""
    dietary_requirements: str = ""
    consent_privacy: bool = False
    consent_contact: bool = False
    #: question id -> answer (a list for multiple choice).
    answers: dict[int, str | list[str]] = field(default_factory=dict)
    #: The organisation ``organisation_name`` refers to, when the caller has just looked it up
    #: (the registration form's validation does); it is then not looked up again.
    organisation_id: int | None = None

    @classmethod
    def coerce(cls, details: RegistrationDetails | Mapping) -> RegistrationDetails:
        if isinstance(details, cls):
            return details
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in dict(details).items() if key in known})


@dataclass
class RegistrationResult:
    """What :func:`register` did: ``status`` is confirmed, waitlisted or already_registered."""

    status: str
    #: The new registration's id (or the existing one's, when already registered).
    registration_id: int
    organisation_created: bool = False
    #: The email belonged to a person already known (who may not be whoever filled in the form):
    #: the booking link then goes only to that address, never onto the page.
    known_person: bool = False

    @property
    def registration(self) -> Registration:
        """The registration as an ORM object, loaded when first asked for (a new one is written
        with Core: the public form's POST needs only its id)."""
        return db.session.get(Registration, self.registration_id)

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"

    @property
    def waitlisted(self) -> bool:
        return self.status == "waitlisted"

    @property
    def already_registered(self) -> bool:
        return self.status == "already_registered"


# --- locking and counting -------------------------------------------------


def locking_enabled() -> bool:
    """Always. (The concurrency test replaces this in its own servers, tests/registration/race_hooks.py,
    to show that its harness detects overbooking without the lock.)"""
    return True


def between_count_and_insert() -> None:
    """Nothing. (The concurrency test replaces this in its own servers to widen the window between
    counting places and inserting, so that a missing lock would show.)"""


def lock_event(event_id: int) -> Event:
    """Start (or continue) a transaction holding the lock that guards ``event_id``'s places.

    Any open transaction on SQLite is committed first (see ``begin_immediate``).
    :return: the event, freshly loaded under the lock.
    """
    if locking_enabled():
        begin_immediate(db.session())
    return _load_locked_event(event_id)


def _load_locked_event(event_id: int) -> Event:
    """The event reloaded under its row lock (PostgreSQL); SQLite's lock is the transaction's."""
    return queries.lock_and_read(event_id, for_update=locking_enabled())[0]


def confirmed_count(event: Event) -> int:
    """How many confirmed places ``event`` has given (its row's counter)."""
    return queries.event_counters(event)[0]


def status_counts(event: Event) -> dict[str, int]:
    """Registrations of ``event`` by status, with every status present (0 when none)."""
    confirmed, waitlisted, cancelled = queries.event_counters(event)
    return {"confirmed": confirmed, "waitlisted": waitlisted, "cancelled": cancelled}


def places_left(event: Event, confirmed: int | None = None) -> int | None:
    """Free places at ``event`` (eventsapp.models.event.free_places), or None for no limit."""
    if event.capacity is None:
        return None
    return free_places(event.capacity, confirmed_count(event) if confirmed is None else confirmed)


def has_free_place(event: Event, confirmed: int | None = None) -> bool:
    """Whether one more person can be confirmed (:func:`places_left`)."""
    left = places_left(event, confirmed)
    return left is None or left > 0


def network_emails(registration: Registration) -> str:
    """Whether the registrant hears about the network's future events, as their booking page says it:
    "unsubscribed" (their address asked for no more, whatever this registration agreed), "yes" or "no"."""
    if registration.person_id is not None and is_unsubscribed(registration.person_id):
        return "unsubscribed"
    return "yes" if registration.consent_contact else "no"


def place_passes_to_waitlist(registration: Registration) -> bool:
    """Whether cancelling ``registration`` would give its place to someone waiting (what
    :func:`cancel_registration` does): a confirmed place, someone on the waiting list, and a
    place free once it is given up (not when the event was confirmed over its capacity)."""
    if registration.status != "confirmed":
        return False
    confirmed, waitlisted, _ = queries.event_counters(registration.event)
    return waitlisted > 0 and has_free_place(registration.event, confirmed - 1)


def panel_state(event: Event) -> dict:
    """What the event page's registration panel shows for ``event``: counts by status, places
    left and why registration is closed (None when open)."""
    counts = status_counts(event)
    return {
        "counts": counts,
        "places_left": places_left(event, counts["confirmed"]),
        "closed_reason": closed_reason(event),
    }


def closed_reason(event: Event, source: str = "web", now: datetime | None = None) -> str | None:
    """Why ``event`` takes no registrations from ``source`` now, or None when it does."""
    now = now or utcnow()
    if event.status == "cancelled":
        return "This event has been cancelled, so it is not taking registrations."
    if source not in SELF_SERVICE_SOURCES:
        return None
    if event.ends_at <= now or event.starts_at <= now:  # a draft too: its dates have gone by
        return "This event has already taken place, so it is no longer taking registrations."
    if event.status != "published":
        return "This event is not open for registration yet."
    if event.registration_opens_at and now < event.registration_opens_at:
        return "Registration for this event has not opened yet."
    if event.registration_closes_at and now >= event.registration_closes_at:
        return "Registration for this event has closed."
    return None


def active_registration(event: Event, email: str | None) -> Registration | None:
    key = normalise_email(email)
    if not key:
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.email_key == key,
            Registration.status != "cancelled",
        )
    )


# --- the contract -----------------------------------------------------------


def register(
    event: Event,
    details: RegistrationDetails | Mapping,
    *,
    source: str = "web",
    override_capacity: bool = False,
) -> RegistrationResult:
    """Register a person for ``event``: a confirmed place while places last, else the waitlist.

    A second active registration for the same (event, normalised email) is not
    made: the existing one is returned as ``already_registered`` and its
    booking link is sent again.

    Identity: one person per email. A known email's person is never changed here (anyone can
    type anyone's address); the registration keeps the name it was made with, and a name other
    than the person's is flagged (:attr:`Registration.name_differs`). Call at the start of a unit of work: on a
    database race the transaction is rolled back and the registration retried.

    :param override_capacity: confirm even when the event is full (an organiser's choice).
    :raise RegistrationClosed: when the event takes no registrations from ``source`` now.
    """
    details = RegistrationDetails.coerce(details)
    event_id = event.id
    for attempt in range(3):
        try:
            return _register_once(event_id, details, source=source, override_capacity=override_capacity)
        except IntegrityError:
            # Another transaction inserted the same email (or organisation, or
            # person) first; start again and find what it made.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _register_once(event_id: int, details: RegistrationDetails, *, source: str,
                   override_capacity: bool) -> RegistrationResult:
    """One attempt: what does not depend on the event's places is read and written first, so that
    the locked section is just lock (and count), insert, commit: two statements and the commit on
    PostgreSQL, written with Core past the ORM's unit of work (registration/queries.py)."""
    if locking_enabled():
        # SQLite: the write lock for the whole unit of work, taken first (it
        # commits any open read transaction). PostgreSQL: nothing; the event
        # row is locked below, only around counting and inserting.
        begin_immediate(db.session())
    email_key = normalise_email(details.email)
    queries.preload_event_relations(event_id)
    event = db.session.get(Event, event_id)  # preloaded, with its programme (the privacy notice's version)
    organisation_name = " ".join((details.organisation_name or "").split())
    organisation = _known_organisation(details, organisation_name)
    known = queries.before_lock(event_id, email_key, event.host_organisation_id, event.programme_id,
                                questions=bool(details.answers))
    fields = _registration_fields(event, details, organisation_name, email_key, source)
    # A new person or organisation does not depend on the places either: written now, so the
    # locked section below writes only the registration (and its search key, answers, outbox rows).
    person_created = known.person_id is None
    person_id, person_email = known.person_id, known.person_email
    if person_created:
        person_email = (details.email or "").strip() or None
        person_id = queries.insert_person(details.first_name.strip(), details.last_name.strip(), person_email)
    organisation_created = organisation is None and bool(normalise_organisation_name(organisation_name))
    if organisation_created:
        organisation = _new_organisation(organisation_name, details.sector_code)
        db.session.flush()

    # Under the lock: the event's columns (with its confirmed places, the counter on its row), this
    # email's active registration, if any, and the new registration's id, in one statement.
    locked = queries.lock_for_registering(event_id, email_key, for_update=locking_enabled())
    reason = closed_reason(locked, source)
    if reason:
        raise RegistrationClosed(reason)
    if locked.existing_id is not None:
        # Nothing new is kept: not the person nor the organisation written above for it.
        if person_created:
            queries.delete_person(person_id)
        if organisation_created:
            db.session.delete(organisation)
        return _already_registered(locked.existing_id, source)

    between_count_and_insert()
    has_place = override_capacity or has_free_place(locked, locked.confirmed_count)
    status = "confirmed" if has_place else "waitlisted"
    registration = _registration_values(locked, person_id, organisation, details, fields, status)
    endpoints = known.endpoints
    if (locked.host_organisation_id, locked.programme_id) != (event.host_organisation_id, event.programme_id):
        endpoints = queries.endpoints(locked.host_organisation_id, locked.programme_id)  # moved meanwhile
    outbox_ids = queries.insert_registration(
        registration, _search_key_values(registration, organisation, person_email),
        _answer_values(registration["id"], details, known.question_ids),
        _announcements(locked, registration, person_email, endpoints))
    outbox.remember_written(db.session(), outbox_ids)
    return RegistrationResult(status, registration["id"], organisation_created=organisation_created,
                              known_person=not person_created)


def _known_organisation(details: RegistrationDetails, organisation_name: str) -> Organisation | None:
    """The existing organisation the registration names: the one the form found (unless merged
    since), else found by name; None for an individual or a new organisation."""
    organisation = None
    if details.organisation_id is not None:
        organisation = queries.organisation_in_session(details.organisation_id)
    if organisation is None and normalise_organisation_name(organisation_name):
        organisation = find_organisation(organisation_name)
    return organisation


def _registration_fields(event: Event, details: RegistrationDetails, organisation_name: str,
                         email_key: str | None, source: str) -> dict:
    """The registration's columns that come from the details as given (consent dated and versioned)."""
    return {
        "organisation_name_entered": organisation_name[:200],
        "email_key": email_key,
        "source": source,
        "job_title": (details.job_title or "").strip(),
        "access_requirements": (details.access_requirements or "").strip(),
        "dietary_requirements": (details.dietary_requirements or "").strip(),
        "consent_privacy_at": utcnow() if details.consent_privacy else None,
        "privacy_notice_version": event_notice_version(event) if details.consent_privacy else None,
        "consent_contact": bool(details.consent_contact),
    }


def _new_organisation(name: str, sector_code: str | None) -> Organisation:
    organisation = Organisation(name=name, sector=queries.sector_by_code(sector_code))
    db.session.add(organisation)
    return organisation


def _already_registered(registration_id: int, source: str) -> RegistrationResult:
    """The email's active registration stands; a self-service registrant gets its link again
    (not an organiser's entry or a walk-in at the door)."""
    if source in SELF_SERVICE_SOURCES:
        emails.queue_link_resent(db.session.get(Registration, registration_id))
    return RegistrationResult("already_registered", registration_id)


def _registration_values(event, person_id: int, organisation: Organisation | None,
                         details: RegistrationDetails, fields: dict, status: str) -> dict:
    """The new registration's columns (keeping the name it was made with), its id the one
    :func:`queries.lock_for_registering` gave; made under the lock, so ``created_at`` orders the waitlist."""
    now = utcnow()
    return {"id": event.next_id, "event_id": event.id, "person_id": person_id,
            "organisation_id": organisation.id if organisation is not None else None,
            "first_name": details.first_name.strip()[:100], "last_name": details.last_name.strip()[:100],
            "status": status, "created_at": now, "updated_at": now, **fields}


def _search_key_values(registration: dict, organisation: Organisation | None, person_email: str | None) -> dict:
    """The registration's desk search keys (what the ORM listener would write, checkin/search.py)."""
    sort_key, search_key = search.keys_for(
        registration["first_name"], registration["last_name"], registration["organisation_name_entered"],
        organisation.name if organisation is not None else "", person_email or "")
    return {"registration_id": registration["id"], "event_id": registration["event_id"],
            "sort_key": sort_key, "search_key": search_key}


def _answer_values(registration_id: int, details: RegistrationDetails, questions: set[int]) -> list[dict]:
    """The answers to the event's own questions (others are ignored); multiple choices one per line."""
    return [{"registration_id": registration_id, "question_id": question_id,
             "value": "\n".join(value) if isinstance(value, list | tuple) else (value or "")}
            for question_id, value in (details.answers or {}).items() if question_id in questions]


def _announcements(event, registration: dict, person_email: str | None, endpoints) -> list[dict]:
    """The outbox rows a new registration writes: the ``registration.created`` webhook, and the
    email saying whether a place is confirmed or waitlisted (to a registration with an email)."""
    rows = webhooks.delivery_values("registration.created", event,
                                    {"registration": {"id": registration["id"], "status": registration["status"]}},
                                    endpoints)
    if registration["email_key"]:
        full_name = f"{registration['first_name']} {registration['last_name']}".strip()
        rows.append(emails.new_registration_values(registration["id"], registration["status"], event.title,
                                                   full_name, person_email))
    return rows


def save_answers(registration: Registration, answers: Mapping[int, str | list[str]]) -> None:
    """Store answers to the event's own questions (replacing earlier ones)."""
    if not answers:
        return
    questions = {
        q.id: q
        for q in db.session.scalars(select(EventQuestion).where(EventQuestion.event_id == registration.event.id))
    }
    existing = {}
    if registration.id is not None:
        existing = {
            a.question_id: a
            for a in db.session.scalars(
                select(RegistrationAnswer).where(RegistrationAnswer.registration_id == registration.id)
            )
        }
    for question_id, value in answers.items():
        if question_id not in questions:
            continue
        text = "\n".join(value) if isinstance(value, list | tuple) else (value or "")
        answer = existing.get(question_id)
        if answer is None:
            db.session.add(RegistrationAnswer(registration=registration, question_id=question_id, value=text))
        else:
            answer.value = text


def cancel_registration(registration: Registration, by=None) -> list[Registration]:
    """Cancel ``registration``; a freed place goes to the waitlist, first in first out.

    Promotion happens in the same transaction; the person cancelled and those
    promoted are emailed after the caller commits.

    :param by: the user cancelling on the person's behalf (None: the person).
    :return: the registrations promoted from the waitlist.
    """
    registration_id = registration.id
    event = lock_event(registration.event_id)
    registration = db.session.get(Registration, registration_id, populate_existing=True)
    if registration.status == "cancelled":
        return []
    was_confirmed = registration.status == "confirmed"
    registration.status = "cancelled"
    registration.cancelled_at = utcnow()
    db.session.flush()
    webhooks.emit("registration.cancelled", event, {"registration": {"id": registration.id, "status": "cancelled"}})
    if registration.email_key:
        emails.queue_cancelled(registration, by_organiser=by is not None)
    if not was_confirmed:
        return []
    return _promote(event)


def fill_from_waitlist(event: Event) -> list[Registration]:
    """Give free places (e.g. after capacity was raised) to the waitlist, first in first out."""
    return _promote(lock_event(event.id))


def promote(registration: Registration, *, override_capacity: bool = False) -> bool:
    """Move one waitlisted person to confirmed, if a place is free (or the organiser overrides)."""
    registration_id = registration.id
    event = lock_event(registration.event_id)
    registration = db.session.get(Registration, registration_id, populate_existing=True)
    if registration.status != "waitlisted":
        return False
    if not (override_capacity or has_free_place(event)):
        return False
    registration.status = "confirmed"
    db.session.flush()
    _announce_promotion(event, registration)
    return True


def _promote(event: Event) -> list[Registration]:
    """Promote from the waitlist into free places; the event must already be locked."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)
    )
    free = places_left(event)
    if free is not None:
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        registration.status = "confirmed"
    db.session.flush()
    for registration in promoted:
        _announce_promotion(event, registration)
    return promoted


def _announce_promotion(event: Event, registration: Registration) -> None:
    """The promoted person's email and the ``registration.promoted`` webhook (outbox rows)."""
    webhooks.emit("registration.promoted", event, {"registration": {"id": registration.id, "status": "confirmed"}})
    if registration.email_key:
        emails.queue_promoted(registration)


def capacity_problem(event: Event, new_capacity: int | None) -> str | None:
    """Why ``new_capacity`` needs the organiser's explicit choice (below confirmed places), or None."""
    if new_capacity is None:
        return None
    confirmed = confirmed_count(event)
    if new_capacity < confirmed:
        return (
            f"{confirmed} places are already confirmed. A capacity of {new_capacity} "
            "would leave the event overbooked; nobody is cancelled automatically."
        )
    return None


def notify_event_changed(event: Event, change: str) -> int:
    """Queue an email about a change to ``event`` to everyone confirmed or waitlisted.

    :param change: ``"cancelled"`` for a cancellation; otherwise a short
        description of what changed (e.g. "The start time is now 18:30").
    :return: how many messages were queued.
    """
    registrations = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status.in_(("confirmed", "waitlisted")),
            Registration.email_key.is_not(None),
        ).order_by(Registration.id)
    ).all()
    cancelled = change == "cancelled" or event.is_cancelled
    for registration in registrations:
        emails.queue_event_changed(registration, change, cancelled=cancelled)
    return len(registrations)


def update_details(registration: Registration, details: Mapping) -> None:
    """Change a registration's personal details (not its status or event).

    Only this registration changes: the person's name on record follows only when this is the
    person's one registration, so neither a booking link nor one host's organiser can rename
    someone on their other bookings.
    """
    if "first_name" in details or "last_name" in details:
        if "first_name" in details:
            registration.first_name = details["first_name"].strip()[:100]
        if "last_name" in details:
            registration.last_name = details["last_name"].strip()[:100]
        person = registration.person
        others = db.session.scalar(select(
            select(Registration.id)
            .where(Registration.person_id == person.id, Registration.id != registration.id).exists()))
        if not others:
            person.first_name, person.last_name = registration.first_name, registration.last_name
    if "organisation_name" in details:
        name = " ".join((details["organisation_name"] or "").split())
        sector = None
        if details.get("sector_code"):
            sector = db.session.scalar(select(Sector).where(Sector.code == details["sector_code"]))
        registration.organisation, _ = resolve_organisation(name, sector)
        registration.organisation_name_entered = name[:200]
    for key in ("job_title", "access_requirements", "dietary_requirements"):
        if key in details:
            setattr(registration, key, (details[key] or "").strip())
    if "consent_contact" in details:
        registration.consent_contact = bool(details["consent_contact"])
    if "answers" in details:
        save_answers(registration, details["answers"])


def send_reminders(hours: float, now: datetime | None = None) -> int:
    """Queue a reminder to every confirmed person at a published event starting within ``hours``.

    Idempotent: each registration is claimed with a conditional UPDATE on
    ``reminder_sent_at``, so a second (or concurrent) run sends nobody the
    same reminder twice. The caller commits (the reminders are outbox rows). Celery beat runs
    it hourly (``eventsapp.registration.send_reminders``); ``flask send-reminders`` runs it now.
    :return: how many reminders were queued.
    """
    from datetime import timedelta

    now = now or utcnow()
    due = db.session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.status == "published",
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(hours=hours),
            Registration.status == "confirmed",
            Registration.reminder_sent_at.is_(None),
            Registration.email_key.is_not(None),
        )
        .order_by(Registration.id)
    ).all()
    sent = 0
    for registration in due:
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id, Registration.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            emails.queue_reminder(registration)
            sent += 1
    return sent
