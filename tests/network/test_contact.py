"""The contact form: it reaches the organisation by email (through the outbox, to a real SMTP server),
Reply-To the sender, and the organisation's address never reaches the sender: not in the pages,
the response headers, nor the acknowledgement they are emailed. CSRF-protected, rate-limited."""

from __future__ import annotations

import pytest

from eventsapp.models import OutboxMessage
from tests import factories
from tests.network.conftest import SECRET, make_post, make_profile

SENDER = {"name": "Priya Testsender", "email": "priya.testsender@example.com",
          "message": "Could your mediators help us with a dispute between two youth clubs?"}


def everything_the_sender_saw(responses) -> str:
    return "\n".join(
        r.get_data(as_text=True) + "\n" + "\n".join(f"{k}: {v}" for k, v in r.headers.items()) for r in responses
    )


def test_the_message_reaches_the_organisation_and_its_address_never_reaches_the_sender(client, db, smtp):
    organisation = factories.make_organisation("Juniper Mediation Network")
    profile = make_profile(organisation)
    seen = [client.get(f"/network/{profile.slug}"), client.get(f"/network/{profile.slug}/contact")]
    response = client.post(f"/network/{profile.slug}/contact", data=SENDER)
    assert response.status_code == 302
    seen += [response, client.get(response.headers["Location"])]
    assert "Your message is on its way to Juniper Mediation Network" in seen[-1].get_data(as_text=True)
    assert SECRET not in everything_the_sender_saw(seen)

    to_organisation = smtp.to(SECRET)
    assert len(to_organisation) == 1
    message = to_organisation[0]
    assert message["Reply-To"].addresses[0].addr_spec == "priya.testsender@example.com"
    assert message["Reply-To"].addresses[0].display_name == "Priya Testsender"
    assert SENDER["message"] in message.get_body(("plain",)).get_content()

    acknowledgements = smtp.to("priya.testsender@example.com")
    assert len(acknowledgements) == 1
    acknowledgement = acknowledgements[0]
    raw = acknowledgement.as_string()
    assert SECRET not in raw and SECRET.split("@")[0] not in raw
    assert "Juniper Mediation Network" in acknowledgement.get_body(("plain",)).get_content()
    assert acknowledgement["Reply-To"] is None
    # The acknowledgement relays nothing the form's user typed (it could be anyone's address).
    assert SENDER["message"] not in raw and "Priya" not in raw
    # Nothing of the message is kept but the outbox rows that sent it.
    assert {row.state for row in db.session.query(OutboxMessage)} == {"sent"}


def test_answering_an_offer_uses_the_same_form_and_names_the_offer(client, db, smtp):
    organisation = factories.make_organisation("Sorrel Arts Trust")
    make_profile(organisation)
    post = make_post(organisation, kind="offer", title="We can run a facilitation training")
    response = client.post(f"/network/support/{post.id}/contact", data=SENDER)
    assert response.status_code == 302
    assert SECRET not in everything_the_sender_saw([response, client.get(f"/network/support/{post.id}")])
    (message,) = smtp.to(SECRET)
    assert "We can run a facilitation training" in str(message["Subject"])
    assert SECRET not in smtp.to(SENDER["email"])[0].as_string()


def test_a_line_break_in_the_name_cannot_add_a_header(client, db, smtp):
    profile = make_profile()
    client.post(f"/network/{profile.slug}/contact",
                data={**SENDER, "name": "Mallory\r\nBcc: victim@example.com"})
    for message in smtp.parsed():
        assert message["Bcc"] is None
        assert "victim@example.com" not in str(message["To"]) + str(message.get("Cc", ""))


def test_mistakes_come_back_at_the_field_and_send_nothing(client, db):
    profile = make_profile()
    response = client.post(f"/network/{profile.slug}/contact",
                           data={"name": "Priya", "email": "not an address", "message": "short"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an email address like name@example.org." in html
    assert "Write between 10 and 5,000 characters." in html
    assert 'value="Priya"' in html
    assert SECRET not in html
    assert db.session.query(OutboxMessage).count() == 0


def test_an_organisation_without_a_contact_address_has_no_form(client, db):
    profile = make_profile(contact_email=None)
    assert "does not take messages through the directory" in client.get(f"/network/{profile.slug}").get_data(
        as_text=True)
    assert client.get(f"/network/{profile.slug}/contact").status_code == 404
    assert client.post(f"/network/{profile.slug}/contact", data=SENDER).status_code == 404
    assert db.session.query(OutboxMessage).count() == 0


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_the_form_needs_its_csrf_token(app, client, db):
    profile = make_profile()
    response = client.post(f"/network/{profile.slug}/contact", data=SENDER)
    assert response.status_code == 400
    assert db.session.query(OutboxMessage).count() == 0


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                                  "NETWORK_CONTACT_LIMIT": "2 per hour"}], indirect=True)
def test_messages_are_rate_limited_per_address_and_mistakes_do_not_count(app, client, db):
    profile = make_profile()
    post = make_post(profile.organisation)
    url = f"/network/{profile.slug}/contact"

    def send(data, ip="198.51.100.7", target=url):
        return client.post(target, data=data, environ_base={"REMOTE_ADDR": ip}).status_code

    assert send({**SENDER, "email": "wrong"}) == 422
    assert send(SENDER) == 302
    assert send(SENDER, target=f"/network/support/{post.id}/contact") == 302  # one limit for both forms
    response = client.post(url, data=SENDER, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 429
    assert SECRET not in everything_the_sender_saw([response])
    assert send(SENDER, ip="198.51.100.8") == 302  # another sender is not held up
    assert db.session.query(OutboxMessage).count() == 3 * 2  # message + acknowledgement per send


def test_a_name_that_looks_like_an_address_cannot_redirect_the_reply_or_the_delivery(client, db, smtp):
    organisation = factories.make_organisation("Smith, Jones & Partners")  # a comma in the name
    profile = make_profile(organisation)
    client.post(f"/network/{profile.slug}/contact",
                data={**SENDER, "name": "Mallory <mallory@evil.example>"})
    (message,) = smtp.to(SECRET)
    assert [a.addr_spec for a in message["To"].addresses] == [SECRET]
    assert [a.addr_spec for a in message["Reply-To"].addresses] == [SENDER["email"]]
