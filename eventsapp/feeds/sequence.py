"""Raise ``Event.sequence`` whenever an event's date, time, place or status change.

Calendar clients (RFC 5545 §3.8.7.4) only replace their copy of an event when
``SEQUENCE`` goes up, so a moved or cancelled event must carry a higher number.
Doing it in a ``before_flush`` listener means every code path — the events
views, the CLI, imports, the API — gets it without remembering to.
"""

from __future__ import annotations

from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from eventsapp.models import Event

#: Changes to these attributes are what a subscribed calendar must pick up.
SCHEDULING_ATTRIBUTES = ("starts_at", "ends_at", "venue", "address", "postcode", "town", "online_url", "status")


def scheduling_changed(event: Event) -> bool:
    """True when a pending change alters when, where or whether ``event`` happens."""
    state = inspect(event)
    for name in SCHEDULING_ATTRIBUTES:
        history = state.attrs[name].history
        if not history.added:
            continue
        if not history.deleted:
            # No old value known (cannot normally happen, see install()): count it as a change.
            return True
        if _normalise(history.added[0]) != _normalise(history.deleted[0]):
            return True
    return False


def _normalise(value):
    # "" and None both mean "no online link / no postcode".
    return value or None


def raise_sequence(session: Session, flush_context, instances) -> None:
    for obj in session.dirty:
        if not isinstance(obj, Event) or not session.is_modified(obj, include_collections=False):
            continue
        if inspect(obj).attrs.sequence.history.added:
            continue  # set explicitly in this unit of work; respect it
        if scheduling_changed(obj):
            obj.sequence = (obj.sequence or 0) + 1


def _keep_old_value(target, value, oldvalue, initiator):
    """No-op: registered with ``active_history`` so the old value is loaded before a set."""


def install() -> None:
    """Listen on every SQLAlchemy session (idempotent).

    The attribute listeners use ``active_history=True`` so that setting a value on an
    expired event (e.g. just after a commit) first loads the old one; otherwise the
    history would have no "before" to compare with.
    """
    for name in SCHEDULING_ATTRIBUTES:
        attribute = getattr(Event, name)
        if not sa_event.contains(attribute, "set", _keep_old_value):
            sa_event.listen(attribute, "set", _keep_old_value, active_history=True)
    if not sa_event.contains(Session, "before_flush", raise_sequence):
        sa_event.listen(Session, "before_flush", raise_sequence)


install()
