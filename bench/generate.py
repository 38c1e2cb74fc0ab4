"""Deterministic benchmark data, bulk-loaded straight into SQLite or PostgreSQL.

The schema comes from the migrations (``flask db upgrade``) plus the seeded
regions and sectors, exactly as ``init-db`` leaves a real installation; rows
then go in with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), bypassing
the ORM. The same seed and sizes always give the same rows (dates are
relative to today, so "upcoming" stays upcoming).

At ``--scale 1`` (the issue's sizes): 10,000 organisations, 200,000 people,
2,000 events (half past, half upcoming), 1,000,000 attendances over about
1.2 million registrations, plus one check-in event "today" with 5,000
confirmed registrations and two bench accounts::

    python -m bench.generate --scale 0.05                       # SQLite in bench/data/
    python -m bench.generate --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_eventsapp
"""

from __future__ import annotations

import argparse
import fcntl
import json
import math
import os
import random
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_eventsapp"
BENCH_PASSWORD = "bench-password-2026"  # noqa: S105  (synthetic account on a throw-away database)
BENCH_COORDINATOR = "bench-coordinator@example.org"
BENCH_ORGANISER = "bench-organiser@example.org"
CHUNK = 20_000
#: Bump when the shape of the generated data changes, so cached databases are rebuilt.
GENERATOR_VERSION = 3


@dataclass(frozen=True)
class Sizes:
    """How much to generate; ``Sizes.scaled(0.1)`` is a tenth of the issue's sizes."""

    organisations: int = 10_000
    people: int = 200_000
    events: int = 2_000
    attendances: int = 1_000_000
    #: Registrations (all confirmed, none attended yet) at the check-in event "today".
    checkin_registrations: int = 5_000
    #: Average registrations per upcoming event.
    upcoming_per_event: int = 100
    seed: int = 2026

    @classmethod
    def scaled(cls, scale: float, **overrides) -> Sizes:
        base = cls()
        values = {
            "organisations": max(20, round(base.organisations * scale)),
            "people": max(50, round(base.people * scale)),
            "events": max(4, round(base.events * scale)),
            "attendances": max(10, round(base.attendances * scale)),
            "checkin_registrations": max(10, round(base.checkin_registrations * scale)),
        }
        values.update(overrides)
        # enough people that every past event can have its share of distinct attendees
        past_events = max(1, values["events"] // 2)
        values["people"] = max(values["people"], math.ceil(values["attendances"] / past_events * 1.5) + 10)
        return cls(**values)


@dataclass
class Counts:
    """What was written, table by table, plus the ids benchmarks need."""

    organisations: int = 0
    people: int = 0
    programmes: int = 0
    events: int = 0
    registrations: int = 0
    attendances: int = 0
    users: int = 0
    programme_id: int = 1
    programme_slug: str = "bench-programme"
    checkin_event_id: int = 0
    checkin_host_id: int = 0
    upcoming_event_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0


# --------------------------------------------------------------------------- names

_NAME_CACHE: dict[int, tuple[list[str], list[str], list[str]]] = {}
ORG_KINDS = [
    "Community Trust", "Interfaith Forum", "Youth Justice Service", "Police", "Borough Council",
    "Housing Association", "Mosque", "Parish Church", "Gurdwara", "Synagogue", "Academy",
    "NHS Trust", "Probation Service", "Refugee Network", "Women's Centre", "Residents' Association",
]
TOWNS_FALLBACK = ["Crawley", "Leeds", "Bradford", "Luton", "Oldham", "Leicester", "Bristol", "Hull"]


def name_lists(seed: int) -> tuple[list[str], list[str], list[str]]:
    """First names, last names and towns from Faker en_GB, generated once per seed."""
    if seed not in _NAME_CACHE:
        from faker import Faker

        fake = Faker("en_GB")
        fake.seed_instance(seed)
        firsts = sorted({fake.first_name() for _ in range(1500)})
        lasts = sorted({fake.last_name() for _ in range(1500)})
        towns = sorted({fake.city() for _ in range(400)}) or TOWNS_FALLBACK
        _NAME_CACHE[seed] = (firsts, lasts, towns)
    return _NAME_CACHE[seed]


# --------------------------------------------------------------------------- schema


def default_sqlite_url(name: str = "bench") -> str:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA_DIR / (name + '.db')}"


def make_app(url: str, **config):
    """The product app on ``url``, configured for benchmarking (no CSRF/rate limits)."""
    from eventsapp import create_app

    instance = Path(config.get("INSTANCE_PATH") or DATA_DIR / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    settings = {
        "SECRET_KEY": "bench-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(instance),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "EVENTSAPP_ENV": "development",
    }
    settings.update(config)
    return create_app(settings)


def reset_database(url: str) -> None:
    """Empty the bench database completely (never a database named ``test``)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    if parsed.database in (None, "", "test", "postgres", "template0", "template1"):
        raise SystemExit(f"bench: refusing to reset database {parsed.database!r}")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate(app) -> None:
    """Bring the schema to head the way ``init-db`` does, and seed reference data."""
    from flask_migrate import upgrade

    from eventsapp.extensions import db
    from eventsapp.reference_data import seed_reference_data

    with app.app_context():
        upgrade()
        seed_reference_data()
        db.session.commit()


def schema_heads() -> list[str]:
    """The migration heads, so that a cached database is rebuilt when they change."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(BENCH_DIR.parent / "migrations"))
    return sorted(ScriptDirectory.from_config(config).get_heads())


# --------------------------------------------------------------------------- writer


class BulkWriter:
    """Write rows to one table: COPY on PostgreSQL, executemany on SQLite.

    Columns the generator does not set get the model's scalar default (or the
    result of a callable default, once), so a column added later with a
    default does not break the generator.
    """

    def __init__(self, engine, metadata):
        self.engine = engine
        self.metadata = metadata
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()
        self.driver = self.raw.driver_connection
        if self.dialect == "sqlite":
            # the text form SQLAlchemy's SQLite DateTime writes and reads
            sqlite3.register_adapter(datetime, lambda value: value.strftime("%Y-%m-%d %H:%M:%S.%f"))
            self.driver.execute("PRAGMA synchronous=OFF")
            self.driver.execute("PRAGMA foreign_keys=OFF")

    def _complete(self, table_name: str, columns: list[str]) -> tuple[list[str], tuple]:
        table = self.metadata.tables[table_name]
        extra_names, extra_values = [], []
        for column in table.columns:
            if column.name in columns or column.primary_key:
                continue
            value = None
            default = column.default
            if default is not None and getattr(default, "is_scalar", False):
                value = default.arg
            elif default is not None and getattr(default, "is_callable", False):
                try:
                    value = default.arg(None)
                except TypeError:
                    value = default.arg()
            if value is None and column.server_default is not None:
                continue  # the database fills it in
            if value is None and column.nullable:
                continue
            extra_names.append(column.name)
            extra_values.append(value)
        return columns + extra_names, tuple(extra_values)

    def write(self, table_name: str, columns: list[str], rows: Iterable[tuple]) -> int:
        names, extra = self._complete(table_name, list(columns))
        quoted = ", ".join(f'"{n}"' for n in names)
        written = 0
        if self.dialect == "postgresql":
            copy_sql = f'COPY "{table_name}" ({quoted}) FROM STDIN'
            with self.driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row + extra if extra else row)
                    written += 1
            self.driver.commit()
            return written
        marks = ", ".join("?" for _ in names)
        sql = f'INSERT INTO "{table_name}" ({quoted}) VALUES ({marks})'
        for chunk in chunked(rows, CHUNK):
            if extra:
                chunk = [row + extra for row in chunk]
            # one transaction per chunk keeps the WAL file small
            self.driver.execute("BEGIN")
            self.driver.executemany(sql, chunk)
            self.driver.execute("COMMIT")
            written += len(chunk)
        return written

    def finish(self, tables: list[str], analyse_only: list[str] = ()) -> None:
        """Sequences past the ids written in ``tables``; statistics (and on PostgreSQL a VACUUM) for
        those and ``analyse_only`` (tables without an id sequence)."""
        if self.dialect == "postgresql":
            with self.driver.cursor() as cursor:
                for name in tables:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'COALESCE((SELECT MAX(id) FROM "{name}"), 0) + 1, false)'
                    )
            self.driver.commit()
            # VACUUM as well as ANALYZE: after a bulk load, as autovacuum would do on a server that
            # has it (the bench server may not), so index-only scans need no heap fetches.
            self.driver.autocommit = True
            with self.driver.cursor() as cursor:
                for name in [*tables, *analyse_only]:
                    cursor.execute(f'VACUUM ANALYZE "{name}"')
            self.driver.autocommit = False
        else:
            self.driver.execute("PRAGMA foreign_keys=ON")
            self.driver.execute("PRAGMA synchronous=NORMAL")
            self.driver.execute("ANALYZE")
        self.raw.close()


def search_keys(engine) -> Iterator[tuple]:
    """(registration id, event id, sort key, search key) of every registration, read back in a stream."""
    from sqlalchemy import text

    from eventsapp.checkin.search import keys_for

    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True, yield_per=CHUNK).execute(text(
            "SELECT r.id, r.event_id, r.first_name, r.last_name, r.organisation_name_entered, o.name, p.email "
            "FROM registration r JOIN person p ON p.id = r.person_id "
            "LEFT JOIN organisation o ON o.id = r.organisation_id ORDER BY r.id"
        ))
        for reg_id, event_id, first, last, entered, organisation, email in rows:
            yield (reg_id, event_id, *keys_for(first or "", last or "", entered or "", organisation or "", email or ""))


def chunked(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- the data


def split_total(rng: random.Random, total: int, parts: int, cap: int) -> list[int]:
    """``total`` split into ``parts`` uneven sizes, each at most ``cap``."""
    if parts == 0:
        return []
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [min(cap, int(w * scale)) for w in weights]
    shortfall = total - sum(sizes)
    i = 0
    while shortfall > 0:
        room = cap - sizes[i % parts]
        if room > 0:
            add = min(room, shortfall, max(1, math.ceil(shortfall / parts)))
            sizes[i % parts] += add
            shortfall -= add
        i += 1
        if i > parts * (total + 2):
            raise ValueError("not enough people for that many attendances")
    return sizes


def generate(url: str, sizes: Sizes | None = None, *, quiet: bool = True,
             instance_path: str | None = None) -> Counts:
    """Reset the database at ``url``, migrate it and fill it with ``sizes`` of data."""
    from sqlalchemy import select

    from eventsapp.extensions import db
    from eventsapp.models import Region, Sector

    sizes = sizes or Sizes()
    started = time.perf_counter()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    reset_database(url)
    app = make_app(url, **({"INSTANCE_PATH": instance_path} if instance_path else {}))
    migrate(app)
    rng = random.Random(sizes.seed)
    firsts, lasts, towns = name_lists(sizes.seed)
    counts = Counts()
    today = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    created = today - timedelta(days=400)

    with app.app_context():
        regions = list(db.session.scalars(select(Region.id).order_by(Region.id)))
        sectors = {s.code: s.id for s in db.session.scalars(select(Sector))}
        org_sectors = [sid for code, sid in sectors.items() if code != "individual"]
        writer = BulkWriter(db.engine, db.metadata)
        # The registration counters' triggers (eventsapp.models.counters) would update an event row
        # per registration loaded: off for the bulk load, then one backfill and back on.
        from eventsapp.models import counters as registration_counters

        with db.engine.begin() as connection:
            registration_counters.drop_triggers(connection)

        # organisations: unique names, so unique normalised keys
        from eventsapp.models import normalise_organisation_name

        org_names: list[str] = []

        def organisations():
            for i in range(1, sizes.organisations + 1):
                name = f"{towns[i % len(towns)]} {ORG_KINDS[(i * 7) % len(ORG_KINDS)]} {i}"
                org_names.append(name)
                yield (i, name, normalise_organisation_name(name), rng.choice(org_sectors), created)

        counts.organisations = writer.write(
            "organisation", ["id", "name", "normalised_key", "sector_id", "created_at"], organisations()
        )
        say(f"  organisations: {counts.organisations}")

        person_names: list[tuple[str, str, str]] = []

        def people():
            for i in range(1, sizes.people + 1):
                first, last = rng.choice(firsts), rng.choice(lasts)
                email = f"{first}.{last}.{i}@example.org".lower().replace(" ", "").replace("'", "")
                person_names.append((first, last, email))
                yield (i, first, last, email, email, created)

        counts.people = writer.write(
            "person", ["id", "first_name", "last_name", "email", "email_key", "created_at"], people()
        )
        say(f"  people: {counts.people}")

        counts.programmes = writer.write(
            "programme",
            ["id", "slug", "name", "description", "coordinator_organisation_id", "created_at"],
            [(1, counts.programme_slug, "Bench programme: regional convening events",
              "Synthetic programme for benchmarks.", 1, created)],
        )

        # events: half past (in the programme), half upcoming, plus the check-in event
        past = sizes.events // 2
        upcoming = sizes.events - past
        hosts = max(1, min(200, sizes.organisations))
        events: list[tuple] = []
        event_info: list[tuple[int, datetime, str, int | None]] = []  # id, starts, status, capacity
        for i in range(1, sizes.events + 1):
            if i <= past:
                starts = today - timedelta(days=3 + (past - i) * 360 // max(past, 1), hours=-10)
                status, capacity = "published", None
            else:
                starts = today + timedelta(days=2 + (i - past) * 300 // max(upcoming, 1), hours=10)
                roll = rng.random()
                status = "draft" if roll < 0.03 else "cancelled" if roll < 0.05 else "published"
                capacity = rng.choice([None, 40, 60, 80, 120, 150, 200, 300])
            host = (i - 1) % hosts + 1
            town = towns[i % len(towns)]
            events.append((
                i, 1 if (i <= past or i % 2 == 0) else None, host, regions[i % len(regions)],
                f"Good relations convening event {i}: {town}",
                f"Bringing together local partners in {town} to strengthen good relations.",
                "A facilitated discussion with community, faith and statutory partners.\n\nLunch provided.",
                "Trust between communities\nTackling hate crime\nYoung people's voices",
                town, f"{town} Community Centre", f"{i} High Street, {town}", "AB1 2CD",
                "Step-free access; hearing loop.", starts, starts + timedelta(hours=3),
                capacity, status,
                "Venue unavailable" if status == "cancelled" else None,
                created if status == "cancelled" else None, 0, created, created,
            ))
            event_info.append((i, starts, status, capacity))
        checkin_id = sizes.events + 1
        checkin_host = 2 if sizes.organisations >= 2 else 1
        checkin_starts = today + timedelta(hours=9)
        events.append((
            checkin_id, None, checkin_host, regions[0], "Check-in day: community gathering",
            "The event being checked in today.", "", "", towns[0], "Town Hall", "1 Market Square",
            "AB1 2CD", "", checkin_starts, checkin_starts + timedelta(hours=10), None, "published",
            None, None, 0, created, created,
        ))
        counts.events = writer.write(
            "event",
            ["id", "programme_id", "host_organisation_id", "region_id", "title", "summary",
             "description", "themes", "town", "venue", "address", "postcode", "accessibility",
             "starts_at", "ends_at", "capacity", "status", "cancel_reason", "cancelled_at",
             "sequence", "created_at", "updated_at"],
            events,
        )
        counts.checkin_event_id, counts.checkin_host_id = checkin_id, checkin_host
        counts.upcoming_event_ids = [i for i, _s, status, _c in event_info[past:] if status == "published"]
        say(f"  events: {counts.events}")

        # registrations and attendance
        per_event_cap = max(1, int(sizes.people * 0.8))
        attended = split_total(rng, sizes.attendances, past, per_event_cap)
        attendance_rows: list[tuple] = []
        methods = ["desk"] * 5 + ["qr"] * 3 + ["walk_in", "sheet"]

        def registrations():
            reg_id = 0
            att_id = 0

            def row(event_id, person, status, when, cancelled=None):
                nonlocal reg_id
                reg_id += 1
                first, last, email = person_names[person - 1]
                org = None if person % 20 == 0 else (person * 7919) % sizes.organisations + 1
                entered = "" if org is None else org_names[org - 1]
                return (reg_id, event_id, person, first, last, org, entered, email, status, "web", "",
                        "", "", when, False, when, when, cancelled)

            for index, (event_id, starts, status, capacity) in enumerate(event_info):
                if index < past:
                    n = attended[index]
                    no_shows, cancelled = round(n * 0.08), round(n * 0.04)
                    total = min(n + no_shows + cancelled, sizes.people)
                    chosen = rng.sample(range(1, sizes.people + 1), total)
                    booked = starts - timedelta(days=20)
                    for k, person in enumerate(chosen):
                        if k < n:
                            yield row(event_id, person, "confirmed", booked)
                            att_id += 1
                            attendance_rows.append((
                                att_id, reg_id, starts + timedelta(minutes=rng.randrange(-20, 90)),
                                methods[k % len(methods)], "",
                            ))
                        elif k < n + no_shows:
                            yield row(event_id, person, "confirmed", booked)
                        else:
                            yield row(event_id, person, "cancelled", booked, booked + timedelta(days=3))
                    if len(attendance_rows) >= CHUNK * 5:
                        flush_attendance()
                elif status != "draft":
                    n = min(int(rng.uniform(0.2, 1.8) * sizes.upcoming_per_event), sizes.people)
                    chosen = rng.sample(range(1, sizes.people + 1), n)
                    for k, person in enumerate(chosen):
                        state = "confirmed" if capacity is None or k < capacity else "waitlisted"
                        yield row(event_id, person, state, today - timedelta(days=1))
            chosen = rng.sample(range(1, sizes.people + 1), min(sizes.checkin_registrations, sizes.people))
            for person in chosen:
                yield row(checkin_id, person, "confirmed", today - timedelta(days=5))

        pending_attendance: list[list[tuple]] = []

        def flush_attendance():
            pending_attendance.append(list(attendance_rows))
            attendance_rows.clear()

        counts.registrations = writer.write(
            "registration",
            ["id", "event_id", "person_id", "first_name", "last_name", "organisation_id", "organisation_name_entered",
             "email_key", "status", "source", "job_title", "access_requirements",
             "dietary_requirements", "consent_privacy_at", "consent_contact", "created_at",
             "updated_at", "cancelled_at"],
            registrations(),
        )
        flush_attendance()
        say(f"  registrations: {counts.registrations}")
        counts.attendances = writer.write(
            "attendance",
            ["id", "registration_id", "checked_in_at", "method", "note"],
            (row for chunk in pending_attendance for row in chunk),
        )
        pending_attendance.clear()
        say(f"  attendances: {counts.attendances}")

        # Every registration's desk search keys, as the ORM listener writes them in production
        # (without them the key table would hold only what the desk fills in, one event's worth).
        writer.write("registration_search", ["registration_id", "event_id", "sort_key", "search_key"],
                     search_keys(db.engine))
        say("  search keys: written")

        # two accounts: a coordinator of the programme, an organiser of the check-in host
        from eventsapp.models.user import password_hasher

        with app.test_request_context():
            password_hash = password_hasher().hash(BENCH_PASSWORD)
        counts.users = writer.write(
            "user",
            ["id", "email", "name", "password_hash", "active", "session_version", "created_at"],
            [(1, BENCH_COORDINATOR, "Bench Coordinator", password_hash, True, 1, created),
             (2, BENCH_ORGANISER, "Bench Organiser", password_hash, True, 1, created)],
        )
        writer.write(
            "membership", ["id", "user_id", "organisation_id", "role", "created_at"],
            [(1, 1, 1, "coordinator", created), (2, 2, checkin_host, "organiser", created)],
        )
        with db.engine.begin() as connection:
            registration_counters.backfill(connection)
            registration_counters.create_triggers(connection)
        writer.finish(["organisation", "person", "programme", "event", "registration",
                       "attendance", "user", "membership"], analyse_only=["registration_search"])
        db.session.remove()
        db.engine.dispose()

    counts.seconds = round(time.perf_counter() - started, 2)
    return counts


# --------------------------------------------------------------------------- cached datasets


def postgres_url_for_scale(base_url: str, scale: float) -> str:
    """Full size uses the base database; other scales get their own (``bench_eventsapp_s0_1``),
    created on demand, so that runs at different scales never overwrite each other's data."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if scale == 1:
        return base_url
    parsed = make_url(base_url)
    name = f"{parsed.database}_s{scale:g}".replace(".", "_").replace("-", "_")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def ensure_dataset(url: str, sizes: Sizes, *, quiet: bool = True) -> Counts:
    """Generate into ``url`` unless it already holds exactly this dataset.

    A sidecar JSON in bench/data/ records what was generated (sizes, schema
    heads, generator version, the day the dates are relative to). A lock file
    makes a second bench process wait for the first one's generation.
    """
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    key = f"{parsed.get_backend_name()}-{Path(parsed.database or 'db').stem}"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with (DATA_DIR / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _ensure_dataset(url, sizes, key, quiet)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _ensure_dataset(url: str, sizes: Sizes, key: str, quiet: bool) -> Counts:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    marker = DATA_DIR / f"{key}.json"
    fingerprint = {
        "sizes": asdict(sizes),
        "heads": schema_heads(),
        "version": GENERATOR_VERSION,
        "day": datetime.now(UTC).date().isoformat(),
        "url": parsed.render_as_string(hide_password=True),
    }
    if marker.exists():
        saved = json.loads(marker.read_text())
        database_there = parsed.get_backend_name() != "sqlite" or Path(parsed.database).exists()
        if saved.get("fingerprint") == fingerprint and database_there:
            return Counts(**saved["counts"])
    marker.unlink(missing_ok=True)
    counts = generate(url, sizes, quiet=quiet)
    marker.write_text(json.dumps({"fingerprint": fingerprint, "counts": asdict(counts)}, indent=1))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="database URL (default: SQLite bench/data/bench.db)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's sizes")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    url = args.url or default_sqlite_url()
    if os.environ.get("DATABASE_URL") and not args.url:
        print("bench: DATABASE_URL is ignored; pass --url", file=sys.stderr)
    counts = generate(url, Sizes.scaled(args.scale, seed=args.seed), quiet=False)
    print(json.dumps(asdict(counts) | {"upcoming_event_ids": len(counts.upcoming_event_ids)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
