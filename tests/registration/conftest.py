"""Fixtures for the registration tests: a real SMTP server on loopback, form data, the outbox."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

#: The names the issue says must survive every step unchanged.
UNICODE_NAMES = [
    ("Zoë", "Ó Súilleabháin"),
    ("Łukasz", "Wójcik"),
    ("Nguyễn Thị", "Minh Khai"),
    ("Ayşe", "Yılmaz"),
]


class Collector(MessageHandler):
    def __init__(self):
        super().__init__()
        self.messages: list = []

    def handle_message(self, message):
        self.messages.append(message)

    def parsed(self) -> list[EmailMessage]:
        return [email.message_from_bytes(m.as_bytes(), policy=policy.default) for m in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.parsed() if address.lower() in str(m["To"]).lower()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback; the app sends to it. Yields the collector."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{controller.port}"
    yield collector
    controller.stop()


@pytest.fixture
def outbox(app):
    """Messages written to instance/outbox (no MAIL_URL), parsed."""

    def _read() -> list[EmailMessage]:
        folder = Path(app.instance_path) / "outbox"
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(folder.glob("*.eml"))] if folder.exists() else []

    return _read


def form_data(**overrides) -> dict:
    """A valid public registration, for a known organisation (no sector needed)."""
    data = {
        "first_name": "Zoë",
        "last_name": "Ó Súilleabháin",
        "email": "zoe@example.org",
        "organisation_name": "Thames Valley Police",
        "sector": "",
        "job_title": "Community engagement officer",
        "access_requirements": "",
        "dietary_requirements": "",
        "consent_privacy": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def body(message: EmailMessage, kind: str = "plain") -> str:
    return message.get_body((kind,)).get_content()


@pytest.fixture
def known_org(make_organisation):
    return make_organisation("Thames Valley Police", sector_code="police")
