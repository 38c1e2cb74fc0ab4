"""Password reset by emailed link, changing the password, and the password policy."""

from __future__ import annotations

import re

import pytest

from eventsapp.auth.passwords import MAX_PASSWORD_LENGTH, make_reset_token, password_problem
from eventsapp.models import User
from tests import factories
from tests.auth.mailbox import link_in, messages, messages_to, path_of

NEW = "a long and memorable new passphrase"


def ask_for_reset(client, email):
    return client.post("/auth/password/forgot", data={"email": email})


def test_reset_link_is_emailed_and_sets_a_new_password(app, client, db, make_user):
    user = make_user()
    response = ask_for_reset(client, user.email.upper())
    assert response.status_code == 302
    [message] = messages_to(app, user.email)
    assert message["Subject"] == "Choose a new eventsapp password"
    path = path_of(link_in(message))
    assert "Choose a new password" in client.get(path).get_data(as_text=True)

    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 422
    assert client.post("/auth/login", data={"email": user.email, "password": NEW}).status_code == 302


def test_the_answer_does_not_reveal_whether_an_account_exists(app, client, make_user):
    user = make_user()
    known = ask_for_reset(client, user.email)
    unknown = ask_for_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    known_page = client.get("/auth/login").get_data(as_text=True)
    assert "If there is an account for" in known_page
    assert len(messages(app)) == 1  # only the real account got an email


def test_a_reset_link_stops_working_once_the_password_has_changed(app, client, db, make_user):
    user = make_user()
    ask_for_reset(client, user.email)
    path = path_of(link_in(messages_to(app, user.email)[0]))
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    reused = client.post(path, data={"password": "someone else's passphrase", "confirm": "someone else's passphrase"})
    assert reused.status_code == 404
    assert "no longer works" in reused.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(NEW)


def test_an_expired_or_altered_reset_link_is_refused(app, client, db, make_user):
    user = make_user()
    token = make_reset_token(user)
    assert client.get(f"/auth/password/reset/{token}x").status_code == 404
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert client.get(f"/auth/password/reset/{token}").status_code == 404


def test_reset_ends_every_existing_session(app, client, db, login_as, make_user):
    user = login_as("organiser")
    token = make_reset_token(user)
    other = app.test_client()
    assert other.post(f"/auth/password/reset/{token}", data={"password": NEW, "confirm": NEW}).status_code == 302
    assert client.get("/auth/password/change").status_code == 302  # signed out: sent to login


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("short pass", False),  # 10 characters
        ("elevenchars", False),
        ("twelve chars", True),
        ("çøñţŕåšţ ĝŕũñţ ĥéłłõ", True),  # accents
        ("🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑", True),  # 12 emoji
        ("パスワードは十二文字以上です", True),
        ("x" * 64 + " a long passphrase beyond 64 characters", True),
        ("y" * 1024, True),
        ("z" * 1025, False),
        (" " * 20, False),
    ],
)
def test_password_policy(password, accepted):
    assert (password_problem(password) is None) is accepted


def test_a_unicode_passphrase_of_more_than_64_characters_works_end_to_end(app, client, db, login_as):
    user = login_as("organiser")
    passphrase = "Ünïcødé — 長いパスフレーズ — " + "ständig wechselnde wörter " * 4
    assert len(passphrase) > 64
    response = client.post(
        "/auth/password/change",
        data={"current_password": factories.PASSWORD, "password": passphrase, "confirm": passphrase},
    )
    assert response.status_code == 302
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": passphrase}).status_code == 302
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$")


def test_change_password_checks_the_current_password_and_keeps_the_input(client, login_as):
    login_as("organiser")
    response = client.post(
        "/auth/password/change",
        data={"current_password": "not my password at all", "password": NEW, "confirm": NEW},
    )
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)


def test_change_password_rejects_a_short_or_mismatched_password_at_the_field(client, login_as):
    login_as("organiser")
    response = client.post(
        "/auth/password/change",
        data={"current_password": factories.PASSWORD, "password": "too short", "confirm": "too short"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Use at least 12 characters" in html
    response = client.post(
        "/auth/password/change",
        data={"current_password": factories.PASSWORD, "password": NEW, "confirm": NEW + "!"},
    )
    assert "The two passwords are not the same." in response.get_data(as_text=True)


def test_change_password_ends_other_sessions_but_keeps_this_one(app, client, db, make_user):
    user = make_user()
    other = app.test_client()
    for c in (client, other):
        assert c.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    response = client.post(
        "/auth/password/change",
        data={"current_password": factories.PASSWORD, "password": NEW, "confirm": NEW},
    )
    assert response.status_code == 302
    assert client.get("/auth/password/change").status_code == 200  # still signed in here
    assert other.get("/auth/password/change").status_code == 302  # signed out elsewhere


def test_change_password_needs_sign_in(client):
    response = client.get("/auth/password/change")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def _field_tags(html: str) -> dict[str, str]:
    return {re.search(r'name="([^"]+)"', tag).group(1): tag
            for tag in re.findall(r"<input[^>]*>", html) if 'name="' in tag}


def test_every_password_field_has_the_same_maxlength_and_its_autocomplete(app, client, db, make_user):
    """Walkthrough findings 3 and 13: one length limit on every password field; autocomplete for WCAG 1.3.5."""
    login = _field_tags(client.get("/auth/login").get_data(as_text=True))
    assert 'autocomplete="username"' in login["email"] and 'autocomplete="current-password"' in login["password"]
    user = make_user()
    client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    change = _field_tags(client.get("/auth/password/change").get_data(as_text=True))
    assert 'autocomplete="current-password"' in change["current_password"]
    assert 'autocomplete="new-password"' in change["password"] and 'autocomplete="new-password"' in change["confirm"]
    for tag in (login["password"], change["current_password"], change["password"], change["confirm"]):
        assert f'maxlength="{MAX_PASSWORD_LENGTH}"' in tag, tag


def test_a_new_password_longer_than_the_sign_in_field_takes_is_refused_with_a_message(app, client, db, login_as):
    """Walkthrough finding 3: 600 emoji (1,200 UTF-16 units, what a browser's maxlength counts) were accepted."""
    user = login_as("organiser")
    emoji = "🎉" * 600
    response = client.post("/auth/password/change",
                           data={"current_password": factories.PASSWORD, "password": emoji, "confirm": emoji})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="password-error"' in html
    at_field = re.search(r'<div id="password-error"[^>]*>([^<]*)</div>', html)
    assert at_field is not None and "Use at most 1,024 characters" in at_field.group(1)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(factories.PASSWORD)
    # 512 emoji fill the field exactly, and sign in.
    fits = "🎉" * 512
    response = client.post("/auth/password/change",
                           data={"current_password": factories.PASSWORD, "password": fits, "confirm": fits})
    assert response.status_code == 302
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": fits}).status_code == 302


def test_the_current_password_cannot_be_the_new_one(app, client, db, login_as):
    user = login_as("organiser")
    response = client.post("/auth/password/change", data={
        "current_password": factories.PASSWORD, "password": factories.PASSWORD, "confirm": factories.PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="password-error"[^>]*>That is your current password\. Choose a different one\.', html)
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == user.session_version
