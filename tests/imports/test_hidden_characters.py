"""Imported cells follow the forms' rule on control characters (walkthrough finding 20): a cell holding a
bidirectional override, NUL or another control character is a problem at its row and column, shown with
the character made visible, and nothing is written; line breaks and tabs inside a cell are read as spaces."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from eventsapp.imports.services import ImportRefused, commit_import, preview_import
from eventsapp.imports.summary import ImportTarget
from eventsapp.models import Organisation, Person
from tests.imports.conftest import table_counts

HEADER = "First name,Last name,Email,Organisation,Job title,Attended\n"
GOOD = "Ann,Jones,ann@example.org,Leeds Welcome,Volunteer,yes\n"


def _refused(db, path, target):
    """The preview's problems, after checking that writing the file writes nothing."""
    before = table_counts(db)
    preview = preview_import(path, target)
    assert not preview.ok
    with pytest.raises(ImportRefused):
        commit_import(path, target)
    db.session.rollback()
    assert table_counts(db) == before
    return preview


@pytest.mark.parametrize(("cell", "column", "shown"), [
    ("\u202eRTL", "First name", "[U+202E]RTL"),  # right-to-left override
    ("Jo\u202dnes", "Last name", "Jo[U+202D]nes"),  # left-to-right override
    ("\u2067Leeds Welcome\u2069", "Organisation", "[U+2067]Leeds Welcome[U+2069]"),  # isolates
    ("Bell\x07", "First name", "Bell[U+0007]"),
    ("Esc\x1b[31m", "Job title", "Esc[U+001B][31m"),
    ("Back\x08space", "Last name", "Back[U+0008]space"),
    ("Del\x7f", "Organisation", "Del[U+007F]"),
    ("Sep\x1farator", "First name", "Sep[U+001F]arator"),
    ("C1\x9bcontrol", "First name", "C1[U+009B]control"),
])
def test_a_cell_with_a_control_character_is_a_problem_at_its_row(db, make_event, write_file, cell, column, shown):
    event = make_event()
    cells = {"First name": "Bo", "Last name": "Li", "Organisation": "Kent Police", "Job title": "PC"} | {column: cell}
    row = f"{cells['First name']},{cells['Last name']},bo@example.org,{cells['Organisation']},{cells['Job title']},yes\n"
    preview = _refused(db, write_file("list.csv", HEADER + GOOD + row), ImportTarget(event_id=event.id))
    assert preview.error_count == 1
    [error] = preview.errors
    assert (error["row"], error["column"], error["value"]) == (3, column, shown)
    assert "invisible control characters" in error["message"]


def test_a_nul_after_the_first_bytes_is_a_problem_at_its_row(db, make_event, write_file):
    """A NUL in the first 64 kB makes the file look binary (refused whole, tests/imports/test_files.py);
    further down it is one row's problem."""
    event = make_event()
    padding = "".join(f"P{n},Person,p{n}@example.org,Leeds Welcome,Volunteer,yes\n" for n in range(2000))
    data = HEADER + padding + "Nu\x00ll,Person,null@example.org,Leeds Welcome,Volunteer,yes\n"
    assert data.index("\x00") > 64 * 1024
    preview = _refused(db, write_file("list.csv", data), ImportTarget(event_id=event.id))
    assert preview.error_count == 1
    assert preview.errors[0]["row"] == 2002 and preview.errors[0]["value"] == "Nu[U+0000]ll"


def test_an_xlsx_cell_with_a_bidi_override_is_refused(db, make_event, tmp_path):
    event = make_event()
    workbook = Workbook()
    workbook.active.append(["Full name", "Email", "Attended"])
    workbook.active.append(["Ann Jones", "ann@example.org", "yes"])
    workbook.active.append(["\u202eEvil Name", "evil@example.org", "yes"])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    preview = _refused(db, path, ImportTarget(event_id=event.id))
    assert [(e["row"], e["column"], e["value"]) for e in preview.errors] == [(3, "Full name", "[U+202E]Evil Name")]


def test_line_breaks_and_tabs_in_a_cell_are_read_as_spaces(db, make_event, write_file):
    event = make_event()
    data = HEADER + '"Ann\tMarie","Jones",ann@example.org,"Leeds\r\nWelcome",Volunteer,yes\n'
    summary = commit_import(write_file("list.csv", data), ImportTarget(event_id=event.id))
    assert summary.error_count == 0 and summary.registrations_new == 1
    assert db.session.scalar(select(Person.first_name)) == "Ann Marie"
    assert "Leeds Welcome" in set(db.session.scalars(select(Organisation.name)))


def test_the_preview_page_shows_the_character_and_nothing_is_imported(client, db, login_as, make_event,
                                                                      make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    data = (HEADER + GOOD + "\u202eRTL,Li,bo@example.org,Kent Police,PC,yes\n").encode()
    response = client.post("/imports/", data={"file": (io.BytesIO(data), "list.csv"),
                                             "destination": f"event:{event.id}"}, content_type="multipart/form-data")
    assert response.status_code == 302
    job_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "Rows with problems (1)" in page and "[U+202E]RTL" in page
    assert "\u202e" not in page
    assert "Import 2 rows" not in page
    before = table_counts(db)
    client.post(f"/imports/{job_id}/confirm")
    db.session.rollback()
    assert table_counts(db) == before
    assert not db.session.scalars(select(Person).where(Person.first_name.contains("RTL"))).all()


def test_the_events_file_follows_the_same_rule(db, write_file):
    from eventsapp.imports.services import read_event_details

    path = write_file("events.csv", "name,date,region,host\nTalk,14/03/2013,TLJ,\u202eHost\n")
    with pytest.raises(ValueError, match=re.escape("row 2: “[U+202E]Host” holds invisible control characters")):
        read_event_details(path)
