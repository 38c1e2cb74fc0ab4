"""Mail goes through a real SMTP server on loopback, or into instance/outbox."""

import email
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from eventsapp import mail, outbox
from eventsapp.extensions import db
from tests.smtp import Collector, free_port


@pytest.fixture
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, collector
    controller.stop()


def test_queued_mail_is_sent_over_smtp_after_commit(app, smtp_server):
    controller, collector = smtp_server
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{controller.port}"
    with app.test_request_context():
        message = mail.build_message(
            "Łukasz Wójcik <lukasz@example.org>", "Your place at Good relations in Leeds",
            "Hello Łukasz", "<p>Hello Łukasz</p>", [("event.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n")],
        )
        outbox.enqueue(message)
        assert collector.messages == []  # nothing leaves before the commit
        db.session.commit()
    assert len(collector.messages) == 1
    received = email.message_from_bytes(collector.messages[0].as_bytes(), policy=policy.default)
    assert received["Subject"] == "Your place at Good relations in Leeds"
    assert "Łukasz Wójcik" in str(received["To"])
    assert received.get_body(("plain",)).get_content().strip() == "Hello Łukasz"
    attachments = [part.get_filename() for part in received.iter_attachments()]
    assert attachments == ["event.ics"]


def test_without_mail_url_messages_are_written_to_the_outbox(app):
    with app.test_request_context():
        outbox.enqueue(mail.build_message("a@example.org", "Subject line", "Body"))
        db.session.commit()
    files = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Subject line"


@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r", "\u2028", "\x85"])
def test_line_breaks_never_start_a_new_header(app, smtp_server, line_break):
    controller, collector = smtp_server
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{controller.port}"
    with app.test_request_context():
        outbox.enqueue(mail.build_message(
            f"Ayşe Yılmaz <ayse@example.org>{line_break}Bcc: victim@example.org",
            f"Your place at Bridges{line_break}Bcc: victim@example.org", "Body",
        ))
        db.session.commit()
    (received,) = collector.messages
    parsed = email.message_from_bytes(received.as_bytes(), policy=policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Your place at Bridges Bcc: victim@example.org"
    assert received["X-RcptTo"] == "ayse@example.org"  # the one envelope recipient


@pytest.mark.parametrize(("name", "subject"), [
    ("Nguyễn, Thị Minh Khai", "Đăng ký: Good relations — Leeds & Bradford (a title long enough to be folded over lines)"),
    ("Zoë Ó Súilleabháin", "Your place is confirmed: Łódź twinning evening"),
    ("O'Brien \"Danny\"", "Plain ASCII subject"),
])
def test_unicode_names_and_subjects_survive_smtp_and_the_outbox(app, smtp_server, name, subject):
    from email.headerregistry import Address

    controller, collector = smtp_server
    app.config["MAIL_FROM"] = "Évènements Network <no-reply@example.org>"
    to = str(Address(display_name=name, addr_spec="person@example.org"))
    with app.test_request_context():
        outbox.enqueue(mail.build_message(to, subject, "Dear Łukasz,\nsee you there.", "<p>Dear Łukasz</p>",
                                      [("event.ics", "text/calendar", "SUMMARY:Łódź\r\n".encode())]))
        db.session.commit()  # into instance/outbox
        app.config["MAIL_URL"] = f"smtp://127.0.0.1:{controller.port}"
        outbox.enqueue(mail.build_message(to, subject, "Dear Łukasz,\nsee you there.", "<p>Dear Łukasz</p>",
                                      [("event.ics", "text/calendar", "SUMMARY:Łódź\r\n".encode())]))
        db.session.commit()  # over SMTP
    (saved,) = (Path(app.instance_path) / "outbox").glob("*.eml")
    for raw in (saved.read_bytes(), collector.messages[0].as_bytes()):
        parsed = email.message_from_bytes(raw, policy=policy.default)
        assert parsed["Subject"] == subject
        assert parsed["To"].addresses[0].display_name == name
        assert parsed["To"].addresses[0].addr_spec == "person@example.org"
        assert parsed["From"].addresses[0].display_name == "Évènements Network"
        assert parsed.get_body(("plain",)).get_content() == "Dear Łukasz,\nsee you there.\n"
        assert parsed.get_body(("html",)).get_content().strip() == "<p>Dear Łukasz</p>"
        (attachment,) = parsed.iter_attachments()
        assert attachment.get_filename() == "event.ics"
        assert attachment.get_content_type() == "text/calendar"
        assert attachment.get_payload(decode=True) == "SUMMARY:Łódź\r\n".encode()
