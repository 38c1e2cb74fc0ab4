"""Access rules for invitations: sending, accepting and revoking them (organisations area).

The world gets three invitation rows (``extend_world``): an open one to A (door, sent by
A's organiser), an open one to B, and one to A already accepted.
"""

from __future__ import annotations

from eventsapp.extensions import db
from eventsapp.models import Organisation, User
from tests import factories
from tests.access.conftest import snapshot
from tests.access.matrix import Rule, expect, public, signed_in
from tests.access.rules_core import MANAGE_A, MANAGE_B, NEW_PASSWORD, done, org


def extend_world(world) -> None:
    def invitation(org_attr, email, by_role, **kw):
        row, token = factories.make_invitation(
            db.session.get(Organisation, getattr(world, org_attr).id), email=email, role="door",
            invited_by=db.session.get(User, world.users[by_role].id), **kw,
        )
        return snapshot(row, token=token)

    world.invitation_a = invitation("org_a", "invitee@example.org", "organiser_a")
    world.invitation_b = invitation("org_b", "invitee.b@example.org", "organiser_b")
    # Accepted by an account since deleted (accepted_by is then empty).
    world.invitation_used = invitation("org_a", "joined.before@example.org", "organiser_a",
                                       accepted_at=factories.utcnow())


def link(attr):
    return lambda w: {"token": getattr(w, attr).token}


def revoking(org_attr, invitation_attr):
    return lambda w: {"organisation_id": getattr(w, org_attr).id, "invitation_id": getattr(w, invitation_attr).id}


NEW_ACCOUNT = lambda w: {"name": "Ivy Invitee", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}  # noqa: E731
INVITE_DOOR = lambda w: {"email": "new.door@example.org", "role": "door"}  # noqa: E731

RULES = [
    # Sending: those who manage the organisation.
    Rule("organisations.invite_member", "GET", org("org_a"), MANAGE_A),
    Rule("organisations.invite_member", "GET", org("org_b"), MANAGE_B, note="B"),
    Rule("organisations.invite_member", "POST", org("org_a"), done(MANAGE_A), data=INVITE_DOOR),
    Rule("organisations.invite_member", "POST", org("org_b"), done(MANAGE_B), note="B", data=INVITE_DOOR),
    # Revoking: the same people, for an invitation to their organisation only.
    Rule("organisations.revoke_invitation", "POST", revoking("org_a", "invitation_a"), done(MANAGE_A)),
    Rule("organisations.revoke_invitation", "POST", revoking("org_b", "invitation_b"), done(MANAGE_B), note="B"),
    Rule("organisations.revoke_invitation", "POST", revoking("org_a", "invitation_b"),
         expect(404, anonymous=302, door_a=403), note="B's invitation via A"),
    Rule("organisations.revoke_invitation", "POST",
         lambda w: {"organisation_id": w.org_a.id, "invitation_id": 2**64},
         expect(404), note="id beyond 64 bits (refused by the URL converter, before sign-in)"),
    # The link is public (it was emailed to the invitee); a signed-in person is told to sign out first.
    Rule("organisations.accept_invitation", "GET", link("invitation_a"), public(200)),
    Rule("organisations.accept_invitation", "POST", link("invitation_a"), signed_in(200, anonymous=302),
         data=NEW_ACCOUNT),
    # A used link answers 410 to everyone and changes nothing; an unknown one 404.
    Rule("organisations.accept_invitation", "GET", link("invitation_used"), public(410), note="used"),
    Rule("organisations.accept_invitation", "POST", link("invitation_used"), public(410), note="used",
         data=NEW_ACCOUNT),
    Rule("organisations.accept_invitation", "GET", lambda w: {"token": "forged"}, public(404), note="forged"),
    Rule("organisations.accept_invitation", "GET", lambda w: {"token": "x" * 5000}, public(404), note="huge"),
]
