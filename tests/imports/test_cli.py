"""import-attendance and export-programme on the command line."""

from __future__ import annotations

from openpyxl import Workbook

from tests.imports.conftest import table_counts
from tests.imports.samples import attendance_file


def test_dry_run_previews_and_writes_nothing(runner, db, write_file):
    path = write_file("sheet.csv", attendance_file().data)
    before = table_counts(db)
    result = runner.invoke(args=["import-attendance", str(path), "--programme", "new-one", "--create-events",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Rows read: 358" in result.output and "Programme: would be created" in result.output
    assert "Events: 0 matched, 11 new" in result.output
    assert "People: 346 new" in result.output and "Would import: 358 registrations, 358 attendances" in result.output
    assert "Dry run: nothing was written." in result.output
    assert table_counts(db) == before


def test_errors_are_printed_with_row_and_column_and_the_exit_code_fails(runner, db, write_file, make_event):
    event = make_event()
    path = write_file("bad.csv", "Name,Email\nAnn Jones,not-an-email\n")
    result = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id)])
    assert result.exit_code == 1
    assert "row 2, column “Email”: “not-an-email” is not an email address" in result.output
    assert "Nothing was imported" in result.output
    assert table_counts(db)["registration"] == 0


def test_an_unknown_programme_without_create_events_is_refused(runner, db, write_file):
    path = write_file("sheet.csv", attendance_file().data)
    result = runner.invoke(args=["import-attendance", str(path), "--programme", "nope"])
    assert result.exit_code == 1 and "No programme has the slug “nope”" in result.output


def test_target_options_are_checked(runner, db, write_file):
    path = write_file("sheet.csv", "Name\nA B\n")
    assert runner.invoke(args=["import-attendance", str(path)]).exit_code == 2
    assert runner.invoke(args=["import-attendance", str(path), "--event", "1", "--create-events"]).exit_code == 2


def test_formula_cells_in_xlsx_are_refused(runner, db, make_event, tmp_path):
    event = make_event()
    workbook = Workbook()
    workbook.active.append(["Name", "Email"])
    workbook.active.append(["Ann Jones", "=CONCAT(\"a\",\"@example.org\")"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    result = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id)])
    assert result.exit_code == 1 and "looks like a spreadsheet formula" in result.output
    assert table_counts(db)["registration"] == 0
