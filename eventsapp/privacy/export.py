"""Subject access: everything held about one person, as JSON and as a readable summary.

:func:`person_data` gathers it (for a coordinator: the registrations at their network's
events only); :func:`render_json`, :func:`render_summary` and :func:`render_zip` return bytes
for the command line and the coordinator's page alike.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from eventsapp.extensions import db
from eventsapp.messages.emails import TEMPLATE as MESSAGE_TEMPLATE
from eventsapp.models import (
    Attendance,
    AttendanceLog,
    CohostRequest,
    EqualityResponse,
    Event,
    FileJob,
    Invitation,
    Message,
    MessageRecipient,
    NetworkProfile,
    NetworkUnsubscribe,
    OutboxMessage,
    PersonMerge,
    Registration,
    RegistrationAnswer,
    Story,
    StoryCoauthor,
    User,
    utcnow,
)
from eventsapp.models import equality as eq
from eventsapp.permissions import coordinated_programme_ids, is_admin
from eventsapp.privacy.equality import ANSWER_COLUMNS
from eventsapp.privacy.people import Identity
from eventsapp.privacy.services import network_events
from eventsapp.timeutil import format_local

LABELS = {"ethnicity": eq.ETHNICITY_LABELS, "religion": eq.RELIGION_LABELS, "age_band": eq.AGE_BAND_LABELS,
          "gender": eq.GENDER_LABELS, "disability": eq.DISABILITY_LABELS}


#: A time as :func:`_iso` writes it.
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def person_data(identity: Identity, for_user: User | None = None) -> dict:
    """Everything held about ``identity``; for a coordinator (``for_user`` not the administrator) only
    what concerns their network's events."""
    whole = for_user is None or is_admin(for_user)
    person = identity.person
    data: dict = {
        "exported_at": _iso(utcnow()),
        "email": identity.email_key,
        "scope": "everything held" if whole else "registrations at events of your network, and its messages to them",
        "person": None, "registrations": [], "emails": [], "account": None, "invitations": [],
        "network_profiles": [],
    }
    if person is not None:
        data["person"] = {"id": person.id, "first_name": person.first_name, "last_name": person.last_name,
                          "email": person.email, "first_registered_at": _iso(person.created_at),
                          "anonymised_at": _iso(person.anonymised_at)}
        query = (select(Registration).join(Event, Event.id == Registration.event_id)
                 .where(Registration.person_id == person.id)
                 .options(joinedload(Registration.event).joinedload(Event.host), joinedload(Registration.organisation),
                          selectinload(Registration.attendance))
                 .order_by(Event.starts_at, Registration.id))
        if not whole:
            query = query.where(network_events(for_user))
        for registration in db.session.scalars(query):
            data["registrations"].append(_registration(registration))
        unsubscribed = db.session.scalar(select(NetworkUnsubscribe).where(NetworkUnsubscribe.person_id == person.id))
        data["network_messages"] = ("unsubscribed " + _iso(unsubscribed.created_at) if unsubscribed is not None
                                    else "not unsubscribed")
        # Messages organisers sent them (message_recipient: kept after the emails themselves go): for a
        # coordinator, those about their network's events and from their programmes.
        received = (select(Message).join(MessageRecipient, MessageRecipient.message_id == Message.id)
                    .where(MessageRecipient.person_id == person.id).order_by(Message.id))
        if not whole:
            received = received.where(_messages_of_network(for_user))
        messages = list(db.session.scalars(received))
        data["messages_received"] = [
            {"subject": m.subject, "sent_at": _iso(m.sent_at), "audience": m.audience,
             "about": m.event.title if m.event is not None else m.programme.name} for m in messages]
        if not whole:  # the emails that carried those messages
            data["emails"] = _emails(identity, message_ids={m.id for m in messages})
        if whole:
            data["people_merged_or_split"] = [
                {"change": m.kind, "at": _iso(m.at), "undone_at": _iso(m.undone_at),
                 "names": [m.person_name, m.other_name]}
                for m in db.session.scalars(select(PersonMerge).where(
                    (PersonMerge.person_id == person.id) | (PersonMerge.other_id == person.id)).order_by(PersonMerge.id))]
    if whole:
        data["emails"] = _emails(identity)
        user = db.session.scalar(select(User).where(func.lower(User.email) == identity.email_key))
        if user is not None:
            data["account"] = {"email": user.email, "name": user.name, "created_at": _iso(user.created_at),
                               "last_login_at": _iso(user.last_login_at), "active": user.active,
                               "two_step_sign_in": bool(user.totp_secret),
                               "memberships": [{"organisation": m.organisation.name, "role": m.role}
                                               for m in user.memberships],
                               # Files they asked to be prepared (their contents are other people's data).
                               "files_prepared": [
                                   {"what": j.title or j.kind, "asked_at": _iso(j.created_at), "state": j.status,
                                    "kept_until": _iso(j.expires_at)}
                                   for j in db.session.scalars(select(FileJob).where(FileJob.user_id == user.id)
                                                               .order_by(FileJob.created_at))],
                               # Open questions they asked (a programme's or an organisation's consent).
                               "requests_made": _requests_made(user),
                               # Stories they wrote (their title and state; the text is the organisation's).
                               "stories_written": [
                                   {"story": story.title, "state": story.state, "written_at": _iso(story.created_at)}
                                   for story in db.session.scalars(select(Story).where(Story.author_id == user.id)
                                                                   .order_by(Story.created_at, Story.id))],
                               # Stories they were invited to write with their author (the stories' text is
                               # the author's organisation's; what is theirs is that they co-write them).
                               "stories_co_written": [
                                   {"story": story.title, "state": story.state, "invited_at": _iso(row.added_at)}
                                   for row, story in db.session.execute(
                                       select(StoryCoauthor, Story).join(Story, Story.id == StoryCoauthor.story_id)
                                       .where(StoryCoauthor.user_id == user.id).order_by(StoryCoauthor.added_at,
                                                                                        StoryCoauthor.id))]}
        data["invitations"] = [
            {"organisation": i.organisation.name, "role": i.role, "invited_at": _iso(i.created_at),
             "accepted_at": _iso(i.accepted_at), "revoked_at": _iso(i.revoked_at)}
            for i in db.session.scalars(select(Invitation).where(Invitation.email_key == identity.email_key))]
        data["network_profiles"] = [
            {"organisation": p.organisation.name, "contact_email": p.contact_email}
            for p in db.session.scalars(select(NetworkProfile).where(
                func.lower(NetworkProfile.contact_email) == identity.email_key))]
    return data


def _messages_of_network(user: User):
    """SQL condition on :class:`Message`: sent about an event of ``user``'s network, or by one of their programmes."""
    return or_(Message.event_id.in_(select(Event.id).where(network_events(user))),
               Message.programme_id.in_(coordinated_programme_ids(user)))


def _emails(identity: Identity, message_ids: set[int] | None = None) -> list[dict]:
    """The emails in the outbox to the address: all of them, or only those carrying ``message_ids``."""
    rows = db.session.scalars(select(OutboxMessage).where(
        func.lower(OutboxMessage.recipient).contains(identity.email_key)).order_by(OutboxMessage.id))
    if message_ids is not None:
        rows = [row for row in rows if row.template == MESSAGE_TEMPLATE and (row.params or {}).get("message_id")
                in message_ids]
    return [{"subject": row.subject, "to": row.recipient, "state": row.state, "written_at": _iso(row.created_at),
             "sent_at": _iso(row.sent_at)} for row in rows]


def _requests_made(user: User) -> list[dict]:
    """The open programme proposals and co-host requests ``user`` made (the answer is emailed to them)."""
    proposals = [{"event": e.title, "asked": f"the programme {e.proposed_programme.name} to include it", "asked_at": None}
                 for e in db.session.scalars(select(Event).where(Event.proposed_by_id == user.id,
                                                                 Event.proposed_programme_id.is_not(None))
                                             .order_by(Event.id))]
    cohosts = [{"event": r.event.title, "asked": f"{r.organisation.name} to co-host it", "asked_at": _iso(r.created_at)}
               for r in db.session.scalars(select(CohostRequest).where(CohostRequest.requested_by_id == user.id)
                                           .order_by(CohostRequest.id))]
    return proposals + cohosts


def _registration(registration: Registration) -> dict:
    event = registration.event
    attendance: Attendance | None = registration.attendance
    log = db.session.scalars(select(AttendanceLog).where(AttendanceLog.registration_id == registration.id)
                             .order_by(AttendanceLog.at, AttendanceLog.id))
    answers = db.session.scalars(select(RegistrationAnswer).where(RegistrationAnswer.registration_id == registration.id)
                                 .options(joinedload(RegistrationAnswer.question)).order_by(RegistrationAnswer.id))
    equality = db.session.scalar(select(EqualityResponse).where(EqualityResponse.registration_id == registration.id))
    return {
        "id": registration.id,
        "event": {"id": event.id, "title": event.title, "starts_at": _iso(event.starts_at),
                  "ends_at": _iso(event.ends_at), "town": event.town, "venue": event.venue, "host": event.host.name},
        "status": registration.status, "source": registration.source,
        "first_name": registration.first_name, "last_name": registration.last_name,
        "organisation": registration.organisation.name if registration.organisation else None,
        "organisation_as_entered": registration.organisation_name_entered,
        "job_title": registration.job_title,
        "access_requirements": registration.access_requirements,
        "dietary_requirements": registration.dietary_requirements,
        "consents": {"privacy_notice_agreed_at": _iso(registration.consent_privacy_at),
                     "privacy_notice_version": registration.privacy_notice_version,
                     "may_email_about_future_events": registration.consent_contact},
        "registered_at": _iso(registration.created_at), "updated_at": _iso(registration.updated_at),
        "cancelled_at": _iso(registration.cancelled_at), "reminder_sent_at": _iso(registration.reminder_sent_at),
        "attendance": None if attendance is None else {
            "checked_in_at": _iso(attendance.checked_in_at), "method": attendance.method, "note": attendance.note},
        "attendance_log": [{"action": line.action, "method": line.method, "at": _iso(line.at)} for line in log],
        "answers": [{"question": a.question.label, "answer": a.value} for a in answers],
        "equality_monitoring": None if equality is None else {
            column: LABELS[column].get(getattr(equality, column)) for column in ANSWER_COLUMNS},
    }


def render_json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def _readable(value):
    """``value`` with each time :func:`_iso` wrote shown as the site shows times ("Sat 5 Dec 2026, 03:49")."""
    if isinstance(value, dict):
        return {key: _readable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_readable(item) for item in value]
    return format_local(value) if isinstance(value, str) and ISO_TIME.fullmatch(value) else value


def render_summary(data: dict) -> bytes:
    """The same, in sentences a person can read (the JSON keeps times in ISO 8601)."""
    data = _readable(data)
    if isinstance(data.get("network_messages"), str):  # "unsubscribed <time>"
        data["network_messages"] = ISO_TIME.sub(lambda time: format_local(time.group()), data["network_messages"])
    lines = ["What we hold about you", "======================", "",
             f"Email address: {data['email']}", f"Exported: {data['exported_at']} ({data['scope']})", ""]
    person = data["person"]
    if person is None:
        lines.append("You have no registrations.")
    else:
        lines.append(f"Name on record: {person['first_name']} {person['last_name']}".rstrip())
        if person["anonymised_at"]:
            lines.append(f"Your details were anonymised on {person['anonymised_at']}.")
        if data.get("network_messages", "").startswith("unsubscribed "):
            lines.append("Programme-wide messages: you asked for no more (one-click unsubscribe) on "
                         + data["network_messages"].removeprefix("unsubscribed ") + "; none is sent to you.")
        else:
            lines.append("Programme-wide messages: you have not unsubscribed; they reach you only from programmes "
                         "whose events you attended and where you agreed to hear from the network.")
        lines += ["", f"Registrations ({len(data['registrations'])})", "-" * 20]
    for r in data["registrations"]:
        event = r["event"]
        lines += ["", f"{event['title']} — {event['starts_at']}, {event['venue']}, {event['town']} (host: {event['host']})",
                  f"  Status: {r['status']}; registered {r['registered_at']} as {r['first_name']} {r['last_name']}"
                  + (f", {r['job_title']}" if r["job_title"] else "")
                  + (f", from {r['organisation']}" if r["organisation"] else ", as an individual"),
                  "  Attended: " + (f"yes, checked in {r['attendance']['checked_in_at']} ({r['attendance']['method']})"
                                    if r["attendance"] else "no")]
        consents = r["consents"]
        lines.append(f"  Privacy notice agreed: {consents['privacy_notice_agreed_at'] or 'not recorded'}"
                     + (f" (version {consents['privacy_notice_version']})" if consents["privacy_notice_version"] else "")
                     + f"; may email about future events: {'yes' if consents['may_email_about_future_events'] else 'no'}")
        if r["access_requirements"]:
            lines.append(f"  Access needs: {r['access_requirements']}")
        if r["dietary_requirements"]:
            lines.append(f"  Dietary needs: {r['dietary_requirements']}")
        for answer in r["answers"]:
            lines.append(f"  {answer['question']}: {answer['answer']}")
        if r["equality_monitoring"]:
            given = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in r["equality_monitoring"].items() if v)
            lines.append(f"  Equality monitoring answers (kept apart, counted only in totals): {given or 'none'}")
    if data["emails"]:
        lines += ["", f"Emails sent to you ({len(data['emails'])})", "-" * 20]
        lines += [f"  {m['written_at']}: {m['subject']} ({m['state']})" for m in data["emails"]]
    if data.get("messages_received"):
        lines += ["", f"Messages organisers sent you ({len(data['messages_received'])})", "-" * 20]
        lines += [f"  {m['sent_at']}: {m['subject']} (about {m['about']})" for m in data["messages_received"]]
    if data["account"]:
        account = data["account"]
        lines += ["", "Your account", "-" * 20, f"  {account['email']} ({account['name']}), created {account['created_at']}"]
        lines += [f"  You asked for {f['what']} on {f['asked_at']} ({f['state']}; kept until {f['kept_until']})"
                  for f in account.get("files_prepared", [])]
        lines += [f"  {r['event']}: you asked {r['asked']}" + (f" on {r['asked_at']}" if r["asked_at"] else "")
                  + " (not answered yet)" for r in account.get("requests_made", [])]
        lines += [f"  You wrote the story “{s['story']}” ({s['state']}; {s['written_at']})"
                  for s in account.get("stories_written", [])]
        lines += [f"  You co-write the story “{s['story']}” ({s['state']}; invited {s['invited_at']})"
                  for s in account.get("stories_co_written", [])]
    lines += ["", "Equality monitoring answers given for events whose attendance is final are no longer linked to",
              "you, so they cannot be listed here.", ""]
    return "\n".join(lines).encode()


def render_zip(data: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", render_json(data))
        archive.writestr("summary.txt", render_summary(data))
    return buffer.getvalue()
