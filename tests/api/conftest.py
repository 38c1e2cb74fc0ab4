"""A small world for the API: organisations A and B, one person organising both, and tokens."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from eventsapp.api.tokens import create_token
from eventsapp.models import Membership, utcnow
from tests import factories


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_world(db):
    """``org_a`` and ``org_b`` (each a published event and a draft, a registration each);
    ``both``: organiser of A and of B; ``door``: door volunteer of A; tokens in ``tokens``."""
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    org_a = factories.make_organisation("Alpha Community Trust")
    org_b = factories.make_organisation("Beta Youth Justice Service", sector_code="youth_justice")
    programme = factories.make_programme(slug="api-programme", name="API Programme", coordinator_organisation=org_a)
    event_a = factories.make_event(host=org_a, title="Alpha open day", starts_at=start, programme=programme,
                                   capacity=10)
    draft_a = factories.make_event(host=org_a, title="Alpha draft", starts_at=start + timedelta(days=1),
                                   status="draft")
    event_b = factories.make_event(host=org_b, title="Beta open day", starts_at=start + timedelta(days=2))
    draft_b = factories.make_event(host=org_b, title="Beta draft", starts_at=start + timedelta(days=3),
                                   status="draft")
    registration_a = factories.make_registration(event=event_a, organisation=org_a)
    registration_b = factories.make_registration(event=event_b, organisation=org_b)
    both = factories.make_user("organiser", org_a, email="both@example.org")
    both.memberships.append(Membership(organisation=org_b, role="organiser"))
    door = factories.make_user("door", org_a, email="door@example.org")
    db.session.commit()
    tokens = {
        "a_read": create_token(both, name="A read", access="read", days=30, organisation_id=org_a.id).secret,
        "a_write": create_token(both, name="A write", access="write", days=30, organisation_id=org_a.id).secret,
        "b_write": create_token(both, name="B write", access="write", days=30, organisation_id=org_b.id).secret,
        "door_write": create_token(door, name="Door", access="write", days=30, organisation_id=org_a.id).secret,
    }
    db.session.commit()
    return SimpleNamespace(org_a=org_a, org_b=org_b, programme=programme, event_a=event_a, draft_a=draft_a,
                           event_b=event_b, draft_b=draft_b, registration_a=registration_a,
                           registration_b=registration_b, both=both, door=door, tokens=tokens)
