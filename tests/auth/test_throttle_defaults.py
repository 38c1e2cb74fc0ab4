"""Finding 11 with the shipped defaults: 20 wrong passwords from one address never lock the owner out."""

from __future__ import annotations

import pytest
from limits import parse

from eventsapp.auth.throttle import LOGIN_LIMIT_PER_ACCOUNT_AND_IP
from tests import factories


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}],
                         indirect=True)
def test_with_the_defaults_the_attacker_waits_and_the_owner_signs_in(app, client, make_user):
    owner = make_user()
    limit = parse(LOGIN_LIMIT_PER_ACCOUNT_AND_IP).amount

    def attempt(password, ip):
        return client.post("/auth/login", data={"email": owner.email, "password": password},
                           environ_base={"REMOTE_ADDR": ip}).status_code

    answers = [attempt("not the password", "203.0.113.9") for _ in range(20)]
    assert answers == [422] * limit + [429] * (20 - limit)
    assert attempt(factories.PASSWORD, "198.51.100.23") == 302
