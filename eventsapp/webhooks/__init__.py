"""Webhooks: signed POSTs to a host's or a programme's HTTPS endpoint when its events change.

:func:`emit` is called by the services, in the transaction of the change, and writes one outbox
row (``kind="webhook"``) per subscribed endpoint, so a delivery exists if and only if the change
committed. The outbox (eventsapp.outbox) claims, retries with backoff and sweeps those rows like
email; :func:`send_delivery` (registered as the outbox's ``webhook`` sender) POSTs one.

What the receiver gets (README "Webhooks and embedding")::

    POST <url>
    Content-Type: application/json
    Eventsapp-Event: registration.created
    Eventsapp-Delivery: 1234          (the same on every retry of this delivery: deduplicate on it)
    Eventsapp-Signature: t=1733325000,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>

    {"id": "evt_…", "type": "registration.created", "created": "2026-12-04T15:00:00Z",
     "data": {"event": {...}, "registration": {"id": 7, "status": "confirmed"}}}

No attendee's name or email is sent: ids and states only.

Addresses: HTTPS only, and the host must resolve to public addresses; private, loopback,
link-local, reserved and multicast ranges are refused unless the administrator allows them
(``WEBHOOK_ALLOWED_HOSTS``: host names or networks; ``WEBHOOK_ALLOW_LOOPBACK``: loopback, also
over plain HTTP, for tests and local receivers). The check runs when the endpoint is saved and
again at every delivery, which connects to the very address it checked (no DNS rebinding) and
follows no redirect.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import re
import secrets
import socket
import ssl
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import object_session

from eventsapp import outbox
from eventsapp.extensions import db
from eventsapp.models import (
    WEBHOOK_EVENTS,
    Event,
    OutboxMessage,
    WebhookDeliveryRecord,
    WebhookEndpoint,
    utcnow,
)

SIGNATURE_HEADER = "Eventsapp-Signature"
DELIVERY_HEADER = "Eventsapp-Delivery"
EVENT_HEADER = "Eventsapp-Event"
TEST_KIND = "webhook.test"
DEFAULT_TIMEOUT_SECONDS = 10
#: How much of a receiver's answer is kept in the delivery log.
ANSWER_BYTES = 300


class AddressRefused(ValueError):
    """The endpoint's address may not be called (scheme, private range, no host)."""


# --- emitting -----------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


def event_data(event: Event) -> dict:
    """What a delivery says about the event (public facts only)."""
    return {
        "id": event.id, "title": event.title, "status": event.status,
        "starts_at": _iso(event.starts_at), "ends_at": _iso(event.ends_at),
        "town": event.town, "venue": event.venue, "capacity": event.capacity,
        "host_organisation_id": event.host_organisation_id, "programme_id": event.programme_id,
    }


def body_of(kind: str, data: Mapping) -> bytes:
    document = {"id": f"evt_{uuid.uuid4().hex}", "type": kind, "created": _iso(utcnow()), "data": dict(data)}
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def _delivery_values(endpoint_id: int, url: str, kind: str, body: bytes) -> dict:
    return {"kind": "webhook", "recipient": url, "subject": kind, "payload": body, "endpoint_id": endpoint_id}


def _delivery(endpoint: WebhookEndpoint, kind: str, body: bytes) -> OutboxMessage:
    row = OutboxMessage(**_delivery_values(endpoint.id, endpoint.url, kind, body))
    db.session.add(row)
    return row


def owned_by(host_organisation_id: int, programme_id: int | None):
    """SQL: the active endpoints of an event with this host and programme (those :func:`emit` writes to)."""
    owners = [WebhookEndpoint.organisation_id == host_organisation_id]
    if programme_id is not None:
        owners.append(WebhookEndpoint.programme_id == programme_id)
    return and_(WebhookEndpoint.active.is_(True), or_(*owners))


def delivery_values(kind: str, event, payload: Mapping | None, endpoints: Iterable[tuple[int, str, list]]) -> list[dict]:
    """The outbox rows' column values of :func:`emit`, for a writer that inserts them with Core
    (then ``outbox.remember_written``): ``endpoints`` are the (id, url, events) of the endpoints
    :func:`owned_by` the event's host and programme; ``event`` anything with :func:`event_data`'s
    attributes (an :class:`Event` or a row of its columns)."""
    if kind not in WEBHOOK_EVENTS:
        raise ValueError(f"unknown webhook event {kind!r}")
    subscribed = [(endpoint_id, url) for endpoint_id, url, events in endpoints if kind in (events or ())]
    if not subscribed:
        return []
    body = body_of(kind, {"event": event_data(event), **(payload or {})})
    return [_delivery_values(endpoint_id, url, kind, body) for endpoint_id, url in subscribed]


def emit(kind: str, event: Event, payload: Mapping | None = None) -> list[OutboxMessage]:
    """Write a delivery of ``kind`` about ``event`` for every endpoint subscribed to it: the host
    organisation's and the event's programme's. Not committed: it leaves when the caller commits."""
    if kind not in WEBHOOK_EVENTS:
        raise ValueError(f"unknown webhook event {kind!r}")
    endpoints = db.session.execute(select(WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.events)
                                   .where(owned_by(event.host_organisation_id, event.programme_id))).all()
    rows = [OutboxMessage(**values) for values in delivery_values(kind, event, payload, endpoints)]
    db.session.add_all(rows)
    return rows


def send_test(endpoint: WebhookEndpoint) -> OutboxMessage:
    """A ``webhook.test`` delivery to ``endpoint`` alone (the "Send test" button); not committed."""
    return _delivery(endpoint, TEST_KIND, body_of(TEST_KIND, {"endpoint_id": endpoint.id}))


# --- endpoints ------------------------------------------------------------------


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def create_endpoint(*, url: str, events: Iterable[str], description: str = "", organisation_id: int | None = None,
                    programme_id: int | None = None, by=None) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (the caller shows it once and commits).

    :raise AddressRefused: the address may not be called.
    """
    check_address(url)
    endpoint = WebhookEndpoint(
        url=url.strip(), events=[e for e in WEBHOOK_EVENTS if e in set(events)], description=description.strip(),
        organisation_id=organisation_id, programme_id=programme_id, secret=new_secret(),
        created_by_id=by.id if by is not None else None,
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def enable_endpoint(endpoint: WebhookEndpoint) -> str:
    """Enable a disabled endpoint (one restored from an export) with a new secret; return the secret,
    which the caller shows once. Not committed."""
    endpoint.secret = new_secret()
    endpoint.active = True
    return endpoint.secret


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint and its delivery log (deliveries still waiting are dropped, restored history
    too); not committed."""
    db.session.execute(OutboxMessage.__table__.delete().where(OutboxMessage.endpoint_id == endpoint.id))
    db.session.execute(WebhookDeliveryRecord.__table__.delete().where(WebhookDeliveryRecord.endpoint_id == endpoint.id))
    db.session.delete(endpoint)


def deliveries(endpoint_id: int):
    """SQL: the endpoint's deliveries, newest first (its delivery log)."""
    return (select(OutboxMessage).where(OutboxMessage.endpoint_id == endpoint_id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))


def restored_deliveries(endpoint_id: int, limit: int = 200) -> list[WebhookDeliveryRecord]:
    """The delivery history restored with the endpoint from a programme export, newest ``limit`` first."""
    return list(db.session.scalars(
        select(WebhookDeliveryRecord).where(WebhookDeliveryRecord.endpoint_id == endpoint_id)
        .order_by(WebhookDeliveryRecord.created_at.desc(), WebhookDeliveryRecord.id.desc()).limit(limit)))


# --- signing --------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Eventsapp-Signature`` header: ``t=<unix time>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


# --- addresses ------------------------------------------------------------------


def _setting_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip().lower() for v in value if str(v).strip()]


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _allowed_by_administrator(host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    for entry in _setting_list(current_app.config.get("WEBHOOK_ALLOWED_HOSTS")):
        if entry == host:
            return True
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _plain(ip):
    """An IPv4 address written as IPv6 (``::ffff:10.0.0.1``, 6to4 …) judged as the IPv4 one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise LookupError(f"the host name {host!r} cannot be found ({error})") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


#: One label of a host name, once IDNA-encoded (letters, digits, hyphens inside; underscores as DNS allows).
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def _host_problem(host: str) -> str | None:
    """Why ``host`` (from a URL, lower case) cannot be a host name or IP address, else None."""
    if _is_ip(host):
        return None
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")  # ünïcode.example -> xn--ncode-...
    except UnicodeError:
        return (f"“{host}” is not a valid host name: use letters, digits, hyphens and dots "
                "(such as hooks.example.org).")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in ascii_host.split(".")):
        return (f"“{host}” is not a valid host name: use letters, digits, hyphens and dots "
                "(such as hooks.example.org).")
    return None


def check_address(url: str) -> list[str]:
    """The addresses ``url`` may be called at; raise :class:`AddressRefused` when it may not.

    The host must be a valid name (IDNA-encodable, so a name in any script is fine) or an IP address,
    and the address holds no spaces. A valid name that does not resolve (yet) is not refused here
    (the delivery retries); ``[]``.
    """
    url = (url or "").strip()
    if any(c.isspace() for c in url):
        raise AddressRefused("Remove the spaces from the address (write a space in a path as %20).")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused("Enter a full web address, such as https://example.org/hooks/eventsapp.") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise AddressRefused("Enter a full web address starting with https://.")
    problem = _host_problem(host)
    if problem:
        raise AddressRefused(problem)
    if parts.username or parts.password:
        raise AddressRefused("Leave the user name and password out of the address; the signature proves the sender.")
    loopback_allowed = _flag(current_app.config.get("WEBHOOK_ALLOW_LOOPBACK"))
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [host] if _is_ip(host) else resolve(host, port)
    except LookupError:
        addresses = []
    for address in addresses:
        ip = _plain(ipaddress.ip_address(address.split("%")[0]))
        if ip.is_loopback and loopback_allowed:
            continue
        if ip.is_global and not ip.is_multicast:
            if parts.scheme != "https":
                raise AddressRefused("Use an https:// address: deliveries are only sent over HTTPS.")
            continue
        if _allowed_by_administrator(host, ip):
            continue
        raise AddressRefused(
            f"{host} is a private, loopback or reserved address ({ip}); deliveries only go to public "
            "addresses unless the site administrator allows this one.")
    if parts.scheme != "https" and not (addresses and loopback_allowed):
        raise AddressRefused("Use an https:// address: deliveries are only sent over HTTPS.")
    return addresses


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


# --- delivering ---------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; the outbox retries with backoff."""


@outbox.sender("webhook")
def send_delivery(row: OutboxMessage) -> None:
    """POST one delivery, signed now; a 2xx answer delivers it, anything else is retried."""
    session = object_session(row)
    endpoint = session.get(WebhookEndpoint, row.endpoint_id) if row.endpoint_id else None
    if endpoint is None:
        raise outbox.NothingToSend("the endpoint was removed")
    if not endpoint.active:
        raise outbox.NothingToSend("the endpoint is disabled")
    try:
        addresses = check_address(endpoint.url)
    except AddressRefused as refused:
        raise outbox.Refused(str(refused)) from None
    parts = urlsplit(endpoint.url.strip())
    if not addresses:
        raise DeliveryFailed(f"the host name {parts.hostname!r} cannot be found")
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    timeout = float(current_app.config.get("WEBHOOK_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, addresses[0], timeout=timeout)
    body = row.payload or b"{}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "eventsapp-webhooks/1",
        EVENT_HEADER: row.subject,
        DELIVERY_HEADER: str(row.id),
        SIGNATURE_HEADER: signature(endpoint.secret, int(time.time()), body),
    }
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(ANSWER_BYTES)
    finally:
        connection.close()
    row.response_status = response.status
    if not 200 <= response.status < 300:
        text = answer.decode("utf-8", "replace").strip()
        raise DeliveryFailed(f"HTTP {response.status} {response.reason}" + (f": {text}" if text else ""))
