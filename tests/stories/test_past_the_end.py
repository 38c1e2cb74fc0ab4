"""/stories/?page=2 with one page of stories: "No page 2", not "No stories published yet"."""

from __future__ import annotations

import re

from tests.stories.conftest import make_story


def test_a_stories_page_past_the_end_does_not_say_there_are_none(client, world):
    make_story(world, title="The one story")
    html = client.get("/stories/?page=2").get_data(as_text=True)
    assert "No stories published yet" not in html
    shown = " ".join(re.sub(r"<[^>]+>", "", re.search(r'id="past-the-end">(.*?)</div>', html, re.S).group(1)).split())
    assert shown == "No page 2 Everything here fits on one page: go to page 1."
    assert "The one story" in client.get("/stories/").get_data(as_text=True)
