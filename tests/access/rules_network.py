"""Access rules for the network (/network): directory, contact, offers and asks, resources.

The world gets (``extend_world``): A's profile, listed, taking messages; B's profile, not listed
(so 404 to the public, and B's open post is not public either); an open offer and a closed ask of
A; resources: A's approved (a file), A's submitted (a file) and B's submitted. The coordinator
(of ``org_c``, whose programme A hosts in) moderates A's resources, not B's.
"""

from __future__ import annotations

from eventsapp.extensions import db
from eventsapp.models import Approach, NetworkProfile, Organisation, Resource, SupportPost
from tests.access.conftest import snapshot
from tests.access.matrix import Rule, expect, public, signed_in
from tests.access.rules_core import done, org

PDF = b"%PDF-1.4\n% matrix\n"


def extend_world(world) -> None:
    def organisation(attr):
        return db.session.get(Organisation, getattr(world, attr).id)

    def profile(attr, slug, listed):
        row = NetworkProfile(organisation=organisation(attr), slug=slug, listed=listed, about="We host things.",
                             contact_email=f"{slug}.private@example.org")
        db.session.add(row)
        db.session.flush()
        return snapshot(row)

    def post(attr, kind, status):
        row = SupportPost(organisation=organisation(attr), kind=kind, title=f"{attr} {kind}", status=status)
        db.session.add(row)
        db.session.flush()
        return snapshot(row)

    def resource(attr, status, title):
        row = Resource(organisation=organisation(attr), title=title, status=status, file_name="guide.pdf",
                       file_data=PDF, file_size=len(PDF), file_type="application/pdf")
        db.session.add(row)
        db.session.flush()
        return snapshot(row)

    world.approach_id = db.session.scalar(db.select(Approach.id).where(Approach.code == "arts"))
    world.profile_a = profile("org_a", "alpha-community-trust", True)
    world.profile_b = profile("org_b", "beta-youth-justice", False)
    world.post_a = post("org_a", "offer", "open")
    world.post_a_closed = post("org_a", "ask", "closed")
    world.post_b = post("org_b", "offer", "open")
    world.resource_a = resource("org_a", "approved", "Approved guide")
    world.resource_a_submitted = resource("org_a", "submitted", "Waiting guide")
    world.resource_b_submitted = resource("org_b", "submitted", "Beta waiting guide")


NOTHING = lambda w: {}  # noqa: E731


def slug(attr):
    return lambda w: {"slug": getattr(w, attr).slug}


def post(attr):
    return lambda w: {"post_id": getattr(w, attr).id}


def resource(attr):
    return lambda w: {"resource_id": getattr(w, attr).id}


CONTACT = lambda w: {"name": "Mo Matrix", "email": "mo.matrix@example.com",  # noqa: E731
                     "message": "Could we talk about your work?"}
POST_A = lambda w: {"organisation": w.org_a.id, "kind": "offer", "title": "We can lend a room"}  # noqa: E731
RESOURCE_A = lambda w: {"organisation": w.org_a.id, "title": "A link",  # noqa: E731
                        "url": "https://example.org/guide"}
PROFILE = lambda w: {"about": "We host dialogue evenings.", "listed": "y"}  # noqa: E731

#: Editors of A's posts and profile: its organiser; its door volunteer gets 403.
EDIT_A = expect(404, organiser_a=200, door_a=403, anonymous=302)
#: Those who have an organisation to act for (door volunteers have none).
EDITORS = signed_in(200, door_a=403)
#: Visible to A's editors and the coordinator who moderates A.
A_AND_MODERATOR = expect(404, organiser_a=200, coordinator=200)

RULES = [
    Rule("network.index", "GET", NOTHING, public()),
    Rule("network.profile", "GET", slug("profile_a"), public(), note="listed"),
    Rule("network.profile", "GET", slug("profile_b"), public(404), note="not listed"),
    Rule("network.profile_by_id", "GET", lambda w: {"profile_id": w.profile_a.id}, public(301), note="listed"),
    Rule("network.profile_by_id", "GET", lambda w: {"profile_id": w.profile_b.id}, public(404), note="not listed"),
    Rule("network.contact", "GET", slug("profile_a"), public(), note="listed"),
    Rule("network.contact", "GET", slug("profile_b"), public(404), note="not listed"),
    Rule("network.contact", "POST", slug("profile_a"), public(302), data=CONTACT, note="listed"),
    Rule("network.contact", "POST", slug("profile_b"), public(404), data=CONTACT, note="not listed"),
    Rule("network.support", "GET", NOTHING, public()),
    Rule("network.post", "GET", post("post_a"), public(), note="open, listed"),
    Rule("network.post", "GET", post("post_a_closed"), expect(404, organiser_a=200), note="closed"),
    Rule("network.post", "GET", post("post_b"), expect(404, organiser_b=200), note="organisation not listed"),
    Rule("network.post_contact", "GET", post("post_a"), public(), note="open"),
    Rule("network.post_contact", "GET", post("post_a_closed"), public(404), note="closed"),
    Rule("network.post_contact", "POST", post("post_a"), public(302), data=CONTACT, note="open"),
    Rule("network.post_contact", "POST", post("post_b"), public(404), data=CONTACT, note="not listed"),
    Rule("network.new_post", "GET", NOTHING, signed_in(200, door_a=403, admin=403)),  # admin: no organisation
    # Only A's organiser may post for A; for anyone else the organisation is not a choice (422).
    Rule("network.new_post", "POST", NOTHING, signed_in(422, door_a=403, organiser_a=302, admin=403), data=POST_A),
    Rule("network.edit_post", "GET", post("post_a"), EDIT_A),
    Rule("network.edit_post", "GET", post("post_b"), expect(404, organiser_b=200, anonymous=302)),
    Rule("network.edit_post", "POST", post("post_a"), done(EDIT_A), data=POST_A),
    Rule("network.close_post", "POST", post("post_a"), done(EDIT_A)),
    Rule("network.reopen_post", "POST", post("post_a_closed"), done(EDIT_A)),
    Rule("network.resources", "GET", NOTHING, public()),
    Rule("network.resource", "GET", resource("resource_a"), public(), note="approved"),
    Rule("network.resource", "GET", resource("resource_a_submitted"), A_AND_MODERATOR, note="submitted"),
    Rule("network.resource", "GET", resource("resource_b_submitted"), expect(404, organiser_b=200),
         note="submitted, not moderated by the coordinator"),
    Rule("network.download", "GET", resource("resource_a"), public(), note="approved"),
    Rule("network.download", "GET", resource("resource_a_submitted"), A_AND_MODERATOR, note="submitted"),
    Rule("network.new_resource", "GET", NOTHING, signed_in(200, door_a=403, admin=403)),
    Rule("network.new_resource", "POST", NOTHING, signed_in(422, door_a=403, organiser_a=302, admin=403),
         data=RESOURCE_A),
    # Every coordinator has a queue of their own network's resources (maybe empty); the administrator all.
    Rule("network.review_queue", "GET", NOTHING, signed_in(403, coordinator=200, coordinator_b=200, admin=200)),
    Rule("network.review", "POST", resource("resource_a_submitted"),
         expect(404, organiser_a=403, coordinator=302, anonymous=302), data=lambda w: {"approve": "y"}),
    Rule("network.review", "POST", resource("resource_b_submitted"),
         expect(404, organiser_b=403, anonymous=302, admin=302), data=lambda w: {"approve": "y"}),
    Rule("network.manage", "GET", NOTHING, signed_in()),
    # One list for every network: any coordinator adds to it, only the administrator renames.
    Rule("network.approaches", "GET", NOTHING, signed_in(403, coordinator=200, coordinator_b=200, admin=200)),
    Rule("network.approaches", "POST", NOTHING, signed_in(403, coordinator=302, coordinator_b=302, admin=302),
         data=lambda w: {"name": "Storytelling"}),
    Rule("network.rename_approach", "POST", lambda w: {"approach_id": w.approach_id},
         signed_in(403, admin=302), data=lambda w: {"rename-name": "Arts and culture"}),
    Rule("network.edit_profile", "GET", org("org_a"), EDIT_A),
    Rule("network.edit_profile", "GET", org("org_c"), expect(404, coordinator=200, anonymous=302)),
    Rule("network.edit_profile", "POST", org("org_a"), done(EDIT_A), data=PROFILE),
]
