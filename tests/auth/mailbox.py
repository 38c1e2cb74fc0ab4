"""Reading the .eml files the app writes to ``instance/outbox`` (no MAIL_URL in tests)."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

LINK = re.compile(r"https?://\S+")


def messages(app) -> list:
    outbox = Path(app.instance_path) / "outbox"
    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if outbox.exists() else []
    return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in files]


def messages_to(app, address: str) -> list:
    return [m for m in messages(app) if m["To"] == address]


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message) -> str:
    links = LINK.findall(body(message))
    assert len(links) == 1, f"expected one link in the email, found {links}"
    return links[0]


def path_of(link: str) -> str:
    """The path of an absolute link, for the test client."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]
