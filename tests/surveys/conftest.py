"""Survey fixtures: the real SMTP sink of the registration tests, and an event that has just ended."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventsapp.models import utcnow
from tests import factories


@pytest.fixture
def ended_event(db):
    """A published event of a programme that ended an hour ago."""
    programme = factories.make_programme()
    start = utcnow().replace(microsecond=0) - timedelta(hours=4)
    return factories.make_event(starts_at=start, ends_at=start + timedelta(hours=3), programme=programme)
