"""Fixtures for the registration tests: form data and the outbox (the SMTP server is tests/smtp.py)."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

#: The names the issue says must survive every step unchanged.
UNICODE_NAMES = [
    ("Zoë", "Ó Súilleabháin"),
    ("Łukasz", "Wójcik"),
    ("Nguyễn Thị", "Minh Khai"),
    ("Ayşe", "Yılmaz"),
]


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
