"""Walk-ins: someone at the door without a booking is registered and checked in at once.

Capacity and the one-registration-per-email rule stay in
:func:`eventsapp.registration.services.register` (``source="walk_in"``); this
module only adds the attendance in the same transaction, and refuses, without
writing anything, a walk-in the event has no place for.
"""

from __future__ import annotations

from eventsapp.checkin.services import CheckInResult, check_in
from eventsapp.models import Event, User


class WalkInRefused(Exception):
    """The walk-in cannot be added; ``field`` names the form field the message belongs to.

    The caller rolls back: nothing the attempt added may be committed.
    """

    def __init__(self, message: str, field: str = "first_name"):
        super().__init__(message)
        self.field = field


def register_walk_in(
    event: Event, details: dict, *, by: User | None, override_capacity: bool = False
) -> CheckInResult:
    """Register (``source="walk_in"``) and check in one person; the caller commits, then sends mail.

    Someone already booked (same email) is checked in on their booking instead.

    :raise WalkInRefused: the event is full (and no organiser override), cancelled,
        or the person's existing registration is on the waitlist.
    """
    from eventsapp.registration.services import RegistrationClosed, register

    try:
        result = register(
            event,
            {
                "first_name": (details.get("first_name") or "").strip(),
                "last_name": (details.get("last_name") or "").strip(),
                "email": (details.get("email") or "").strip() or None,
                "organisation_name": (details.get("organisation") or "").strip(),
                "sector_code": details.get("sector") or None,
            },
            source="walk_in",
            override_capacity=override_capacity,
        )
    except RegistrationClosed as closed:
        raise WalkInRefused(str(closed)) from None
    registration = result.registration
    if result.waitlisted:
        raise WalkInRefused(
            f"The event is full ({event.capacity} places are taken), so a walk-in cannot be let in. "
            "An organiser can let them in by ticking the override box.",
            field="override_capacity" if "override_capacity" in details else "first_name",
        )
    if result.already_registered:
        if registration.status != "confirmed":
            raise WalkInRefused(
                f"{registration.full_name} is already registered with that email, on the waitlist. "
                "An organiser can confirm their place first.",
                field="email",
            )
        return check_in(registration, by, "desk", lock=False)
    return check_in(registration, by, "walk_in", lock=False)
