"""Fixtures for import tests: files written to tmp_path, and counting helpers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventsapp.models import Attendance, Event, Organisation, Person, Programme, Registration


@pytest.fixture
def write_file(tmp_path):
    """``write_file("name.csv", bytes_or_text)`` -> the path of the written file."""

    def _write(name: str, content: bytes | str, encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


def table_counts(db) -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Programme, Event, Organisation, Person, Registration, Attendance)
    }


def attendance_figures(db, programme_slug: str) -> dict[str, int]:
    """Attendances, distinct people and distinct organisations of a programme, counted in SQL."""
    base = (
        select(Registration.person_id, Registration.organisation_id)
        .join(Attendance, Attendance.registration_id == Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .join(Programme, Programme.id == Event.programme_id)
        .where(Programme.slug == programme_slug)
        .subquery()
    )
    return {
        "attendances": db.session.scalar(select(func.count()).select_from(base)),
        "people": db.session.scalar(select(func.count(func.distinct(base.c.person_id)))),
        "organisations": db.session.scalar(select(func.count(func.distinct(base.c.organisation_id)))),
    }
