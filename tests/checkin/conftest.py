"""Fixtures for check-in tests: an event with people to check in, and its host's users."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def host(db):
    return factories.make_organisation("Crawley Good Relations Partnership")


@pytest.fixture
def event(db, host):
    return factories.make_event(host=host, title="Good relations in Crawley", venue="Crawley Library",
                                town="Crawley", capacity=50)


@pytest.fixture
def door_user(db, host):
    return factories.make_user(role="door", organisation=host)


@pytest.fixture
def named_registration(db, event):
    """A confirmed registration of ``event`` for a named person (and organisation)."""

    def _make(first_name: str, last_name: str, organisation_name: str = "", status: str = "confirmed", **kw):
        person = factories.make_person(first_name=first_name, last_name=last_name)
        organisation = factories.make_organisation(organisation_name) if organisation_name else None
        return factories.make_registration(
            event=kw.pop("at", event), person=person, organisation=organisation, status=status, **kw
        )

    return _make
