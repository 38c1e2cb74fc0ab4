"""The password policy and the signed, expiring password-reset link.

Policy (OWASP ASVS 5, V6.2): at least 12 characters, at most 1024; any Unicode
character is accepted (spaces, emoji, accents) and nothing is truncated or
composed by rule, so long passphrases are welcome. The length is counted as a
browser counts a field's ``maxlength`` (UTF-16 code units: an emoji counts two),
so every password the server accepts can be typed into every password field.
"""

from __future__ import annotations

import hashlib

from flask import current_app

from eventsapp.extensions import db
from eventsapp.models import User
from eventsapp.tokens import make_token, read_token

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
#: How long a password-reset link works, in seconds (PASSWORD_RESET_MAX_AGE).
DEFAULT_RESET_MAX_AGE = 60 * 60


def browser_length(text: str) -> int:
    """The length a browser's ``maxlength`` counts: UTF-16 code units (characters beyond U+FFFF count two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def too_long(password: str) -> str | None:
    """The message when ``password`` is longer than any password field takes, else None."""
    if browser_length(password) > MAX_PASSWORD_LENGTH:
        return (f"Use at most {MAX_PASSWORD_LENGTH:,} characters (an emoji and some rarer characters "
                "count as two).")
    return None


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters (a few words in a row work well)."
    if too_long(password):
        return too_long(password)
    if not password.strip():
        return "The password cannot be only spaces."
    if email and password.strip().casefold() == email.strip().casefold():
        return "The password cannot be your email address."
    return None


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does (each hash has a fresh salt)."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:20]


def make_reset_token(user: User) -> str:
    return make_token("password-reset", {"user": user.id, "pw": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link is for, while it is unexpired and the password unchanged."""
    max_age = current_app.config.get("PASSWORD_RESET_MAX_AGE", DEFAULT_RESET_MAX_AGE)
    payload = read_token("password-reset", token, max_age=max_age)
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        return None
    user = db.session.get(User, payload["user"])
    if user is None or not user.active or payload.get("pw") != _password_fingerprint(user):
        return None
    return user
