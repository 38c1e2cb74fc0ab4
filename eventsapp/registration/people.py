"""People kept apart and merged on purpose: merge two people's records into one, split one in two,
and undo either; every change is a PersonMerge record (audit).

Reports count distinct ``Registration.person_id`` among attendances, so they follow at once: a merge
of two people who both attended lowers the people count by exactly one, a split raises it by one.
"""

from __future__ import annotations

from sqlalchemy import select, update

from eventsapp.extensions import db
from eventsapp.models import Person, PersonMerge, Registration, User, utcnow


class PeopleChangeError(ValueError):
    """A merge, split or undo that cannot be done; the message says why, for people."""


def _name(person: Person) -> str:
    return f"{person.first_name} {person.last_name}".strip()[:201]


def _events_of(person_id: int, registration_ids: list[int] | None = None) -> set[int]:
    query = select(Registration.event_id).where(Registration.person_id == person_id,
                                                Registration.status != "cancelled")
    if registration_ids is not None:
        query = query.where(Registration.id.in_(registration_ids))
    return set(db.session.scalars(query))


def merge_people(survivor: Person, duplicate: Person, by: User | None) -> PersonMerge:
    """Move every registration of ``duplicate`` to ``survivor`` (not committed).

    :raise PeopleChangeError: the same person twice, or both booked on one event (one of the two
        bookings must be cancelled first: a person attends an event once).
    """
    if survivor.id == duplicate.id:
        raise PeopleChangeError("Choose two different people.")
    shared = _events_of(survivor.id) & _events_of(duplicate.id)
    if shared:
        raise PeopleChangeError(f"Both are booked on {len(shared)} of the same events; cancel one booking of "
                                "each first, so that nobody is counted twice at one event.")
    moved = list(db.session.scalars(select(Registration.id).where(Registration.person_id == duplicate.id)
                                    .order_by(Registration.id)))
    record = PersonMerge(kind="merge", person_id=survivor.id, other_id=duplicate.id, person_name=_name(survivor),
                         other_name=_name(duplicate), registrations=" ".join(map(str, moved)), by_id=by.id if by else None)
    if moved:
        db.session.execute(update(Registration).where(Registration.id.in_(moved)).values(person_id=survivor.id))
    if survivor.email_key is None and duplicate.email_key is not None:
        # The kept record answers to the email from now on (the email is unique to one person).
        email, key = duplicate.email, duplicate.email_key
        duplicate.email, duplicate.email_key = None, None
        db.session.flush()
        survivor.email, survivor.email_key = email, key
        record.email_moved = True
    db.session.add(record)
    db.session.flush()
    return record


def split_person(person: Person, registration_ids: list[int], by: User | None) -> PersonMerge:
    """Move the given registrations of ``person`` to a new person, named as on the first of them
    (not committed). The new person has no email (an email belongs to one person).

    :raise PeopleChangeError: when the registrations are not all ``person``'s, or are all of them.
    """
    wanted = sorted(set(registration_ids))
    owned = list(db.session.scalars(select(Registration).where(Registration.person_id == person.id)
                                    .order_by(Registration.id)))
    moving = [r for r in owned if r.id in wanted]
    if not wanted or len(moving) != len(wanted):
        raise PeopleChangeError("Choose registrations of this person to move to the new person.")
    if len(moving) == len(owned):
        raise PeopleChangeError("Leave at least one registration with this person: a split makes two people.")
    first = moving[0]
    other = Person(first_name=first.first_name or person.first_name, last_name=first.last_name or person.last_name)
    db.session.add(other)
    db.session.flush()
    db.session.execute(update(Registration).where(Registration.id.in_(wanted)).values(person_id=other.id))
    record = PersonMerge(kind="split", person_id=person.id, other_id=other.id, person_name=_name(person),
                         other_name=_name(other), registrations=" ".join(map(str, wanted)), by_id=by.id if by else None)
    db.session.add(record)
    db.session.flush()
    return record


def undo_person_change(record: PersonMerge, by: User | None) -> None:
    """Put back exactly what ``record`` moved (not committed).

    :raise PeopleChangeError: when it was undone already, or the registrations have moved on since.
    """
    if record.undone_at is not None:
        raise PeopleChangeError("This change has already been undone.")
    # merge: the registrations went to person_id and come back to other_id; split: the reverse.
    now_with, back_to = (record.person_id, record.other_id) if record.kind == "merge" else (
        record.other_id, record.person_id)
    ids = record.registration_ids
    still = set(db.session.scalars(select(Registration.id).where(Registration.id.in_(ids),
                                                                 Registration.person_id == now_with)))
    if len(still) != len(ids):
        raise PeopleChangeError("Some of the registrations this change moved have been moved again since; "
                                "undo the later change first.")
    if ids and _events_of(back_to) & _events_of(now_with, ids):
        raise PeopleChangeError("The person they would go back to is now booked on one of the same events.")
    if ids:
        db.session.execute(update(Registration).where(Registration.id.in_(ids)).values(person_id=back_to))
    if record.kind == "merge" and record.email_moved:
        kept, duplicate = db.session.get(Person, record.person_id), db.session.get(Person, record.other_id)
        email, key = kept.email, kept.email_key
        kept.email, kept.email_key = None, None
        db.session.flush()
        duplicate.email, duplicate.email_key = email, key
    record.undone_at = utcnow()
    record.undone_by_id = by.id if by else None
    db.session.flush()
    db.session.expire_all()
