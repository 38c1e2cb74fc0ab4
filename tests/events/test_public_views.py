"""The public list, past events and the event page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest

from eventsapp.models import utcnow
from eventsapp.timeutil import to_utc
from tests import factories
from tests.events.dates import autumn_saturday, spring_saturday


class CardTitles(HTMLParser):
    """The titles of the event cards (h2.card-title) on a list page."""

    def __init__(self):
        super().__init__()
        self.titles: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "h2" and "card-title" in (dict(attrs).get("class") or ""):
            self._depth = 1
            self.titles.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._depth = 0

    def handle_data(self, data):
        if self._depth:
            self.titles[-1] += data.strip()


def titles(response) -> list[str]:
    parser = CardTitles()
    parser.feed(response.get_data(as_text=True))
    return parser.titles


def test_upcoming_lists_published_and_cancelled_soonest_first(client, make_event):
    now = utcnow()
    make_event(title="Later", starts_at=now + timedelta(days=20))
    make_event(title="Sooner", starts_at=now + timedelta(days=2))
    make_event(title="Called off", starts_at=now + timedelta(days=5), status="cancelled")
    make_event(title="Secret draft", status="draft")
    make_event(title="Over", starts_at=now - timedelta(days=3))
    response = client.get("/events/")
    assert response.status_code == 200
    assert titles(response) == ["Sooner", "Called off", "Later"]
    html = response.get_data(as_text=True)
    assert "3 events" in html
    assert "Secret draft" not in html


def test_past_lists_ended_events_most_recent_first(client, make_event):
    now = utcnow()
    make_event(title="Long ago", starts_at=now - timedelta(days=300))
    make_event(title="Last week", starts_at=now - timedelta(days=7))
    make_event(title="Past draft", starts_at=now - timedelta(days=7), status="draft")
    make_event(title="Next week", starts_at=now + timedelta(days=7))
    assert titles(client.get("/events/past")) == ["Last week", "Long ago"]


def test_empty_list_is_helpful(client, make_event):
    html = client.get("/events/").get_data(as_text=True)
    assert "0 events" in html and "No upcoming events yet" in html
    make_event(title="Something")
    html = client.get("/events/?q=nothing-matches-this").get_data(as_text=True)
    assert "0 events match your filters" in html and "clear all filters" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "TLD"}, ["North West meeting"]),
        ({"programme": "bridges"}, ["Programme meeting"]),
        ({"q": "KNIFE"}, ["Programme meeting"]),  # case-insensitive, in the description
        ({"q": "100%"}, []),  # LIKE wildcards are literal
        ({"q": "Stockport"}, ["North West meeting"]),  # town
        ({"region": "NOPE", "programme": "unknown", "host": "abc", "month": "2027-13"},
         ["North West meeting", "Programme meeting", "Host meeting"]),  # junk is ignored
    ],
)
def test_filters(client, make_event, make_programme, make_organisation, query, expected):
    now = utcnow().replace(microsecond=0)
    programme = make_programme(slug="bridges")
    make_event(title="North West meeting", region_code="TLD", town="Stockport", starts_at=now + timedelta(days=1))
    make_event(title="Programme meeting", programme=programme, description="Knife crime and trust",
               starts_at=now + timedelta(days=2))
    make_event(title="Host meeting", host=make_organisation("Unique Host"), starts_at=now + timedelta(days=3))
    assert titles(client.get("/events/", query_string=query)) == expected


def test_host_filter_includes_cohosted_events(client, make_event, make_organisation):
    host = make_organisation("Leeds Together")
    make_event(title="Hosted", host=host)
    make_event(title="Co-hosted", cohosts=[host], starts_at=utcnow() + timedelta(days=9))
    make_event(title="Unrelated", starts_at=utcnow() + timedelta(days=10))
    assert titles(client.get("/events/", query_string={"host": host.id})) == ["Hosted", "Co-hosted"]


def test_month_filter_uses_local_month_boundaries(client, make_event):
    year = utcnow().year + 1
    # 00:30 BST on 1 July is 23:30 UTC on 30 June: it belongs to July.
    make_event(title="Just July", starts_at=datetime(year, 6, 30, 23, 30))
    make_event(title="End of June", starts_at=datetime(year, 6, 30, 22, 30))
    assert titles(client.get("/events/", query_string={"month": f"{year}-07"})) == ["Just July"]
    assert titles(client.get("/events/", query_string={"month": f"{year}-06"})) == ["End of June"]


def test_pagination_keeps_the_filters(app, client, make_event):
    app.config["EVENTS_PER_PAGE"] = 2
    now = utcnow()
    for n in range(5):
        make_event(title=f"Leeds {n}", starts_at=now + timedelta(days=n + 1), region_code="TLE")
    make_event(title="Elsewhere", starts_at=now + timedelta(days=1))
    first = client.get("/events/?region=TLE")
    assert titles(first) == ["Leeds 0", "Leeds 1"]
    html = first.get_data(as_text=True)
    assert "5 events match your filters" in html
    assert "/events/?page=2&amp;region=TLE" in html or "/events/?region=TLE&amp;page=2" in html
    assert titles(client.get("/events/?region=TLE&page=3")) == ["Leeds 4"]
    assert titles(client.get("/events/?region=TLE&page=99")) == []
    assert client.get("/events/?page=abc").status_code == 200


@pytest.mark.parametrize("saturday", [spring_saturday, autumn_saturday], ids=["march", "october"])
def test_local_time_is_right_on_both_clock_change_weekends(client, make_event, saturday):
    day = saturday()
    starts = to_utc(datetime(day.year, day.month, day.day, 18, 30))
    event = make_event(title="Clock change", starts_at=starts, hours=2)
    words = f"Saturday {day.day} {day:%B %Y}"
    listing = client.get("/events/").get_data(as_text=True)
    assert f"{words}, 18:30–20:30" in listing
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert words in page and "18:30–20:30" in page


def test_detail_shows_what_a_visitor_needs(client, make_event, make_organisation, make_registration):
    cohost = make_organisation("Sussex Police")
    event = make_event(
        title="Bridges", venue="The Hawth", address="Hawth Avenue", town="Crawley", postcode="RH10 6YZ",
        online_url="https://meet.example.org/bridges", capacity=3, cohosts=[cohost],
        summary="Conversation", description="First paragraph.\n\nSecond **bold** paragraph.",
        themes="Trust\nPolicing", accessibility="Step-free access.",
    )
    make_registration(event)
    make_registration(event, status="waitlisted")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    for text in ("The Hawth", "Hawth Avenue", "RH10 6YZ", "Online", "Sussex Police",
                 event.host.name, "2 places left", "<p>First paragraph.</p>", "<strong>bold</strong>",
                 "<li>Trust</li>", "Step-free access.", "South East"):
        assert text in html, text
    assert "https://meet.example.org/bridges" not in html  # for confirmed registrants only


def test_full_event_says_waitlist(client, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event)
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Full" in html and "waitlist" in html
    assert "places left" not in html


def test_description_markdown_is_sanitised(client, make_event):
    event = make_event(description='Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> '
                                   "[click](javascript:alert(3))")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html


def test_cancelled_event_shows_banner_and_reason(client, make_event):
    event = make_event(status="cancelled", cancel_reason="The venue flooded.")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "This event is cancelled" in html and "The venue flooded." in html


def test_drafts_are_404_to_the_public_and_other_organisations(client, make_event, login_as):
    draft = make_event(status="draft")
    assert client.get(f"/events/{draft.id}").status_code == 404
    login_as("organiser")
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert client.get("/events/999999").status_code == 404


def test_drafts_are_visible_to_their_host(client, make_event, login_as):
    draft = make_event(status="draft", title="Our draft")
    login_as("door", draft.host)
    response = client.get(f"/events/{draft.id}")
    assert response.status_code == 200 and "Draft: only your organisation" in response.get_data(as_text=True)


def test_detail_page_has_no_inline_script_or_style(client, make_event):
    event = make_event()
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and not re.search(r"\son[a-z]+=", html)


def test_dates_in_words_on_the_card(client, make_event):
    event = make_event(starts_at=factories.utcnow() + timedelta(days=3))
    assert event.title in client.get("/events/").get_data(as_text=True)


class CardPlaces(HTMLParser):
    """Each card's title and its "places left" line (the last paragraph of the card body)."""

    def __init__(self):
        super().__init__()
        self.cards: dict[str, str] = {}
        self._title: str | None = None
        self._in_title = False
        self._in_small = False

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "h2" and "card-title" in classes:
            self._in_title, self._title = True, ""
        elif tag == "p" and "card-text small" in classes and self._title is not None:
            self._in_small = True
            self.cards[self._title] = ""

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_title = False
        elif tag == "p":
            self._in_small = False

    def handle_data(self, data):
        if self._in_title:
            self._title += data.strip()
        elif self._in_small:
            self.cards[self._title] += data


def test_list_cards_count_only_confirmed_places(client, make_event, make_registration):
    now = utcnow()
    roomy = make_event(title="Roomy", capacity=10, starts_at=now + timedelta(days=1))
    full = make_event(title="Packed", capacity=2, starts_at=now + timedelta(days=2))
    make_event(title="Open to all", capacity=None, starts_at=now + timedelta(days=3))
    for status in ("confirmed", "confirmed", "confirmed", "waitlisted", "cancelled"):
        make_registration(roomy, status=status)
    for status in ("confirmed", "confirmed", "waitlisted"):
        make_registration(full, status=status)
    parser = CardPlaces()
    parser.feed(client.get("/events/").get_data(as_text=True))
    assert " ".join(parser.cards["Roomy"].split()) == "7 places left"
    assert " ".join(parser.cards["Packed"].split()) == "Full — join the waitlist"
    assert "Open to all" not in parser.cards  # no capacity, no places line
    past = make_event(title="Was roomy", capacity=10, starts_at=now - timedelta(days=3))
    make_registration(past)
    parser = CardPlaces()
    parser.feed(client.get("/events/past").get_data(as_text=True))
    assert "Was roomy" not in parser.cards  # past events show no places


@pytest.mark.parametrize("path", ["/events/", "/events/past"])
def test_a_list_page_is_one_statement_however_many_cards(app, client, db, make_event, make_registration, path):
    from sqlalchemy import event as sa_event

    now = utcnow()
    for n in range(12):
        days = n + 1 if path == "/events/" else -(n + 2)
        event = make_event(title=f"Card {n}", capacity=5, starts_at=now + timedelta(days=days))
        make_registration(event)
    app.config["EVENTS_PER_PAGE"] = 10
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        app.config["FILTER_CHOICES_TTL"] = 60  # kept per process, as in production
        client.get(path)  # loads the filter choices
        statements.clear()
        response = client.get(path)
        last = client.get(path + "?page=2")
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert len(titles(response)) == 10 and len(titles(last)) == 2
    assert "12 events" in response.get_data(as_text=True)
    assert len(statements) == 2, statements  # one per page: cards, total and places together
