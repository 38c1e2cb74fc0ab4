"""Signing in and out."""

from tests import factories


def test_sign_in_and_out(client, make_user):
    user = make_user(role="organiser")
    response = client.post("/auth/login", data={"email": user.email.upper(), "password": factories.PASSWORD})
    assert response.status_code == 302
    assert "You are signed in" in client.get("/").get_data(as_text=True)
    response = client.post("/auth/logout", follow_redirects=True)
    assert "You are signed out" in response.get_data(as_text=True)


def test_wrong_password_is_answered_at_the_field_with_the_email_kept(client, make_user):
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": "not the password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "That email and password do not match an account." in html
    assert f'value="{user.email}"' in html


def test_a_copied_session_cookie_is_useless_after_logout(app, client, login_as):
    login_as("organiser")
    cookie = client.get_cookie("session").value
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    html = thief.get("/").get_data(as_text=True)
    assert "Sign out" not in html and "Sign in" in html


def test_next_parameter_cannot_redirect_off_site(client, make_user):
    user = make_user()
    response = client.post(
        "/auth/login?next=https://evil.example/", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_signing_in_starts_a_new_session(client, make_user):
    """Nothing planted in the session before sign-in survives it (no session fixation)."""
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        before = dict(session)
    response = client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session and before != dict(session)
        assert session["_user_id"] == f"{user.id}:{user.session_version}"
