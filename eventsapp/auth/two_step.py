"""Two-step sign-in: a time-based one-time code (TOTP, RFC 6238) after the password, or a recovery code.

Optional for every account; with ``TOTP_REQUIRED`` every account that can see personal
data (a member of an organisation, or the administrator) must set it up before doing anything
else. A code is accepted once (``totp_last_step``); recovery codes are single-use and stored
hashed. Services change the user and flush nothing; the caller commits.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import unicodedata

import pyotp
from flask import current_app

from eventsapp.models import User

ISSUER = "eventsapp"
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def is_enabled(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "totp_secret", None))


def required_setting() -> bool:
    """``TOTP_REQUIRED`` is on."""
    return str(current_app.config.get("TOTP_REQUIRED", False)).lower() in ("1", "true", "yes", "on")


def required_for(user: User) -> bool:
    """``TOTP_REQUIRED`` applies to ``user`` (they can see personal data)."""
    return bool(required_setting() and (user.is_admin or user.memberships))


_SIX_DIGITS = re.compile(r"[0-9]{6}")


def normalise(code: str) -> str:
    """``code`` as typed, made comparable: no spaces, compatibility forms folded (full-width ``１２３``,
    full-width letters of a recovery code), and every decimal digit of any script read as its ASCII
    digit (Arabic-Indic ``٠١٢``, Devanagari ...). What is left may still hold other characters."""
    folded = unicodedata.normalize("NFKC", "".join((code or "").split()))
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in folded)


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a code from the app or a recovery code, else None (said at the field)."""
    if not normalise(code).isascii():
        return ("Enter the six digits from your authenticator app, or a recovery code "
                "(letters a to f, digits and dashes).")
    return None


def _matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    code = normalise(code)
    if not _SIX_DIGITS.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    for drift in (0, -1, 1):
        moment = now + drift * totp.interval
        if hmac.compare_digest(totp.at(moment), code):
            return int(moment // totp.interval)
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).lower().encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    """Fresh recovery codes for ``user`` (the old ones stop working); returned to be shown once."""
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    user.totp_recovery_hashes = "\n".join(_hash(c) for c in codes)
    return codes


def enable(user: User, secret: str, code: str) -> list[str] | None:
    """Turn two-step sign-in on if ``code`` fits ``secret``; returns the new recovery codes (shown once)."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = secret, step
    return _new_recovery_codes(user)


def renew_recovery_codes(user: User, code: str | None = None, password: str | None = None) -> list[str] | None:
    """New recovery codes, the old ones spent, once ``user`` proves it is them: a current code from
    the app (or a recovery code) or their password. None (nothing changed) when neither fits."""
    if not is_enabled(user):
        return None
    if code:
        if not verify(user, code):
            return None
    elif not (password and user.check_password(password)):
        return None
    return _new_recovery_codes(user)


def disable(user: User) -> None:
    user.totp_secret = user.totp_last_step = user.totp_recovery_hashes = None


def verify(user: User, code: str) -> bool:
    """A current code not used before, or an unused recovery code (then spent)."""
    if not is_enabled(user):
        return False
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False
        user.totp_last_step = step
        return True
    hashes = (user.totp_recovery_hashes or "").split("\n")
    given = _hash(code)
    for stored in hashes:
        if stored and hmac.compare_digest(stored, given):
            hashes.remove(stored)
            user.totp_recovery_hashes = "\n".join(hashes)
            return True
    return False


def recovery_codes_left(user: User) -> int:
    return len([h for h in (user.totp_recovery_hashes or "").split("\n") if h])
