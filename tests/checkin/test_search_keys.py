"""The bulk writers' search keys: built and inserted a batch at a time, none missed between batches."""

from __future__ import annotations

import pytest
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


@pytest.mark.postgres_only
def test_the_trigram_indexs_pending_list_stays_small_as_registrations_arrive(db, make_event):
    """Every desk search reads the trigram index's pending list in full: with PostgreSQL's default
    limit (4 MB) and autovacuum off or behind, 300 new registrations leave ~190 kB there (24 pages);
    capped at 64 kB (gin0p1e2n3d4) the inserts that fill it move it into the index."""
    from sqlalchemy import text

    from tests import factories

    db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pgstattuple"))
    db.session.execute(text("SELECT gin_clean_pending_list('ix_registration_search_event_trigrams'::regclass)"))
    db.session.commit()
    event = make_event(capacity=None)
    for _ in range(300):
        factories.make_registration(event=event)
    pending_pages = db.session.scalar(text(
        "SELECT pending_pages FROM pgstatginindex('ix_registration_search_event_trigrams'::regclass)"))
    assert pending_pages <= 64 // 8  # 8 kB pages


def test_fold_takes_a_short_cut_for_ascii_with_the_same_result():
    import random
    import string

    every_ascii = "".join(map(chr, range(128)))
    rng = random.Random(5)
    samples = [every_ascii, "  Mary-Jane  O'NEILL\t\n", "ANNA.Smith+Events@Example.ORG", "a\x1cb\x1fc\x0bd\x0ce", ""]
    samples += ["".join(rng.choice(every_ascii) for _ in range(rng.randrange(40))) for _ in range(2000)]
    for text in samples:
        assert text.isascii()
        assert search.fold(text) == search._fold_unicode(text), repr(text)
    assert search.fold(every_ascii).split() == every_ascii.lower().split()
    assert search.fold(string.ascii_uppercase) == string.ascii_lowercase
    # anything else still goes the long way
    assert search.fold("  Łukasz  WÓJCIK ") == "lukasz wojcik"
    assert search.fold("Straße\u00a0Ærø") == "strasse aero"
