"""B5: CSV attendance import of 100,000 rows, against a bare ``executemany`` of the same rows.

Each side starts from the same copy of a small SQLite database and imports
the same file into one past event: new people, their organisations (mostly
known, some new), registrations and attendance. The bare side is what a
hand-written loader does: ``csv.reader`` and one ``executemany`` per table,
no validation, no matching. The two sides of the 100,000-row import alternate
in :data:`ROUNDS` rounds (bare, then product), and the median round's ratio is
reported: one round of each let a moment of load decide it (the bare side ran
in 3.7 s in one full run against 5.9-6.8 s in others). Peak memory of the
product import is compared for 10,000 and 100,000 rows (it should be flat: the
file is streamed in chunks); the largest peak of the 100,000-row rounds counts.
"""

from __future__ import annotations

import csv
import random
import sqlite3
import time
from pathlib import Path

from bench.core import DATA_DIR, Context, Row, feature, fmt_seconds, measure, ratio
from bench.generate import ORG_KINDS, Sizes, ensure_dataset, name_lists

TITLE = "CSV import"
TARGET = ">= 0.25 x bare executemany; memory flat"
SPEED_TARGET = 0.25
MEMORY_LIMIT = 1.2
#: Rounds of (bare executemany, product import) of the 100k file, each side a fresh process on a fresh
#: copy of the database; odd, so the median ratio is one round's.
ROUNDS = 3
HEADER = ["First name", "Last name", "Email", "Organisation", "Sector", "Attended"]
SECTORS = ["Community & voluntary", "Faith", "Police", "Local authority", "Youth justice", "Education"]


def write_csv(path: Path, rows: int, organisations: int, seed: int = 2026) -> None:
    firsts, lasts, towns = name_lists(seed)
    rng = random.Random(seed + rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            if rng.random() < 0.8:  # an organisation the database knows (the generator's names)
                k = rng.randrange(1, organisations + 1)
                organisation = f"{towns[k % len(towns)]} {ORG_KINDS[(k * 7) % len(ORG_KINDS)]} {k}"
            else:
                organisation = f"New Partnership {rng.randrange(max(1, rows // 50))}"
            first, last = rng.choice(firsts), rng.choice(lasts)
            writer.writerow([first, last, f"import.{i}@example.org", organisation, rng.choice(SECTORS),
                             "yes" if rng.random() < 0.9 else "no"])


def copy_database(source_url: str, destination: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(str(destination) + suffix).unlink(missing_ok=True)
    source = sqlite3.connect(source_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(destination)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return f"sqlite:///{destination}"


def bare_load(csv_path: str, event_id: int) -> int:
    """csv.reader + executemany into organisation, person, registration, attendance."""
    from eventsapp.extensions import db
    from eventsapp.models import normalise_organisation_name, utcnow

    raw = db.engine.raw_connection()
    connection = raw.driver_connection
    now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    connection.execute("BEGIN IMMEDIATE")
    organisations = dict(connection.execute(
        "SELECT normalised_key, id FROM organisation WHERE merged_into_id IS NULL").fetchall())
    sectors = dict(connection.execute("SELECT name, id FROM sector").fetchall())
    next_org = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM organisation").fetchone()[0]
    next_person = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM person").fetchone()[0]
    next_reg = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM registration").fetchone()[0]
    new_orgs, people, registrations, attendances = [], [], [], []
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for first, last, email, organisation, sector, attended in reader:
            key = normalise_organisation_name(organisation)
            org_id = organisations.get(key)
            if org_id is None:
                org_id = organisations[key] = next_org
                new_orgs.append((next_org, organisation, key, sectors.get(sector), now))
                next_org += 1
            people.append((next_person, first, last, email, email.lower(), now))
            registrations.append((next_reg, event_id, next_person, org_id, organisation, email.lower(),
                                  "confirmed", "import", "", "", "", False, now, now))
            if attended == "yes":
                attendances.append((next_reg, now, "import", ""))
            next_person += 1
            next_reg += 1
    connection.executemany("INSERT INTO organisation (id, name, normalised_key, sector_id, created_at) "
                           "VALUES (?, ?, ?, ?, ?)", new_orgs)
    connection.executemany("INSERT INTO person (id, first_name, last_name, email, email_key, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?)", people)
    connection.executemany(
        "INSERT INTO registration (id, event_id, person_id, organisation_id, organisation_name_entered, "
        "email_key, status, source, job_title, access_requirements, dietary_requirements, consent_contact, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", registrations)
    connection.executemany("INSERT INTO attendance (registration_id, checked_in_at, method, note) "
                           "VALUES (?, ?, ?, ?)", attendances)
    connection.execute("COMMIT")
    raw.close()
    return len(people)


def worker(url: str, csv_path: str, event_id: int, kind: str) -> dict:
    from bench.core import timed
    from bench.generate import make_app
    from eventsapp.extensions import db

    app = make_app(url, CHECK_DATABASE_ON_START=False)
    with app.app_context():
        cpu = time.process_time()
        if kind == "product":
            commit_import = feature("eventsapp.imports.services", "commit_import")
            target_class = feature("eventsapp.imports.summary", "ImportTarget")
            seconds, summary = timed(commit_import, csv_path, target_class(event_id=event_id))
            rows = summary.rows
            extra = {"registrations_new": summary.registrations_new, "attendances_new": summary.attendances_new}
        else:
            seconds, rows = timed(bare_load, csv_path, event_id)
            extra = {}
        # this process's CPU time: less moved by other load on the machine than the wall clock
        extra["cpu_seconds"] = round(time.process_time() - cpu, 3)
        stored = db.session.execute(db.text(
            "SELECT COUNT(*) FROM registration WHERE source = 'import' AND event_id = :e"), {"e": event_id}
        ).scalar()
        db.session.remove()
    return {"seconds": seconds, "rows": rows, "stored": stored, **extra}


def run(ctx: Context) -> list[Row]:
    feature("eventsapp.imports.services", "commit_import")
    base_url = ctx.sqlite_path("b5-base")
    sizes = Sizes(organisations=2000, people=2000, events=4, attendances=2000, checkin_registrations=10,
                  upcoming_per_event=5)
    counts = ensure_dataset(base_url, sizes)
    event_id = 1  # a past, published event in the programme

    def one(kind: str, n: int) -> dict:
        csv_path = DATA_DIR / f"b5-{n}.csv"
        if not csv_path.exists():
            write_csv(csv_path, n, counts.organisations)
        url = copy_database(base_url, DATA_DIR / f"b5-work-{kind}.db")
        result = measure("bench.benchmarks.b5_import:worker", url=url, csv_path=str(csv_path),
                         event_id=event_id, kind=kind)
        return {**result, "n": n}

    small = one("product", ctx.n(10_000, minimum=200))
    n = ctx.n(100_000, minimum=200)
    # Alternating fresh processes, each on a fresh copy of the database: a moment of load on the
    # shared machine then hits one round, not the ratio; the median round's ratio is reported.
    rounds = []
    for _round in range(ROUNDS):
        pair = {kind: one(kind, n) for kind in ("bare", "product")}
        rounds.append({**pair, "ratio": ratio(pair["bare"]["seconds"], pair["product"]["seconds"])})
    median = sorted(rounds, key=lambda r: r["ratio"] or 0.0)[len(rounds) // 2]
    big, bare = median["product"], median["bare"]
    speed = median["ratio"]  # product throughput as a share of bare throughput
    stored = sorted({(r["product"]["stored"], r["bare"]["stored"]) for r in rounds})
    note = f"median of {ROUNDS} alternating rounds (fresh processes); ratios per round " + ", ".join(
        f"{r['ratio']:.2f}" if r["ratio"] is not None else "n/a" for r in rounds)
    # CPU time moves far less with other load than the wall clock (which decides the ratio): beside it
    cpu = sorted(ratio(r["bare"]["cpu_seconds"], r["product"]["cpu_seconds"]) or 0.0 for r in rounds)
    note += f"; CPU-time ratio (median) {cpu[len(cpu) // 2]:.2f}"
    if stored != [(n, n)]:
        note += "; rows stored (product, bare) " + ", ".join(f"{p}/{b}" for p, b in stored) + f" of {n}"
    # memory: the largest peak of the 100k rounds against the 10k run
    peak = max(rounds, key=lambda r: r["product"]["peak_rss_mb"])["product"]
    memory = ratio(peak["peak_rss_mb"], small["peak_rss_mb"])
    per_round = [{"bare_seconds": r["bare"]["seconds"], "product_seconds": r["product"]["seconds"],
                  "ratio": r["ratio"], "bare_cpu_seconds": r["bare"]["cpu_seconds"],
                  "product_cpu_seconds": r["product"]["cpu_seconds"],
                  "product_peak_rss_mb": r["product"]["peak_rss_mb"]} for r in rounds]
    return [
        Row("B5", f"import {n:,} CSV rows (SQLite)", f"{fmt_seconds(big['seconds'])} ({n / big['seconds']:,.0f} rows/s)",
            f"{fmt_seconds(bare['seconds'])} bare executemany ({n / bare['seconds']:,.0f} rows/s)", speed,
            f">= {SPEED_TARGET} x bare throughput", speed is not None and speed >= SPEED_TARGET, note,
            data={"product": big, "bare": bare, "rounds": per_round}),
        Row("B5", f"import peak RSS, {small['n']:,} vs {n:,} rows", f"{peak['peak_rss_mb']:.0f} MB",
            f"{small['peak_rss_mb']:.0f} MB at {small['n']:,} rows", memory, f"<= {MEMORY_LIMIT} x (flat)",
            memory is not None and memory <= MEMORY_LIMIT, data={"small": small, "big": peak}),
    ]
