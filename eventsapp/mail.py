"""Outgoing mail: SMTP when MAIL_URL is set, otherwise .eml files in instance/outbox.

Messages are built here and handed to :func:`eventsapp.outbox.enqueue`, which writes
them to the transactional outbox in the caller's transaction; they leave only after
it commits, through :func:`send`, called by the outbox's Celery task. This module
knows nothing of the outbox.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import uuid
from email import encoders, policy
from email.charset import QP, Charset
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

#: UTF-8 bodies as quoted-printable: readable in the raw message, safe on 7-bit relays.
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP
#: Line breaks of every kind; never allowed in a header (they would start a new one).
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def _one_line(value: str) -> str:
    return _LINE_BREAKS.sub(" ", value).strip()


def _subject(value: str) -> str:
    """The subject on one line; when it is not ASCII, folded as the modern email policy does
    (only the words that are not ASCII become encoded-words)."""
    value = _one_line(value)
    if value.isascii():
        return value
    return policy.default.header_factory("Subject", value).fold(policy=policy.default).split(":", 1)[1].strip()


def _address(value: str) -> str:
    """``Name <addr>`` on one line, the name RFC 2047-encoded when it is not ASCII."""
    value = _one_line(value)
    name, address = parseaddr(value)
    if not address or "@" not in address:
        return _subject(value)
    return formataddr((name, address), charset=_UTF8)


def _part(part: Message) -> Message:
    """A part inside a multipart (MIME-Version belongs on the message only)."""
    del part["MIME-Version"]
    return part


def _text_part(body: str, subtype: str) -> MIMEText:
    body = body if body.endswith("\n") else body + "\n"
    return MIMEText(body, subtype, "us-ascii" if body.isascii() else _UTF8)


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> Message:
    """A plain-text message with an optional HTML part and attachments.

    Built with the ``email.mime`` classes (the compat32 API), which take about a quarter of
    the time of ``EmailMessage`` for the same message; header values are kept on one line
    here, since that API does not refuse line breaks in them.

    :param attachments: ``(filename, mime type, bytes)`` triples.
    """
    body: Message = _text_part(text, "plain")
    if html:
        body = MIMEMultipart("alternative", _subparts=[_part(body), _part(_text_part(html, "html"))])
    if attachments:
        parts: list[Message] = [body]
        for filename, mime, data in attachments:
            maintype, _, subtype = mime.partition("/")
            part = MIMEBase(maintype, subtype)
            part.set_payload(data)
            encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=filename)
            parts.append(_part(part))
        body = MIMEMultipart("mixed", _subparts=[_part(parts[0]), *parts[1:]])
    body["From"] = _address(current_app.config["MAIL_FROM"])
    body["To"] = _address(to)
    body["Subject"] = _subject(subject)
    body["Date"] = formatdate(localtime=False)
    body["Message-ID"] = make_msgid(domain="eventsapp.invalid")
    return body


def send(message: Message) -> None:
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
