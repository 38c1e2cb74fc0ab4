"""Mail goes through a real SMTP server on loopback, or into instance/outbox."""

import email
import socket
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from eventsapp import mail


class Collector(MessageHandler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
        mail.queue(message)
        assert collector.messages == []  # nothing leaves before the commit
        assert mail.send_queued() == 1
    assert len(collector.messages) == 1
    received = email.message_from_bytes(collector.messages[0].as_bytes(), policy=policy.default)
    assert received["Subject"] == "Your place at Good relations in Leeds"
    assert "Łukasz Wójcik" in str(received["To"])
    assert received.get_body(("plain",)).get_content().strip() == "Hello Łukasz"
    attachments = [part.get_filename() for part in received.iter_attachments()]
    assert attachments == ["event.ics"]


def test_without_mail_url_messages_are_written_to_the_outbox(app):
    with app.test_request_context():
        mail.queue(mail.build_message("a@example.org", "Subject line", "Body"))
        mail.send_queued()
    files = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Subject line"
