"""The sign-in throttle: slows whoever guesses passwords, never locks the owner out.

Three counters of sign-in attempts, checked in this order (the first that is full answers):

- per account *and* client address (``LOGIN_LIMIT_PER_ACCOUNT_AND_IP``, 5 per 15 minutes):
  the guesser is slowed; the owner somewhere else is not. Signing in clears it;
- per client address across accounts (``LOGIN_LIMIT_PER_IP``, 50 per 15 minutes):
  one address cannot try a password on many accounts;
- per account across all addresses (``LOGIN_LIMIT_PER_ACCOUNT``, 100 per hour): a ceiling on
  guesses from many addresses at once. It never applies to an address the owner has signed
  in from in the last 30 days, so even then the owner gets in from there.

An attempt held back by a counter adds nothing to any counter (so retrying while held back does
not make the wait longer, and a guesser held back by the first cannot push the account's ceiling
up). While a counter is full the password is not checked at all. A successful sign-in is not a
guess: it is taken back off the address's and the account's counters (so fifty people signing in
on one venue's Wi-Fi do not lock out the fifty-first). The counters live in Flask-Limiter's storage: Redis when
``RATELIMIT_STORAGE_URI`` points at it, so every server and worker counts together.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse

from eventsapp.extensions import limiter

#: Defaults; each can be overridden by the config key (or environment variable) of the same name.
LOGIN_LIMIT_PER_ACCOUNT_AND_IP = "5 per 15 minutes"
LOGIN_LIMIT_PER_IP = "50 per 15 minutes"
LOGIN_LIMIT_PER_ACCOUNT = "100 per hour"
#: How long an address the owner signed in from stays exempt from the account's ceiling.
KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600

MESSAGES = {
    "account-address": "Too many attempts to sign in to this account from your network.",
    "address": "Too many attempts to sign in from your network, to several accounts.",
    "account": "Too many attempts to sign in to this account from many places at once.",
}


@dataclass(frozen=True)
class Throttled:
    """Why an attempt was not processed, and when to try again."""

    scope: str
    retry_after: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        wait = f"Wait {minutes} minute{'s' if minutes != 1 else ''} and try again"
        if self.scope == "account":
            return (f"{MESSAGES[self.scope]} {wait}, or sign in from a device you have used before. "
                    "Nothing was checked this time.")
        return f"{MESSAGES[self.scope]} {wait}. Nothing was checked this time."


def account_key(email: str) -> str:
    """The account an email names, however it is typed (case, spaces), not readable in storage."""
    return "account:" + hashlib.sha256((email or "").strip().casefold().encode()).hexdigest()[:32]


def _limit(name: str, default: str) -> RateLimitItem:
    return parse(current_app.config.get(name) or default)


def _prefix() -> str:
    return current_app.config.get("RATELIMIT_KEY_PREFIX", "") or "eventsapp"


def _enabled() -> bool:
    return bool(limiter.enabled and limiter.initialized)


def _known_key(account: str, address: str) -> str:
    return f"LIMITER/{_prefix()}/login-known/{account}/{address}"


def _counters(account: str, address: str) -> list[tuple[str, RateLimitItem, tuple[str, ...]]]:
    prefix = _prefix()
    return [
        ("account-address", _limit("LOGIN_LIMIT_PER_ACCOUNT_AND_IP", LOGIN_LIMIT_PER_ACCOUNT_AND_IP),
         (prefix, "login-account-ip", account, address)),
        ("address", _limit("LOGIN_LIMIT_PER_IP", LOGIN_LIMIT_PER_IP), (prefix, "login-ip", address)),
        ("account", _limit("LOGIN_LIMIT_PER_ACCOUNT", LOGIN_LIMIT_PER_ACCOUNT), (prefix, "login-account", account)),
    ]


def _take_back(item: RateLimitItem, identifiers: tuple[str, ...]) -> None:
    """Undo this attempt's increment of one counter (never below zero)."""
    key = item.key_for(*identifiers)
    if limiter.storage.get(key) > 0:
        limiter.storage.incr(key, item.get_expiry(), amount=-1)


def attempt(email: str, address: str) -> Throttled | None:
    """Count a sign-in attempt; a :class:`Throttled` when it must not be processed, else None.

    Counting and testing are one atomic step per counter (an increment in the storage), so
    attempts sent at once to several workers cannot slip past a limit. A counter that is full
    refuses the attempt, and the increments this attempt made are taken back: it adds nothing.
    """
    if not _enabled():
        return None
    account = account_key(email)
    counted: list[tuple[RateLimitItem, tuple[str, ...]]] = []
    for scope, item, identifiers in _counters(account, address):
        if scope == "account" and limiter.storage.get(_known_key(account, address)) > 0:
            continue
        counted.append((item, identifiers))
        if not limiter.limiter.hit(item, *identifiers):
            reset = limiter.limiter.get_window_stats(item, *identifiers).reset_time
            for done in counted:
                _take_back(*done)
            return Throttled(scope, max(1, math.ceil(reset - time.time())))
    return None


def signed_in(email: str, address: str) -> None:
    """The owner got in from ``address``: clear its typos there, take this attempt back off the
    address's and the account's counters (a success is not a guess), exempt the address from the ceiling."""
    if not _enabled():
        return
    account = account_key(email)
    (_, pair, pair_ids), (_, by_address, address_ids), (_, ceiling, account_ids) = _counters(account, address)
    limiter.limiter.clear(pair, *pair_ids)
    _take_back(by_address, address_ids)
    if not limiter.storage.get(_known_key(account, address)) > 0:
        _take_back(ceiling, account_ids)  # counted by attempt() only for an address not known then
    limiter.storage.incr(_known_key(account, address), KNOWN_ADDRESS_SECONDS)
