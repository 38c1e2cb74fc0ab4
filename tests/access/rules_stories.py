"""Access rules for stories (/stories): public when published; drafts and submitted stories only
for their author (organiser A), their co-authors and the programme's coordinator, a uniform 404 for
everyone else.

The co-written stories (draft, submitted, published) have door volunteer A as co-author: ``door_a`` is
the matrix's co-author there (a member of the author's organisation with another role); organiser B and
network B are the strangers."""

from __future__ import annotations

from tests.access.conftest import snapshot
from tests.access.matrix import Rule, expect, public, signed_in

#: A draft or submitted story by organiser A in the coordinator's programme.
PRIVATE = expect(404, organiser_a=200, coordinator=200)
#: Pages for organisers and coordinators only.
#: Members of an organisation write; the administrator belongs to none (like programmes.new).
WRITERS = expect(200, door_a=403, anonymous=302, admin=403)
#: Every coordinator (of either network) and the administrator have a moderation queue of their own.
MODERATORS = expect(403, coordinator=200, coordinator_b=200, admin=200, anonymous=302)


def extend_world(world) -> None:
    import io

    from PIL import Image
    from sqlalchemy import select

    from eventsapp.extensions import db
    from eventsapp.models import Approach, Organisation, Programme, Story, StoryChange, StoryCoauthor, User
    from eventsapp.stories.images import reencode_photo
    from tests import factories

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 0)).save(out, format="JPEG")
    photo = reencode_photo(out.getvalue(), limit=10**6)
    author = db.session.get(User, world.users["organiser_a"].id)
    org_a = db.session.get(Organisation, world.org_a.id)
    programme = db.session.get(Programme, world.programme.id)
    arts = db.session.scalar(select(Approach).where(Approach.name == "Arts"))

    def story(title: str, state: str) -> Story:
        row = Story(title=title, summary="A summary", body="A body", region=factories.region("TLE"), place="Leeds",
                    kind_of_work="bringing_together", programme=programme, consent_confirmed=True,
                    attribution="organisation", attributed_organisation=org_a, author=author, state=state,
                    photo=photo[0], photo_type=photo[1], photo_alt="A green square",
                    published_at=db.func.now() if state == "published" else None)
        row.approaches = [arts]
        row.changes.append(StoryChange(user=author, from_state=None, to_state="draft"))
        db.session.add(row)
        db.session.flush()
        return row

    world.story_published = snapshot(story("Matrix published story", "published"))
    world.story_draft = snapshot(story("Matrix draft story", "draft"))
    world.story_submitted = snapshot(story("Matrix submitted story", "submitted"))
    door = db.session.get(User, world.users["door_a"].id)

    def cowritten(title: str, state: str) -> Story:
        row = story(title, state)
        row.coauthor_rows.append(StoryCoauthor(user=door, added_by=author))
        db.session.flush()
        return row

    world.story_cowritten = snapshot(cowritten("Matrix co-written draft", "draft"))
    world.story_cowritten_submitted = snapshot(cowritten("Matrix co-written submitted story", "submitted"))
    world.story_cowritten_published = snapshot(cowritten("Matrix co-written published story", "published"))
    world.approach_arts = snapshot(arts)
    world.region_tle = snapshot(factories.region("TLE"))


def story_data(w) -> dict:
    """A valid story by organiser A (others lack the programme or the credited organisation)."""
    return {"title": "Matrix story", "summary": "Summary", "body": "Body", "kind_of_work": "integration",
            "approaches": [w.approach_arts.id], "region": w.region_tle.id, "event": 0,
            "programme": w.programme.id, "attribution": "organisation", "attributed_organisation": w.org_a.id,
            "consent_confirmed": "y", "photo_alt": "A green square", "save": "Save draft"}


PUBLISHED = lambda w: {"story_id": w.story_published.id}  # noqa: E731
DRAFT = lambda w: {"story_id": w.story_draft.id}  # noqa: E731
SUBMITTED = lambda w: {"story_id": w.story_submitted.id}  # noqa: E731
COWRITTEN = lambda w: {"story_id": w.story_cowritten.id}  # noqa: E731
COWRITTEN_SUBMITTED = lambda w: {"story_id": w.story_cowritten_submitted.id}  # noqa: E731
COWRITTEN_PUBLISHED = lambda w: {"story_id": w.story_cowritten_published.id}  # noqa: E731
#: A private story door A co-writes: its author, its co-author and its moderators see it.
COWRITTEN_PRIVATE = expect(404, organiser_a=200, coordinator=200, door_a=200)
#: Inviting and removing co-authors: the author and the moderators; a co-author may see the story (403).
MANAGERS = expect(404, organiser_a=200, coordinator=200, anonymous=302)
DOOR_A = lambda w: {"user": w.users["door_a"].id}  # noqa: E731

RULES = [
    Rule("stories.index", "GET", lambda w: {}, public(200)),
    Rule("stories.feed", "GET", lambda w: {}, public(200)),
    Rule("stories.detail", "GET", PUBLISHED, public(200), note="published"),
    Rule("stories.detail", "GET", DRAFT, PRIVATE, note="draft"),
    Rule("stories.detail", "GET", SUBMITTED, PRIVATE, note="submitted"),
    Rule("stories.photo", "GET", PUBLISHED, public(200), note="published"),
    Rule("stories.photo", "GET", DRAFT, PRIVATE, note="draft"),
    Rule("stories.mine", "GET", lambda w: {}, signed_in(200)),
    Rule("stories.new", "GET", lambda w: {}, WRITERS),
    Rule("stories.new", "GET", lambda w: {"event": w.event_a.id}, WRITERS, note="prefilled from event A"),
    Rule("stories.new", "POST", lambda w: {}, expect(400, organiser_a=302, door_a=403, anonymous=302, admin=403),
         data=story_data),
    # The "organisations involved" type-ahead: whoever can open a story's form (writers; the administrator, who
    # moderates every story; a co-author: door_a co-writes one here). Other door volunteers: tests/stories.
    Rule("stories.organisation_options", "GET", lambda w: {"q": "alpha"}, signed_in(200)),
    Rule("stories.edit", "GET", DRAFT, expect(404, organiser_a=200, coordinator=200, anonymous=302), note="draft"),
    Rule("stories.edit", "GET", PUBLISHED, expect(403, coordinator=200, anonymous=302), note="published"),
    Rule("stories.edit", "POST", DRAFT, expect(404, organiser_a=302, coordinator=302, anonymous=302),
         data=story_data, note="draft"),
    Rule("stories.change", "POST", lambda w: {"story_id": w.story_draft.id, "action": "submit"},
         expect(404, organiser_a=302, coordinator=302, anonymous=302), note="submit draft"),
    Rule("stories.change", "POST", lambda w: {"story_id": w.story_submitted.id, "action": "withdraw"},
         expect(404, organiser_a=302, coordinator=302, anonymous=302), note="withdraw submitted"),
    Rule("stories.change", "POST", lambda w: {"story_id": w.story_submitted.id, "action": "publish"},
         expect(404, organiser_a=403, coordinator=302, anonymous=302), note="publish submitted"),
    Rule("stories.change", "POST", lambda w: {"story_id": w.story_published.id, "action": "unpublish"},
         expect(403, coordinator=302, anonymous=302), note="unpublish published"),
    Rule("stories.feature", "POST", PUBLISHED, expect(403, coordinator=302, anonymous=302),
         data=lambda w: {"featured": "1"}),
    Rule("stories.moderation", "GET", lambda w: {}, MODERATORS),
    # Co-authors (door A co-writes the COWRITTEN stories).
    Rule("stories.detail", "GET", COWRITTEN, COWRITTEN_PRIVATE, note="co-written draft"),
    Rule("stories.detail", "GET", COWRITTEN_SUBMITTED, COWRITTEN_PRIVATE, note="co-written submitted"),
    Rule("stories.detail", "GET", COWRITTEN_PUBLISHED, public(200), note="co-written published"),
    Rule("stories.photo", "GET", COWRITTEN, COWRITTEN_PRIVATE, note="co-written draft"),
    Rule("stories.edit", "GET", COWRITTEN, expect(404, organiser_a=200, coordinator=200, door_a=200, anonymous=302),
         note="co-written draft"),
    Rule("stories.edit", "POST", COWRITTEN, expect(404, organiser_a=302, coordinator=302, door_a=302, anonymous=302),
         data=story_data, note="co-written draft"),
    Rule("stories.edit", "GET", COWRITTEN_SUBMITTED,
         expect(404, organiser_a=200, coordinator=200, door_a=403, anonymous=302), note="co-written submitted"),
    Rule("stories.edit", "GET", COWRITTEN_PUBLISHED, expect(403, coordinator=200, anonymous=302),
         note="co-written published"),
    Rule("stories.change", "POST", lambda w: {"story_id": w.story_cowritten.id, "action": "submit"},
         expect(404, organiser_a=302, coordinator=302, door_a=302, anonymous=302), note="co-author submits"),
    Rule("stories.change", "POST", lambda w: {"story_id": w.story_cowritten_submitted.id, "action": "publish"},
         expect(404, organiser_a=403, door_a=403, coordinator=302, anonymous=302), note="co-author publishes"),
    Rule("stories.coauthors", "GET", DRAFT, MANAGERS, note="draft"),
    Rule("stories.coauthors", "GET", COWRITTEN, {**MANAGERS, "door_a": 403, "admin": 200}, note="co-written draft"),
    Rule("stories.coauthors", "GET", COWRITTEN_SUBMITTED, {**MANAGERS, "door_a": 403, "admin": 200},
         note="co-written submitted"),
    Rule("stories.coauthors", "GET", PUBLISHED, expect(403, anonymous=302), note="published: no more invitations"),
    Rule("stories.coauthors", "POST", DRAFT, expect(404, organiser_a=302, coordinator=302, anonymous=302),
         data=DOOR_A, note="invite door A"),
    Rule("stories.coauthors", "POST", COWRITTEN,
         expect(404, organiser_a=400, coordinator=400, door_a=403, anonymous=302, admin=400),
         data=DOOR_A, note="already a co-author"),
    Rule("stories.coauthors", "POST", COWRITTEN_PUBLISHED, expect(403, anonymous=302), data=DOOR_A,
         note="published"),
    Rule("stories.remove_coauthor", "POST", COWRITTEN,
         expect(404, organiser_a=302, coordinator=302, door_a=403, anonymous=302), data=DOOR_A, note="remove door A"),
    Rule("stories.remove_coauthor", "POST", DRAFT, expect(404, organiser_a=400, coordinator=400, anonymous=302),
         data=DOOR_A, note="not a co-author"),
    # Deleting a draft: its author and moderators (like co-authors); a co-author sees it but may not (403).
    Rule("stories.delete", "GET", DRAFT, MANAGERS, note="draft"),
    Rule("stories.delete", "GET", COWRITTEN, expect(404, organiser_a=200, coordinator=200, door_a=403, anonymous=302),
         note="co-written draft"),
    Rule("stories.delete", "GET", SUBMITTED, expect(404, organiser_a=403, coordinator=403, anonymous=302),
         note="submitted: not a draft"),
    Rule("stories.delete", "GET", PUBLISHED, expect(403, anonymous=302), note="published: unpublish instead"),
    Rule("stories.delete", "POST", DRAFT, expect(404, organiser_a=302, coordinator=302, anonymous=302), note="draft"),
    Rule("stories.delete", "POST", COWRITTEN, expect(404, organiser_a=302, coordinator=302, door_a=403, anonymous=302),
         note="co-written draft"),
    Rule("stories.delete", "POST", PUBLISHED, expect(403, anonymous=302), note="published"),
    Rule("stories.approaches_list", "GET", lambda w: {}, public(301)),  # to network.approaches
]
