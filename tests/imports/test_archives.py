"""Finding 5: decompression bombs are refused with a clear message, in bounded memory, and never stored.

The bombs are real files (see bombs.py): a 300 MB shared strings part in a file under 1 MB
(the finding's upload), one 400 MB cell, and a part whose headers lie about its size.
"""

from __future__ import annotations

import dataclasses
import io
import random
import tracemalloc
import zipfile

import pytest
from sqlalchemy import func, select

from eventsapp.config import from_environment
from eventsapp.imports import jobs
from eventsapp.imports.archives import MB, ArchiveLimits, ArchiveRefused, BoundedZipFile, check_archive
from eventsapp.imports.services import preview_import
from eventsapp.imports.summary import ImportTarget
from eventsapp.models import ImportJob
from tests.imports.bombs import (
    lying_bomb,
    shared_strings_bomb,
    shared_strings_workbook,
    single_cell_bomb,
    small_workbook,
)

#: Memory a refusal may take (Python allocations, traced); the bombs expand to 300-400 MB.
REFUSAL_MEMORY = 16 * MB


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    return {
        "strings": shared_strings_bomb(folder / "strings.xlsx", 300),
        "cell": single_cell_bomb(folder / "cell.xlsx", 400),
        "lying": lying_bomb(folder / "lying.xlsx", 300),
    }


def test_the_bombs_are_what_they_claim(bombs):
    assert bombs["strings"].stat().st_size < 1 * MB
    with zipfile.ZipFile(bombs["strings"]) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size >= 300 * MB
    with zipfile.ZipFile(bombs["lying"]) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size == 2000  # the lie


def _preview_peak(path, event_id: int):
    tracemalloc.start()
    try:
        summary = preview_import(path, ImportTarget(event_id=event_id))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return summary, peak


@pytest.mark.parametrize(("bomb", "message"), [
    ("strings", "This file expands to more than 64 MB when opened"),
    ("cell", "This file expands to more than 64 MB when opened"),
    ("lying", "does not match its recorded size or checksum"),
])
def test_the_service_refuses_each_bomb_clearly_in_bounded_memory(db, make_event, bombs, bomb, message):
    summary, peak = _preview_peak(bombs[bomb], make_event().id)
    assert not summary.ok and message in summary.file_error
    assert peak < REFUSAL_MEMORY, f"{peak / MB:.1f} MB traced while refusing"


@pytest.mark.parametrize("bomb", ["strings", "lying"])
def test_the_cli_refuses_the_bomb_and_imports_nothing(runner, db, make_event, bombs, bomb):
    event = make_event()
    result = runner.invoke(args=["import-attendance", str(bombs[bomb]), "--event", str(event.id)])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    assert ("expands to more than" in result.output) or ("recorded size or checksum" in result.output)


@pytest.mark.parametrize(("bomb", "message"), [
    ("strings", "This file expands to more than 64 MB when opened"),
    ("lying", "does not match its recorded size or checksum"),
])
def test_the_upload_form_refuses_the_bomb_at_the_field_and_stores_nothing(client, db, login_as, make_event,
                                                                         make_organisation, bombs, bomb, message):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    response = client.post("/imports/", data={"file": (io.BytesIO(bombs[bomb].read_bytes()), "list.xlsx"),
                                              "destination": f"event:{event.id}"},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    field = html[html.index('name="file"'):]
    assert message in field[:3000]  # at the upload field
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0  # nothing stored
    assert list(jobs.jobs_folder().iterdir()) == []


def test_a_part_compressed_like_a_bomb_is_refused_by_its_ratio(tmp_path):
    path = tmp_path / "ratio.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.xml", b"\0" * (20 * MB))  # under the size limits, ratio ~1000
    with pytest.raises(ArchiveRefused, match=r"compressed [\d,]+ times"):
        check_archive(path, ArchiveLimits())


def test_too_many_parts_are_refused(tmp_path):
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(11):
            archive.writestr(f"part{n}.xml", b"<x/>")
    with pytest.raises(ArchiveRefused, match="holds 11 parts"):
        check_archive(path, ArchiveLimits(parts=10))


def test_reading_stops_at_the_limit_whatever_the_header_says(tmp_path):
    """The streaming counter alone: limits lowered after the directory was checked."""
    path = tmp_path / "ok.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", random.Random(1).randbytes(3 * MB))  # incompressible
    with BoundedZipFile(path, ArchiveLimits()) as archive:
        archive.limits = dataclasses.replace(archive.limits, part_bytes=1 * MB)
        with archive.open("a.xml") as part, pytest.raises(ArchiveRefused, match="more than 1 MB"):
            while part.read(64 * 1024):
                pass
        archive.limits = dataclasses.replace(archive.limits, part_bytes=64 * MB, total_bytes=2 * MB)
        archive.expanded = 0
        with pytest.raises(ArchiveRefused, match="more than 2 MB"):
            archive.read("a.xml")


@pytest.mark.parametrize("build", [small_workbook, shared_strings_workbook])
def test_an_ordinary_workbook_is_read(db, make_event, tmp_path, build):
    summary = preview_import(build(tmp_path / "ok.xlsx"), ImportTarget(event_id=make_event().id))
    assert summary.ok and summary.rows == 1
    assert summary.headers == ["First name", "Last name", "Email", "Organisation", "Attended"]


def test_the_limits_come_from_config_and_environment(app):
    app.config.update(from_environment({"IMPORT_MAX_UNCOMPRESSED_MB": "10", "IMPORT_MAX_PART_MB": "5",
                                        "IMPORT_MAX_RATIO": "20", "IMPORT_MAX_PARTS": "7"}))
    with app.app_context():
        assert ArchiveLimits.from_config() == ArchiveLimits(total_bytes=10 * MB, part_bytes=5 * MB, ratio=20.0,
                                                            parts=7)
