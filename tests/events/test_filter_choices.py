"""The public list's filter selects: pre-rendered options, cached per process, reloaded when stale."""

from __future__ import annotations

from datetime import timedelta

from wtforms import Form, SelectField

from eventsapp.caching import process_cache
from eventsapp.events.forms import render_options
from eventsapp.events.services import publish_event
from eventsapp.events.views import PAGE_CACHE, PAGE_CACHE_SIZE
from eventsapp.models import utcnow
from tests.events.test_public_views import titles


def wtforms_select(name, blank, pairs, data):
    class Plain(Form):
        pass

    setattr(Plain, name, SelectField(name.title()))
    form = Plain()
    field = getattr(form, name)
    field.choices = [("", blank), *pairs]
    field.data = data
    return str(field(class_="form-select"))


def test_host_select_matches_wtforms_and_marks_the_chosen_host(client, make_event, make_organisation):
    tricky = make_organisation('Bridges & "Friends" <Leeds>')
    other = make_organisation("Crawley Partnership")
    make_event(title="One", host=tricky, starts_at=utcnow() + timedelta(days=1))
    make_event(title="Two", host=other, starts_at=utcnow() + timedelta(days=2))
    html = client.get("/events/", query_string={"host": tricky.id}).get_data(as_text=True)
    pairs = sorted([(str(tricky.id), tricky.name), (str(other.id), other.name)], key=lambda p: p[1])
    assert wtforms_select("host", "Any host", pairs, str(tricky.id)) in html
    assert html.count("<option selected") == 1
    assert "Bridges &amp; &#34;Friends&#34; &lt;Leeds&gt;" in html
    html = client.get("/events/").get_data(as_text=True)
    assert wtforms_select("host", "Any host", pairs, None) in html and "<option selected" not in html


def test_host_choices_are_organisations_hosting_public_events(client, make_event, make_organisation):
    public = make_organisation("Hosts a published event")
    drafting = make_organisation("Only a draft")
    make_organisation("Hosts nothing")
    make_event(title="Published", host=public)
    make_event(title="Draft", host=drafting, status="draft")
    html = client.get("/events/").get_data(as_text=True)
    assert "Hosts a published event" in html
    assert "Only a draft" not in html and "Hosts nothing" not in html


def test_cached_choices_reload_for_an_unknown_value_and_on_publish(app, client, db, make_event, make_organisation):
    app.config["FILTER_CHOICES_TTL"] = 3600
    first = make_organisation("First host")
    make_event(title="First", host=first, starts_at=utcnow() + timedelta(days=1))
    assert "First host" in client.get("/events/").get_data(as_text=True)

    later = make_organisation("Later host")
    make_event(title="Later", host=later, starts_at=utcnow() + timedelta(days=2))
    html = client.get("/events/").get_data(as_text=True)
    assert ">Later host</option>" not in html  # cached for the TTL
    # ... but a link filtering by the new host works at once (the miss reloads the choices).
    html = client.get("/events/", query_string={"host": later.id}).get_data(as_text=True)
    assert f'<option selected value="{later.id}">Later host</option>' in html
    assert "1 event match your filters" in html

    draft_host = make_organisation("Draft host")
    draft = make_event(title="Draft", host=draft_host, status="draft", starts_at=utcnow() + timedelta(days=3))
    assert "Draft host" not in client.get("/events/").get_data(as_text=True)
    publish_event(draft)  # this process forgets its cached choices
    db.session.commit()
    assert ">Draft host</option>" in client.get("/events/").get_data(as_text=True)


def test_render_options_escapes():
    assert render_options("Any", [("a&b", "<b>")]) == (
        '<option value="">Any</option><option value="a&amp;b">&lt;b&gt;</option>'
    )


def test_anonymous_list_pages_are_shared_briefly(app, client, db, make_event):
    app.config["EVENT_LIST_CACHE_SECONDS"] = 3600
    first = make_event(title="First", starts_at=utcnow() + timedelta(days=1))
    assert titles(client.get("/events/")) == ["First"]
    make_event(title="Second", starts_at=utcnow() + timedelta(days=2))
    assert titles(client.get("/events/")) == ["First"]  # the shared page, within the TTL
    assert titles(client.get("/events/?page=1")) == ["First", "Second"]  # another query string
    publish_event(first)  # an event change in this process empties its cache
    db.session.commit()
    assert titles(client.get("/events/")) == ["First", "Second"]


def test_signed_in_visitors_get_a_fresh_page(app, client, make_event, login_as):
    app.config["EVENT_LIST_CACHE_SECONDS"] = 3600
    event = make_event(title="First", starts_at=utcnow() + timedelta(days=1))
    assert titles(client.get("/events/")) == ["First"]
    make_event(title="Second", starts_at=utcnow() + timedelta(days=2))
    login_as("organiser", event.host)
    assert titles(client.get("/events/")) == ["First", "Second"]


def test_the_page_cache_is_bounded(app, client, make_event):
    app.config["EVENT_LIST_CACHE_SECONDS"] = 3600
    make_event(title="First")
    for n in range(PAGE_CACHE_SIZE + 5):
        client.get("/events/", query_string={"q": f"search {n}"})
    with app.app_context():
        assert len(process_cache(PAGE_CACHE, max_entries=PAGE_CACHE_SIZE, ttl=3600)) == PAGE_CACHE_SIZE
