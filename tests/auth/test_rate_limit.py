"""Sign-in throttle (finding 11): an attacker is slowed, the owner is never locked out.

Counters: per account and address (tight), per address across accounts, and a higher
per-account ceiling across all addresses that never applies to an address the owner has
signed in from. In-process here (memory storage); the cross-worker guarantee (4 gunicorn
workers sharing Redis) is in test_rate_limit_gunicorn.py.
"""

from __future__ import annotations

import re

import pytest

from tests import factories

LIMITED = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
           "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "3 per 15 minutes", "LOGIN_LIMIT_PER_IP": "10 per 15 minutes",
           "LOGIN_LIMIT_PER_ACCOUNT": "8 per hour"}

pytestmark = pytest.mark.parametrize("app", [LIMITED], indirect=True)

WRONG = "wrong password, sorry"  # noqa: S105


def attempt(client, email, password=WRONG, ip="192.0.2.10"):
    response = client.post("/auth/login", data={"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": ip})
    if response.status_code == 302:
        client.post("/auth/logout", environ_base={"REMOTE_ADDR": ip})
    return response


def test_an_attacker_elsewhere_does_not_lock_the_owner_out(app, client, make_user):
    owner = make_user()
    answers = [attempt(client, owner.email, ip="203.0.113.66").status_code for _ in range(20)]
    assert answers == [422] * 3 + [429] * 17  # the attacker is slowed after the limit
    # The owner, from their own address, with the right password: in at once.
    assert attempt(client, owner.email, factories.PASSWORD, ip="198.51.100.7").status_code == 302


def test_the_throttled_answer_is_the_login_form_with_a_clear_message(app, client, make_user):
    user = make_user()
    for _ in range(3):
        attempt(client, user.email)
    response = attempt(client, user.email)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 'name="password"' in html and f'value="{user.email}"' in html  # the form, with the email kept
    assert "Too many attempts" in html and re.search(r"Wait (about )?1[45] minutes", html)
    assert 1 <= int(response.headers["Retry-After"]) <= 15 * 60
    # While throttled even the right password is not checked from this address.
    assert attempt(client, user.email, factories.PASSWORD).status_code == 429


def test_the_account_and_address_limit_ignores_case_and_spaces_in_the_email(app, client, make_user):
    user = make_user()
    for variant in (user.email, user.email.upper(), user.email.swapcase()):
        assert attempt(client, variant).status_code == 422
    assert attempt(client, user.email.title()).status_code == 429


def test_signing_in_clears_the_owners_own_typos(app, client, make_user):
    user = make_user()
    for _ in range(2):
        assert attempt(client, user.email).status_code == 422
    assert attempt(client, user.email, factories.PASSWORD).status_code == 302
    assert [attempt(client, user.email).status_code for _ in range(4)] == [422, 422, 422, 429]


def test_one_address_is_limited_across_accounts(app, client, make_user):
    users = [make_user() for _ in range(11)]
    answers = [attempt(client, u.email, ip="203.0.113.7").status_code for u in users]
    assert answers == [422] * 10 + [429]
    assert "from your network" in attempt(client, users[0].email, ip="203.0.113.7").get_data(as_text=True)
    assert attempt(client, users[10].email, ip="203.0.113.8").status_code == 422


def test_many_addresses_reach_the_account_ceiling_but_the_owners_known_address_still_gets_in(
        app, client, make_user):
    owner = make_user()
    assert attempt(client, owner.email, factories.PASSWORD, ip="198.51.100.1").status_code == 302  # known
    answers = [attempt(client, owner.email, ip=f"203.0.113.{n}").status_code for n in range(1, 13)]
    # 8 attempts an hour across every address; the owner's own sign-in is not a guess and does not count.
    assert answers == [422] * 8 + [429] * 4
    assert attempt(client, owner.email, ip="203.0.113.200").status_code == 429  # a new address waits
    assert attempt(client, owner.email, factories.PASSWORD, ip="198.51.100.1").status_code == 302


def test_other_accounts_are_unaffected_by_one_accounts_limit(app, client, make_user):
    victim, other = make_user(), make_user()
    for _ in range(3):
        attempt(client, victim.email, ip="198.51.100.50")
    assert attempt(client, victim.email, ip="198.51.100.50").status_code == 429
    assert attempt(client, other.email, factories.PASSWORD, ip="198.51.100.50").status_code == 302


def test_a_failed_attempt_says_clearly_what_went_wrong(app, client, make_user):
    user = make_user()
    html = attempt(client, user.email).get_data(as_text=True)
    assert "That email and password do not match an account." in html


def test_showing_the_login_page_is_not_limited(app, client):
    assert all(client.get("/auth/login").status_code == 200 for _ in range(10))


def test_successful_sign_ins_do_not_fill_the_address_counter(app, client, make_user):
    """Walkthrough finding 2: a training session on venue Wi-Fi (more sign-ins than the address's 10)."""
    users = [make_user() for _ in range(12)]
    answers = [attempt(client, u.email, factories.PASSWORD, ip="203.0.113.60").status_code for u in users]
    assert answers == [302] * 12
    # Guesses from there still count: 10 wrong passwords to different accounts, then held back.
    guesses = [attempt(client, u.email, ip="203.0.113.60").status_code for u in users[:11]]
    assert guesses == [422] * 10 + [429]


def test_retrying_while_held_back_adds_nothing_so_the_wait_does_not_grow(app, client, make_user):
    """Walkthrough finding 2: a held-back attempt used to count against the account-and-address counter first."""
    users = [make_user() for _ in range(11)]
    assert [attempt(client, u.email, ip="203.0.113.70").status_code for u in users[:10]] == [422] * 10
    for _ in range(6):  # more than the account-and-address limit (3): each held back by the address counter
        response = attempt(client, users[10].email, factories.PASSWORD, ip="203.0.113.70")
        assert response.status_code == 429
        assert "from your network, to several accounts" in response.get_data(as_text=True)
    # Nothing was added for users[10] from this address, nor to its account ceiling: elsewhere,
    # its three attempts a window are all there.
    assert [attempt(client, users[10].email, ip="203.0.113.71").status_code for _ in range(4)] == [422] * 3 + [429]
