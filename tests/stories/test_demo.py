"""After `make run` (seed-demo), an anonymous visitor sees the demo's published stories, never its draft."""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.demo import DEMO_PASSWORD, DEMO_STORIES, DEMO_USERS, seed_demo
from eventsapp.models import Story


def test_demo_stories_are_public_except_the_draft(client, db):
    seed_demo()
    db.session.commit()
    published = [s[1] for s in DEMO_STORIES if s[7] == "published"]
    assert len(published) >= 4 and {s[4] for s in DEMO_STORIES if s[7] == "published"} >= {
        "integration", "bringing_together", "calming_tensions", "countering_extremism"}
    html = client.get("/stories/").get_data(as_text=True)
    for title in published:
        assert title in html
    assert "Shared anonymously" in html
    draft = db.session.scalar(select(Story).where(Story.state == "draft"))
    assert draft.title not in html
    assert client.get(f"/stories/{draft.id}").status_code == 404

    client.post("/auth/login", data={"email": DEMO_USERS["coordinator"], "password": DEMO_PASSWORD})
    payload = client.get("/api/v1/reports?programme=good-relations-convening").get_json()
    featured = [s[1] for s in DEMO_STORIES if s[9]]
    assert sorted(s["title"] for s in payload["stories"]) == sorted(featured)


def test_seed_demo_gives_two_stories_co_authors_from_their_authors_own_organisation(runner, db, client):
    """Co-authors come from the author's organisations (the rule add_coauthor keeps): a synthetic colleague
    at the demo organiser's host co-writes the published mural story and, with the door volunteer, the draft."""
    from sqlalchemy import func

    from eventsapp.demo import DEMO_COAUTHORS
    from eventsapp.models import Membership, StoryChange, StoryCoauthor, User

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    rows = db.session.execute(select(Story.title, Story.state, Story.author_id, User)
                              .join(StoryCoauthor, StoryCoauthor.story_id == Story.id)
                              .join(User, User.id == StoryCoauthor.user_id)
                              .order_by(Story.id, StoryCoauthor.id)).all()
    written = {}
    for title, state, author_id, user in rows:
        written.setdefault((title, state), []).append(user.email)
        author_organisations = set(db.session.scalars(select(Membership.organisation_id)
                                                      .where(Membership.user_id == author_id)))
        assert author_organisations & {m.organisation_id for m in user.memberships}, (title, user.email)
        assert user.id != author_id and user.email.endswith("@example.org")
    colleague = db.session.scalar(select(User).where(User.email.not_in(list(DEMO_USERS.values()))))
    assert colleague is not None and colleague.name and colleague.password_hash is None
    assert written == {("A mural that three estates painted together", "published"): [colleague.email],
                       ("Notes on our community iftar (draft)", "draft"): [colleague.email, DEMO_USERS["door"]]}
    assert set(DEMO_COAUTHORS) == {title for title, _state in written}
    # Each invitation is in the story's history, as add_coauthor logs it.
    assert db.session.scalar(select(func.count()).select_from(StoryChange)
                             .where(StoryChange.note.like("Co-author added: %"))) == 3

    # The door volunteer signs in and finds the draft they co-write (nobody else but moderators can).
    draft = db.session.scalar(select(Story).where(Story.state == "draft"))
    client.post("/auth/login", data={"email": DEMO_USERS["door"], "password": DEMO_PASSWORD})
    page = client.get(f"/stories/{draft.id}")
    assert page.status_code == 200 and f"with {colleague.name}, Demo door" in page.get_data(as_text=True)
