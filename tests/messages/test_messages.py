"""Messages to registrants (issue 19): audiences counted exactly, preview and test send, the
outbox, one-click unsubscribe (RFC 8058) and bad input; mail goes to a real SMTP sink."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from eventsapp.messages.audiences import Scope, count_recipients
from eventsapp.messages.emails import unsubscribe_token
from eventsapp.messages.services import send_message
from eventsapp.models import Message, NetworkUnsubscribe, OutboxMessage, Registration
from tests import factories
from tests.smtp import free_port


def addresses(messages) -> list[str]:
    return sorted(m["To"].addresses[0].addr_spec for m in messages)


def emails(*people) -> list[str]:
    return sorted(p.email for p in people)


def compose(client, url: str, action: str, **fields):
    data = {"audience": "confirmed", "subject": "Parking at the venue", "body_format": "plain",
            "body": "The car park is closed.\n\nPlease come by bus.", "action": action, **fields}
    return client.post(url, data=data)


def count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("audience", "expected"), [
    ("confirmed", ("ben", "dot", "hal")),
    ("waitlisted", ("eve",)),
    ("attended", ("ben",)),
    ("no_show", ("dot", "hal")),
])
def test_an_event_message_reaches_exactly_its_audience(app, db, client, login_as, smtp, programme_world,
                                                       audience, expected):
    world = programme_world
    login_as("organiser", world.host)
    url = f"/events/{world.event2.id}/messages/new"
    response = compose(client, url, "send", audience=audience, subject=f"To the {audience}")
    assert response.status_code == 302
    message = db.session.scalars(select(Message)).one()
    assert (message.audience, message.recipients_count, message.event_id) == (audience, len(expected), world.event2.id)
    assert message.sender_name and message.sent_at is not None
    assert addresses(smtp.parsed()) == emails(*(getattr(world.people, name) for name in expected))
    for received in smtp.parsed():
        assert received["Subject"] == f"To the {audience}"
        assert "List-Unsubscribe" not in received  # an event's own registrants: not a mailing list
        assert "Please come by bus." in received.get_body(preferencelist=("plain",)).get_content()
    # One outbox row per recipient, all sent; the message is listed on the event's manage page.
    assert count(db, OutboxMessage) == len(expected)
    page = client.get(f"/events/{world.event2.id}/manage").get_data(as_text=True)
    assert f"To the {audience}" in page and f"{len(expected)} recipient" in page
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_programme_message_reaches_only_consenting_attendees_once_each(app, db, client, login_as, smtp,
                                                                         programme_world):
    world, people = programme_world, programme_world.people
    login_as("coordinator", world.coordinating)
    url = f"/programmes/{world.programme.slug}/messages/new"
    preview = compose(client, url, "preview", audience="network", subject="Network news")
    assert preview.status_code == 200
    assert "3 people" in preview.get_data(as_text=True)
    response = compose(client, url, "send", audience="network", subject="Network news")
    assert response.status_code == 302
    message = db.session.scalars(select(Message)).one()
    assert (message.programme_id, message.event_id, message.recipients_count) == (world.programme.id, None, 3)
    received = smtp.parsed()
    assert addresses(received) == emails(people.ada, people.ben, people.eve)
    for mail in received:
        # RFC 2369 / RFC 8058: one HTTPS URL in angle brackets, and the one-click marker.
        (url_value,) = re.fullmatch(r"<([^<>]+)>", str(mail["List-Unsubscribe"]).strip()).groups()
        assert urlsplit(url_value).scheme == "https"
        assert urlsplit(url_value).path.startswith("/messages/unsubscribe/")
        assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
        assert url_value in mail.get_body(preferencelist=("plain",)).get_content()
    page = client.get(f"/programmes/{world.programme.slug}").get_data(as_text=True)
    assert "Network news" in page and "3 recipients" in page


def unsubscribe_path(mail) -> str:
    url_value = str(mail["List-Unsubscribe"]).strip().strip("<>")
    return urlsplit(url_value).path


def first_news_to_ada(app, db, smtp, world):
    """A coordinator sends the programme's network a message; the coordinator, the scope and the
    path of the unsubscribe link in Ada's copy."""
    coordinator = factories.make_user("coordinator", world.coordinating)
    scope = Scope(programme=world.programme)
    with app.test_request_context():
        send_message(scope, "network", "First news", "Hello", "plain", coordinator, "http://localhost")
        db.session.commit()
    (to_ada,) = smtp.to(world.people.ada.email)
    return coordinator, scope, unsubscribe_path(to_ada)


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_one_click_unsubscribe_works_without_session_or_csrf_for_that_address_only(app, db, smtp, programme_world):
    world, people = programme_world, programme_world.people
    coordinator, scope, path = first_news_to_ada(app, db, smtp, world)
    anonymous = app.test_client()

    # The confirmation page (GET) changes nothing and offers a button.
    page = anonymous.get(path)
    assert page.status_code == 200 and "<button" in page.get_data(as_text=True)
    assert count(db, NetworkUnsubscribe) == 0
    # A forged or altered link does nothing.
    assert anonymous.post(path[:-3] + "abc", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert anonymous.post("/messages/unsubscribe/nonsense").status_code == 404
    assert count(db, NetworkUnsubscribe) == 0

    # What a mail provider sends (RFC 8058): a POST with that body, no cookie, no CSRF token.
    response = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.get_data(as_text=True)
    assert db.session.scalars(select(NetworkUnsubscribe.person_id)).all() == [people.ada.id]
    consents = dict(db.session.execute(select(Registration.person_id, Registration.consent_contact)
                                       .where(Registration.person_id.in_([people.ada.id, people.ben.id]))).all())
    assert consents == {people.ada.id: False, people.ben.id: True}
    # A second click is harmless.
    assert anonymous.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert count(db, NetworkUnsubscribe) == 1

    # Other forms still need their CSRF token.
    assert anonymous.post("/auth/login", data={"email": "x@example.org", "password": "x"}).status_code == 400

    # The next programme-wide message reaches everyone but her.
    with app.test_request_context():
        assert count_recipients(scope, "network") == 2
        send_message(scope, "network", "Second news", "Hello again", "plain", coordinator, "http://localhost")
        db.session.commit()
    second = [m for m in smtp.parsed() if m["Subject"] == "Second news"]
    assert addresses(second) == emails(people.ben, people.eve)
    # Her event's own messages still reach her: the unsubscribe is from network news only.
    with app.test_request_context():
        assert count_recipients(Scope(event=world.event1), "attended") == 4


def test_a_message_queued_before_unsubscribing_is_not_delivered_after(app, db, client, smtp, programme_world):
    world, people = programme_world, programme_world.people
    coordinator = factories.make_user("coordinator", world.coordinating)
    sink_url = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens: everything waits
    with app.test_request_context():
        send_message(Scope(programme=world.programme), "network", "Waiting news", "Hi", "plain", coordinator,
                     "http://localhost")
        db.session.commit()
        token = unsubscribe_token(people.ben.id, None)
    assert smtp.messages == []
    assert client.post(f"/messages/unsubscribe/{token}").status_code == 200
    app.config["MAIL_URL"] = sink_url
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert "2 sent" in result.output and "1 failed" in result.output, result.output
    assert addresses(smtp.parsed()) == emails(people.ada, people.eve)
    db.session.rollback()
    (dropped,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.state == "failed")).all()
    assert people.ben.email in dropped.recipient and "unsubscribed" in dropped.last_error


def test_preview_and_test_send_write_no_recipients_rows(app, db, client, login_as, smtp, programme_world):
    world = programme_world
    organiser = login_as("organiser", world.host)
    url = f"/events/{world.event2.id}/messages/new"
    body = "**Bring** a friend.\n\n<script>alert(1)</script>[map](javascript:alert(2))"
    response = compose(client, url, "preview", body_format="markdown", body=body)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "3 people" in page
    preview = page.split('id="preview-body"', 1)[1].split("</div>", 1)[0]
    assert "<strong>Bring</strong>" in preview
    assert "<script" not in preview and "javascript:" not in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the input is kept, as text, in the form
    assert count(db, Message) == 0 and count(db, OutboxMessage) == 0

    response = compose(client, url, "test", body_format="markdown", body=body)
    assert response.status_code == 200
    assert count(db, Message) == 0
    (row,) = db.session.scalars(select(OutboxMessage)).all()
    assert row.recipient == organiser.email
    (received,) = smtp.parsed()
    assert addresses([received]) == [organiser.email]
    assert received["Subject"] == "[Test] Parking at the venue"
    html_part = received.get_body(preferencelist=("html",)).get_content()
    assert "<strong>Bring</strong>" in html_part and "<script" not in html_part and "javascript:" not in html_part
    assert "**Bring** a friend." in received.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize(("fields", "field", "error"), [
    ({"subject": "   "}, "subject", "Write a subject."),
    ({"body": "x" * 20_001}, "body", "Keep the message to 20,000 characters or fewer."),
    ({"subject": "s" * 201}, "subject", "Keep the subject to 200 characters or fewer."),
    ({"audience": "network"}, "audience", "Not a valid choice"),
])
def test_bad_input_returns_the_form_with_the_input_and_an_error_at_the_field(app, db, client, login_as, smtp,
                                                                           programme_world, fields, field, error):
    world = programme_world
    login_as("organiser", world.host)
    url = f"/events/{world.event2.id}/messages/new"
    response = compose(client, url, "send", **{"body": "Keep me, please.", **fields})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert re.search(rf'id="{field}-error"[^>]*>[^<]*{re.escape(error)}', page)
    kept = fields.get("body", "Keep me, please.")
    assert kept[:200] in page  # the user's input comes back
    assert count(db, Message) == 0 and count(db, OutboxMessage) == 0
    assert smtp.messages == []


def test_sending_to_an_empty_audience_is_refused_at_the_field(app, db, client, login_as, smtp, programme_world):
    world = programme_world
    login_as("organiser", world.host)
    response = compose(client, f"/events/{world.event1.id}/messages/new", "send", audience="waitlisted")
    assert response.status_code == 422
    assert "Nobody in this audience has an email address yet." in response.get_data(as_text=True)
    assert count(db, Message) == 0


def test_the_message_row_and_its_outbox_rows_are_one_transaction(app, db, programme_world):
    world = programme_world
    coordinator = factories.make_user("coordinator", world.coordinating)
    with app.test_request_context():
        send_message(Scope(programme=world.programme), "network", "Rolled back", "Hi", "plain", coordinator,
                     "http://localhost")
        db.session.flush()
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3
        db.session.rollback()
    assert count(db, Message) == 0 and count(db, OutboxMessage) == 0


class UnsubscribePage(HTMLParser):
    """The heading, and each form's hidden fields and button, of the unsubscribe page."""

    def __init__(self, text: str):
        super().__init__()
        self.heading, self.forms, self._in_h1, self._in_button = "", [], False, False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self._in_h1 = True
        elif tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": {}, "button": ""})
        elif tag == "input" and self.forms and attrs.get("type") == "hidden":
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value")
        elif tag == "button" and self.forms:
            self._in_button = True

    def handle_endtag(self, tag):
        self._in_h1 = self._in_h1 and tag != "h1"
        self._in_button = self._in_button and tag != "button"

    def handle_data(self, data):
        if self._in_h1:
            self.heading += data.strip()
        if self._in_button:
            self.forms[-1]["button"] += data.strip()

    @property
    def buttons(self) -> list[str]:
        return [form["button"] for form in self.forms]


def page_of(response) -> UnsubscribePage:
    return UnsubscribePage(response.get_data(as_text=True))


def test_the_link_shows_the_state_and_subscribes_again(app, db, smtp, programme_world):
    world, people = programme_world, programme_world.people
    _, scope, path = first_news_to_ada(app, db, smtp, world)
    anonymous = app.test_client()

    before = page_of(anonymous.get(path))
    assert before.heading == "Unsubscribe from messages about the network" and before.buttons == ["Unsubscribe"]
    assert page_of(anonymous.post(path, data={"List-Unsubscribe": "One-Click"})).heading == "You are unsubscribed"

    # The same link again: the state, and the way back (not the Unsubscribe button).
    again = page_of(anonymous.get(path))
    assert again.heading == "You are already unsubscribed"
    assert again.buttons == ["Subscribe again"] and again.forms[0]["fields"] == {"action": "subscribe"}
    # A mail client's one-click POST never subscribes anyone again.
    anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert count(db, NetworkUnsubscribe) == 1

    back = anonymous.post(path, data={"action": "subscribe"})
    assert back.status_code == 200
    assert page_of(back).heading == "You are subscribed again" and page_of(back).buttons == ["Unsubscribe"]
    assert world.programme.name in back.get_data(as_text=True)
    assert count(db, NetworkUnsubscribe) == 0
    # Her consent is back on her registration in this programme, so the next message reaches her.
    assert db.session.scalars(select(Registration.consent_contact)
                              .where(Registration.person_id == people.ada.id)).all() == [True]
    with app.test_request_context():
        assert count_recipients(scope, "network") == 3
    assert page_of(anonymous.get(path)).buttons == ["Unsubscribe"]


def test_a_bad_unsubscribe_link_says_so(app, db, client, programme_world):
    with app.test_request_context():
        good = unsubscribe_token(programme_world.people.ada.id, None)
        erased = unsubscribe_token(999_999, None)
    for path in (f"/messages/unsubscribe/{good[:-3]}abc", "/messages/unsubscribe/nonsense",
                 f"/messages/unsubscribe/{erased}"):
        for response in (client.get(path), client.post(path, data={"action": "subscribe"})):
            assert response.status_code == 404
            page = page_of(response)
            assert page.heading == "This unsubscribe link does not work" and page.forms == []
            assert "Page not found" not in response.get_data(as_text=True)
    assert count(db, NetworkUnsubscribe) == 0
