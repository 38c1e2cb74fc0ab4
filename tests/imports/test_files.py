"""Every kind of file people upload: encodings, separators, XLSX, and malformed ones that write nothing."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from eventsapp.imports.services import ImportRefused, commit_import, preview_import
from eventsapp.imports.summary import ImportTarget
from eventsapp.models import Attendance, Event, Person, Registration
from tests.imports.conftest import table_counts

HEADER = "First name,Last name,Email,Organisation,Attended\r\n"
ROWS = ("Zoë,Brown,zoe@example.org,Kent Police,yes\r\n"
        "Seán,O’Neill,sean@example.org,The Kent Police Ltd,no-show\r\n"
        "Ann,Jones,,Medway Youth Offending Team,checked in\r\n")


def _import_into(event, path):
    return commit_import(path, ImportTarget(event_id=event.id))


def _people(db):
    return {(p.first_name, p.last_name) for p in db.session.scalars(select(Person))}


@pytest.mark.parametrize("encoding, delimiter, bom", [
    ("utf-8", ",", False), ("utf-8", ",", True), ("cp1252", ",", False), ("utf-8", ";", False),
    ("cp1252", ";", False), ("utf-8", "\t", False),
])
def test_csv_encodings_and_separators_read_the_same(db, make_event, write_file, encoding, delimiter, bom):
    event = make_event()
    text = (HEADER + ROWS).replace(",", delimiter)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    summary = _import_into(event, write_file("list.csv", data))
    assert summary.registrations_new == 3 and summary.attendances_new == 2
    assert _people(db) == {("Zoë", "Brown"), ("Seán", "O’Neill"), ("Ann", "Jones")}
    # Two spellings of Kent Police are one organisation; the header's BOM did not hide "First name".
    assert summary.organisations_new_count == 2
    attended = db.session.scalars(
        select(Person.first_name).join(Registration).join(Attendance)).all()
    assert sorted(attended) == ["Ann", "Zoë"]


def test_xlsx_streams_rows_with_full_names_and_real_dates(db, make_programme, write_file, tmp_path):
    make_programme(slug="xl")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Full Name", "E-mail", "Company", "Event", "Date", "Region", "Host", "Checked In"])
    sheet.append(["Dr Jane van der Berg", "jane@example.org", "Hampshire Constabulary", "Café night",
                  date(2013, 3, 5), "TLJ", "Hampshire Constabulary", "TRUE"])
    sheet.append(["Smith, Tom", "tom@example.org", "", "Café night", "05/03/2013", "South East",
                  "Hampshire Constabulary", 1])
    sheet.append([None, None, None, None, None, None, None, None])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    summary = commit_import(path, ImportTarget(programme_slug="xl", create_events=True))
    assert summary.kind == "xlsx" and summary.rows == 2
    assert _people(db) == {("Jane", "van der Berg"), ("Tom", "Smith")}
    event = db.session.scalar(select(Event))
    # A real date cell and a day-first text date are the same day: one event, 5 March, not 3 May.
    assert event.title == "Café night" and event.starts_at.date() == date(2013, 3, 5)
    assert event.host.sector.code == "police"
    assert db.session.query(Attendance).count() == 2


@pytest.mark.parametrize("written, expected", [
    ("2013-03-14", date(2013, 3, 14)), ("14/03/2013", date(2013, 3, 14)), ("14/03/13", date(2013, 3, 14)),
    ("14 March 2013", date(2013, 3, 14)), ("Thursday 14th March 2013", date(2013, 3, 14)),
    ("04/03/2013", date(2013, 3, 4)), ("4 Mar 2013", date(2013, 3, 4)), ("04.03.2013", date(2013, 3, 4)),
])
def test_event_dates_are_iso_or_day_first(db, make_programme, write_file, written, expected):
    make_programme(slug="dates")
    path = write_file("d.csv", f"Event title,Event date,Region,Host organisation,Name\nTalk,{written},TLJ,Host,A B\n")
    commit_import(path, ImportTarget(programme_slug="dates", create_events=True, attendance="all"))
    assert db.session.scalar(select(Event)).starts_at.date() == expected


def test_month_first_dates_are_refused_not_guessed(db, make_programme, write_file):
    make_programme(slug="us")
    path = write_file("d.csv", "Event title,Event date,Region,Host organisation,Name\nTalk,03/14/2013,TLJ,Host,A B\n")
    summary = preview_import(path, ImportTarget(programme_slug="us", create_events=True))
    assert summary.error_count == 1
    assert summary.errors[0]["row"] == 2 and summary.errors[0]["column"] == "Event date"
    assert "day first" in summary.errors[0]["message"]


def _refused(db, path, target):
    before = table_counts(db)
    preview = preview_import(path, target)
    assert not preview.ok
    with pytest.raises(ImportRefused) as refused:
        commit_import(path, target)
    db.session.expire_all()
    assert table_counts(db) == before
    return preview, str(refused.value)


def test_binary_file_is_refused_with_a_clear_message(db, make_event, write_file):
    event = make_event()
    preview, message = _refused(db, write_file("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50),
                                ImportTarget(event_id=event.id))
    assert "not a CSV or XLSX" in preview.file_error and "not a CSV or XLSX" in message


def test_utf16_file_is_refused_with_advice(db, make_event, write_file):
    event = make_event()
    data = (HEADER + ROWS).encode("utf-16")
    preview, _ = _refused(db, write_file("list.csv", data), ImportTarget(event_id=event.id))
    assert "UTF-16" in preview.file_error and "CSV UTF-8" in preview.file_error


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused(db, make_event, write_file):
    event = make_event()
    data = HEADER.encode() + b"Ann,Jones,a@example.org,Org \x81\x8d\x90,yes\r\n"
    preview, _ = _refused(db, write_file("list.csv", data), ImportTarget(event_id=event.id))
    assert "UTF-8 or Windows-1252" in preview.file_error


def test_missing_required_columns_are_named(db, make_programme, write_file):
    make_programme(slug="p")
    path = write_file("list.csv", "Email,Organisation\nann@example.org,Kent Police\n")
    preview, message = _refused(db, path, ImportTarget(programme_slug="p"))
    assert any("name column" in m for m in preview.missing)
    assert any("event title" in m for m in preview.missing) and any("event date" in m for m in preview.missing)
    assert "missing" in message


def test_a_million_empty_lines_read_quickly_and_write_nothing(db, make_event, write_file):
    event = make_event()
    path = write_file("empty.csv", HEADER + "\r\n" * 1_000_000)
    preview, message = _refused(db, path, ImportTarget(event_id=event.id))
    assert preview.file_error == "The file has a header row but no rows of data."
    only_blank = write_file("blank.csv", "\n" * 1_000_000 + ",,,\n")
    preview, _ = _refused(db, only_blank, ImportTarget(event_id=event.id))
    assert "no header row" in preview.file_error


def test_formulas_in_cells_are_refused_and_nothing_is_written(db, make_event, write_file):
    event = make_event()
    data = HEADER + ROWS + '"=HYPERLINK(""http://evil.example"",""click"")",Smith,x@example.org,Org,yes\r\n'
    preview, message = _refused(db, write_file("list.csv", data), ImportTarget(event_id=event.id))
    assert preview.error_count == 1
    error = preview.errors[0]
    assert error["row"] == 5 and error["column"] == "First name" and "formula" in error["message"]
    assert "Row 5" in message
    assert db.session.query(Registration).count() == 0  # the three good rows were not written either


def test_a_row_with_ten_thousand_columns_is_an_error_at_its_row(db, make_event, write_file):
    event = make_event()
    data = HEADER + ROWS + "Wide,Row,w@example.org,Org,yes," + ",".join(["x"] * 9_995) + "\r\n"
    preview, _ = _refused(db, write_file("list.csv", data), ImportTarget(event_id=event.id))
    assert preview.errors[0]["row"] == 5 and "10,000 cells" in preview.errors[0]["message"]
    wide_header = ",".join(f"c{i}" for i in range(10_000)) + "\n" + ROWS
    preview, _ = _refused(db, write_file("wide.csv", wide_header), ImportTarget(event_id=event.id))
    assert "10,000 columns" in preview.file_error


def test_bad_values_are_reported_with_row_column_and_value(db, make_event, write_file):
    event = make_event()
    data = HEADER + "Ann,Jones,not-an-email,Org,yes\r\nBob,Smith,b@example.org,Org,perhaps\r\n,,,Org,yes\r\n"
    preview, _ = _refused(db, write_file("list.csv", data), ImportTarget(event_id=event.id))
    found = {(e["row"], e["column"], e["value"]) for e in preview.errors}
    assert found == {(2, "Email", "not-an-email"), (3, "Attended", "perhaps"), (4, "First name", "")}


def test_an_existing_person_is_matched_by_email_and_by_name_and_organisation(
        db, make_event, make_person, make_registration, make_organisation, write_file):
    organisation = make_organisation("Kent Police", sector_code="police")
    event = make_event()
    by_email = make_person(first_name="Zoe", last_name="Brown", email="ZOE@example.org")
    by_name = make_person(first_name="Ann", last_name="Jones", email=None)
    make_registration(event=make_event(), person=by_name, organisation=organisation)
    data = HEADER + "Zoë,Brown,zoe@example.org,Kent Police,yes\r\nann,JONES,,kent police.,yes\r\n"
    # A walk-in is the existing person of that name and organisation only when the organiser confirms it.
    unconfirmed = preview_import(write_file("l.csv", data), ImportTarget(event_id=event.id))
    assert (unconfirmed.people_new, unconfirmed.people_matched_name, unconfirmed.name_candidate_count) == (1, 0, 1)
    assert unconfirmed.name_candidates == [{"row": 3, "name": "ann JONES"}]
    preview = preview_import(write_file("l.csv", data), ImportTarget(event_id=event.id, match_names=True))
    assert preview.ok
    assert (preview.people_new, preview.people_matched_email, preview.people_matched_name) == (0, 1, 1)
    assert preview.organisations_matched == 1 and preview.organisations_new_count == 0
    assert {m["by"] for m in preview.matched_people} == {"email", "name and organisation"}
    assert db.session.query(Registration).filter_by(event_id=event.id).count() == 0  # preview wrote nothing
    commit_import(write_file("l.csv", data), ImportTarget(event_id=event.id, match_names=True))
    assert {r.person_id for r in db.session.query(Registration).filter_by(event_id=event.id)} == {
        by_email.id, by_name.id}


def test_new_organisations_get_a_proposed_sector_from_synonyms(db, make_event, write_file):
    event = make_event()
    data = ("Name,Organisation,Sector\nA One,Medway YOT,YOT\nB Two,Dover Borough Council,\n"
            "C Three,Canterbury Welcome,CIC\nD Four,Strange Org,Gobbledygook\n")
    preview = preview_import(write_file("l.csv", data), ImportTarget(event_id=event.id))
    proposed = {o["name"]: o["sector"] for o in preview.organisations_new}
    assert proposed == {"Medway YOT": "youth_justice", "Dover Borough Council": "local_authority",
                        "Canterbury Welcome": "community_voluntary", "Strange Org": ""}
    assert preview.unknown_sectors == {"Gobbledygook": 1}


def test_sector_synonym_added_by_a_coordinator_is_used(db, make_event, write_file):
    from eventsapp.imports.services import add_sector_synonym
    from tests.factories import sector

    add_sector_synonym("Gobbledygook", sector("research"))
    db.session.commit()
    event = make_event()
    preview = preview_import(write_file("l.csv", "Name,Organisation,Sector\nD Four,Strange Org,gobbledygook\n"),
                             ImportTarget(event_id=event.id))
    assert preview.organisations_new[0]["sector"] == "research" and not preview.unknown_sectors


def test_export_csv_cells_cannot_run_as_formulas():
    from eventsapp.spreadsheets import safe_cell

    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("Kent Police") == "Kent Police" and safe_cell(12) == "12"


def test_parse_helpers_are_streaming_friendly():
    from eventsapp.imports.parsing import guess_field, split_full_name

    assert guess_field("  E-Mail Address ") == "email" and guess_field("ORGANIZATION") == "organisation"
    assert guess_field("Checked in?") == "attended" and guess_field("Surname") == "last_name"
    assert split_full_name("Mary Ann Smith") == ("Mary Ann", "Smith")


def test_a_second_sheet_adds_the_attendance_of_a_no_show_who_came_after_all(db, make_event, write_file):
    event = make_event()
    first = write_file("a.csv", HEADER + "Ann,Jones,ann@example.org,Org,no\r\nBob,Li,bob@example.org,Org,yes\r\n")
    commit_import(first, ImportTarget(event_id=event.id))
    second = write_file("b.csv", HEADER + "Ann,Jones,ANN@example.org,Org,yes\r\nBob,Li,bob@example.org,Org,no\r\n")
    summary = commit_import(second, ImportTarget(event_id=event.id))
    assert (summary.registrations_new, summary.registrations_existing, summary.attendances_new) == (0, 2, 1)
    db.session.expire_all()
    assert db.session.query(Registration).count() == 2
    # Ann's attendance was added; Bob's recorded attendance is never taken away by a later "no".
    assert sorted(db.session.scalars(select(Person.first_name).join(Registration).join(Attendance))) == [
        "Ann", "Bob"]


def test_same_person_twice_for_one_event_in_a_file_is_one_registration(db, make_event, write_file):
    event = make_event()
    path = write_file("a.csv", HEADER + "Ann,Jones,ann@example.org,Org,no\r\nAnn,Jones,Ann@Example.org,Org,yes\r\n")
    summary = commit_import(path, ImportTarget(event_id=event.id))
    assert (summary.registrations_new, summary.attendances_new, summary.repeated_rows) == (1, 1, 1)
    assert db.session.query(Attendance).count() == 1


def test_preview_and_write_count_alike_across_chunks(db, make_event, make_person, make_registration,
                                                     write_file, monkeypatch):
    """The write pass forgets each chunk's people (memory stays flat) and finds them again in the
    database; its figures must equal the preview's, which remembers everything."""
    from eventsapp.imports import engine

    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    event = make_event()
    existing = make_person(first_name="Eve", last_name="Old", email="eve@example.org")
    make_registration(event=event, person=existing)
    rows = ["Ann,Jones,ann@example.org,Org,no", "Bob,Li,,Org,yes", "Eve,Old,eve@example.org,Org,yes",
            "Ann,Jones,ann@example.org,Org,yes", "Bob,Li,,org.,yes", "Eve,Old,EVE@example.org,Org,no",
            "Cy,New,cy@example.org,,yes"]
    path = write_file("a.csv", HEADER + "\r\n".join(rows) + "\r\n")
    preview = preview_import(path, ImportTarget(event_id=event.id))
    written = commit_import(path, ImportTarget(event_id=event.id))
    fields = ("rows", "people_new", "people_matched_email", "registrations_new", "registrations_existing",
              "attendances_new", "repeated_rows", "organisations_new_count")
    expected = {"rows": 7, "people_new": 3, "people_matched_email": 1, "registrations_new": 3,
                "registrations_existing": 1, "attendances_new": 4, "repeated_rows": 3,
                "organisations_new_count": 1}
    assert {f: getattr(preview, f) for f in fields} == expected
    assert {f: getattr(written, f) for f in fields} == expected
    db.session.expire_all()
    assert db.session.query(Registration).count() == 4 and db.session.query(Attendance).count() == 4
    again = commit_import(path, ImportTarget(event_id=event.id))
    assert (again.registrations_new, again.attendances_new, again.people_new) == (0, 0, 0)


def test_names_resolve_through_aliases_and_merges_to_the_survivor(db, make_event, make_organisation, write_file):
    from eventsapp.models import OrganisationAlias, normalise_organisation_name

    survivor = make_organisation("Kent Police", sector_code="police")
    merged = make_organisation("Kent Constabulary", sector_code="police")
    merged.merged_into_id = survivor.id
    db.session.add(OrganisationAlias(organisation=merged, name="KCP",
                                     normalised_key=normalise_organisation_name("KCP")))
    db.session.commit()
    event = make_event()
    path = write_file("a.csv", HEADER + "Ann,Jones,ann@example.org,kcp,yes\r\nBo,Li,bo@example.org,kent police,yes\r\n")
    summary = commit_import(path, ImportTarget(event_id=event.id))
    assert summary.organisations_new_count == 0 and summary.organisations_matched == 1
    assert {r.organisation_id for r in db.session.query(Registration)} == {survivor.id}


def test_one_email_under_two_names_is_flagged_alike_in_the_preview_and_the_write(db, make_event, make_person,
                                                                                 write_file, monkeypatch):
    """The write pass keeps only a fingerprint of each email's first name and forgets people between
    chunks; it must flag the same rows, naming the same earlier name, as the preview."""
    from eventsapp.imports import engine

    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    event = make_event()
    make_person(first_name="Eve", last_name="Old", email="eve@example.org")
    make_person(first_name="Dana", last_name="Scully", email="dana@example.org")
    rows = ["Ann,Jones,ann@example.org,Org,yes", "Eve,Old,eve@example.org,Org,yes",
            "Annie,Jonas,ann@example.org,Org,yes",  # an earlier chunk's row
            "Cy,New,cy@example.org,Org,yes", "Cyrus,New,CY@example.org,Org,no",
            "Fox,Mulder,dana@example.org,Org,yes",  # an existing person
            "ann,JONES,ann@example.org,Org,yes",  # flagged already
            "Fox,Mulder,dana@example.org,Org,yes",  # the existing person again, in a later chunk
            "Gil,Bo,gil@example.org,Org,yes", "Gilbert,Bo,gil@example.org,Org,yes",  # the same chunk
            "Eve,Older,eve@example.org,Org,yes",  # an existing person's first row agreed with them
            "Dana,Scully,dana@example.org,Org,yes"]  # the first row disagreed with the person
    path = write_file("a.csv", HEADER + "\r\n".join(rows) + "\r\n")
    expected = [(3, "Annie Jonas", "Ann Jones", "an earlier row"), (5, "Cyrus New", "Cy New", "an earlier row"),
                (6, "Fox Mulder", "Dana Scully", "an existing person"),
                (10, "Gilbert Bo", "Gil Bo", "an earlier row"), (11, "Eve Older", "Eve Old", "an earlier row"),
                (12, "Dana Scully", "Fox Mulder", "an earlier row")]
    preview = preview_import(path, ImportTarget(event_id=event.id))
    written = commit_import(path, ImportTarget(event_id=event.id))
    for summary in (preview, written):
        assert [(c["row"] - 1, c["name"], c["other_name"], c["other"]) for c in summary.name_conflicts] == expected
        assert summary.name_conflict_count == len(expected)
