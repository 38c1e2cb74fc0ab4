"""The mapping is visible and decisive: each column's field and examples shown, ignored columns listed,
and attendance never assumed (issue 17)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from eventsapp.models import Attendance, Registration
from tests.imports.conftest import table_counts

NO_ATTENDANCE = ("Full name,Email address,Company,Ticket type,Dietary needs\n"
                 "Ann Jones,ann@example.org,Leeds Community Trust,Standard,None\n"
                 "Bo Li,bo@example.org,Kent Police,Standard,Vegan\n")


def _counts(db) -> tuple[int, int]:
    db.session.expire_all()
    return (db.session.scalar(select(func.count(Registration.id))),
            db.session.scalar(select(func.count(Attendance.id))))


def test_a_file_without_an_attendance_column_is_refused_naming_the_choices(runner, db, write_file, make_event):
    event = make_event()
    path = write_file("list.csv", NO_ATTENDANCE)
    before = table_counts(db)
    result = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id)])
    assert result.exit_code == 1
    assert "no column says who attended" in result.output
    for option in ("--all-attended", "--none-attended", "--map"):
        assert option in result.output
    assert "Nothing was imported" in result.output
    db.session.expire_all()
    assert table_counts(db) == before


def test_the_preview_shows_each_column_with_examples_and_the_ignored_ones(runner, db, write_file, make_event):
    event = make_event()
    path = write_file("list.csv", NO_ATTENDANCE)
    result = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id), "--all-attended",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "“Full name” → Full name (e.g. Ann Jones, Bo Li)" in result.output
    assert "“Email address” → Email (e.g. ann@example.org, bo@example.org)" in result.output
    assert "“Company” → Organisation (e.g. Leeds Community Trust, Kent Police)" in result.output
    assert "Ignored columns: “Ticket type”, “Dietary needs”" in result.output
    assert "Attendance: every row attended (--all-attended)" in result.output
    assert "No column gives the sector" in result.output
    assert _counts(db) == (0, 0)


def test_all_attended_and_none_attended_decide_what_is_written(runner, db, write_file, make_event):
    event = make_event()
    path = write_file("list.csv", NO_ATTENDANCE)
    none = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id), "--none-attended"])
    assert none.exit_code == 0, none.output
    assert _counts(db) == (2, 0)
    every = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id), "--all-attended"])
    assert every.exit_code == 0, every.output
    assert _counts(db) == (2, 2)
    both = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id), "--all-attended",
                               "--none-attended"])
    assert both.exit_code == 2


def test_map_reads_a_column_as_a_field_and_can_ignore_one(runner, db, write_file, make_event):
    event = make_event()
    path = write_file("list.csv", "Wer,Mail,Org,Da\nAnn Jones,ann@example.org,Leeds Trust,ja\n"
                                  "Bo Li,bo@example.org,Kent Police,\n")
    refused = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id), "--map", "Wer=full_name",
                                  "--map", "Mail=email", "--map", "Da=attended"])
    assert refused.exit_code == 1 and "“ja” is not an attendance answer" in refused.output
    path = write_file("list.csv", "Wer,Mail,Org,Da\nAnn Jones,ann@example.org,Leeds Trust,yes\n"
                                  "Bo Li,bo@example.org,Kent Police,\n")
    result = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id), "--map", "Wer=full_name",
                                 "--map", "mail=Email", "--map", "Da=attended", "--map", "Org=ignore"])
    assert result.exit_code == 0, result.output
    assert "“Da” → Attended (e.g. yes)" in result.output and "Ignored columns: “Org”" in result.output
    assert _counts(db) == (2, 1)
    assert db.session.scalars(select(Registration.organisation_id)).all() == [None, None]


def test_map_refuses_unknown_columns_and_fields(runner, db, write_file, make_event):
    event = make_event()
    path = write_file("list.csv", NO_ATTENDANCE)
    unknown_column = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id),
                                         "--map", "Nope=attended"])
    assert unknown_column.exit_code == 2 and "no column “Nope”" in unknown_column.output
    unknown_field = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id),
                                        "--map", "Company=shoe size"])
    assert unknown_field.exit_code == 2 and "“shoe size” is not a field" in unknown_field.output


def test_a_mapped_column_claims_its_field_before_a_recognised_one(runner, db, write_file, make_event):
    event = make_event()
    path = write_file("list.csv", "Name,Email,Attended,Really there\nAnn Jones,ann@example.org,yes,no\n")
    result = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id),
                                 "--map", "Really there=attended"])
    assert result.exit_code == 0, result.output
    assert "Ignored columns: “Attended”" in result.output
    assert _counts(db) == (1, 0)


def test_the_web_preview_asks_who_attended_and_the_choice_is_applied(client, db, login_as, make_event,
                                                                    make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    response = client.post("/imports/", data={
        "file": (__import__("io").BytesIO(NO_ATTENDANCE.encode()), "list.csv"),
        "destination": f"event:{event.id}"}, content_type="multipart/form-data")
    job_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "No column says who attended" in page and "Import 2 rows" not in page
    assert re.search(r"<td>Company</td>\s*<td>Organisation</td>\s*<td>Leeds Community Trust, Kent Police</td>", page)
    assert "Ignored columns: Ticket type, Dietary needs." in page
    client.post(f"/imports/{job_id}/confirm")
    assert _counts(db) == (0, 0)
    mapping = {"column_0": "full_name", "column_1": "email", "column_2": "organisation", "attendance": "none"}
    assert client.post(f"/imports/{job_id}/columns", data=mapping).status_code == 302
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "No column says who attended" not in page and "no row attended (registrations only)" in page
    client.post(f"/imports/{job_id}/confirm")
    assert _counts(db) == (2, 0)
