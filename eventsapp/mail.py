"""Outgoing mail: SMTP when MAIL_URL is set, otherwise .eml files in instance/outbox.

Messages are queued on the request (or CLI) and sent only after the
transaction that caused them commits: call :func:`queue` inside the unit of
work and :func:`send_queued` after ``db.session.commit()``.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, g


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> EmailMessage:
    """A plain-text message with an optional HTML part and attachments.

    :param attachments: ``(filename, mime type, bytes)`` triples.
    """
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="eventsapp.invalid")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, mime, data in attachments or []:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def queue(message: EmailMessage) -> None:
    """Send ``message`` once the current transaction has committed."""
    g.setdefault("outgoing_mail", []).append(message)


def discard_queued() -> None:
    g.pop("outgoing_mail", None)


def send_queued() -> int:
    """Send every queued message; return how many were sent."""
    messages = g.pop("outgoing_mail", [])
    for message in messages:
        send(message)
    return len(messages)


def send(message: EmailMessage) -> None:
    url = current_app.config.get("MAIL_URL")
    if not url:
        outbox = Path(current_app.instance_path) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
        return
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, port or 465, context=ssl.create_default_context(), timeout=30)
    else:
        client = smtplib.SMTP(host, port or 25, timeout=30)
    with client:
        if parts.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
