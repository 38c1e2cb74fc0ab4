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
