"""Walkthrough findings 10 and 8: the story form marks every field its Save draft needs as required, and
its programme hint says the event fills it in; the co-author hint says whom the list holds (the author's
organisations, as coauthor_candidates and the README say)."""

from __future__ import annotations

import re

from tests import factories
from tests.stories.conftest import make_story


def _legend_or_label(html: str, field: str) -> str:
    match = (re.search(rf'<fieldset[^>]*id="{field}"[^>]*>\s*<legend[^>]*>(.*?)</legend>', html, re.S)
             or re.search(rf'<label[^>]*for="{field}"[^>]*>.*?</label>(.*?)\n', html, re.S))
    assert match, field
    return match.group(0)


def test_the_story_form_marks_approaches_and_programme_required_and_explains_the_programme(client, db, world,
                                                                                          sign_in):
    sign_in(world.organiser)
    html = client.get("/stories/new").get_data(as_text=True)
    assert "Fields marked * are required" in html
    for field in ("title", "kind_of_work", "approaches", "programme"):
        assert 'aria-hidden="true">*</span>' in _legend_or_label(html, field), field
    assert 'aria-hidden="true">*</span>' not in _legend_or_label(html, "differences")
    assert re.search(r'<select[^>]*id="programme"[^>]*required', html)
    assert "Filled in from the event when you choose one" in html


def test_the_coauthor_hint_names_only_the_authors_organisations(client, db, world, sign_in):
    story = make_story(world, state="draft")
    factories.make_user(role="door", organisation=world.host, email="door.hint@example.org")
    sign_in(world.organiser)
    html = client.get(f"/stories/{story.id}/coauthors").get_data(as_text=True)
    assert "Members of the author’s organisations." in html
    assert "involved in the story" not in html
