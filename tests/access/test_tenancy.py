"""Acceptance for issue 13's tenancy: a coordinator of network B can do nothing to network A.

Network B's coordinator tries every state-changing route of the access matrix that names one
of network A's objects (organisations, memberships, invitations, programmes, events,
registrations, check-in, imports, merges) and every export and report of A; each answers 404,
and a dump of the whole database (every table, every row, in key order) is identical before
and after.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from eventsapp.extensions import db
from tests.access.matrix import load_rules

SUCCESS = range(200, 400)

#: Forms with no object in their address that name A's organisation in a field (a new event
#: hosted by A, a new programme for A's coordinating organisation): refused at that field (422).
#: The privacy pages answer a person of another network like an unknown address: 422 at the field.
REFUSED_AT_THE_FIELD = {"events.new", "programmes.new", "privacy.people", "privacy.export_person", "privacy.erase"}

#: Actions on stories: on a published one (public, so seeing it is no leak) a plain 403, on a
#: draft or submitted one 404.
FORBIDDEN_ON_PUBLIC = {"stories.feature", "stories.change"}

#: Reads of network A's personal data and figures, tried as well.
READS = [
    ("registration.export_csv", lambda w: {"event_id": w.event_a.id}),
    ("files.job", lambda w: {"job_id": "matrix-export-of-programme-a"}),
    ("files.download", lambda w: {"job_id": "matrix-export-of-programme-a"}),
    ("reports.index", lambda w: {"programme": w.programme.slug}),
    ("reports.csv", lambda w: {"programme": w.programme.slug}),
    ("reports.event_report", lambda w: {"event_id": w.event_a.id}),
    ("reports_api.api_report", lambda w: {"programme": w.programme.slug}),
    ("organisations.show", lambda w: {"organisation_id": w.org_a.id}),
    ("organisations.show", lambda w: {"organisation_id": w.org_c.id}),
    ("programmes.edit", lambda w: {"slug": w.programme.slug}),
    ("events.manage", lambda w: {"event_id": w.draft_a.id}),
]


def dump() -> list:
    """Every row of every table, tables by name and rows by primary key."""
    tables = sorted(db.metadata.sorted_tables, key=lambda t: t.name)
    with db.engine.connect() as connection:
        return [
            (table.name, [tuple(row) for row in connection.execute(
                select(table).order_by(*table.primary_key.columns))])
            for table in tables
        ]


def attacks(world) -> list[tuple[str, str, str, dict | None]]:
    """(method, endpoint, url, data) for each mutating rule network A's coordinator may use
    on A's objects, plus the reads above."""
    found = []
    for rule in load_rules():
        if rule.method == "GET" or rule.allowed("anonymous") & set(SUCCESS) - {302}:
            continue  # public forms (login, registering, invitation links) are no one's network
        if not rule.allowed("coordinator") & set(SUCCESS):
            continue
        if rule.allowed("coordinator_b") & set(SUCCESS):
            continue  # open to any coordinator (creating an organisation)
        url = url_for(rule.endpoint, **rule.url_values(world))
        found.append(("POST", rule.endpoint, url, rule.data(world) if rule.data else None))
    for endpoint, values in READS:
        found.append(("GET", endpoint, url_for(endpoint, **values(world)), None))
    return found


def test_network_b_coordinator_changes_nothing_of_network_a(matrix, world):
    with matrix.app.test_request_context():
        tried = attacks(world)
    endpoints = {endpoint for _, endpoint, _, _ in tried}
    for area in ("organisations.edit", "organisations.remove", "organisations.invite_member",
                 "organisations.revoke_invitation", "programmes.edit", "events.edit", "events.publish",
                 "events.cancel", "merges.create", "merges.undo", "registration.export_csv", "imports.export",
                 "reports_api.api_report"):
        assert area in endpoints, f"the sweep does not try {area}"
    with matrix.app.app_context():
        before = dump()
    answers = {}
    for method, endpoint, url, data in tried:
        response = matrix.client("coordinator_b").open(url, method=method, data=data)
        expected = {422} if endpoint in REFUSED_AT_THE_FIELD else {403, 404} if endpoint in FORBIDDEN_ON_PUBLIC else {404}
        answers[f"{method} {url}"] = (response.status_code, expected)
    with matrix.app.app_context():
        after = dump()
    assert {k: got for k, (got, expected) in answers.items() if got not in expected} == {}
    assert after == before
    print(f"coordinator_b tried {len(tried)} requests on network A: refused (404, or 422 at the field for new ones), database unchanged")
