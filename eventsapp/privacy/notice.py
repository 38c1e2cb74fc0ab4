"""The privacy notice: the site's, filled in from configuration, plus the programme's and the
host organisation's own additions.

The version a registrant agreed to (``Registration.privacy_notice_version``) is the site
notice's configured version, followed by the programme's slug and a digest of its addition
when the event's programme has one, and ``h<host id>`` and a digest of the host's addition
when the host has one: a change to any of them makes a new version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app, url_for

from eventsapp.models import Event, Organisation, Programme


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


#: The controller named in development (``make run``, the demo) when PRIVACY_CONTROLLER_NAME is unset:
#: made up, and saying so.
DEVELOPMENT_CONTROLLER = "Northwold Good Relations Partnership (a made-up controller for development and the demo)"
#: What an unconfigured production site shows instead of a controller: the setting that names it.
UNSET_CONTROLLER = ("[No data controller is configured: the site administrator must set "
                    "PRIVACY_CONTROLLER_NAME (and PRIVACY_CONTROLLER_ADDRESS, PRIVACY_CONTACT_EMAIL)]")


@dataclass(frozen=True)
class Controller:
    name: str
    address: str
    email: str
    #: False when PRIVACY_CONTROLLER_NAME is unset and ``name`` is a stand-in.
    configured: bool = True


def controller() -> Controller:
    config = current_app.config
    name = (config.get("PRIVACY_CONTROLLER_NAME") or "").strip()
    address, email = config["PRIVACY_CONTROLLER_ADDRESS"] or "", config["PRIVACY_CONTACT_EMAIL"]
    if name:
        return Controller(name, address, email)
    if config.get("EVENTSAPP_ENV") == "development":
        return Controller(DEVELOPMENT_CONTROLLER, address, email, configured=False)
    return Controller(UNSET_CONTROLLER, address, email, configured=False)


def addition_of(owner: Programme | Organisation | None) -> str:
    """A programme's or a host's own addition to the notice ("" for none)."""
    return (owner.privacy_notice or "").strip() if owner is not None else ""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def notice_version(programme: Programme | None, host: Organisation | None = None) -> str:
    """The version of the notice someone registering for an event of ``programme`` hosted by ``host`` reads."""
    version = str(current_app.config["PRIVACY_NOTICE_VERSION"])
    if addition_of(programme):
        version = f"{version}+{programme.slug}-{_digest(addition_of(programme))}"
    if addition_of(host):
        # before the programme's slug could push it past the column's length
        version = f"{version[:80 - 24]}+h{host.id}-{_digest(addition_of(host))}"
    return version[:80]


def event_notice_version(event: Event) -> str:
    """The version of the notice someone registering for ``event`` agrees to."""
    return notice_version(event.programme, event.host)


def notice_url(event: Event) -> str:
    """Where someone registering for ``event`` reads its notice: with the host's addition, the
    event's notice page; with only the programme's, the programme's; else the site's."""
    if addition_of(event.host):
        return url_for("privacy.event_notice", event_id=event.id)
    if addition_of(event.programme):
        return url_for("privacy.programme_notice", slug=event.programme.slug)
    return url_for("privacy.notice")
