"""import-programme: a programme's export ZIP restored whole into an empty database (on the other
backend when TEST_DATABASE_URL is set), and the report JSON afterwards identical."""

from __future__ import annotations

import os
import threading
import zipfile
from itertools import cycle

import pytest
from sqlalchemy import create_engine, select, text

from eventsapp import create_app
from eventsapp.demo import DEMO_PROGRAMME_SLUG, seed_demo
from eventsapp.extensions import db as _db
from eventsapp.models import (
    Attendance,
    EqualityResponse,
    EventQuestion,
    FileJob,
    Organisation,
    OrganisationMerge,
    Programme,
    Registration,
    RegistrationAnswer,
)
from eventsapp.models import equality as codes
from eventsapp.organisations.merge import merge_organisations
from eventsapp.reference_data import seed_reference_data
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from eventsapp.reports.json import report_to_dict
from tests.conftest import base_config
from tests.imports.conftest import table_counts

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def other_backend_url(backend, tmp_path):
    """An empty database on the other backend (PostgreSQL from SQLite when TEST_DATABASE_URL is set)."""
    if backend == "postgresql" or not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"eventsapp_restore_{os.getpid()}_{threading.get_ident() % 100000}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _report(slug: str) -> dict:
    programme = _db.session.scalar(select(Programme).where(Programme.slug == slug))
    report = report_to_dict(build_report(ReportScope(programme_id=programme.id)))
    report.pop("generated_at")
    return report


def _enrich(programme: Programme) -> None:
    """What the demo lacks: a question with answers, equality answers, an organisation merge."""
    attended = _db.session.scalars(
        select(Registration).join(Attendance, Attendance.registration_id == Registration.id)
        .where(Registration.event_id.in_([e.id for e in programme.events])).order_by(Registration.id)).all()
    event_id = attended[0].event_id
    question = EventQuestion(event_id=event_id, label="How did you hear about us?", kind="single_choice",
                             choices="Email\nA colleague\n=Other", position=1)
    _db.session.add(question)
    _db.session.flush()
    answers = cycle(["Email", "A colleague", "=Other"])
    for registration in [r for r in attended if r.event_id == event_id]:
        _db.session.add(RegistrationAnswer(registration_id=registration.id, question_id=question.id,
                                           value=next(answers)))
    ethnicities, religions = cycle(list(codes.ETHNICITY_LABELS)), cycle(list(codes.RELIGION_LABELS))
    for registration in attended[:60]:
        _db.session.add(EqualityResponse(event_id=registration.event_id, registration_id=registration.id,
                                         ethnicity=next(ethnicities), religion=next(religions),
                                         age_band=None, gender="woman" if registration.id % 2 else None))
    organisations = _db.session.scalars(
        select(Organisation).where(Organisation.id.in_({r.organisation_id for r in attended if r.organisation_id}))
        .order_by(Organisation.id)).all()
    merge_organisations(organisations[0], organisations[1], None)
    _db.session.commit()


def test_export_then_import_programme_into_an_empty_database_gives_the_identical_report(
        runner, db, app, tmp_path, other_backend_url):
    seed_demo()
    db.session.commit()
    programme = db.session.scalar(select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    _enrich(programme)
    original = _report(DEMO_PROGRAMME_SLUG)
    assert original["questions"] and original["equality_monitoring"]["tables"]
    assert original["outcomes"]["questions"] and original["outcomes"]["quotes"]  # the demo survey, restored too
    archive = tmp_path / "programme.zip"
    exported = runner.invoke(args=["export-programme", DEMO_PROGRAMME_SLUG, "--output", str(archive),
                                   "--with-equality-answers"])
    assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(archive) as opened:
        assert {"merges.csv", "aliases.csv", "programme.csv", "equality_answers.csv"} <= set(opened.namelist())

    other = create_app(base_config(tmp_path / "other", other_backend_url))
    with other.app_context():
        _db.create_all()
        seed_reference_data()
        _db.session.commit()
        try:
            result = other.test_cli_runner().invoke(args=["import-programme", str(archive)])
            assert result.exit_code == 0, result.output
            assert "Restored the programme" in result.output and "1 merges" in result.output
            restored = _report(DEMO_PROGRAMME_SLUG)
            merge = _db.session.scalar(select(OrganisationMerge))
            assert merge is not None and merge.undone_at is None
            # Restoring twice is refused and writes nothing more.
            again = other.test_cli_runner().invoke(args=["import-programme", str(archive)])
            assert again.exit_code == 1 and "restores into an empty database" in again.output
            # New rows after a restore get new ids (PostgreSQL's sequences moved past the restored ones).
            _db.session.add(Organisation(name="Brand New Trust", normalised_key="brand new trust"))
            _db.session.commit()
        finally:  # the database itself is thrown away (a file under tmp_path, or dropped by the fixture)
            _db.session.remove()
            _db.engine.dispose()
    assert restored == original


def test_a_file_that_is_not_a_programme_export_is_refused(runner, db, tmp_path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("people.csv", "person id\n1\n")
    result = runner.invoke(args=["import-programme", str(path)])
    assert result.exit_code == 1 and "not a programme export" in result.output
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b\n")
    result = runner.invoke(args=["import-programme", str(plain)])
    assert result.exit_code == 1 and "not a ZIP archive" in result.output


def test_an_edited_export_is_refused_and_nothing_is_written(runner, db, tmp_path, make_programme, make_event,
                                                            make_registration):
    from tests.imports.conftest import table_counts

    programme = make_programme(slug="edited")
    make_registration(event=make_event(programme=programme), attended=True)
    archive = tmp_path / "edited.zip"
    assert runner.invoke(args=["export-programme", "edited", "--output", str(archive)]).exit_code == 0
    with zipfile.ZipFile(archive) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["programme.csv"] = parts["programme.csv"].replace(b"edited", b"restored-copy").replace(
        b"programme id", b"programme")
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    before = table_counts(db)
    result = runner.invoke(args=["import-programme", str(broken)])
    assert result.exit_code == 1 and "lacks the column 'programme id'" in result.output
    db.session.expire_all()
    assert table_counts(db) == before


def test_the_administrator_restores_an_export_by_upload(client, db, login_as, tmp_path):
    from io import BytesIO

    from eventsapp.imports.export import export_programme
    from tests import factories

    other = create_app(base_config(tmp_path / "source", f"sqlite:///{tmp_path / 'source.db'}"))
    with other.app_context():
        _db.create_all()
        seed_reference_data()
        _db.session.commit()
        for index in range(50):  # ids above those of this test's own database (its users' organisations)
            _db.session.add(Organisation(name=f"Padding {index}", normalised_key=f"padding {index}"))
        programme = factories.make_programme(slug="uploaded")
        event = factories.make_event(programme=programme, starts_at=datetime_2024())
        for _ in range(3):
            factories.make_registration(event=event, attended=True)
        archive = BytesIO()
        export_programme(programme, archive)
        original = _report("uploaded")
        _db.session.remove()
        _db.engine.dispose()
    login_as("admin")
    assert client.get("/imports/restore").status_code == 200
    response = client.post("/imports/restore", data={"file": (BytesIO(archive.getvalue()), "uploaded.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].startswith("/files/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)  # a worker restored it (eagerly)
    assert "Restored the programme “uploaded”" in page and "equality_answers.csv" in page
    assert _report("uploaded") == original
    job = db.session.scalar(select(FileJob))
    assert job.kind == "programme_restore" and job.upload is None  # the upload goes once restored
    before = table_counts(db)
    again = client.post("/imports/restore", data={"file": (BytesIO(archive.getvalue()), "uploaded.zip")},
                        content_type="multipart/form-data")
    assert again.status_code == 302
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Nothing was restored" in page and "exists already" in page and 'role="alert"' in page
    db.session.expire_all()
    assert table_counts(db) == before
    missing = client.post("/imports/restore", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422


def datetime_2024():
    from datetime import datetime

    return datetime(2024, 3, 14, 10, 0)


def test_a_restore_keeps_api_registrations_and_refuses_an_unknown_source(runner, db, tmp_path):
    """Registrations made through the API come back with source ``api``; an export whose
    registrations.csv names a source eventsapp does not know is refused in words, nothing written."""
    import csv
    import io

    from eventsapp.imports.export import export_programme
    from tests import factories

    source = create_app(base_config(tmp_path / "source", f"sqlite:///{tmp_path / 'source.db'}"))
    with source.app_context():
        _db.create_all()
        seed_reference_data()
        _db.session.commit()
        event = factories.make_event(programme=factories.make_programme(slug="sources"), starts_at=datetime_2024())
        made = {factories.make_registration(event=event, source=kind, attended=True).id: kind
                for kind in ("api", "web", "manual")}
        archive = tmp_path / "sources.zip"
        export_programme(event.programme, archive)
        _db.session.remove()
        _db.engine.dispose()

    with zipfile.ZipFile(archive) as opened:
        parts = {name: opened.read(name) for name in opened.namelist()}
    rows = list(csv.DictReader(io.StringIO(parts["registrations.csv"].decode("utf-8-sig"))))
    rows[0]["source"] = "telepathy"
    edited = io.StringIO()
    writer = csv.DictWriter(edited, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as target:
        for name, data in {**parts, "registrations.csv": edited.getvalue().encode()}.items():
            target.writestr(name, data)
    before = table_counts(db)
    refused = runner.invoke(args=["import-programme", str(broken)])
    assert refused.exit_code == 1
    assert "the source “telepathy” is not one of web, manual, api, walk_in, import, demo" in refused.output
    db.session.expire_all()
    assert table_counts(db) == before

    restored = runner.invoke(args=["import-programme", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert dict(db.session.execute(select(Registration.id, Registration.source)).all()) == made
