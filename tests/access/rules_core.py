"""Access rules for the foundation's routes (main), accounts (auth) and organisations."""

from __future__ import annotations

from eventsapp.auth.passwords import make_reset_token
from eventsapp.extensions import db
from eventsapp.models import User
from tests import factories
from tests.access.matrix import Rule, expect, public, signed_in

NONE = lambda w: {}  # noqa: E731
NEW_PASSWORD = "a brand new passphrase for the matrix"


def reset_link(w):
    return {"token": make_reset_token(db.session.get(User, w.users["organiser_a"].id))}


def org(attr):
    return lambda w: {"organisation_id": getattr(w, attr).id}


def membership(org_attr, role):
    return lambda w: {"organisation_id": getattr(w, org_attr).id, "membership_id": w.membership[role].id}


def organisation_data(w):
    return {"name": "Gamma Faith Forum", "sector": w.org_a.sector_id, "website": "https://gamma.example.org"}


#: Organisation A's managers: its organiser, the coordinator of the network it takes part in
#: (A hosts events of the programme) and the administrator; its door volunteer gets 403;
#: anyone else, another network's coordinator too, cannot learn whom it has as members (404).
MANAGE_A = expect(404, anonymous=302, door_a=403, organiser_a=200, coordinator=200)
#: B hosts events in no programme: no coordinator reaches it, only its organiser and the administrator.
MANAGE_B = expect(404, anonymous=302, organiser_b=200)
#: Network B's host: its network's coordinator and the administrator.
MANAGE_NET_B = expect(404, anonymous=302, coordinator_b=200, admin=200)


def done(table: dict) -> dict:
    """The same table with each success (200) replaced by a redirect after the change (302)."""
    return {role: 302 if status == 200 else status for role, status in table.items()}


RULES = [
    Rule("main.index", "GET", NONE, public(200)),
    Rule("main.healthz", "GET", NONE, public(200)),
    # Accounts. Signed-in people are sent on from the login page.
    Rule("auth.login", "GET", NONE, expect(302, anonymous=200)),
    Rule(
        "auth.login", "POST", NONE, expect(302, anonymous=422),
        data=lambda w: {"email": w.users["organiser_a"].email, "password": "not the password"},
    ),
    Rule(
        "auth.login", "POST", NONE, expect(302), note="right password",
        data=lambda w: {"email": w.users["organiser_a"].email, "password": factories.PASSWORD},
    ),
    Rule("auth.logout", "POST", NONE, signed_in(302)),
    Rule("auth.forgot_password", "GET", NONE, public(200)),
    Rule("auth.forgot_password", "POST", NONE, public(302), data=lambda w: {"email": w.users["organiser_b"].email}),
    # A reset link works for whoever holds it (it was emailed to the account's owner).
    Rule("auth.reset_password", "GET", reset_link, public(200)),
    Rule("auth.reset_password", "GET", lambda w: {"token": "forged"}, public(404), note="forged"),
    Rule(
        "auth.reset_password", "POST", reset_link, public(302),
        data=lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    Rule("auth.reset_password", "POST", lambda w: {"token": "forged"}, public(404), note="forged",
         data=lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    Rule("auth.change_password", "GET", NONE, signed_in(200)),
    Rule(
        "auth.change_password", "POST", NONE, signed_in(302),
        data=lambda w: {"current_password": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    # Organisations.
    Rule("organisations.index", "GET", NONE, signed_in(200)),
    Rule("organisations.create", "GET", NONE, expect(403, anonymous=302, coordinator=200, coordinator_b=200)),
    Rule("organisations.create", "POST", NONE, expect(403, anonymous=302, coordinator=302, coordinator_b=302),
         data=organisation_data),
    Rule("organisations.show", "GET", org("org_a"), MANAGE_A),
    Rule("organisations.show", "GET", org("org_b"), MANAGE_B, note="B"),
    Rule("organisations.show", "GET", lambda w: {"organisation_id": 999999}, signed_in(404), note="missing"),
    Rule("organisations.edit", "GET", org("org_a"), MANAGE_A),
    Rule("organisations.edit", "GET", org("org_b"), MANAGE_B, note="B"),
    Rule(
        "organisations.edit", "POST", org("org_a"), done(MANAGE_A),
        data=lambda w: {"name": "Alpha Community Trust", "sector": w.org_a.sector_id, "website": ""},
    ),
    # Sending, revoking and accepting invitations: rules_invitations.py.
    Rule("organisations.remove", "POST", membership("org_a", "door_a"),
         {**done(MANAGE_A), "door_a": 403}),
    # A membership of B reached through A's address is not found, whoever asks.
    Rule("organisations.remove", "POST", membership("org_a", "organiser_b"),
         expect(404, anonymous=302, door_a=403), note="B's member via A"),
    Rule("organisations.remove", "POST", membership("org_b", "organiser_b"),
         expect(404, anonymous=302, organiser_b=302, admin=302), note="B"),
    # Network B's host and coordinating organisation: nothing of them for network A's coordinator.
    Rule("organisations.show", "GET", org("org_host_b"), MANAGE_NET_B, note="network B host"),
    Rule("organisations.edit", "POST", org("org_host_b"), done(MANAGE_NET_B), note="network B host",
         data=lambda w: {"name": "Renamed Host", "sector": w.org_a.sector_id, "website": ""}),
    Rule("organisations.show", "GET", org("org_net_b"), MANAGE_NET_B, note="network B centre"),
    Rule("organisations.remove", "POST", membership("org_net_b", "coordinator_b"),
         expect(404, anonymous=302, coordinator_b=302, admin=302), note="network B coordinator"),
]
