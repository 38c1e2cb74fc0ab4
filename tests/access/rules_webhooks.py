"""Access rules for webhooks (eventsapp.webhooks.views) and the embeddable event list (eventsapp.embed).

The world gets (``extend_world``) one endpoint each for organisations A and B and for the two
programmes. An organisation's endpoints: its organisers (its door volunteers 403; a coordinator
whose network reaches it 403, others 404). A programme's: its coordinators (everyone else 404).
The embed pages and script are public. Endpoint addresses are on ``.invalid`` names, so the
"Send test" button's delivery fails quietly (no network) and is retried later.
"""

from __future__ import annotations

from eventsapp import webhooks
from eventsapp.extensions import db
from eventsapp.models import OutboxMessage, WebhookEndpoint
from tests.access.conftest import snapshot
from tests.access.matrix import Rule, expect, public

NEW_ENDPOINT = {"url": "https://hooks.example.invalid/new", "events": ["event.changed"]}


def extend_world(world) -> None:
    def endpoint(name, **owner):
        row = WebhookEndpoint(url=f"https://{name}.example.invalid/hook", events=["event.changed"],
                              secret=webhooks.new_secret(), **owner)
        db.session.add(row)
        db.session.flush()
        return snapshot(row)

    world.endpoint_a = endpoint("alpha", organisation_id=world.org_a.id)
    world.endpoint_b = endpoint("beta", organisation_id=world.org_b.id)
    world.endpoint_programme = endpoint("programme", programme_id=world.programme.id)
    world.endpoint_programme_b = endpoint("programme-b", programme_id=world.programme_b.id)

    def failed_delivery(attr):
        row = OutboxMessage(kind="webhook", recipient="https://example.invalid/", subject="event.changed",
                            payload=b"{}", endpoint_id=getattr(world, attr).id, state="failed", attempts=8,
                            last_error="HTTP 500")
        db.session.add(row)
        db.session.flush()
        return row.id

    world.delivery_a = failed_delivery("endpoint_a")
    world.delivery_b = failed_delivery("endpoint_b")
    world.delivery_programme = failed_delivery("endpoint_programme")


def endpoint(attr):
    return lambda w: {"endpoint_id": getattr(w, attr).id}


def form(w):
    return dict(NEW_ENDPOINT)


#: Organisation A's webhooks: its organiser; its door volunteer and the coordinator reaching A 403.
ORG_A = expect(404, organiser_a=200, door_a=403, coordinator=403, anonymous=302, admin=200)
ORG_A_ACTION = expect(404, organiser_a=302, door_a=403, coordinator=403, anonymous=302, admin=302)
#: The programme's webhooks: its coordinator only.
PROGRAMME = expect(404, coordinator=200, anonymous=302, admin=200)
PROGRAMME_ACTION = expect(404, coordinator=302, anonymous=302, admin=302)

RULES = [
    Rule("webhooks.organisation", "GET", lambda w: {"organisation_id": w.org_a.id}, ORG_A),
    Rule("webhooks.organisation", "GET", lambda w: {"organisation_id": w.org_b.id},
         expect(404, organiser_b=200, anonymous=302, admin=200), note="B"),
    Rule("webhooks.organisation", "POST", lambda w: {"organisation_id": w.org_a.id}, ORG_A, data=form),
    Rule("webhooks.programme", "GET", lambda w: {"slug": w.programme.slug}, PROGRAMME),
    Rule("webhooks.programme", "GET", lambda w: {"slug": w.programme_b.slug},
         expect(404, coordinator_b=200, anonymous=302, admin=200), note="network B"),
    Rule("webhooks.programme", "POST", lambda w: {"slug": w.programme.slug}, PROGRAMME, data=form),
    Rule("webhooks.show", "GET", endpoint("endpoint_a"), ORG_A),
    Rule("webhooks.show", "GET", endpoint("endpoint_b"), expect(404, organiser_b=200, anonymous=302, admin=200),
         note="B"),
    Rule("webhooks.show", "GET", endpoint("endpoint_programme"), PROGRAMME, note="programme"),
    Rule("webhooks.show", "GET", endpoint("endpoint_programme_b"),
         expect(404, coordinator_b=200, anonymous=302, admin=200), note="network B"),
    Rule("webhooks.show", "GET", lambda w: {"endpoint_id": 999_999}, expect(404, anonymous=302), note="missing"),
    Rule("webhooks.send_test", "POST", endpoint("endpoint_a"), ORG_A_ACTION),
    Rule("webhooks.send_test", "POST", endpoint("endpoint_programme"), PROGRAMME_ACTION, note="programme"),
    Rule("webhooks.send_test", "POST", endpoint("endpoint_programme_b"),
         expect(404, coordinator_b=302, anonymous=302, admin=302), note="network B"),
    Rule("webhooks.enable", "POST", endpoint("endpoint_a"), ORG_A),
    Rule("webhooks.enable", "POST", endpoint("endpoint_b"), expect(404, organiser_b=200, anonymous=302, admin=200),
         note="B"),
    Rule("webhooks.enable", "POST", endpoint("endpoint_programme"), PROGRAMME, note="programme"),
    Rule("webhooks.delete", "POST", endpoint("endpoint_a"), ORG_A_ACTION),
    Rule("webhooks.delete", "POST", endpoint("endpoint_b"), expect(404, organiser_b=302, anonymous=302, admin=302),
         note="B"),
    Rule("webhooks.delete", "POST", endpoint("endpoint_programme"), PROGRAMME_ACTION, note="programme"),
    Rule("webhooks.retry", "POST", lambda w: {"endpoint_id": w.endpoint_a.id, "delivery_id": w.delivery_a},
         ORG_A_ACTION),
    Rule("webhooks.retry", "POST", lambda w: {"endpoint_id": w.endpoint_a.id, "delivery_id": w.delivery_b},
         expect(404, door_a=403, coordinator=403, anonymous=302, admin=404), note="another endpoint's delivery"),
    Rule("webhooks.retry", "POST", lambda w: {"endpoint_id": w.endpoint_programme.id,
                                             "delivery_id": w.delivery_programme},
         PROGRAMME_ACTION, note="programme"),
    Rule("embed.organisation_events", "GET", lambda w: {"organisation_id": w.org_a.id}, public()),
    Rule("embed.organisation_events", "GET", lambda w: {"organisation_id": 999_999}, public(404), note="missing"),
    Rule("embed.programme_events", "GET", lambda w: {"programme_id": w.programme.id}, public()),
    Rule("embed.programme_events", "GET", lambda w: {"programme_id": 999_999}, public(404), note="missing"),
    Rule("embed.script", "GET", lambda w: {}, public()),
]
