"""Fixtures for the events area: a host organisation with an organiser signed in, form data."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def host(db):
    return factories.make_organisation("Crawley Good Relations Partnership")


@pytest.fixture
def organiser(login_as, host):
    """An organiser of ``host``, signed in on ``client``."""
    return login_as("organiser", host)


@pytest.fixture
def event_form(host):
    """Valid form data for a new event hosted by ``host``; override keys per test."""
    region = factories.region("TLJ")

    def _data(**overrides) -> dict:
        data = {
            "title": "Building bridges in Crawley",
            "summary": "An evening of conversation between faith and community groups.",
            "description": "We will meet, eat and talk.\n\nBring a friend.",
            "themes": "Trust between neighbours\nYoung people and policing",
            "programme": "0",
            "host": str(host.id),
            "region": str(region.id),
            "town": "Crawley",
            "venue": "The Hawth",
            "address": "Hawth Avenue",
            "postcode": "rh10 6yz",
            "online_url": "",
            "starts_at": "2027-03-27T18:30",
            "ends_at": "2027-03-27T20:30",
            "capacity": "40",
            "registration_opens_at": "",
            "registration_closes_at": "",
            "accessibility": "Step-free access and a hearing loop.",
            "status": "draft",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return _data
