"""Joining a programme and co-hosting need the other side's consent (issue 13, finding 10).

- An event put in a programme its editor does not coordinate is only **proposed** to it
  (``Event.proposed_programme_id``); the programme's coordinators accept (it joins:
  ``programme_id``) or decline. Until then they get nothing of the event.
- Naming an organisation its editor does not manage as co-host makes a
  :class:`~eventsapp.models.CohostRequest`; that organisation's organisers or coordinators
  (or the administrator) accept (it becomes a co-host) or decline.

Removing a co-host or leaving a programme needs no one's consent. Services add and flush;
the caller commits once.

Whoever can answer is emailed when asked, and the asker when answered
(:mod:`eventsapp.events.consent_emails`), through the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from eventsapp.events import consent_emails
from eventsapp.extensions import db
from eventsapp.models import CohostRequest, Event, Organisation, Programme, User
from eventsapp.permissions import (
    MAX_ID,
    coordinated_programme_ids,
    coordinates,
    is_admin,
    roles_by_organisation,
)

#: Roles that answer for an organisation asked to co-host.
ANSWERING_ROLES = ("organiser", "coordinator")


@dataclass
class Asked:
    """What an edit asked of others rather than did: a programme proposal, co-host requests."""

    programme: Programme | None = None
    cohosts: list[Organisation] | None = None

    def message(self) -> str:
        parts = []
        if self.programme is not None:
            parts.append(f"It is proposed to the programme “{self.programme.name}” and joins it when its "
                         "coordinator accepts.")
        if self.cohosts:
            names = ", ".join(o.name for o in self.cohosts)
            parts.append(f"{names} {'is' if len(self.cohosts) == 1 else 'are'} asked to co-host; each becomes a "
                         "co-host on accepting.")
        return " ".join(parts)


def _answers_for(user: User | None, organisation_id: int) -> bool:
    return is_admin(user) or roles_by_organisation(user).get(organisation_id) in ANSWERING_ROLES


def hold_back(event: Event | None, fields: dict, by: User) -> tuple[dict, Asked]:
    """Split the form's ``fields`` into what ``by`` may do at once and what needs consent.

    Returns the fields to apply (programme and co-hosts limited to what is consented)
    and what is to be asked (apply it with :func:`ask` once the event has an id).
    """
    fields = dict(fields)
    asked = Asked()
    wanted = fields.get("programme_id")
    current = event.programme_id if event is not None else None
    if wanted is not None and wanted != current:
        programme = db.session.get(Programme, wanted)
        if programme is not None and not coordinates(by, programme):
            fields["programme_id"] = current
            asked.programme = programme
    if "cohosts" in fields:
        present = {o.id for o in event.cohosts} if event is not None else set()
        direct, pending = [], []
        for organisation in fields["cohosts"]:
            if organisation.id in present or _answers_for(by, organisation.id):
                direct.append(organisation)
            else:
                pending.append(organisation)
        fields["cohosts"] = direct
        asked.cohosts = pending
    return fields, asked


def ask(event: Event, asked: Asked, by: User, wanted_programme_id: int | None) -> None:
    """Record the proposal and the co-host requests of :func:`hold_back` (not committed).

    Choosing no programme, or the one the event is in, withdraws an open proposal; requests
    to organisations taken off the co-host list are withdrawn. A new proposal or request is
    emailed to those who can answer it (one already open, kept by saving again, is not).
    """
    if asked.programme is not None:
        if event.proposed_programme_id != asked.programme.id:
            event.proposed_programme_id, event.proposed_by_id = asked.programme.id, by.id
            consent_emails.proposal_made(event, asked.programme, by)
    elif wanted_programme_id is None or wanted_programme_id == event.programme_id:
        event.proposed_programme_id = event.proposed_by_id = None
    if asked.cohosts is None:
        return
    organisations = {o.id: o for o in asked.cohosts if o.id != event.host_organisation_id}
    wanted = set(organisations)
    existing = {r.organisation_id: r for r in db.session.scalars(
        select(CohostRequest).where(CohostRequest.event_id == event.id))}
    for organisation_id, row in existing.items():
        if organisation_id not in wanted:
            db.session.delete(row)
    for organisation_id in sorted(wanted - set(existing)):
        db.session.add(CohostRequest(event_id=event.id, organisation_id=organisation_id, requested_by_id=by.id))
        consent_emails.cohost_asked(event, organisations[organisation_id], by, ANSWERING_ROLES)
    db.session.flush()


def pending_cohost_ids(event: Event) -> list[int]:
    return list(db.session.scalars(
        select(CohostRequest.organisation_id).where(CohostRequest.event_id == event.id)))


# --- answering -----------------------------------------------------------------


def programme_proposals(user: User) -> list[Event]:
    """Events proposed to programmes ``user`` coordinates (the administrator: all)."""
    query = select(Event).where(Event.proposed_programme_id.is_not(None))
    if not is_admin(user):
        query = query.where(Event.proposed_programme_id.in_(coordinated_programme_ids(user)))
    return list(db.session.scalars(query.order_by(Event.starts_at, Event.id)))


def cohost_requests(user: User) -> list[CohostRequest]:
    """Requests to co-host addressed to organisations ``user`` answers for."""
    query = select(CohostRequest)
    if not is_admin(user):
        mine = [o for o, role in roles_by_organisation(user).items() if role in ANSWERING_ROLES]
        query = query.where(CohostRequest.organisation_id.in_(mine or [-1]))
    return list(db.session.scalars(query.order_by(CohostRequest.created_at, CohostRequest.id)))


def proposal_or_none(user: User, event_id: int) -> Event | None:
    """The event proposed to a programme ``user`` coordinates, or None (answer 404)."""
    if not 0 < event_id <= MAX_ID:
        return None
    event = db.session.get(Event, event_id)
    if event is None or event.proposed_programme is None or not coordinates(user, event.proposed_programme):
        return None
    return event


def cohost_request_or_none(user: User, request_id: int) -> CohostRequest | None:
    """The co-host request addressed to an organisation ``user`` answers for, or None (answer 404)."""
    if not 0 < request_id <= MAX_ID:
        return None
    row = db.session.get(CohostRequest, request_id)
    if row is None or not _answers_for(user, row.organisation_id):
        return None
    return row


def answer_proposal(event: Event, accept: bool, by: User) -> None:
    """``by`` accepts or declines the open proposal; whoever proposed it is emailed the answer."""
    programme, asker = event.proposed_programme, event.proposed_by
    if accept:
        event.programme_id = event.proposed_programme_id
    event.proposed_programme_id = event.proposed_by_id = None
    consent_emails.proposal_answered(event, programme, accept, asker, by)
    db.session.flush()


def answer_cohost_request(row: CohostRequest, accept: bool, by: User) -> None:
    """``by`` accepts or declines the request; whoever asked is emailed the answer."""
    event, organisation, asker = row.event, row.organisation, row.requested_by
    if accept and organisation not in event.cohosts and organisation.id != event.host_organisation_id:
        event.cohosts.append(organisation)
    db.session.delete(row)
    consent_emails.cohost_answered(event, organisation, accept, asker, by)
    db.session.flush()
