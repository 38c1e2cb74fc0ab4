"""The privacy notice: the site's, filled in from configuration, plus a programme's own addition.

The version a registrant agreed to (``Registration.privacy_notice_version``) is the site
notice's configured version, followed by the programme's slug and a digest of its addition
when the event's programme has one: a change to either makes a new version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app, url_for

from eventsapp.models import Programme


@dataclass(frozen=True)
class RetentionPeriods:
    """The retention settings, as the notice states them and the retention task applies them."""

    needs_days: int
    person_months: int
    access_log_days: int
    equality_final_days: int


def retention_periods() -> RetentionPeriods:
    config = current_app.config
    return RetentionPeriods(
        needs_days=int(config["RETENTION_NEEDS_DAYS"]),
        person_months=int(config["RETENTION_PERSON_MONTHS"]),
        access_log_days=int(config["RETENTION_ACCESS_LOG_DAYS"]),
        equality_final_days=int(config["EQUALITY_FINAL_AFTER_DAYS"]),
    )


@dataclass(frozen=True)
class Controller:
    name: str
    address: str
    email: str


def controller() -> Controller:
    config = current_app.config
    return Controller(config["PRIVACY_CONTROLLER_NAME"], config["PRIVACY_CONTROLLER_ADDRESS"] or "",
                      config["PRIVACY_CONTACT_EMAIL"])


def notice_version(programme: Programme | None) -> str:
    """The version of the notice someone registering for an event of ``programme`` reads."""
    version = str(current_app.config["PRIVACY_NOTICE_VERSION"])
    addition = (programme.privacy_notice or "").strip() if programme is not None else ""
    if addition:
        digest = hashlib.sha256(addition.encode()).hexdigest()[:10]
        version = f"{version}+{programme.slug}-{digest}"
    return version[:80]


def notice_url(programme: Programme | None) -> str:
    """Where the notice of ``programme`` (its addition, if it has one, else the site's) is read."""
    if programme is not None and (programme.privacy_notice or "").strip():
        return url_for("privacy.programme_notice", slug=programme.slug)
    return url_for("privacy.notice")
