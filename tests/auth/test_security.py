"""CSRF failures answer 400 and run nothing, too-large requests, HTTPS-only cookies, HSTS and the proxy."""

from __future__ import annotations

import io
import re
import time

import pytest
from sqlalchemy import select

from eventsapp.models import Organisation, User
from eventsapp.security import proxy_count
from tests import factories

CSRF_ON = {"WTF_CSRF_ENABLED": True}


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def sign_in_with_token(client, user):
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("app", [CSRF_ON], indirect=True)
def test_a_form_without_its_csrf_token_answers_400_and_runs_nothing(app, client, make_user):
    user = make_user()
    client.get("/auth/login")
    response = client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form expired or was sent from elsewhere" in html and "nothing was saved" in html
    assert "go back, reload the page and try again" in html.lower()
    assert user.email not in html  # the view did not run
    assert "Sign out" not in client.get("/").get_data(as_text=True)  # and nothing happened: not signed in
    # Reloading the form and sending it again works.
    response = client.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD,
                             "csrf_token": csrf_token(client.get("/auth/login").get_data(as_text=True))}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("app", [CSRF_ON], indirect=True)
def test_a_stale_token_on_a_signed_in_form_changes_nothing(app, client, make_user):
    user = make_user(role="coordinator")
    email = user.email
    sign_in_with_token(client, user)
    stale = csrf_token(client.get("/organisations/new").get_data(as_text=True))
    # The session is renewed (e.g. signed in again in another tab): the old token no longer matches.
    with client.session_transaction() as session:
        session["csrf_token"] = "a-different-session-secret"
    with app.app_context():
        sector_id = factories.sector().id
    response = client.post(
        "/organisations/new",
        data={"name": "Zeta Interfaith Forum", "sector": sector_id, "website": "https://zeta.example.org",
              "csrf_token": stale},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form expired or was sent from elsewhere" in html
    with app.app_context():
        from eventsapp.extensions import db

        assert db.session.scalar(select(Organisation).where(Organisation.name == "Zeta Interfaith Forum")) is None
        assert db.session.scalar(select(User).where(User.email == email)) is not None


@pytest.mark.parametrize("app", [{**CSRF_ON, "WTF_CSRF_TIME_LIMIT": 1}], indirect=True)
def test_an_expired_token_runs_nothing_either(app, client, make_user, monkeypatch):
    user = make_user()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    later = time.time() + 5
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form expired or was sent from elsewhere" in html and "Sign out" not in html
    assert "Sign out" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("app", [CSRF_ON], indirect=True)
def test_a_button_without_a_token_does_nothing_and_explains(app, client, make_user):
    user = make_user()
    sign_in_with_token(client, user)
    response = client.post("/auth/logout")  # no token: the sign-out must not happen
    assert response.status_code == 400
    assert "This form expired or was sent from elsewhere" in response.get_data(as_text=True)
    assert client.get("/auth/password/change").status_code == 200  # still signed in


@pytest.mark.parametrize("app", [CSRF_ON], indirect=True)
def test_a_remove_button_with_a_stale_token_removes_nobody(app, client, make_user, make_organisation, db):
    from eventsapp.models import Membership

    host = make_organisation()
    door = make_user(role="door", organisation=host)
    membership_id = db.session.scalar(select(Membership.id).where(Membership.user_id == door.id))
    sign_in_with_token(client, make_user(role="organiser", organisation=host))
    response = client.post(f"/organisations/{host.id}/members/{membership_id}/remove",
                           data={"csrf_token": "stale"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Membership, membership_id) is not None


@pytest.mark.parametrize("app", [CSRF_ON], indirect=True)
def test_state_changing_routes_reject_get(app, client):
    assert client.get("/auth/logout").status_code == 405


def test_a_too_large_form_field_gets_a_friendly_413(client):
    response = client.post("/auth/login", data={"email": "x" * (2 * 1024 * 1024), "password": "p"})
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "That was too much to send" in html and "nothing was saved" in html


def test_a_too_large_upload_gets_a_friendly_413(app, client):
    big = io.BytesIO(b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    response = client.post("/auth/login", data={"file": (big, "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "That was too much to send" in response.get_data(as_text=True)


def test_security_headers_on_every_response(client):
    for path in ("/", "/auth/login", "/no-such-page"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP


def session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_over_https_cookies_are_secure_and_hsts_is_sent(app, make_user):
    with app.app_context():
        user = factories.make_user()
        email = user.email
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": factories.PASSWORD, "remember": "y"},
                           base_url="https://localhost")
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} >= {"session", "remember_token"}
    assert all("; Secure" in c for c in cookies), cookies
    assert "SameSite=Lax" in session_cookie(response) and "HttpOnly" in session_cookie(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_over_plain_http_cookies_are_not_marked_secure(app):
    with app.app_context():
        email = factories.make_user().email
    response = app.test_client().post("/auth/login", data={"email": email, "password": factories.PASSWORD})
    assert "Secure" not in session_cookie(response)


@pytest.mark.parametrize("app", [{"PREFERRED_URL_SCHEME": "https"}], indirect=True)
def test_preferred_https_scheme_makes_cookies_secure(app):
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.app_context():
        email = factories.make_user().email
    response = app.test_client().post("/auth/login", data={"email": email, "password": factories.PASSWORD})
    assert "; Secure" in session_cookie(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("app", [{"PROXY_FIX": "1"}], indirect=True)
def test_behind_a_proxy_the_forwarded_scheme_counts(app, client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" in response.headers


def test_without_proxy_fix_forwarded_headers_are_ignored(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize(
    "app",
    [{"PROXY_FIX": "1", "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
      "LOGIN_LIMIT_PER_IP": "2 per 15 minutes"}],
    indirect=True,
)
def test_behind_a_proxy_the_per_ip_limit_uses_the_client_address(app, client):
    def attempt(ip):
        return client.post("/auth/login", data={"email": f"{ip}@example.org", "password": "x"},
                           headers={"X-Forwarded-For": ip}).status_code

    assert [attempt("203.0.113.1") for _ in range(3)] == [422, 422, 429]
    assert attempt("203.0.113.2") == 422  # a different client behind the same proxy


@pytest.mark.parametrize(("value", "count"), [(None, 0), ("", 0), ("0", 0), ("false", 0), ("1", 1),
                                                ("true", 1), ("2", 2)])
def test_proxy_fix_setting(value, count):
    assert proxy_count(value) == count


def test_proxy_fix_setting_rejects_nonsense():
    with pytest.raises(ValueError, match="PROXY_FIX"):
        proxy_count("maybe")
