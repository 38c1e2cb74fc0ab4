"""Signed, URL-safe tokens for links in emails and QR codes (no account needed).

Each purpose has its own salt, so a token made for one purpose (say, the
attendee's booking page) is worthless for another (say, a password reset).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

#: Known purposes; a token is only valid for the purpose it was made for.
PURPOSES = ("booking", "checkin", "password-reset", "unsubscribe", "survey")


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"eventsapp-{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int | None = None) -> Any | None:
    """The payload of a valid token, or None when it is forged, altered or expired."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
