"""Finding 4: a programme export (every attendee's personal data) leaves nothing behind on the server."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

from eventsapp.imports import jobs


def _files(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _holds(data: bytes, needle: str) -> bool:
    """True when ``data`` (a ZIP or any other file) contains ``needle``."""
    if needle.encode() in data:
        return True
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return any(needle.encode() in archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            return False
    return False


def test_downloading_an_export_leaves_no_file_with_personal_data(app, client, db, login_as, make_programme,
                                                                 make_event, make_registration, make_person,
                                                                 make_organisation):
    network = make_organisation()
    programme = make_programme(slug="leftovers", coordinator_organisation=network)
    person = make_person(first_name="Quentin", last_name="Fakename", email="quentin.fakename@example.org")
    make_registration(event=make_event(programme=programme), person=person, attended=True)
    login_as("coordinator", network)
    instance = Path(app.instance_path)
    before = set(_files(instance))

    started = client.post("/imports/programmes/leftovers/export")  # a file job: the ZIP is kept in its row
    response = client.get(started.headers["Location"] + "/download")
    body = response.get_data()  # the whole download, as a browser would read it
    response.close()

    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert b"quentin.fakename@example.org" in archive.read("people.csv")
    after = _files(instance)
    assert set(after) - before == set(), "the export left files in the instance folder"
    assert not [path for path, data in after.items() if _holds(data, "quentin.fakename@example.org")]


def test_the_sweep_removes_old_leftover_exports_and_keeps_recent_files(app, db):
    folder = jobs.jobs_folder()
    leftover = folder / "export-abc123.zip"
    leftover.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    old = time.time() - 2 * 3600
    os.utime(leftover, (old, old))
    recent = folder / "export-just-now.zip"
    recent.write_bytes(b"PK")

    assert jobs.remove_leftover_files() == 1

    assert not leftover.exists()
    assert recent.exists()


def test_the_hourly_beat_task_sweeps_leftovers(app):
    from eventsapp.tasks import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["old-import-jobs"]["task"] == jobs.remove_old_jobs_task.name
    with app.app_context():
        leftover = jobs.jobs_folder() / "export-old.zip"
        leftover.write_bytes(b"PK")
        os.utime(leftover, (1, 1))
        jobs.remove_old_jobs_task.delay()
        assert not leftover.exists()
