"""Access rules for stories (/stories): public when published; drafts and submitted stories only
for their author (organiser A) and the programme's coordinator, a uniform 404 for everyone else."""

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
    from eventsapp.models import Approach, Organisation, Programme, Story, StoryChange, User
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
    Rule("stories.approaches_list", "GET", lambda w: {}, public(301)),  # to network.approaches
]
