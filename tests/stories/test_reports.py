"""Chosen published stories appear in the programme and event reports: page, PDF and JSON."""

from __future__ import annotations

import io

import pypdf
import pytest
from sqlalchemy import select

from eventsapp.models import Event, Programme, utcnow
from eventsapp.reports.pdf import story_paragraphs
from eventsapp.timeutil import to_local
from tests import factories
from tests.stories.conftest import make_story


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def stories(db, world):
    event = db.session.scalars(select(Event).where(Event.host_organisation_id == world.host.id)).one()
    other_programme = db.session.scalar(select(Programme).where(Programme.slug == "other-programme"))
    return {
        "named": make_story(world, title="The mural of three estates", event=event, featured_in_report=True,
                            body="First paragraph of the mural.\n\n- forty young people\n- twelve volunteers"),
        "anonymous": make_story(world, title="Quiet listening circles", attribution="anonymous",
                                attributed_organisation=None, featured_in_report=True,
                                body="Nobody is named here."),
        "not_chosen": make_story(world, title="A published story not chosen"),
        "submitted": make_story(world, state="submitted", title="A submitted story"),
        "draft": make_story(world, state="draft", title="A draft story"),
        "elsewhere": make_story(world, programme=other_programme, title="A story of another programme",
                                featured_in_report=True),
        "event": event,
    }


def test_programme_report_pdf_has_the_stories_section_after_the_summary(client, db, world, stories, sign_in):
    sign_in(world.coordinator)
    response = client.get("/reports/report.pdf?programme=stories-programme")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = flat(pdf_text(response.data))
    assert "Stories from the programme" not in flat(reader.pages[0].extract_text())  # page 1: the cover
    section = text.index("Stories from the programme")
    assert text.index("Executive summary") < section < text.index("Sectors")
    assert text.index("The mural of three estates") > section
    assert f"The mural of three estates {world.host.name} · South East, Crawley" in text
    assert "People met across a difference." in text  # each story short: its title and summary
    assert "First paragraph of the mural." not in text and "forty young people" not in text
    assert "Quiet listening circles Shared anonymously" in text
    for absent in ("A published story not chosen", "A submitted story", "A draft story",
                   "A story of another programme"):
        assert absent not in text


def test_programme_report_json_lists_the_same_stories(client, db, world, stories, sign_in):
    sign_in(world.coordinator)
    payload = client.get("/api/v1/reports?programme=stories-programme").get_json()
    assert [(s["title"], s["attribution"]) for s in payload["stories"]] == [
        ("The mural of three estates", world.host.name), ("Quiet listening circles", "Shared anonymously")]
    named = payload["stories"][0]
    assert named["event_id"] == stories["event"].id and named["approaches"] == ["Arts"]
    assert named["url"].endswith(f"/stories/{stories['named'].id}")
    page = client.get("/reports/?programme=stories-programme").get_data(as_text=True)
    assert "The mural of three estates" in page and "A published story not chosen" not in page


def test_event_report_carries_the_stories_told_there(client, db, world, stories, sign_in):
    sign_in(world.organiser)
    event = stories["event"]
    html = client.get(f"/reports/events/{event.id}").get_data(as_text=True)
    assert "The mural of three estates" in html and "Quiet listening circles" not in html
    text = flat(pdf_text(client.get(f"/reports/events/{event.id}/report.pdf").data))
    assert "Stories from the programme" in text and "The mural of three estates" in text
    assert "First paragraph of the mural." in text and "• forty young people" in text  # in full for attendees
    assert "Quiet listening circles" not in text


def test_unpublishing_takes_a_story_out_of_reports(client, db, world, stories, sign_in):
    sign_in(world.coordinator)
    client.post(f"/stories/{stories['named'].id}/unpublish")
    payload = client.get("/api/v1/reports?programme=stories-programme").get_json()
    assert [s["title"] for s in payload["stories"]] == ["Quiet listening circles"]


def test_a_host_report_has_only_stories_involving_the_host(client, db, world, stories, sign_in):
    sign_in(world.organiser)
    payload = client.get(f"/api/v1/reports?host={world.host.id}").get_json()
    titles = [s["title"] for s in payload["stories"]]
    assert "The mural of three estates" in titles and "A story of another programme" in titles
    other = factories.make_organisation("Gamma Housing")
    make_story(world, title="Gamma's own story", attributed_organisation=other, featured_in_report=True)
    payload = client.get(f"/api/v1/reports?host={world.host.id}").get_json()
    assert "Gamma's own story" not in [s["title"] for s in payload["stories"]]


def test_a_date_range_selects_stories_by_their_event_or_publication(client, db, world, stories, sign_in):
    sign_in(world.coordinator)
    day = to_local(stories["event"].starts_at).date()  # the event's own day (not +1 hour: past midnight, the next)
    payload = client.get(f"/api/v1/reports?programme=stories-programme&from={day}&to={day}").get_json()
    assert [s["title"] for s in payload["stories"]] == ["The mural of three estates"]
    today = utcnow().date()
    payload = client.get(f"/api/v1/reports?programme=stories-programme&from={today}").get_json()
    assert [s["title"] for s in payload["stories"]] == ["Quiet listening circles"]


def test_story_paragraphs_are_plain_and_safe():
    paragraphs = story_paragraphs("# Heading\n\nSome *text* & <script>x()</script> more\n\n1. one\n2. two")
    assert paragraphs[0] == "Heading"
    assert "Some text & more" in paragraphs[1] and "<" not in "".join(paragraphs)
    assert paragraphs[-2:] == ["• one", "• two"]
