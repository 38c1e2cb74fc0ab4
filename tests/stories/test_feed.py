"""The Atom feed: well-formed, published stories only, newest first, bodies sanitised."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

from eventsapp.models import utcnow
from tests.stories.conftest import make_story

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_lists_published_stories_newest_first(client, db, world):
    now = utcnow().replace(microsecond=0)
    make_story(world, title="Older story", published_at=now - timedelta(days=3))
    make_story(world, title="Newer story", published_at=now - timedelta(days=1),
               body="Hello <script>alert(1)</script> **bold** [x](javascript:alert(1))")
    make_story(world, state="submitted", title="Submitted story")
    make_story(world, state="draft", title="Draft story")
    make_story(world, title="Anonymous story", attribution="anonymous", attributed_organisation=None,
               published_at=now - timedelta(days=5))

    response = client.get("/stories/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)  # noqa: S314 (our own output, in a test)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}id").text.endswith("/stories/")
    assert feed.find(f"{ATOM}updated").text == (now - timedelta(days=1)).isoformat() + "Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer story", "Older story", "Anonymous story"]
    newer = entries[0]
    link = newer.find(f"{ATOM}link").get("href")
    assert client.get(link.replace("http://localhost", "")).status_code == 200
    assert newer.find(f"{ATOM}author/{ATOM}name").text == world.host.name
    assert entries[2].find(f"{ATOM}author/{ATOM}name").text == "Shared anonymously"
    content = newer.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<strong>bold</strong>" in content.text
    assert "<script" not in content.text and "javascript:" not in content.text
    assert all(e.find(f"{ATOM}id").text for e in entries)


def test_an_empty_feed_is_still_valid(client, db):
    feed = ET.fromstring(client.get("/stories/feed.atom").data)  # noqa: S314 (our own output)
    assert feed.findall(f"{ATOM}entry") == [] and feed.find(f"{ATOM}updated").text.endswith("Z")
