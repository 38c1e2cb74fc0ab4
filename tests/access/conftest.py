"""The world the access-control matrix runs in, and a signed-in client per role.

One app per backend (module scope) holds a fixed world:

- ``org_a``, ``org_b``: host organisations; ``org_c``: the coordinating network;
- ``programme``: coordinated by ``org_c`` (``programme.slug``);
- ``event_a`` (published) and ``draft_a`` (draft): hosted by A, in the programme;
- ``event_b`` (published) and ``draft_b`` (draft): hosted by B, not in the programme;
- ``registration_a`` (confirmed, at ``event_a``) and ``registration_b`` (confirmed, at ``event_b``),
  each with ``.person``;
- ``users[role]`` and ``membership[role]`` for ``door_a``, ``organiser_a`` (members of A),
  ``organiser_b`` (member of B) and ``coordinator`` (coordinator of ``org_c``);
- network B, a second network: ``org_net_b`` coordinates ``programme_b``, in which
  ``org_host_b`` hosts ``event_net_b`` (published, with ``registration_net_b``) and
  ``draft_net_b``; ``coordinator_b`` is coordinator of ``org_net_b``;
- ``admin``: the site administrator (``users["admin"]``, no membership).

World attributes are plain snapshots (``SimpleNamespace`` of the row's columns), so rules
can read ``w.event_a.id`` or ``w.programme.slug`` anywhere. An area that needs more objects
defines ``extend_world(world)`` in its ``rules_<area>.py``: it runs once, inside an app
context, after the world is built; it may use ``tests.factories`` and set attributes
(``world.question_a = snapshot(question)``). Whatever it creates in the database or in the
app's instance folder (uploads, import jobs) is put back after every state change.

Each role signs in once through the real login form with the test password; every test
gets a fresh client carrying that role's session cookie. After a state-changing request
(anything but GET) that was not refused (any answer but 4xx), every table is emptied and
the rows captured after building the world are inserted again (same ids, same session
versions), and the instance folder is copied back, so every test starts from the same
state and the saved session cookies stay valid.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import inspect, text

from eventsapp import create_app
from eventsapp.extensions import db
from eventsapp.models import Membership, User, utcnow
from eventsapp.reference_data import seed_reference_data
from tests import factories
from tests.access.matrix import ROLES, rule_modules
from tests.conftest import BACKENDS, base_config, truncate_all

#: Methods after which the world is rebuilt before the next test.
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

USER_SPECS = {
    # role in the matrix: (email, membership role, organisation attribute)
    "door_a": ("door.a@example.org", "door", "org_a"),
    "organiser_a": ("organiser.a@example.org", "organiser", "org_a"),
    "organiser_b": ("organiser.b@example.org", "organiser", "org_b"),
    "coordinator": ("coordinator@example.org", "coordinator", "org_c"),
    "coordinator_b": ("coordinator.b@example.org", "coordinator", "org_net_b"),
}


def snapshot(obj, **extra) -> SimpleNamespace:
    """A detached, read-only-by-convention copy of a row's column values."""
    values = {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}
    return SimpleNamespace(**values, **extra)


def build_world() -> SimpleNamespace:
    """Create the matrix world in the current (empty) database; return its snapshots."""
    start = utcnow().replace(microsecond=0, second=0, minute=0) + timedelta(days=14)
    org_a = factories.make_organisation("Alpha Community Trust")
    org_b = factories.make_organisation("Beta Youth Justice Service", sector_code="youth_justice")
    org_c = factories.make_organisation("Good Relations Network")
    programme = factories.make_programme(
        slug="matrix-programme", name="Matrix Programme", coordinator_organisation=org_c
    )

    def event(title, host, status, programme=None, days=0):
        return factories.make_event(
            host=host, title=title, status=status, programme=programme, town="Leeds",
            starts_at=start + timedelta(days=days),
        )

    event_a = event("Alpha published event", org_a, "published", programme)
    draft_a = event("Alpha draft event", org_a, "draft", programme, days=1)
    event_b = event("Beta published event", org_b, "published", days=2)
    draft_b = event("Beta draft event", org_b, "draft", days=3)

    def registration(event, first, last, organisation):
        person = factories.make_person(
            first_name=first, last_name=last, email=f"{first}.{last}@example.org".lower()
        )
        return factories.make_registration(event=event, person=person, organisation=organisation)

    registration_a = registration(event_a, "Ada", "Attendee", org_a)
    registration_b = registration(event_b, "Bea", "Booker", org_b)

    # Network B: its coordinating organisation, programme, host and events.
    org_net_b = factories.make_organisation("Bridges Network B")
    org_host_b = factories.make_organisation("Bridges Host Forum", sector_code="faith")
    programme_b = factories.make_programme(
        slug="network-b-programme", name="Network B Programme", coordinator_organisation=org_net_b
    )
    event_net_b = event("Network B published event", org_host_b, "published", programme_b, days=4)
    draft_net_b = event("Network B draft event", org_host_b, "draft", programme_b, days=5)
    registration_net_b = registration(event_net_b, "Cal", "Bridges", org_host_b)

    organisations = {"org_a": org_a, "org_b": org_b, "org_c": org_c, "org_net_b": org_net_b}
    users, memberships = {}, {}
    for role, (email, membership_role, org_attr) in USER_SPECS.items():
        user = factories.make_user(
            role=membership_role, organisation=organisations[org_attr], email=email,
            name=role.replace("_", " ").title(),
        )
        users[role] = snapshot(user)
        memberships[role] = snapshot(db.session.scalars(
            db.select(Membership).where(Membership.user_id == user.id)
        ).one())
    admin = User(email="national.admin@example.org", name="Admin", is_admin=True)
    admin.set_password(factories.PASSWORD)
    db.session.add(admin)
    db.session.commit()
    users["admin"] = snapshot(admin)

    world = SimpleNamespace(
        org_a=snapshot(org_a), org_b=snapshot(org_b), org_c=snapshot(org_c),
        programme=snapshot(programme),
        event_a=snapshot(event_a), draft_a=snapshot(draft_a),
        event_b=snapshot(event_b), draft_b=snapshot(draft_b),
        registration_a=snapshot(registration_a, person=snapshot(registration_a.person)),
        registration_b=snapshot(registration_b, person=snapshot(registration_b.person)),
        org_net_b=snapshot(org_net_b), org_host_b=snapshot(org_host_b), programme_b=snapshot(programme_b),
        event_net_b=snapshot(event_net_b), draft_net_b=snapshot(draft_net_b),
        registration_net_b=snapshot(registration_net_b, person=snapshot(registration_net_b.person)),
        users=users, membership=memberships,
    )
    for module in rule_modules():
        extend = getattr(module, "extend_world", None)
        if extend is not None:
            extend(world)
    db.session.commit()
    return world


def delete_all_rows(connection) -> None:
    """Delete every row, children first; self-references (merged organisations) are cut first."""
    tables = db.metadata.sorted_tables
    for table in tables:
        self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
        if self_refs:
            connection.execute(table.update().values(dict.fromkeys(self_refs)))
    for table in reversed(tables):
        connection.execute(table.delete())


def empty_database(backend: str) -> None:
    db.session.remove()
    if backend == "postgresql":
        truncate_all(db.engine)
    else:
        with db.engine.begin() as connection:
            delete_all_rows(connection)


def capture_rows() -> dict[str, list[dict]]:
    """Every row of every table, to put back exactly after a test changed something."""
    with db.engine.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(table.select())]
            for table in db.metadata.sorted_tables
        }


def restore_rows(rows: dict[str, list[dict]], backend: str) -> None:
    """Empty every table and insert the captured rows again, ids and all, in one transaction."""
    db.session.remove()
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        delete_all_rows(connection)
        for table in tables:
            saved = rows.get(table.name)
            if not saved:
                continue
            # A column referring to its own table (organisation.merged_into_id) is filled in
            # afterwards, so row order cannot break the foreign key.
            self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            connection.execute(table.insert(), [{**r, **dict.fromkeys(self_refs)} for r in saved])
            for column in self_refs:
                for row in saved:
                    if row[column] is not None:
                        pk = {c.name: row[c.name] for c in table.primary_key.columns}
                        connection.execute(
                            table.update().filter_by(**pk).values({column: row[column]})
                        )
        if backend == "postgresql":
            for table in tables:
                for column in table.primary_key.columns:
                    sequence = connection.execute(
                        text("SELECT pg_get_serial_sequence(:table, :column)"),
                        {"table": f'"{table.name}"', "column": column.name},
                    ).scalar()
                    if sequence is None:
                        continue
                    # Names come from the models' own metadata, not from input.
                    query = f'SELECT setval(:seq, coalesce((SELECT max("{column.name}") FROM "{table.name}"), 0) + 1, false)'  # noqa: S608
                    connection.execute(text(query), {"seq": sequence})


class Matrix:
    """The app, its world and each role's session cookie, shared by a module's tests."""

    def __init__(self, app, backend: str):
        self.app, self.backend = app, backend
        self.world: SimpleNamespace | None = None
        self.rows: dict[str, list[dict]] = {}
        self.files: Path | None = None
        self.cookies: dict[str, str] = {}
        self.dirty = True

    def build(self) -> SimpleNamespace:
        """Build the world from nothing, remember every row and file, and sign everyone in."""
        with self.app.app_context():
            empty_database(self.backend)
            seed_reference_data()
            db.session.commit()
            self.world = build_world()
            db.session.remove()
            self.rows = capture_rows()
        self.files = Path(tempfile.mkdtemp(prefix="matrix-instance-"))
        shutil.copytree(self.app.instance_path, self.files, dirs_exist_ok=True)
        self.dirty = False
        self.sign_in_everyone()
        return self.world

    def rebuild(self) -> SimpleNamespace:
        """Put every row back as built (same ids and session versions: cookies stay valid)."""
        if self.world is None:
            return self.build()
        with self.app.app_context():
            restore_rows(self.rows, self.backend)
            db.session.remove()
        shutil.rmtree(self.app.instance_path)
        shutil.copytree(self.files, self.app.instance_path)
        self.dirty = False
        return self.world

    def fresh_world(self) -> SimpleNamespace:
        return self.rebuild() if self.dirty or self.world is None else self.world

    def sign_in_everyone(self) -> None:
        """Each role signs in through the real login form; keep its session cookie."""
        self.cookies = {}
        for role, user in self.world.users.items():
            client = self.app.test_client()
            response = client.post(
                "/auth/login", data={"email": user.email, "password": factories.PASSWORD}
            )
            assert response.status_code == 302, f"{role} could not sign in ({response.status_code})"
            self.cookies[role] = client.get_cookie("session").value

    def client(self, role: str):
        """A new test client, signed in as ``role`` (none for anonymous)."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        client = self.app.test_client()
        if role != "anonymous":
            client.set_cookie("session", self.cookies[role])
        return client

    def request(self, role: str, method: str, url: str, data=None):
        response = self.client(role).open(url, method=method, data=data)
        # A refused or invalid request (4xx) must not have changed anything, so only a
        # state-changing request that succeeded (or failed with 5xx) forces a rebuild.
        if method not in SAFE_METHODS and not 400 <= response.status_code < 500:
            self.dirty = True
        return response


@pytest.fixture(scope="module", params=BACKENDS)
def matrix(request, tmp_path_factory):
    """One app per backend for the whole module, with the world built."""
    backend = request.param
    tmp = tmp_path_factory.mktemp(f"matrix-{backend}")
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_schema")
    else:
        url = f"sqlite:///{tmp / 'matrix.db'}"
    app = create_app(base_config(tmp, url))
    if backend == "sqlite":
        with app.app_context():
            db.create_all()
    state = Matrix(app, backend)
    state.build()
    yield state
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            truncate_all(db.engine)
        db.engine.dispose()
    if state.files is not None:
        shutil.rmtree(state.files, ignore_errors=True)


@pytest.fixture
def world(matrix):
    """The world, rebuilt first if the previous test changed anything."""
    return matrix.fresh_world()


@pytest.fixture
def role_client(matrix, world):
    """``role_client("organiser_a")``: a fresh client signed in as that role."""
    return matrix.client
