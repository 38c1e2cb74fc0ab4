"""The mapping is visible and decisive: each column's field and examples shown, ignored columns listed,
and attendance never assumed (issue 17)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from eventsapp.imports.columns import guess_by_meaning, read_attendance
from eventsapp.imports.parsing import ValueProblem, parse_date
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
    assert re.search(r"<td>Company</td>\s*<td>Organisation</td>\s*<td><ul[^>]*><li>Leeds Community Trust</li>"
                     r"<li>Kent Police</li></ul></td>", page)
    assert "Ignored columns: Ticket type, Dietary needs." in page
    client.post(f"/imports/{job_id}/confirm")
    assert _counts(db) == (0, 0)
    mapping = {"column_0": "full_name", "column_1": "email", "column_2": "organisation", "attendance": "none"}
    assert client.post(f"/imports/{job_id}/columns", data=mapping).status_code == 302
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "No column says who attended" not in page and "no row attended (registrations only)" in page
    client.post(f"/imports/{job_id}/confirm")
    assert _counts(db) == (2, 0)


@pytest.mark.parametrize(("value", "expected"), [
    ("Checked In", ("confirmed", True)), ("attended", ("confirmed", True)), ("Present", ("confirmed", True)),
    ("yes", ("confirmed", True)), ("✓", ("confirmed", True)), ("2024-03-14 09:12:00", ("confirmed", True)),
    (datetime(2024, 3, 14, 9, 12), ("confirmed", True)),
    ("No-show", ("confirmed", False)), ("Attending", ("confirmed", False)), ("", ("confirmed", False)),
    ("Not Attending", ("cancelled", False)), ("Cancelled", ("cancelled", False)), ("Refunded", ("cancelled", False)),
    ("Transferred", ("cancelled", False)), ("Waitlisted", ("waitlisted", False)),
])
def test_attendance_values_are_read_by_meaning(value, expected):
    assert read_attendance(value) == expected


def test_an_unknown_attendance_value_is_a_problem_not_a_guess():
    with pytest.raises(ValueProblem):
        read_attendance("maybe")


@pytest.mark.parametrize(("header", "values", "expected"), [
    ("Which organisation do you represent?", ["Kent Police"], "organisation"),
    ("What sector is your organisation in?", ["Police"], "sector"),
    ("What type of organisation do you work for?", ["Charity"], "sector"),
    ("Can we email you about future events?", ["Yes", "No"], None),
    ("What is your email address?", ["a@example.org"], "email"),
    ("Status", ["Checked In", "Attending"], "attended"),
    ("Status", ["Paid", "Canceled"], "registration_status"),
    ("Attendee #", ["1001", "1002"], None),
    ("Start time", [datetime(2024, 2, 1, 9, 0)], None),
    ("Email", ["anonymous"], None),
])
def test_columns_are_recognised_by_header_and_values(header, values, expected):
    assert guess_by_meaning(header, values) == expected


@pytest.mark.parametrize("written", ["2013-03-14", "14/03/2013", "14 March 2013", "Thursday, 14th March 2013",
                                     "14-Mar-2013", "March 14, 2013", datetime(2013, 3, 14)])
def test_dates_are_read_in_every_unambiguous_form(written):
    assert parse_date(written) == date(2013, 3, 14)


def test_month_first_numeric_dates_are_refused():
    with pytest.raises(ValueProblem):
        parse_date("03/14/2013")


def test_cancelled_rows_are_neither_registrations_nor_attendances(runner, db, write_file, make_event):
    event = make_event()
    path = write_file("list.csv", "Name,Email,Attendee status,Order status\n"
                                  "Ann Jones,ann@example.org,Checked In,Completed\n"
                                  "Bo Li,bo@example.org,Checked In,Refunded\n"
                                  "Cy Ray,cy@example.org,Transferred,Completed\n"
                                  "Di Fox,di@example.org,Attending,Completed\n")
    result = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id)])
    assert result.exit_code == 0, result.output
    assert "Cancelled, refunded or transferred rows: 2" in result.output
    statuses = sorted(db.session.scalars(select(Registration.status)).all())
    assert statuses == ["cancelled", "cancelled", "confirmed", "confirmed"]
    assert _counts(db) == (4, 1)


def test_the_web_preview_takes_region_host_and_time_for_each_new_event(client, db, login_as, make_organisation,
                                                                       make_programme):
    from io import BytesIO

    from eventsapp.models import Event, Programme
    from eventsapp.timeutil import to_local

    network = make_organisation("Good Relations Network")
    make_programme(slug="gr", coordinator_organisation_id=network.id)
    login_as("coordinator", network)
    data = ("Event,Date,Name,Email,Checked in\nTalk in Leeds,14/03/2013,Ann Jones,ann@example.org,yes\n"
            "Talk in Leeds,14/03/2013,Bo Li,bo@example.org,no\nWalk in York,15/03/2013,Cy Ray,cy@example.org,yes\n")
    response = client.post("/imports/", data={"file": (BytesIO(data.encode()), "list.csv"),
                                              "destination": "programme:gr", "create_events": "y"},
                           content_type="multipart/form-data")
    job_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "2 new events named in the file cannot be created yet" in page
    assert "“Talk in Leeds” on 2013-03-14 (2 rows) needs a region and a host organisation." in page
    assert page.count("needs a region and a host organisation") == 2
    client.post(f"/imports/{job_id}/confirm")
    assert _counts(db) == (0, 0)
    # A missing host comes back at the field, with what was entered.
    bad = client.post(f"/imports/{job_id}/events", data={
        "event_0_region": "TLE", "event_0_host": "", "event_0_start": "18:30", "event_0_end": "20:00",
        "event_1_region": "TLE", "event_1_host": "York Minster", "event_1_start": "10:00"})
    assert bad.status_code == 422 and "Name the host organisation." in bad.get_data(as_text=True)
    answer = {"event_0_region": "TLE", "event_0_host": "Leeds Community Trust", "event_0_start": "18:30",
              "event_0_end": "20:00", "event_1_region": "TLE", "event_1_host": "York Minster",
              "event_1_start": "10:00"}
    assert client.post(f"/imports/{job_id}/events", data=answer).status_code == 302
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "cannot be created yet" not in page and "Import 3 rows" in page
    client.post(f"/imports/{job_id}/confirm")
    db.session.rollback()
    programme = db.session.scalar(select(Programme).where(Programme.slug == "gr"))
    events = {e.title: e for e in db.session.scalars(select(Event).where(Event.programme_id == programme.id))}
    leeds = events["Talk in Leeds"]
    assert (leeds.region.code, leeds.host.name) == ("TLE", "Leeds Community Trust")
    assert to_local(leeds.starts_at).strftime("%d/%m/%Y %H:%M") == "14/03/2013 18:30"
    assert to_local(leeds.ends_at).strftime("%H:%M") == "20:00"
    assert events["Walk in York"].host.name == "York Minster"
    assert _counts(db) == (3, 2)


def test_one_email_under_two_names_is_flagged_in_the_preview(runner, db, write_file, make_event, make_person):
    event = make_event()
    make_person(first_name="Dana", last_name="Scully", email="dana@example.org")
    path = write_file("list.csv", "Name,Email,Attended\nAnn Jones,ann@example.org,yes\n"
                                  "Annie Jonas,ANN@example.org,yes\nann jones,ann@example.org,yes\n"
                                  "Fox Mulder,dana@example.org,yes\n")
    result = runner.invoke(args=["import-attendance", str(path), "--event", str(event.id), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert ("! row 3: ANN@example.org is “Annie Jonas” here but “Ann Jones” in an earlier row" in result.output)
    assert "! row 5: dana@example.org is “Fox Mulder” here but “Dana Scully” in an existing person" in result.output
    assert result.output.count("! row") == 2  # case and spacing are not another name


def test_walk_ins_match_an_existing_person_only_when_confirmed(runner, db, write_file, make_event, make_person,
                                                               make_registration, make_organisation):
    organisation = make_organisation("Kent Police", sector_code="police")
    known = make_person(first_name="Ann", last_name="Jones", email=None)
    make_registration(event=make_event(), person=known, organisation=organisation)
    event = make_event()
    path = write_file("walk-ins.csv", "Name,Organisation,Attended\nAnn Jones,Kent Police,yes\n"
                                      "Ann Jones,Kent Police,yes\n")
    args = ["import-attendance", str(path), "--event", str(event.id)]
    preview = runner.invoke(args=[*args, "--dry-run"])
    assert "1 people without an email have the name and organisation of an existing person" in preview.output
    assert "row 2: Ann Jones" in preview.output and "People: 1 new" in preview.output
    confirmed = runner.invoke(args=[*args, "--match-names"])
    assert confirmed.exit_code == 0, confirmed.output
    assert "People: 0 new, 0 matched by email, 1 matched by name and organisation" in confirmed.output
    db.session.expire_all()
    assert db.session.scalars(select(Registration.person_id).where(Registration.event_id == event.id)).all() == [
        known.id]
