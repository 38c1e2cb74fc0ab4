"""The transactional outbox: the one place where email and webhook deliveries leave the application.

A message is written as an :class:`~eventsapp.models.OutboxMessage` row in the
*same* transaction as the change that causes it (:func:`enqueue`), so it exists
if and only if that change committed. When the session commits, the new rows'
ids are handed to :func:`dispatch`, which queues one Celery task per row
(``eventsapp.outbox.deliver``); in unit tests Celery runs tasks eagerly, so the
message is delivered as soon as the commit returns.

Delivery (:func:`deliver`) claims the row with one conditional UPDATE, so two
workers, a retried task and ``flask outbox send`` never send the same row twice
while it is claimed; it records every attempt and the last error, backs off
after a failure (1, 2, 4 … minutes, at most an hour) and gives up in the visible
``failed`` state after ``OUTBOX_MAX_ATTEMPTS`` attempts (default 8, about 2 hours).
A claim lasts ``OUTBOX_CLAIM_SECONDS``; a worker that dies while sending leaves
the row to be tried again when the claim runs out (at-least-once: the
Message-ID stays the same, so a mail client shows a duplicate as one message).
The periodic :func:`sweep` (Celery beat, every minute) re-dispatches whatever is
due, so a message whose task was lost (broker down at commit) still leaves.

A row's ``kind`` chooses how it leaves: ``email`` through :mod:`eventsapp.mail`, any other
kind through the function registered with :func:`sender` (``webhook``: eventsapp.webhooks,
a signed POST). Claim, backoff, retry and sweep are the same for every kind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from email import policy
from email.message import Message
from email.parser import BytesParser

from flask import current_app
from sqlalchemy import and_, event, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from eventsapp import mail
from eventsapp.database import begin_immediate
from eventsapp.extensions import db
from eventsapp.models import OUTBOX_STATES, OutboxMessage, utcnow

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_CLAIM_SECONDS = 300
#: Session.info key: ids of outbox rows flushed in the current transaction.
_NEW_IDS = "eventsapp.outbox.new_ids"
#: Renderers by template name: params -> the message (see :func:`renderer`).
RENDERERS: dict[str, Callable[[dict], Message]] = {}
#: How a row of each kind other than email leaves (see :func:`sender`).
SENDERS: dict[str, Callable[[OutboxMessage], None]] = {}


class NothingToSend(Exception):
    """A renderer's subject is gone (e.g. erased): the message is dropped as failed, not retried."""


class Refused(Exception):
    """A sender refuses the row for good (e.g. a webhook address in a private range): failed, not retried."""


def sender(kind: str):
    """Register the function that delivers rows of ``kind`` (called in the worker with the claimed row;
    it may set the row's columns, e.g. ``response_status``). Raising retries with backoff;
    :class:`Refused` or :class:`NothingToSend` fails the row at once."""
    def register(function: Callable[[OutboxMessage], None]):
        SENDERS[kind] = function
        return function
    return register


def renderer(name: str):
    """Register a function that builds a message from the params of :func:`enqueue_rendered`.

    It runs in the worker, in an app context, when the message is delivered.
    """
    def register(function: Callable[[dict], Message]):
        RENDERERS[name] = function
        return function
    return register


def enqueue_rendered(template: str, recipient: str, subject: str, params: dict,
                     session: Session | None = None) -> OutboxMessage:
    """Write a message to be built at delivery by the renderer ``template`` (not committed).

    ``params`` must be JSON (ids, not objects); the renderer reads the rows as they are then.
    """
    row = OutboxMessage(**rendered_values(template, recipient, subject, params))
    (session or db.session).add(row)
    return row


def rendered_values(template: str, recipient: str, subject: str, params: dict) -> dict:
    """The column values of a message to be built at delivery by the renderer ``template``: what
    :func:`enqueue_rendered` adds, for a writer that inserts its rows with Core (then
    :func:`remember_written`)."""
    if template not in RENDERERS:
        raise KeyError(f"no outbox renderer {template!r}")
    return {"kind": "email", "recipient": recipient[:320], "subject": subject[:300], "template": template,
            "params": params}


def remember_written(session: Session, ids: Iterable[int]) -> None:
    """Outbox rows inserted past the ORM (Core ``INSERT``) in ``session``'s transaction: queued for
    delivery when it commits and forgotten if it rolls back, like the rows the ORM flushes."""
    session.info.setdefault(_NEW_IDS, []).extend(ids)


def enqueue(message: Message, session: Session | None = None) -> OutboxMessage:
    """Write ``message`` to the outbox in the current transaction (not committed).

    It is delivered after the transaction commits, and never if it rolls back.
    """
    session = session or db.session
    row = OutboxMessage(
        kind="email",
        recipient=str(message.get("To", ""))[:320],
        subject=str(message.get("Subject", ""))[:300],
        payload=message.as_bytes(),
    )
    session.add(row)
    return row


def _max_attempts() -> int:
    return int(current_app.config.get("OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _claimable(now):
    return or_(
        and_(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.state == "sending", OutboxMessage.claimed_until < now),
    )


def deliver(message_id: int, *, ignore_backoff: bool = False) -> str | None:
    """Deliver one outbox row if it is due and nobody else holds it; return its new state.

    Runs in its own session and transactions, independent of the caller's.
    Returns None when there was nothing to do (sent already, claimed elsewhere, not due).
    """
    now = utcnow()
    due = _claimable(now)
    if ignore_backoff:
        due = or_(due, OutboxMessage.state == "pending")
    claim_seconds = int(current_app.config.get("OUTBOX_CLAIM_SECONDS", DEFAULT_CLAIM_SECONDS))
    with Session(db.engine) as session:
        begin_immediate(session)  # SQLite: wait (busy timeout) for another writer, then claim
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, due)
            .values(state="sending", attempts=OutboxMessage.attempts + 1,
                    claimed_until=now + timedelta(seconds=claim_seconds))
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if not claimed:
            return None
        row = session.get(OutboxMessage, message_id)
        outcome = _outcome(row)
        # The send ran in a read transaction. On SQLite (WAL) that transaction cannot become a
        # write once another connection has committed since it began: the UPDATE would fail at
        # once with "database is locked", the busy timeout notwithstanding, and leave the row
        # claimed until the claim ran out. So the outcome is written in a transaction of its own
        # that starts with the write lock (BEGIN IMMEDIATE, which does wait).
        session.rollback()
        begin_immediate(session)
        row = session.get(OutboxMessage, message_id)
        for column, value in outcome.items():
            setattr(row, column, value)
        session.commit()
        return row.state


def _outcome(row: OutboxMessage) -> dict:
    """Send the claimed ``row``; return the columns to write: what the sender set on the row, and
    the state the attempt leaves it in."""
    changes: dict = {}
    try:
        _send(row)
    except NothingToSend as gone:
        changes = {"state": "failed", "claimed_until": None, "last_error": f"Nothing to send: {gone}"}
    except Refused as refused:
        changes = {"state": "failed", "claimed_until": None, "last_error": f"Refused: {refused}"[:2000]}
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
        changes = {"last_error": f"{type(error).__name__}: {error}"[:2000], "claimed_until": None}
        if row.attempts >= _max_attempts():
            changes["state"] = "failed"
            log.error("outbox message %s failed for good after %s attempts: %s",
                      row.id, row.attempts, changes["last_error"])
        else:
            changes.update(state="pending", next_attempt_at=utcnow() + backoff(row.attempts))
            log.warning("outbox message %s attempt %s failed: %s", row.id, row.attempts, changes["last_error"])
    else:
        changes = {"state": "sent", "sent_at": utcnow(), "claimed_until": None, "last_error": None,
                   "params": forget_secrets(row.params)}
    set_by_sender = {attr.key: attr.value for attr in inspect(row).attrs if attr.history.added}
    return {**set_by_sender, **changes}


def _send(row: OutboxMessage) -> None:
    if row.kind == "email":
        mail.send(_message_of(row))
        return
    try:
        send = SENDERS[row.kind]
    except KeyError:
        raise NothingToSend(f"no sender for {row.kind!r} in this process") from None
    send(row)
#: A params key listing other params keys to drop once the message has been sent (e.g. a one-time
#: link that must not stay beside the recipient's address: the feedback survey's).
FORGET_AFTER_SEND = "forget_after_send"


def forget_secrets(params: dict | None) -> dict | None:
    """``params`` without the keys it names under :data:`FORGET_AFTER_SEND` (a sent message's)."""
    if not params or FORGET_AFTER_SEND not in params:
        return params
    forget = set(params[FORGET_AFTER_SEND]) | {FORGET_AFTER_SEND}
    return {key: value for key, value in params.items() if key not in forget}


def _message_of(row: OutboxMessage) -> Message:
    if row.payload is not None:
        return BytesParser(policy=policy.compat32).parsebytes(row.payload)
    try:
        render = RENDERERS[row.template]
    except KeyError:
        raise NothingToSend(f"no renderer {row.template!r} in this process") from None
    return render(row.params or {})


def due_ids(limit: int | None = None, *, ignore_backoff: bool = False) -> list[int]:
    now = utcnow()
    due = _claimable(now)
    if ignore_backoff:
        due = or_(due, OutboxMessage.state == "pending")
    query = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id)
    if limit:
        query = query.limit(limit)
    with Session(db.engine) as session:
        return list(session.scalars(query))


def send_pending() -> dict[str, int]:
    """Deliver every pending message now, in this process (``flask outbox send``)."""
    results: dict[str, int] = {}
    for message_id in due_ids(ignore_backoff=True):
        state = deliver(message_id, ignore_backoff=True)
        if state:
            results[state] = results.get(state, 0) + 1
    return results


def sweep(limit: int = 500) -> int:
    """Queue a delivery task for every due message (Celery beat, every minute); return how many."""
    ids = due_ids(limit)
    dispatch(ids)
    return len(ids)


def retry(message_id: int) -> bool:
    """Put a failed message back in the queue (operator's retry); not committed."""
    row = db.session.get(OutboxMessage, message_id)
    if row is None or row.state != "failed":
        return False
    row.state, row.next_attempt_at, row.attempts = "pending", utcnow(), 0
    return True


def status_counts() -> dict[str, int]:
    counts = dict.fromkeys(OUTBOX_STATES, 0)
    rows = db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
    counts.update(dict(rows.all()))
    return counts


def dispatch(ids: Iterable[int]) -> None:
    """Queue one delivery task per id. A broker that does not answer loses nothing: the row
    stays pending and the next :func:`sweep` (or ``flask outbox send``) picks it up."""
    from eventsapp.outbox.tasks import deliver_message

    for message_id in ids:
        try:
            deliver_message.delay(message_id)
        except Exception:  # noqa: BLE001 - the sweep retries; a request must not fail after its commit
            log.exception("could not queue delivery of outbox message %s; the sweep will", message_id)


# Session events: remember the rows each transaction writes, dispatch them when it commits.

@event.listens_for(Session, "after_flush")
def _remember_new_rows(session, flush_context) -> None:
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if ids:
        session.info.setdefault(_NEW_IDS, []).extend(ids)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session) -> None:
    ids = session.info.pop(_NEW_IDS, None)
    if ids:
        dispatch(ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop(_NEW_IDS, None)
