"""Hostile input to every network form: a clear 422 (or 400/404), never a 500, nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventsapp.models import NetworkProfile, OutboxMessage, Resource, SupportPost
from tests import factories
from tests.network.conftest import make_post, make_profile, make_resource

VALID = {
    "contact": {"name": "Sam Sender", "email": "sam@example.com", "message": "Hello, can we talk please?"},
    "profile": {"listed": "y", "about": "We host things.", "area": "Leeds", "contact_email": "a@example.org"},
    "post": {"kind": "offer", "title": "We can lend a hall"},
    "resource": {"title": "A guide", "url": "https://example.org/guide"},
}

HOSTILE = {
    "NUL byte": lambda form: {**VALID[form], _text_field(form): "bad\x00value"},
    "control character": lambda form: {**VALID[form], _text_field(form): "bell\x07"},
    "20,000 characters": lambda form: {**VALID[form], _text_field(form): "Z" * 20_000},
    "forged region id": lambda form: {**VALID[form], "region": "99999999999999999999"},
    "forged approach ids": lambda form: {**VALID[form], "approaches": ["abc", "2147483648"]},
    "forged kind of work": lambda form: {**VALID[form], "kind_of_work": "world_peace", "kinds": ["nope"]},
    "forged post kind": lambda form: {**VALID[form], "kind": "demand"},
    "forged organisation": lambda form: {**VALID[form], "organisation": "-1"},
    "javascript link": lambda form: {**VALID[form], "url": "javascript:alert(1)",
                                     "website": "javascript:alert(1)", "email": "x@example.com\r\nBcc: y@z"},
}


#: The fields each form has (an attack on a field the form lacks changes nothing).
FIELDS = {
    "contact": {"name", "email", "message"},
    "profile": {"listed", "about", "area", "region", "kinds", "approaches", "website", "contact_email"},
    "post": {"organisation", "kind", "title", "details", "region", "kind_of_work", "approaches"},
    "resource": {"organisation", "title", "summary", "url", "kind_of_work", "approaches"},
}


def _text_field(form: str) -> str:
    return {"contact": "name", "profile": "area", "post": "title", "resource": "title"}[form]


def rows(db) -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (NetworkProfile, SupportPost, Resource, OutboxMessage))


@pytest.mark.parametrize("attack", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("form", ["contact", "profile", "post", "resource"])
def test_hostile_posts_are_refused_without_a_500_and_write_nothing(client, db, login_as, form, attack):
    organisation = factories.make_organisation("Quince Community Trust")
    listed = make_profile(organisation)
    make_post(organisation)
    make_resource(organisation)
    data = attack(form)
    if form != "contact":
        login_as("organiser", organisation)
        data.setdefault("organisation", organisation.id)
    before = rows(db)
    url = {"contact": f"/network/{listed.slug}/contact",
           "profile": f"/network/organisations/{organisation.id}/profile",
           "post": "/network/support/new", "resource": "/network/resources/new"}[form]
    response = client.post(url, data=data)
    attacked = {key for key in FIELDS[form] if key in data and data[key] != VALID[form].get(key)}
    if form != "contact" and str(data.get("organisation")) == str(organisation.id):
        attacked.discard("organisation")
    if not attacked:  # the attack touches no field of this form: the valid rest is saved, correctly
        assert response.status_code == 302
        return
    assert response.status_code in (400, 404, 422), f"{form} accepted {data!r}"
    assert rows(db) == before
