"""Sign-in is rate-limited per account and per IP (in-process, memory storage).

The cross-worker guarantee (4 gunicorn workers sharing Redis) is in test_rate_limit_gunicorn.py.
"""

from __future__ import annotations

import pytest

from tests import factories

LIMITED = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
           "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes", "LOGIN_LIMIT_PER_IP": "5 per 15 minutes"}

pytestmark = pytest.mark.parametrize("app", [LIMITED], indirect=True)


def attempt(client, email, password="wrong password, sorry", ip="192.0.2.10"):  # noqa: S107
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_wrong_passwords_for_one_account_are_limited_with_a_friendly_429(app, client, make_user):
    user = make_user()
    answers = [attempt(client, user.email, ip=f"192.0.2.{n}").status_code for n in range(1, 6)]
    assert answers == [422, 422, 422, 429, 429]  # per account, whichever address it comes from
    response = attempt(client, user.email, ip="192.0.2.99")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many attempts" in html and "wait 15 minutes" in html
    assert "Retry-After" in response.headers
    # Even the right password is not processed while the account is limited.
    assert attempt(client, user.email, factories.PASSWORD, ip="192.0.2.100").status_code == 429


def test_the_account_limit_ignores_case_and_spaces_in_the_email(app, client, make_user):
    user = make_user()
    for variant in (user.email, user.email.upper(), f"  {user.email}  "):
        assert attempt(client, variant).status_code == 422
    assert attempt(client, user.email.title()).status_code == 429


def test_other_accounts_are_unaffected_by_one_accounts_limit(app, client, make_user):
    victim, other = make_user(), make_user()
    for n in range(3):
        attempt(client, victim.email, ip=f"198.51.100.{n}")
    assert attempt(client, victim.email, ip="198.51.100.50").status_code == 429
    assert attempt(client, other.email, factories.PASSWORD, ip="198.51.100.51").status_code == 302


def test_one_address_is_limited_across_accounts(app, client, make_user):
    users = [make_user() for _ in range(6)]
    answers = [attempt(client, u.email, ip="203.0.113.7").status_code for u in users]
    assert answers == [422] * 5 + [429]
    assert attempt(client, users[5].email, ip="203.0.113.8").status_code == 422


def test_a_failed_attempt_says_clearly_what_went_wrong(app, client, make_user):
    user = make_user()
    html = attempt(client, user.email).get_data(as_text=True)
    assert "That email and password do not match an account." in html


def test_showing_the_login_page_is_not_limited(app, client):
    assert all(client.get("/auth/login").status_code == 200 for _ in range(10))
