"""A person's data: found by email, anonymised (retention) or erased (on request).

Both keep the rows every figure is counted from — the person (an opaque id), their
registrations (event, organisation, status, source), attendances, choice answers and
equality answers — and replace or remove every personal field:

- names, email, email key, job title, access and dietary needs of the person and of each
  registration; attendance notes; free-text answers (choice answers are counted in reports);
- desk search keys (recomputed from the emptied fields by eventsapp.checkin.search's listener);
- an equality answer still linked to a registration is unlinked (written again as event +
  attended + answers);
- mail to them in the outbox, and ``.eml`` files in ``instance/outbox`` that mention them;
- their one-click unsubscribe from programme-wide messages (with no address left, nothing is sent to
  them, and the record of when they asked, and through which message, would outlive them).

Erasure also removes them from everything else the app holds (:func:`erase`). Services add
and flush; the caller commits (then calls :func:`after_commit` on SQLite).
"""

from __future__ import annotations

import email
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from email import policy
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, select, text, update

from eventsapp.caching import forget_all
from eventsapp.checkin.search import fold
from eventsapp.extensions import db
from eventsapp.models import (
    Attendance,
    EqualityResponse,
    EventQuestion,
    FileJob,
    ImportJob,
    Invitation,
    Message,
    NetworkProfile,
    NetworkUnsubscribe,
    OutboxMessage,
    Person,
    PersonMerge,
    Registration,
    RegistrationAnswer,
    Story,
    StoryChange,
    StoryCoauthor,
    User,
    normalise_email,
)

ANONYMISED = "Anonymised"
REMOVED = "[removed]"
FREE_TEXT_KINDS = ("short_text", "long_text")


@dataclass
class Identity:
    """What identifies one person in text: their email key and the names they registered with."""

    person: Person | None
    email_key: str
    names: set[str] = field(default_factory=set)

    def needles(self) -> list[str]:
        """Case-folded strings whose presence in a text means it is about this person."""
        found = {self.email_key}
        for name in self.names:
            found |= {name.casefold(), fold(name)}
        return sorted((n for n in found if len(n) >= 3), key=len, reverse=True)

    def mentioned_in(self, value: str | bytes | None) -> bool:
        if not value:
            return False
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        folded = value.casefold()
        return any(n in folded or n in fold(value) for n in self.needles())

    def redact(self, value: str | None) -> str | None:
        if not value:
            return value
        for needle in self.needles():
            value = re.sub(re.escape(needle), REMOVED, value, flags=re.IGNORECASE)
        return value


def identity_of(address: str) -> Identity | None:
    """The person registered with ``address`` (case and spacing ignored), or None if nobody is."""
    key = normalise_email(address)
    if not key:
        return None
    person = db.session.scalar(select(Person).where(Person.email_key == key))
    user = db.session.scalar(select(User).where(func.lower(User.email) == key))
    invited = db.session.scalar(select(Invitation.id).where(Invitation.email_key == key).limit(1))
    if person is None and user is None and invited is None:
        return None
    identity = Identity(person, key)
    if person is not None:
        identity.names.add(person.full_name)
        for registration in person.registrations:
            identity.names.add(registration.full_name)
    if user is not None and user.name:
        identity.names.add(user.name)
    identity.names.discard("")
    identity.names.discard(ANONYMISED)
    return identity


def _unlink_equality(registration: Registration) -> None:
    row = db.session.scalar(select(EqualityResponse).where(EqualityResponse.registration_id == registration.id))
    if row is None:
        return
    answers = {c: getattr(row, c) for c in ("ethnicity", "religion", "age_band", "gender", "disability")}
    attended = db.session.scalar(select(Attendance.id).where(Attendance.registration_id == registration.id))
    db.session.delete(row)
    db.session.flush()
    db.session.add(EqualityResponse(
        event_id=row.event_id, registration_id=None, attended=attended is not None,
        created_at=datetime.combine(registration.event.starts_at.date(), time()), **answers))


def anonymise_person(person: Person, now: datetime) -> int:
    """Replace the personal fields of ``person`` and their registrations; returns how many registrations."""
    identity = Identity(person, person.email_key or "", {person.full_name} | {r.full_name for r in person.registrations})
    identity.names.discard("")
    if person.email_key:
        remove_mail_to(identity)
    registrations = list(person.registrations)
    for registration in registrations:
        registration.first_name, registration.last_name = ANONYMISED, ""
        registration.email_key = None
        registration.job_title = ""
        registration.access_requirements = registration.dietary_requirements = ""
        if registration.organisation_id is None:
            registration.organisation_name_entered = ""
        if registration.attendance is not None:
            registration.attendance.note = ""
        _unlink_equality(registration)
    if registrations:
        free_text = select(EventQuestion.id).where(EventQuestion.kind.in_(FREE_TEXT_KINDS))
        db.session.execute(delete(RegistrationAnswer).where(
            RegistrationAnswer.registration_id.in_([r.id for r in registrations]),
            RegistrationAnswer.question_id.in_(free_text)), execution_options={"synchronize_session": False})
    # The audit records of people merged or split on purpose keep the names as they were; a record
    # merged into this person (the same human, e.g. from a paper list) goes with them.
    merged_in = list(db.session.scalars(select(PersonMerge.other_id).where(
        PersonMerge.person_id == person.id, PersonMerge.kind == "merge")))
    for other in db.session.scalars(select(Person).where(Person.id.in_(merged_in), Person.id != person.id)):
        other.first_name, other.last_name = ANONYMISED, ""
        other.email = other.email_key = None
        other.anonymised_at = now
    db.session.execute(update(PersonMerge).where(PersonMerge.person_id == person.id).values(person_name=ANONYMISED),
                       execution_options={"synchronize_session": False})
    db.session.execute(update(PersonMerge).where(PersonMerge.other_id == person.id).values(other_name=ANONYMISED),
                       execution_options={"synchronize_session": False})
    if merged_in:
        db.session.execute(update(PersonMerge).where(PersonMerge.person_id == person.id, PersonMerge.kind == "merge")
                           .values(other_name=ANONYMISED), execution_options={"synchronize_session": False})
    person.first_name, person.last_name = ANONYMISED, ""
    person.email = person.email_key = None
    person.anonymised_at = now
    db.session.execute(delete(NetworkUnsubscribe).where(NetworkUnsubscribe.person_id.in_([person.id, *merged_in])),
                       execution_options={"synchronize_session": False})
    db.session.flush()
    return len(registrations)


def remove_mail_to(identity: Identity, everywhere: bool = False) -> int:
    """Delete outbox rows addressed to ``identity`` (``everywhere``: or mentioning them at all) and
    ``.eml`` files in ``instance/outbox`` that mention them; returns how many rows and files."""
    removed = 0
    addressed = func.lower(OutboxMessage.recipient).contains(identity.email_key)
    query = select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.params,
                   OutboxMessage.payload)
    rows = db.session.execute(query if everywhere else query.where(addressed)).all()
    doomed = [row.id for row in rows if identity.mentioned_in(row.recipient) or (everywhere and (
        identity.mentioned_in(row.subject) or identity.mentioned_in(repr(row.params))
        or identity.mentioned_in(_message_text(row.payload))))]
    if doomed:
        removed += db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(doomed)),
                                      execution_options={"synchronize_session": False}).rowcount
    outbox = Path(current_app.instance_path) / "outbox"
    if outbox.is_dir():
        for path in outbox.glob("*.eml"):
            try:
                content = path.read_bytes()
            except OSError:
                continue
            if identity.mentioned_in(_message_text(content)):
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _message_text(payload: bytes | None) -> str:
    """The headers and every text part of an RFC 5322 message, decoded (names may be encoded)."""
    if not payload:
        return ""
    message = email.message_from_bytes(payload, policy=policy.default)
    parts = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                parts.append(part.get_content())
            except (LookupError, ValueError):
                parts.append(part.get_payload(decode=True).decode("utf-8", "replace"))
    return "\n".join(parts) + payload.decode("utf-8", "replace")


def _upload_text(upload: bytes | None) -> str:
    """An import upload's text: CSV as it is; XLSX (a ZIP) as its XML parts."""
    if not upload:
        return ""
    if upload[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(upload)) as archive:
                return "\n".join(archive.read(name).decode("utf-8", "replace")
                                 for name in archive.namelist() if name.endswith(".xml"))
        except (zipfile.BadZipFile, OSError):
            return ""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return upload.decode(encoding)
        except UnicodeDecodeError:
            continue
    return upload.decode("utf-8", "replace")


@dataclass
class Erased:
    """What an erasure touched, as counts only (the audit record holds nothing personal)."""

    registrations: int = 0
    mail: int = 0
    import_jobs: int = 0
    file_jobs: int = 0
    invitations: int = 0
    stories: int = 0
    coauthorships: int = 0
    profiles: int = 0
    accounts: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def erase(identity: Identity, now: datetime) -> Erased:
    """Replace or remove every personal field of ``identity`` everywhere. The caller commits."""
    result = Erased()
    result.mail = remove_mail_to(identity, everywhere=True)
    if identity.person is not None:
        result.registrations = anonymise_person(identity.person, now)
    for job_id, upload, summary, message, columns, file_name in db.session.execute(select(
            ImportJob.id, ImportJob.upload, ImportJob.summary, ImportJob.message, ImportJob.columns,
            ImportJob.file_name)).all():
        if any(identity.mentioned_in(v) for v in (_upload_text(upload), repr(summary), message, repr(columns),
                                                    file_name)):
            db.session.execute(delete(ImportJob).where(ImportJob.id == job_id))
            result.import_jobs += 1
    # Exports, report PDFs and restore uploads are compressed or rendered, so a search could miss the
    # person in them: every one is removed (the people who asked for them can ask again).
    result.file_jobs = db.session.execute(delete(FileJob)).rowcount
    result.invitations = db.session.execute(
        delete(Invitation).where(Invitation.email_key == identity.email_key)).rowcount
    for story in db.session.scalars(select(Story)):
        changed = False
        for column in ("title", "summary", "body", "place", "photo_alt", "differences"):
            value = getattr(story, column)
            if identity.mentioned_in(value):
                setattr(story, column, identity.redact(value))
                changed = True
        result.stories += changed
    for change in db.session.scalars(select(StoryChange)):
        if identity.mentioned_in(change.note):
            change.note = identity.redact(change.note)
    for profile in db.session.scalars(select(NetworkProfile).where(
            func.lower(NetworkProfile.contact_email) == identity.email_key)):
        profile.contact_email = None
        result.profiles += 1
    user = db.session.scalar(select(User).where(func.lower(User.email) == identity.email_key))
    if user is not None:
        user.email = f"erased-{user.id}@erased.invalid"
        user.name = ""
        user.password_hash = None
        user.totp_secret = user.totp_last_step = user.totp_recovery_hashes = None
        user.active = False
        user.session_version += 1
        result.accounts = 1
        # The stories they co-wrote stay (their text was searched above, like every story's); the account
        # no longer co-writes any. Whom they invited is kept as the (now nameless) account.
        result.coauthorships = db.session.execute(
            delete(StoryCoauthor).where(StoryCoauthor.user_id == user.id),
            execution_options={"synchronize_session": False}).rowcount
        # Messages they sent to registrants keep the sender's name as it was when sent.
        db.session.execute(update(Message).where(Message.sender_id == user.id).values(sender_name=ANONYMISED),
                           execution_options={"synchronize_session": False})
    db.session.flush()
    forget_caches()
    return result


def forget_caches() -> None:
    """Empty this process's caches (they hold no personal data by design; see README)."""
    forget_all()


def secure_delete_on() -> None:
    """SQLite: zero what this transaction deletes or overwrites, so the file keeps no trace."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA secure_delete = ON"))


def after_commit() -> None:
    """SQLite: fold the write-ahead log (which holds the old pages) into the file and empty it."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
