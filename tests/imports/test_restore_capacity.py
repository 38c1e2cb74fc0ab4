"""import-programme and event capacities: every event row is checked before anything is written. A capacity
that is not a number of places is refused, naming the event and its row; a capacity of 0 (which events
made before the form asked for 1 or more can have, and the database allows) comes back as exported, and
the restore's notes name those events."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from eventsapp import create_app
from eventsapp.extensions import db as _db
from eventsapp.imports.export import export_programme
from eventsapp.models import Event
from eventsapp.reference_data import seed_reference_data
from tests import factories
from tests.conftest import base_config
from tests.imports.conftest import table_counts


@pytest.fixture
def exported(tmp_path):
    """A programme exported from another installation: events of capacity 0 (an older one), none and 30."""
    source = create_app(base_config(tmp_path / "source", f"sqlite:///{tmp_path / 'source.db'}"))
    with source.app_context():
        _db.create_all()
        seed_reference_data()
        _db.session.commit()
        programme = factories.make_programme(slug="places")
        capacities = {}
        for day, capacity in ((1, 0), (2, None), (3, 30)):
            made = factories.make_event(programme=programme, title=f"Session {day}",
                                        starts_at=datetime(2024, 3, day, 10, 0), capacity=capacity)
            factories.make_registration(event=made, attended=True)
            capacities[made.id] = capacity
        archive = tmp_path / "places.zip"
        export_programme(programme, archive)
        _db.session.remove()
        _db.engine.dispose()
    return archive, capacities


def _with_capacity(archive, tmp_path, row: int, value: str) -> str:
    """The export with events.csv's ``row`` (1 = the first event) given the capacity ``value``."""
    with zipfile.ZipFile(archive) as opened:
        parts = {name: opened.read(name) for name in opened.namelist()}
    rows = list(csv.DictReader(io.StringIO(parts["events.csv"].decode("utf-8-sig"))))
    rows[row - 1]["capacity"] = value
    edited = io.StringIO()
    writer = csv.DictWriter(edited, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / f"capacity-{row}-{len(value)}.zip"
    with zipfile.ZipFile(path, "w") as target:
        for name, data in {**parts, "events.csv": edited.getvalue().encode("utf-8-sig")}.items():
            target.writestr(name, data)
    return str(path)


def test_a_capacity_of_zero_comes_back_as_exported_and_the_restore_names_the_event(runner, db, exported):
    archive, capacities = exported
    zero = next(event_id for event_id, capacity in capacities.items() if capacity == 0)
    result = runner.invoke(args=["import-programme", str(archive)])
    assert result.exit_code == 0, result.output
    assert dict(db.session.execute(select(Event.id, Event.capacity)).all()) == capacities
    notes = [line for line in result.output.splitlines() if line.startswith("Note: 1 event has a capacity of 0")]
    assert len(notes) == 1 and f"{zero} “Session 1”" in notes[0], result.output
    assert "Session 2" not in notes[0] and "Session 3" not in notes[0]


@pytest.mark.parametrize("value", ["-3", "thirty", "2.5"])
def test_a_capacity_that_is_not_a_number_of_places_is_refused_before_anything_is_written(
        runner, db, exported, tmp_path, value):
    archive, capacities = exported
    second = sorted(capacities)[1]
    broken = _with_capacity(archive, tmp_path, 2, value)
    before = table_counts(db)
    inserts = []

    def count_inserts(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count_inserts)
    try:
        refused = runner.invoke(args=["import-programme", broken])
    finally:
        sa_event.remove(engine, "before_cursor_execute", count_inserts)
    assert refused.exit_code == 1, refused.output
    assert (f"Nothing was restored: events.csv row 2 (event {second}, “Session 2”): the capacity “{value}” is not "
            "a number of places") in refused.output
    assert inserts == []  # refused while reading the rows, not rolled back half way through
    db.session.expire_all()
    assert table_counts(db) == before
