"""Two-step sign-in (TOTP): enrolment, the second step, recovery codes, replay, and TOTP_REQUIRED."""

from __future__ import annotations

import re
import time

import pyotp
import pytest

from eventsapp.extensions import db as _db
from eventsapp.models import User
from tests import factories


def enrol(client) -> tuple[str, list[str]]:
    page = client.get("/auth/two-step/setup").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/auth/two-step/setup", data={"code": "000000"})
    assert wrong.status_code == 422 and "does not match" in wrong.get_data(as_text=True)
    done = client.post("/auth/two-step/setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def sign_in_with_password(client, user):
    return client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})


def test_enrolment_then_sign_in_needs_a_fresh_code(client, db, login_as):
    user = login_as("organiser")
    secret, _codes = enrol(client)
    stored = _db.session.get(User, user.id)
    assert stored.totp_secret == secret and secret not in (stored.totp_recovery_hashes or "")
    client.post("/auth/logout")
    response = sign_in_with_password(client, user)
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-step")
    assert client.get("/dashboard/").status_code == 302  # not signed in yet
    # The code used to enrol cannot be used again; the next one can.
    assert client.post("/auth/two-step", data={"code": pyotp.TOTP(secret).now()}).status_code == 422
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post("/auth/two-step", data={"code": next_code}).status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_a_recovery_code_works_once(client, db, login_as):
    user = login_as("organiser")
    _secret, codes = enrol(client)
    client.post("/auth/logout")
    sign_in_with_password(client, user)
    assert client.post("/auth/two-step", data={"code": codes[0].upper()}).status_code == 302
    client.post("/auth/logout")
    sign_in_with_password(client, user)
    assert client.post("/auth/two-step", data={"code": codes[0]}).status_code == 422
    assert client.post("/auth/two-step", data={"code": codes[1]}).status_code == 302


def test_the_second_step_without_a_password_first_goes_back_to_login(client, db):
    response = client.post("/auth/two-step", data={"code": "123456"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_turning_it_off_needs_a_current_code(client, db, login_as):
    user = login_as("organiser")
    secret, _codes = enrol(client)
    assert client.post("/auth/two-step/disable", data={"code": "000000"}).status_code == 422
    assert client.post("/auth/two-step/disable",
                       data={"code": pyotp.TOTP(secret).at(time.time() + 30)}).status_code == 302
    _db.session.expire_all()
    assert _db.session.get(User, user.id).totp_secret is None


@pytest.mark.parametrize("app", [{"TOTP_REQUIRED": True}], indirect=True)
def test_when_required_accounts_that_see_personal_data_set_it_up_first(client, db, login_as):
    login_as("organiser")
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-step/setup")
    assert client.get("/privacy").status_code == 200
    secret, _codes = enrol(client)
    assert client.get("/dashboard/").status_code == 200
    refused = client.post("/auth/two-step/disable", data={"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert refused.status_code == 302
    _db.session.expire_all()
    assert _db.session.scalar(_db.select(User).where(User.totp_secret.is_not(None))) is not None


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
def test_codes_in_other_digits_are_read_as_digits_on_every_code_box(client, db, login_as, digits):
    """Walkthrough finding 1: full-width or Arabic-Indic digits were a 500 (TypeError in compare_digest)."""
    user = login_as("organiser")
    page = client.get("/auth/two-step/setup").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/auth/two-step/setup", data={"code": "000000".translate(digits)})
    assert wrong.status_code == 422 and "does not match" in wrong.get_data(as_text=True)
    assert client.post("/auth/two-step/setup",
                       data={"code": pyotp.TOTP(secret).at(time.time() - 30).translate(digits)}).status_code == 200
    client.post("/auth/logout")
    sign_in_with_password(client, user)
    assert client.post("/auth/two-step", data={"code": "123456".translate(digits)}).status_code == 422
    code = pyotp.TOTP(secret).now().translate(digits)
    assert client.post("/auth/two-step", data={"code": code}).status_code == 302
    assert client.post("/auth/two-step/disable", data={"code": "000000".translate(digits)}).status_code == 422
    code = pyotp.TOTP(secret).at(time.time() + 30).translate(digits)
    assert client.post("/auth/two-step/disable", data={"code": code}).status_code == 302
    _db.session.expire_all()
    assert _db.session.get(User, user.id).totp_secret is None


@pytest.mark.parametrize("junk", ["፩፪፫፬፭፮", "①②③④⑤⑥", "¹²³⁴⁵⁶", "абвгде", "12345６x"])
def test_other_characters_in_the_code_box_are_refused_at_the_field(client, db, login_as, junk):
    login_as("organiser")
    response = client.post("/auth/two-step/setup", data={"code": junk})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="code-error"' in html and ("Enter the six digits" in html or "does not match" in html)


def test_the_setup_label_does_not_offer_recovery_codes_before_there_are_any(client, db, login_as):
    """Walkthrough finding 28."""
    login_as("organiser")
    html = client.get("/auth/two-step/setup").get_data(as_text=True)
    label = re.search(r'<label[^>]*for="code"[^>]*>([^<]+)</label>', html).group(1)
    assert "recovery" not in label.lower() and "authenticator app" in label
    assert re.search(r'<input[^>]*autocomplete="one-time-code"[^>]*name="code"', html)


def test_new_recovery_codes_need_a_code_or_the_password_and_replace_the_old_ones(client, db, login_as):
    """Walkthrough finding 28: there was no way to make new recovery codes."""
    user = login_as("organiser")
    secret, old = enrol(client)
    status = client.get("/auth/two-step/setup").get_data(as_text=True)
    assert "Make new recovery codes" in status and 'action="/auth/two-step/recovery-codes"' in status
    # Neither a code nor the password, a wrong password, or a wrong code: refused at the field, nothing changed.
    for data in ({}, {"renew-password": "not my password at all"}, {"renew-code": "000000"}):
        refused = client.post("/auth/two-step/recovery-codes", data=data)
        assert refused.status_code == 422, data
        assert 'id="renew-code-error"' in refused.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(User, user.id).totp_recovery_hashes.count("\n") == 9
    # With the password: ten new codes, shown once.
    made = client.post("/auth/two-step/recovery-codes", data={"renew-password": factories.PASSWORD})
    assert made.status_code == 200
    new = re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", made.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    # With a current code from the app, again.
    again = client.post("/auth/two-step/recovery-codes",
                        data={"renew-code": pyotp.TOTP(secret).at(time.time() + 30)})
    newest = re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", again.get_data(as_text=True))
    assert again.status_code == 200 and len(newest) == 10
    client.post("/auth/logout")
    # The old codes and the codes made in between no longer work; the newest do.
    sign_in_with_password(client, user)
    assert client.post("/auth/two-step", data={"code": old[0]}).status_code == 422
    assert client.post("/auth/two-step", data={"code": new[0]}).status_code == 422
    assert client.post("/auth/two-step", data={"code": newest[0]}).status_code == 302
