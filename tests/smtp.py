"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives: the tests' mail server."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler


class Collector(MessageHandler):
    """The messages the server received, parsed on demand."""

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


@contextmanager
def smtp_server() -> Iterator[tuple[str, Collector]]:
    """``(smtp://127.0.0.1:<port>, collector)`` while the server runs."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}", collector
    finally:
        controller.stop()
