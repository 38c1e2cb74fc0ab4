"""Writing, moderating and reading stories: who sees and does what, and the public list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsapp.models import Event, Story, StoryChange
from tests.stories.conftest import approach, make_story


def story_form_data(world, **overrides) -> dict:
    data = {
        "title": "A story from the test", "summary": "Neighbours met.", "body": "They met.\n\nThey stayed.",
        "kind_of_work": "integration", "approaches": [approach("Sport").id, approach("Dialogue").id],
        "differences": ["age", "faith"], "organisations": [world.host.id], "region": world.host.id and 8,
        "place": "Crawley", "event": 0, "programme": world.programme.id, "attribution": "organisation",
        "attributed_organisation": world.host.id, "consent_confirmed": "y", "save": "Save draft",
    }
    from tests import factories

    data["region"] = factories.region("TLJ").id
    data.update(overrides)
    return data


def test_an_organiser_writes_a_draft_then_submits_it_and_a_coordinator_publishes_it(client, db, world, sign_in):
    sign_in(world.organiser)
    response = client.post("/stories/new", data=story_form_data(world))
    assert response.status_code == 302
    story = db.session.scalars(select(Story)).one()
    assert (story.state, story.author_id, story.kind_of_work) == ("draft", world.organiser.id, "integration")
    assert {a.name for a in story.approaches} == {"Sport", "Dialogue"}
    assert story.difference_codes == ["faith", "age"]
    assert client.get(f"/stories/{story.id}").status_code == 200

    assert client.post(f"/stories/{story.id}/submit", data={"note": "Ready"}).status_code == 302
    assert client.post(f"/stories/{story.id}/publish").status_code == 403  # authors do not publish
    sign_in(None)
    assert client.get(f"/stories/{story.id}").status_code == 404  # submitted: not public

    sign_in(world.coordinator)
    assert client.post(f"/stories/{story.id}/publish", data={"note": "Lovely"}).status_code == 302
    db.session.expire_all()
    assert story.state == "published" and story.published_at is not None
    log = db.session.scalars(select(StoryChange).where(StoryChange.story_id == story.id)
                             .order_by(StoryChange.id)).all()
    assert [(c.from_state, c.to_state, c.user_id, c.note) for c in log] == [
        (None, "draft", world.organiser.id, "Written"),
        ("draft", "submitted", world.organiser.id, "Ready"),
        ("submitted", "published", world.coordinator.id, "Lovely"),
    ]
    sign_in(None)
    assert client.get(f"/stories/{story.id}").status_code == 200

    sign_in(world.coordinator)
    assert client.post(f"/stories/{story.id}/unpublish", data={"note": "Names to check"}).status_code == 302
    db.session.expire_all()
    assert story.state == "draft" and story.published_at is None
    sign_in(None)
    assert client.get(f"/stories/{story.id}").status_code == 404


def test_publishing_twice_publishes_once(client, db, world, sign_in):
    story = make_story(world, state="submitted")
    sign_in(world.coordinator)
    client.post(f"/stories/{story.id}/publish")
    response = client.post(f"/stories/{story.id}/publish", follow_redirects=True)
    assert "cannot be publish" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(StoryChange.id)).where(
        StoryChange.story_id == story.id, StoryChange.to_state == "published")) == 1


def test_submitting_without_consent_is_refused_at_the_field(client, db, world, sign_in):
    sign_in(world.organiser)
    data = story_form_data(world, consent_confirmed="", save_and_submit="Save and submit for publication")
    data.pop("save")
    response = client.post("/stories/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="consent_confirmed-error"' in html and "agreed, before submitting" in html
    assert db.session.scalar(select(db.func.count(Story.id))) == 0


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"title": ""}, "title", "Give the story a title."),
    ({"kind_of_work": ""}, "kind_of_work", "Choose the kind of work"),
    ({"approaches": []}, "approaches", "Choose at least one approach."),
    ({"programme": 0}, "programme", "Choose the programme"),
    ({"attributed_organisation": 0}, "attributed_organisation", "Choose the organisation to credit"),
    ({"region": 0}, "region", "Choose the region"),
    ({"event": 999999}, "event", "Choose one of your events"),
])
def test_bad_input_comes_back_with_the_message_at_the_field(client, db, world, sign_in, overrides, field, message):
    sign_in(world.organiser)
    response = client.post("/stories/new", data=story_form_data(world, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in html and message in html
    assert "Neighbours met." in html  # the user's input is kept
    assert db.session.scalar(select(db.func.count(Story.id))) == 0


def test_an_organiser_cannot_credit_another_organisation(client, db, world, sign_in):
    sign_in(world.organiser)
    response = client.post("/stories/new", data=story_form_data(world, attributed_organisation=world.other_host.id))
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count(Story.id))) == 0


def test_an_anonymous_story_names_no_organisation(client, db, world, sign_in):
    event = db.session.scalars(select(Event).where(Event.host_organisation_id == world.host.id)).one()
    story = make_story(world, attribution="anonymous", attributed_organisation=None, title="Quiet work",
                       event=event)
    story.organisations = [world.host]
    db.session.commit()
    for page in (f"/stories/{story.id}", "/stories/", "/stories/feed.atom"):
        html = client.get(page).get_data(as_text=True)
        assert "Shared anonymously" in html
        assert world.host.name not in html and event.title not in html, page


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_unpublished_stories_are_404_to_everyone_but_author_and_moderators(client, db, world, sign_in, state):
    story = make_story(world, state=state, title="Secret draft title", body="A visit to Zanzibar")
    expected = {world.organiser: 200, world.coordinator: 200, world.other_organiser: 404,
                world.other_coordinator: 404, None: 404}
    for user, status in expected.items():
        sign_in(user)
        assert client.get(f"/stories/{story.id}").status_code == status, user
        found = client.get("/stories/?q=Zanzibar").get_data(as_text=True)
        assert "Secret draft title" not in found and "No stories match these filters" in found
        assert "Secret draft" not in client.get("/stories/feed.atom").get_data(as_text=True)


def test_only_moderators_feature_and_only_published_stories(client, db, world, sign_in):
    story = make_story(world)
    sign_in(world.organiser)
    assert client.post(f"/stories/{story.id}/feature", data={"featured": "1"}).status_code == 403
    sign_in(world.other_coordinator)
    assert client.post(f"/stories/{story.id}/feature", data={"featured": "1"}).status_code == 403
    sign_in(world.coordinator)
    assert client.post(f"/stories/{story.id}/feature", data={"featured": "1"}).status_code == 302
    db.session.expire_all()
    assert story.featured_in_report
    draft = make_story(world, state="submitted")
    client.post(f"/stories/{draft.id}/feature", data={"featured": "1"})
    db.session.expire_all()
    assert not draft.featured_in_report


def test_authors_edit_until_published_moderators_always(client, db, world, sign_in):
    story = make_story(world, state="draft")
    sign_in(world.organiser)
    assert client.get(f"/stories/{story.id}/edit").status_code == 200
    response = client.post(f"/stories/{story.id}/edit", data=story_form_data(world, title="Renamed"))
    assert response.status_code == 302
    db.session.expire_all()
    assert story.title == "Renamed"
    published = make_story(world, state="published")
    assert client.get(f"/stories/{published.id}/edit").status_code == 403
    sign_in(world.other_organiser)
    assert client.get(f"/stories/{story.id}/edit").status_code == 404
    sign_in(world.coordinator)
    assert client.get(f"/stories/{published.id}/edit").status_code == 200


def test_the_moderation_queue_lists_submitted_stories_of_my_programmes(client, db, world, sign_in):
    make_story(world, state="submitted", title="Waiting for review")
    make_story(world, state="draft", title="Still a draft")
    sign_in(world.coordinator)
    html = client.get("/stories/moderation").get_data(as_text=True)
    assert "Waiting for review" in html and "Still a draft" not in html
    sign_in(world.other_coordinator)
    assert "Waiting for review" not in client.get("/stories/moderation").get_data(as_text=True)
    sign_in(world.organiser)
    assert client.get("/stories/moderation").status_code == 403


def test_the_approaches_list_has_one_page_and_stories_offer_what_it_holds(client, db, world, sign_in):
    sign_in(world.coordinator)
    moved = client.get("/stories/approaches")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/network/approaches")
    assert 'href="/network/approaches"' in client.get("/stories/moderation").get_data(as_text=True)
    assert client.post("/network/approaches", data={"name": "Food and cooking"}).status_code == 302
    added = approach("Food and cooking")
    assert f'value="{added.id}"' in client.get("/stories/new").get_data(as_text=True)
    response = client.post("/network/approaches", data={"name": "arts"})
    assert response.status_code == 422 and "already in the list" in response.get_data(as_text=True)
    sign_in(world.organiser)
    assert client.post("/network/approaches", data={"name": "Gardening"}).status_code == 403


def test_public_list_filters_search_and_pages(app, client, db, world):
    make_story(world, title="Mural in Crawley", kind_of_work="bringing_together", region_code="TLJ")
    make_story(world, title="Football in Oldham", kind_of_work="integration", region_code="TLD",
               approaches=[approach("Sport")], body="Five-a-side every Tuesday")
    make_story(world, state="draft", title="Draft in Oldham", region_code="TLD")

    def titles(query: str) -> list[str]:
        html = client.get(f"/stories/{query}").get_data(as_text=True)
        return [t for t in ("Mural in Crawley", "Football in Oldham", "Draft in Oldham") if t in html]

    assert titles("") == ["Mural in Crawley", "Football in Oldham"]
    assert titles("?region=TLD") == ["Football in Oldham"]
    assert titles("?kind=bringing_together") == ["Mural in Crawley"]
    assert titles(f"?approach={approach('Sport').id}") == ["Football in Oldham"]
    assert titles("?programme=stories-programme") == ["Mural in Crawley", "Football in Oldham"]
    assert titles("?q=tuesday") == ["Football in Oldham"]  # the body is searched, case-insensitively
    assert titles("?q=100%25") == []
    assert titles("?region=NOPE&kind=nope&approach=x") == ["Mural in Crawley", "Football in Oldham"]
    html = client.get("/stories/?q=nothing-like-this").get_data(as_text=True)
    assert "No stories match these filters" in html

    app.config["STORIES_PER_PAGE"] = 1
    first, second = client.get("/stories/").get_data(as_text=True), client.get("/stories/?page=2").get_data(as_text=True)
    assert ("Football in Oldham" in first) != ("Football in Oldham" in second)
    assert 'aria-label="Page 2"' in first


def test_the_empty_list_says_what_stories_are(client, db):
    html = client.get("/stories/").get_data(as_text=True)
    assert "No stories published yet" in html


def test_a_held_events_manage_page_invites_stories_prefilled(client, db, world, sign_in):
    event = db.session.scalars(select(Event).where(Event.host_organisation_id == world.host.id)).one()
    sign_in(world.organiser)
    html = client.get(f"/events/{event.id}/manage").get_data(as_text=True)
    assert f"/stories/new?event={event.id}" in html
    form = client.get(f"/stories/new?event={event.id}").get_data(as_text=True)
    assert f'<option selected value="{event.id}">' in form
    future = Event(host=world.host, programme=world.programme, region=event.region, title="Later",
                   starts_at=event.starts_at.replace(year=event.starts_at.year + 2),
                   ends_at=event.ends_at.replace(year=event.ends_at.year + 2), status="published")
    db.session.add(future)
    db.session.commit()
    assert "/stories/new?event=" not in client.get(f"/events/{future.id}/manage").get_data(as_text=True)


def test_a_door_volunteer_cannot_write(client, db, world, sign_in):
    from tests import factories

    door = factories.make_user(role="door", organisation=world.host)
    sign_in(door)
    assert client.get("/stories/new").status_code == 403


def test_control_characters_are_refused_at_the_field_and_ignored_in_search(client, db, world, sign_in):
    sign_in(world.organiser)
    response = client.post("/stories/new", data=story_form_data(world, title="Bad\x00title"))
    assert response.status_code == 400
    assert 'id="title-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Story.id))) == 0
    make_story(world, title="Findable story")
    assert "Findable story" in client.get("/stories/?q=Findable%07").get_data(as_text=True)
    # NUL in a query string is refused for the whole site before any view runs (eventsapp.forms).
    assert client.get("/stories/?q=Findable%00").status_code == 400


def test_submitting_emails_the_coordinators_and_publishing_emails_the_author(app, client, db, world, sign_in):
    from tests.auth.mailbox import body, messages, messages_to

    story = make_story(world, state="draft", title="Mail-worthy story", consent_confirmed=True)
    sign_in(world.organiser)
    client.post(f"/stories/{story.id}/submit")
    sent = messages(app)
    assert [(m["To"], m["Subject"]) for m in sent] == [(world.coordinator.email, "Story to review: Mail-worthy story")]
    assert f"/stories/{story.id}" in body(sent[0])
    sign_in(world.coordinator)
    client.post(f"/stories/{story.id}/publish", data={"note": "Well told"})
    to_author = messages_to(app, world.organiser.email)
    assert [m["Subject"] for m in to_author] == ["Your story: Mail-worthy story"]
    assert "has been published" in body(to_author[0]) and "Well told" in body(to_author[0])
    assert len(messages(app)) == 2


def test_a_directory_profile_lists_the_organisations_published_named_stories(client, world):
    from tests.network.conftest import make_profile

    profile = make_profile(world.host)
    make_story(world, title="Named and published")
    make_story(world, title="Told anonymously", attribution="anonymous", attributed_organisation=None)
    make_story(world, state="submitted", title="Still waiting")
    make_story(world, title="Another host's", attributed_organisation=world.other_host)
    html = client.get(f"/network/{profile.slug}").get_data(as_text=True)
    assert "Named and published" in html
    assert not any(title in html for title in ("Told anonymously", "Still waiting", "Another host&#39;s"))


def test_a_draft_saved_without_consent_is_submitted_from_its_page_by_ticking_the_box(client, db, world, sign_in):
    """The story page asks for the consent the draft lacks, beside its submit button (it used to refuse
    the submit with no box to tick)."""
    sign_in(world.organiser)
    assert client.post("/stories/new", data=story_form_data(world, consent_confirmed="")).status_code == 302
    story = db.session.scalars(select(Story)).one()
    page = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert 'name="consent_confirmed"' in page and "agreed to be named in it" in page

    refused = client.post(f"/stories/{story.id}/submit", data={"note": "Ready"}, follow_redirects=True)
    assert "Tick to confirm that the people and groups named agreed" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert (story.state, story.consent_confirmed) == ("draft", False)

    assert client.post(f"/stories/{story.id}/submit",
                       data={"note": "Ready", "consent_confirmed": "y"}).status_code == 302
    db.session.expire_all()
    assert (story.state, story.consent_confirmed) == ("submitted", True)
    assert 'name="consent_confirmed"' not in client.get(f"/stories/{story.id}").get_data(as_text=True)

