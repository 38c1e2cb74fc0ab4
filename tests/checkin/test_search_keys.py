"""The bulk writers' search keys: built and inserted a batch at a time, none missed between batches."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from eventsapp.checkin import search
from eventsapp.models import RegistrationSearch


def test_missing_keys_are_added_in_batches_without_missing_any(db, make_event, make_registration, monkeypatch):
    event = make_event()
    registrations = [make_registration(event=event) for _ in range(7)]
    db.session.execute(delete(RegistrationSearch))  # as a bulk import leaves them
    db.session.flush()
    monkeypatch.setattr(search, "KEY_BATCH", 3)
    batches = list(search._missing_keys(db.session.execute, search.Registration.event_id == event.id))
    assert [len(b) for b in batches] == [3, 3, 1]  # nothing inserted between reads: read by id, in order
    assert search.add_missing_search_keys([event.id]) == 7
    keyed = set(db.session.scalars(select(RegistrationSearch.registration_id)))
    assert keyed == {r.id for r in registrations}
    assert search.add_missing_search_keys([event.id]) == 0
    assert db.session.scalar(select(func.count()).select_from(RegistrationSearch)) == 7
