"""Personal access tokens: made on the page (shown once, stored hashed), scoped, read-only or
read-write, revocable, expiring, rate-limited; sessions read but never write."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from eventsapp.models import ApiToken, Registration, utcnow
from tests import factories
from tests.api.conftest import bearer


def test_the_page_shows_a_new_token_once_and_keeps_only_its_hash(client, db, login_as, api_world):
    login_as("organiser", user=api_world.both)
    page = client.get("/account/api-tokens/")
    assert page.status_code == 200
    assert "Organisation: Alpha Community Trust" in page.get_data(as_text=True)
    response = client.post("/account/api-tokens/", data={
        "name": "CRM sync", "access": "read", "scope": f"org-{api_world.org_a.id}", "days": "30"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/api-tokens/")
    shown = client.get("/account/api-tokens/")
    secret = re.search(r'<code id="new-token"[^>]*>([^<]+)</code>', shown.get_data(as_text=True)).group(1)
    assert secret.startswith("ea_")
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "CRM sync"))
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in "".join(str(v) for v in vars(token).values())
    listing = client.get("/account/api-tokens/").get_data(as_text=True)
    assert "CRM sync" in listing and secret not in listing
    assert client.get("/api/v1/events", headers=bearer(secret)).status_code == 200


def test_the_new_token_is_shown_once_and_a_reload_makes_no_second_one(client, db, login_as, api_world):
    """Walkthrough finding 6: the POST answered 201 with the page, so a reload re-posted and made another token."""
    login_as("organiser", user=api_world.both)
    data = {"name": "Reloaded", "access": "read", "scope": f"org-{api_world.org_a.id}", "days": "30"}
    made = client.post("/account/api-tokens/", data=data)
    assert made.status_code == 303 and 'id="new-token"' not in made.get_data(as_text=True)
    first = client.get("/account/api-tokens/").get_data(as_text=True)
    secret = re.search(r'<code id="new-token"[^>]*>([^<]+)</code>', first).group(1)
    again = client.get("/account/api-tokens/").get_data(as_text=True)  # the reload
    assert 'id="new-token"' not in again and secret not in again
    assert len(db.session.scalars(select(ApiToken).where(ApiToken.name == "Reloaded")).all()) == 1


def test_a_refused_token_form_names_each_missing_field(client, db, login_as, api_world):
    login_as("organiser", user=api_world.both)
    html = client.post("/account/api-tokens/", data={"name": "", "access": "", "scope": "", "days": ""}).get_data(
        as_text=True)
    assert "This field is required." not in html
    for message in ("Say what the token is for.", "Choose the access.", "Choose an organisation or a programme.",
                    "Choose when the token expires."):
        assert message in html


def _scope_options(html: str) -> dict[str, str]:
    """The "Limited to" select's options (value -> label) as the page shows them."""
    select_html = re.search(r'<select[^>]*name="scope"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {value: label.strip() for value, label in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>',
                                                                  select_html)}


def test_the_form_offers_every_scope_after_a_token_is_made_and_after_a_refusal(client, db, login_as, api_world):
    """Making one token, then a second from the form that answer shows, without reloading the page."""
    login_as("organiser", user=api_world.both)
    wanted = {f"org-{api_world.org_a.id}": "Organisation: Alpha Community Trust",
              f"org-{api_world.org_b.id}": "Organisation: Beta Youth Justice Service"}
    first = client.post("/account/api-tokens/", data={
        "name": "First", "access": "read", "scope": f"org-{api_world.org_a.id}", "days": "30"}, follow_redirects=True)
    assert first.status_code == 200 and 'id="new-token"' in first.get_data(as_text=True)
    after_create = _scope_options(first.get_data(as_text=True))
    assert wanted.items() <= after_create.items()
    refused = client.post("/account/api-tokens/", data={
        "name": "", "access": "read", "scope": f"org-{api_world.org_b.id}", "days": "30"})
    assert refused.status_code == 422
    assert wanted.items() <= _scope_options(refused.get_data(as_text=True)).items()
    second = client.post("/account/api-tokens/", data={
        "name": "Second", "access": "read", "scope": next(v for v in after_create if v == f"org-{api_world.org_b.id}"),
        "days": "30"})
    assert second.status_code == 303
    made = db.session.scalar(select(ApiToken).where(ApiToken.name == "Second"))
    assert made.organisation_id == api_world.org_b.id


def test_a_token_cannot_be_limited_to_someone_elses_organisation(client, db, login_as, api_world):
    login_as("door", user=api_world.door)
    other = factories.make_organisation("Gamma Trust")
    response = client.post("/account/api-tokens/", data={
        "name": "Sneaky", "access": "write", "scope": f"org-{other.id}", "days": "30"})
    assert response.status_code == 422
    assert db.session.scalar(select(ApiToken).where(ApiToken.name == "Sneaky")) is None


def test_revoked_and_expired_tokens_get_401(client, db, login_as, api_world):
    secret = api_world.tokens["a_read"]
    assert client.get(f"/api/v1/events/{api_world.draft_a.id}", headers=bearer(secret)).status_code == 200
    login_as("organiser", user=api_world.both)
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "A read"))
    confirm = client.get(f"/account/api-tokens/{token.id}/revoke")
    assert confirm.status_code == 200 and "Revoke the API token “A read”?" in confirm.get_data(as_text=True)
    db.session.refresh(token)
    assert token.revoked_at is None  # asking is not revoking
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 302
    anonymous = client.application.test_client()
    revoked = anonymous.get("/api/v1/events", headers=bearer(secret))
    assert revoked.status_code == 401
    assert revoked.mimetype == "application/problem+json"
    assert revoked.headers["WWW-Authenticate"].startswith("Bearer")
    assert revoked.get_json()["status"] == 401

    expiring = db.session.scalar(select(ApiToken).where(ApiToken.name == "A write"))
    expiring.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert anonymous.get("/api/v1/events", headers=bearer(api_world.tokens["a_write"])).status_code == 401
    assert anonymous.get("/api/v1/events", headers=bearer("ea_nothing_here")).status_code == 401
    assert anonymous.get("/api/v1/events", headers={"Authorization": "Basic abc"}).status_code == 401


def test_only_the_owner_revokes_a_token(client, db, login_as, api_world):
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "A read"))
    login_as("organiser")
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
    assert client.get(f"/account/api-tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def _new_registration(email="new.person@example.org"):
    return {"first_name": "Nia", "last_name": "Newcomer", "email": email, "organisation_name": "Alpha Community Trust"}


def test_a_read_only_token_cannot_write(client, db, api_world):
    response = client.post(f"/api/v1/events/{api_world.event_a.id}/registrations",
                           json=_new_registration(), headers=bearer(api_world.tokens["a_read"]))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert db.session.scalar(select(Registration).where(Registration.email_key == "new.person@example.org")) is None


def test_a_read_write_token_registers_and_checks_in(client, db, api_world):
    headers = bearer(api_world.tokens["a_write"])
    created = client.post(f"/api/v1/events/{api_world.event_a.id}/registrations", json=_new_registration(),
                          headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["outcome"] == "confirmed" and body["registration"]["attendance"] is None
    again = client.post(f"/api/v1/events/{api_world.event_a.id}/registrations", json=_new_registration(),
                        headers=headers)
    assert again.get_json()["outcome"] == "already_registered"
    registration_id = body["registration"]["id"]
    url = f"/api/v1/events/{api_world.event_a.id}/registrations/{registration_id}/check-in"
    checked = client.post(url, headers=bearer(api_world.tokens["door_write"]))
    assert checked.status_code == 200 and checked.get_json()["outcome"] == "checked_in"
    assert client.post(url, headers=headers).get_json()["outcome"] == "already_checked_in"
    counts = client.get(f"/api/v1/events/{api_world.event_a.id}/attendance", headers=headers).get_json()
    assert (counts["registered"], counts["checked_in"]) == (2, 1)
    listed = client.get(f"/api/v1/events/{api_world.event_a.id}/registrations", headers=headers).get_json()
    assert [r["attendance"] is not None for r in listed["items"]] == [False, True]


def test_bad_registration_input_is_a_422_problem(client, db, api_world):
    response = client.post(f"/api/v1/events/{api_world.event_a.id}/registrations",
                           json={"first_name": "", "email": "not-an-email"},
                           headers=bearer(api_world.tokens["a_write"]))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]["json"]
    assert {"first_name", "last_name", "email"} <= set(errors)


def test_a_session_reads_but_never_writes(client, db, login_as, api_world):
    login_as("organiser", user=api_world.both)
    assert client.get(f"/api/v1/events/{api_world.event_a.id}/registrations").status_code == 200
    response = client.post(f"/api/v1/events/{api_world.event_a.id}/registrations", json=_new_registration())
    assert response.status_code == 401
    assert db.session.scalar(select(Registration).where(Registration.email_key == "new.person@example.org")) is None


def test_a_token_for_organisation_a_sees_nothing_of_b(client, db, api_world):
    """The token's user organises B too, but the token is limited to A."""
    headers = bearer(api_world.tokens["a_write"])
    for url in (f"/api/v1/events/{api_world.draft_b.id}",
                f"/api/v1/events/{api_world.event_b.id}/registrations",
                f"/api/v1/events/{api_world.event_b.id}/attendance",
                f"/api/v1/reports?host={api_world.org_b.id}",
                f"/api/v1/reports?event={api_world.event_b.id}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json"
    check_in = client.post(f"/api/v1/events/{api_world.event_b.id}/registrations/"
                           f"{api_world.registration_b.id}/check-in", headers=headers)
    assert check_in.status_code == 404
    titles = [e["title"] for e in client.get("/api/v1/events", headers=headers).get_json()["items"]]
    assert "Alpha draft" in titles and "Beta draft" not in titles
    # With B's token, the same person sees B's and not A's.
    b_titles = [e["title"] for e in
                client.get("/api/v1/events", headers=bearer(api_world.tokens["b_write"])).get_json()["items"]]
    assert "Beta draft" in b_titles and "Alpha draft" not in b_titles


def test_anonymous_sees_public_events_only_and_no_registrations(client, db, api_world):
    titles = [e["title"] for e in client.get("/api/v1/events").get_json()["items"]]
    assert titles == ["Alpha open day", "Beta open day"]
    assert client.get(f"/api/v1/events/{api_world.draft_a.id}").status_code == 404
    registrations = client.get(f"/api/v1/events/{api_world.event_a.id}/registrations")
    assert registrations.status_code == 401 and registrations.get_json()["type"] == "about:blank"


def test_door_volunteers_get_403_on_registrations(client, db, api_world):
    response = client.get(f"/api/v1/events/{api_world.event_a.id}/registrations",
                          headers=bearer(api_world.tokens["door_write"]))
    assert response.status_code == 403


def test_cursor_pagination_walks_every_event_once(client, db, api_world):
    for day in range(5):
        factories.make_event(host=api_world.org_a, title=f"Series {day}",
                             starts_at=api_world.event_a.starts_at + timedelta(days=20 + day))
    seen, cursor = [], None
    while True:
        url = "/api/v1/events?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).get_json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    bad = client.get("/api/v1/events?cursor=not-a-cursor")
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"


def test_reads_carry_an_etag_and_answer_304(client, db, api_world):
    first = client.get(f"/api/v1/events/{api_world.event_a.id}")
    etag = first.headers["ETag"]
    assert etag
    again = client.get(f"/api/v1/events/{api_world.event_a.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    changed = client.get(f"/api/v1/events/{api_world.event_b.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"}], indirect=True)
def test_each_token_has_its_own_rate_limit(client, db, api_world):
    a, b = bearer(api_world.tokens["a_read"]), bearer(api_world.tokens["b_write"])
    first = client.get("/api/v1/events", headers=a)
    assert first.status_code == 200, first.get_json()
    assert [client.get("/api/v1/events", headers=a).status_code for _ in range(2)] == [200] * 2
    limited = client.get("/api/v1/events", headers=a)
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
    assert client.get("/api/v1/events", headers=b).status_code == 200


def test_validation_errors_are_problem_details(client, db, api_world):
    response = client.get("/api/v1/events?limit=0&when=someday")
    assert response.status_code == 422
    body = response.get_json()
    assert body["title"] == "Unprocessable Entity" and {"limit", "when"} <= set(body["errors"]["query"])


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_csrf_applies_to_sessions_not_to_tokens(client, db, api_world):
    """A token request carries no cookie, so it needs no CSRF token; a session's unsafe request does
    (and, with one, is still refused: sessions do not write through the API)."""
    created = client.post(f"/api/v1/events/{api_world.event_a.id}/registrations", json=_new_registration(),
                          headers=bearer(api_world.tokens["a_write"]))
    assert created.status_code == 201
    session = client.application.test_client()
    login = session.get("/auth/login").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    assert session.post("/auth/login", data={"email": api_world.both.email, "password": factories.PASSWORD,
                                             "csrf_token": csrf_token}).status_code == 302
    g.pop("csrf_token", None)  # the test's app context (and so g) spans requests: no stale token
    page = session.get("/account/api-tokens/").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    refused = session.post(f"/api/v1/events/{api_world.event_a.id}/registrations",
                           json=_new_registration("other@example.org"))
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    with_token = session.post(f"/api/v1/events/{api_world.event_a.id}/registrations",
                              json=_new_registration("other@example.org"), headers={"X-CSRFToken": csrf_token})
    assert with_token.status_code == 401, with_token.get_json()
    assert db.session.scalar(select(Registration).where(Registration.email_key == "other@example.org")) is None
