"""Fixtures for the messages tests: a real SMTP sink on loopback, an event's and a programme's people."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests import factories


def person(name: str, email: str | None = "") -> object:
    if email == "":
        email = f"{name.lower()}@example.org"
    return factories.make_person(first_name=name, last_name="Example", email=email)


@pytest.fixture
def programme_world(db):
    """A programme of two events hosted by ``host`` (plus an event elsewhere), and people whose
    audience each test knows:

    - ``ada``: attended event 1, agreed to network news → network
    - ``ben``: attended events 1 and 2, agreed at both → network, once
    - ``cai``: attended event 1, did not agree → not network
    - ``dot``: agreed at event 2 but did not come (a no-show) → not network
    - ``eve``: attended event 1 without agreeing, agreed when registering for event 2 (waitlisted) → network
    - ``fay``: attended an event of another programme, agreed → not this programme's network
    - ``gus``: a walk-in without an email at event 1, agreed → nobody to write to
    - ``hal``: registered for event 2, cancelled, registered again (confirmed, did not come) → one person
    """
    host = factories.make_organisation("Riverside Community Trust")
    coordinating = factories.make_organisation("Good Relations Network")
    programme = factories.make_programme(coordinator_organisation=coordinating)
    other_programme = factories.make_programme()
    event1 = factories.make_event(host=host, programme=programme, title="First conversation")
    event2 = factories.make_event(host=host, programme=programme, title="Second conversation")
    elsewhere = factories.make_event(host=host, programme=other_programme, title="Elsewhere")
    p = SimpleNamespace(**{name: person(name.capitalize()) for name in ("ada", "ben", "cai", "dot", "eve", "fay", "hal")})
    p.gus = person("Gus", email=None)
    reg = factories.make_registration
    reg(event1, p.ada, attended=True, consent_contact=True)
    reg(event1, p.ben, attended=True, consent_contact=True)
    reg(event2, p.ben, attended=True, consent_contact=True)
    reg(event1, p.cai, attended=True, consent_contact=False)
    reg(event2, p.dot, consent_contact=True)
    reg(event1, p.eve, attended=True, consent_contact=False)
    reg(event2, p.eve, status="waitlisted", consent_contact=True)
    reg(elsewhere, p.fay, attended=True, consent_contact=True)
    reg(event1, p.gus, attended=True, consent_contact=True)
    reg(event2, p.hal, status="cancelled")
    reg(event2, p.hal, status="confirmed")
    return SimpleNamespace(host=host, coordinating=coordinating, programme=programme, event1=event1, event2=event2,
                           elsewhere=elsewhere, people=p)
