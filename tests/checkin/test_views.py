"""The desk, QR check-in, walk-ins and the after-the-event tick-list, through HTTP."""

from __future__ import annotations

import re
from collections import namedtuple
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.checkin import services
from eventsapp.extensions import db
from eventsapp.models import Attendance, AttendanceFinalisation, EqualityResponse, Registration, utcnow
from eventsapp.tokens import make_token
from tests import factories
from tests.statements import sent_statements

JSON = {"Accept": "application/json"}


def attendance_of(registration_id: int) -> Attendance | None:
    db.session.expire_all()
    return db.session.scalar(select(Attendance).where(Attendance.registration_id == registration_id))


# --- the desk ---------------------------------------------------------------------------------


def test_desk_shows_access_needs_but_never_equality_answers(client, login_as, event, door_user, named_registration):
    registration = named_registration("Łukasz", "Wójcik", organisation_name="Thames Valley Police",
                                      access_requirements="Step-free access, hearing loop")
    db.session.add(EqualityResponse(event_id=event.id, registration_id=registration.id,
                                    ethnicity="asian_bangladeshi", religion="muslim", age_band="age_25_34"))
    db.session.commit()
    login_as("door", user=door_user)
    for url in (f"/events/{event.id}/checkin?q=wójcik", f"/events/{event.id}/checkin/search.json?q=wójcik"):
        body = client.get(url).get_data(as_text=True)
        assert "Łukasz Wójcik" in body or "\\u0141ukasz W\\u00f3jcik" in body
        assert "Step-free access, hearing loop" in body
        for secret in ("asian_bangladeshi", "Bangladeshi", "muslim", "Muslim", "age_25_34"):
            assert secret not in body


def test_search_json_answers_with_matching_people_only(client, login_as, event, door_user, named_registration):
    wanted = named_registration("Amira", "Khan", organisation_name="Slough Borough Council")
    named_registration("Bob", "Smith", organisation_name="Thames Valley Police")
    login_as("door", user=door_user)
    data = client.get(f"/events/{event.id}/checkin/search.json?q=slough").get_json()
    assert [r["id"] for r in data["results"]] == [wanted.id]
    assert data["results"][0] == {"id": wanted.id, "name": "Amira Khan", "organisation": "Slough Borough Council",
                                  "status": "confirmed", "checked_in_at": None, "access_requirements": ""}
    assert data["query"] == "slough" and data["limit"] == services.SEARCH_LIMIT
    assert "html" not in data  # checkin.js renders the list; the desk page renders it without JavaScript


def test_one_tap_check_in_and_undo_without_javascript(client, login_as, event, door_user, named_registration):
    registration = named_registration("Grace", "Hopper")
    login_as("door", user=door_user)
    response = client.post(f"/events/{event.id}/checkin/{registration.id}/check-in", data={"q": "hopper"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{event.id}/checkin?q=hopper")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Grace Hopper is checked in." in page
    assert "Undo check-in" in page
    assert attendance_of(registration.id).method == "desk"

    client.post(f"/events/{event.id}/checkin/{registration.id}/undo")
    assert attendance_of(registration.id) is None


def test_check_in_by_fetch_answers_json_with_counts(client, login_as, event, door_user, named_registration):
    registration = named_registration("Ada", "Lovelace")
    named_registration("Still", "Coming")
    login_as("door", user=door_user)
    url = f"/events/{event.id}/checkin/{registration.id}/check-in"
    first = client.post(url, headers=JSON)
    assert first.status_code == 200
    data = first.get_json()
    assert data["outcome"] == "checked_in" and data["message"] == "Ada Lovelace is checked in."
    assert data["counts"]["checked_in"] == 1 and data["counts"]["expected"] == 1
    assert "Undo check-in" in data["html"]
    second = client.post(url, headers=JSON)
    assert second.status_code == 200 and second.get_json()["outcome"] == "already_checked_in"
    at = attendance_of(registration.id).checked_in_at
    from eventsapp.timeutil import format_local

    assert second.get_json()["message"] == f"Ada Lovelace was already checked in at {format_local(at, '%H:%M')}."
    counts = client.get(f"/events/{event.id}/checkin/counts.json").get_json()
    assert counts == {"registered": 2, "checked_in": 1, "expected": 1, "waitlisted": 0, "walk_ins": 0,
                      "no_shows": 0, "finalised": False, "held": False}


def test_a_registration_of_another_event_cannot_be_posted_to_this_desk(client, login_as, event, door_user,
                                                                        named_registration):
    other_event = factories.make_event(host=event.host)
    elsewhere = named_registration("Else", "Where", at=other_event)
    login_as("door", user=door_user)
    assert client.post(f"/events/{event.id}/checkin/{elsewhere.id}/check-in").status_code == 404
    assert attendance_of(elsewhere.id) is None


def test_door_user_of_another_organisation_gets_404_everywhere(client, login_as, event, named_registration):
    registration = named_registration("Private", "Person")
    login_as("door")  # a door volunteer of some other organisation
    for method, url in [
        ("get", f"/events/{event.id}/checkin"),
        ("get", f"/events/{event.id}/checkin/search.json?q=private"),
        ("post", f"/events/{event.id}/checkin/{registration.id}/check-in"),
        ("get", f"/checkin/scan/{make_token('checkin', registration.id)}"),
        ("post", f"/checkin/scan/{make_token('checkin', registration.id)}"),
        ("get", f"/events/{event.id}/checkin/sign-in-sheet.pdf"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert "Private Person" not in response.get_data(as_text=True)
    assert attendance_of(registration.id) is None


# --- QR codes ---------------------------------------------------------------------------------


def test_qr_code_shows_the_person_and_checks_in_once(client, login_as, event, door_user, named_registration):
    registration = named_registration("Nguyễn", "Thị Minh Khai", organisation_name="Crawley Mosque")
    token = make_token("checkin", registration.id)
    login_as("door", user=door_user)
    page = client.get(f"/checkin/scan/{token}").get_data(as_text=True)
    assert "Nguyễn Thị Minh Khai" in page and "Crawley Mosque" in page
    assert page.count('type="submit" class="btn btn-success btn-lg w-100">Check in</button>') == 1

    response = client.post(f"/checkin/scan/{token}")
    assert response.status_code == 302
    assert attendance_of(registration.id).method == "qr"
    assert "Checked in at" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_qr_code_scanned_twice_says_already_checked_in_at_local_time(client, login_as, event, door_user,
                                                                      named_registration):
    registration = named_registration("Ada", "Lovelace")
    # 09:42 UTC in June is 10:42 in London.
    db.session.add(Attendance(registration_id=registration.id, method="qr",
                              checked_in_at=datetime(2026, 6, 3, 9, 42)))
    db.session.commit()
    login_as("door", user=door_user)
    token = make_token("checkin", registration.id)
    page = client.get(f"/checkin/scan/{token}").get_data(as_text=True)
    assert "Already checked in at 10:42." in page
    assert ">Check in</button>" not in page
    client.post(f"/checkin/scan/{token}")
    assert db.session.scalar(select(func.count(Attendance.id))) == 1
    assert "Already checked in at 10:42." in client.get(f"/checkin/scan/{token}").get_data(as_text=True)


def test_qr_code_for_cancelled_or_waitlisted_registration_says_so(client, login_as, event, door_user,
                                                                   named_registration):
    login_as("door", user=door_user)
    for status, words in [("cancelled", "This registration was cancelled"), ("waitlisted", "on the waitlist")]:
        registration = named_registration("Not", f"Confirmed {status}", status=status)
        token = make_token("checkin", registration.id)
        page = client.get(f"/checkin/scan/{token}").get_data(as_text=True)
        assert words in page and ">Check in</button>" not in page
        client.post(f"/checkin/scan/{token}")
        assert attendance_of(registration.id) is None


def test_forged_or_wrong_purpose_code_says_so_plainly(client, login_as, event, door_user, named_registration):
    registration = named_registration("Ada", "Lovelace")
    login_as("door", user=door_user)
    for token in ("not-a-token", make_token("booking", registration.id), make_token("checkin", registration.id) + "x"):
        response = client.get(f"/checkin/scan/{token}")
        assert response.status_code == 404
        assert "This code is not a valid check-in code." in response.get_data(as_text=True)


def test_qr_code_for_another_event_than_the_open_desk_is_flagged(client, login_as, event, host, named_registration):
    other_event = factories.make_event(host=host, title="Another Crawley evening")
    registration = named_registration("Other", "Evening", at=other_event)
    login_as("organiser", host)
    client.get(f"/events/{event.id}/checkin")  # the volunteer is at this event's desk
    page = client.get(f"/checkin/scan/{make_token('checkin', registration.id)}").get_data(as_text=True)
    assert "This code is for another event: <strong>Another Crawley evening</strong>" in page
    assert ">Check in</button>" not in page


def test_anonymous_scan_goes_to_sign_in_and_back(client, event, door_user, named_registration):
    registration = named_registration("Ada", "Lovelace")
    url = f"/checkin/scan/{make_token('checkin', registration.id)}"
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login = client.post(response.headers["Location"], data={"email": door_user.email,
                                                             "password": factories.PASSWORD})
    assert login.status_code == 302 and login.headers["Location"] == url


# --- walk-ins ---------------------------------------------------------------------------------


def walk_in_data(**overrides) -> dict:
    return {"first_name": "Walter", "last_name": "Walkin", "organisation": "Horsham Youth Service",
            "sector": "youth_justice", "email": "", **overrides}


def test_walk_in_is_registered_and_checked_in_at_once(client, login_as, event, door_user):
    login_as("door", user=door_user)
    response = client.post(f"/events/{event.id}/checkin/walk-in", data=walk_in_data())
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.event_id == event.id))
    assert (registration.source, registration.status, registration.person.full_name) == (
        "walk_in", "confirmed", "Walter Walkin")
    assert registration.organisation.name == "Horsham Youth Service"
    assert registration.organisation.sector.code == "youth_justice"
    assert attendance_of(registration.id).method == "walk_in"
    assert services.attendance_counts(event).walk_ins == 1


def test_walk_in_needs_a_name_and_keeps_what_was_typed(client, login_as, event, door_user):
    login_as("door", user=door_user)
    response = client.post(f"/events/{event.id}/checkin/walk-in",
                           data=walk_in_data(last_name="", email="not-an-email"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Walter"' in page and 'value="not-an-email"' in page
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_full_event_refuses_walk_ins_unless_an_organiser_overrides(client, login_as, event, host, door_user,
                                                                     named_registration):
    event.capacity = 1
    db.session.commit()
    named_registration("Only", "Place")
    login_as("door", user=door_user)
    page = client.get(f"/events/{event.id}/checkin/walk-in").get_data(as_text=True)
    assert "override_capacity" not in page  # door volunteers cannot override
    refused = client.post(f"/events/{event.id}/checkin/walk-in",
                          data=walk_in_data(override_capacity="y"))
    assert refused.status_code == 422
    assert "The event is full" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Registration.id))) == 1  # nothing half-written

    client.post("/auth/logout")
    login_as("organiser", host)
    allowed = client.post(f"/events/{event.id}/checkin/walk-in", data=walk_in_data(override_capacity="y"))
    assert allowed.status_code == 302
    walk_in = db.session.scalar(select(Registration).where(Registration.source == "walk_in"))
    assert walk_in.status == "confirmed" and attendance_of(walk_in.id) is not None


# --- after the event --------------------------------------------------------------------------


def test_tick_list_marks_attendance_from_the_paper_sheet(client, login_as, host, named_registration):
    event = factories.make_event(host=host, starts_at=utcnow() - timedelta(days=1))
    came = named_registration("Came", "Along", at=event)
    absent = named_registration("Stayed", "Home", at=event)
    login_as("organiser", host)
    page = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "Along, Came" in page and "Home, Stayed" in page
    response = client.post(f"/events/{event.id}/attendance", data={"attended": [str(came.id)]})
    assert response.status_code == 302
    assert attendance_of(came.id).method == "sheet"
    assert attendance_of(absent.id) is None
    assert "Marked 1 person as attended." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_mark_the_rest_as_no_shows_after_the_event(client, login_as, host, named_registration):
    event = factories.make_event(host=host, starts_at=utcnow() - timedelta(days=1))
    named_registration("Stayed", "Home", at=event)
    login_as("organiser", host)
    unconfirmed = client.post(f"/events/{event.id}/attendance/no-shows", data={})
    assert unconfirmed.status_code == 302 and db.session.get(AttendanceFinalisation, event.id) is None
    client.post(f"/events/{event.id}/attendance/no-shows", data={"confirm": "y"})
    db.session.expire_all()
    assert db.session.get(AttendanceFinalisation, event.id).no_show_count == 1
    page = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "1 no-show" in page


def test_no_shows_cannot_be_marked_before_the_event(client, login_as, event, host, named_registration):
    named_registration("Not", "Yet")
    login_as("organiser", host)
    client.post(f"/events/{event.id}/attendance/no-shows", data={"confirm": "y"})
    assert db.session.get(AttendanceFinalisation, event.id) is None


def test_door_volunteer_cannot_open_the_attendance_list(client, login_as, event, door_user):
    login_as("door", user=door_user)
    assert client.get(f"/events/{event.id}/attendance").status_code == 403


def test_organiser_panel_shows_registration_attendance_and_no_shows(app, event, named_registration, door_user):
    from flask import render_template

    came = named_registration("Came", "Along")
    named_registration("Stayed", "Home")
    services.check_in(came, door_user, "desk")
    event.starts_at = utcnow() - timedelta(hours=1)  # the event has started: it is held
    services.mark_rest_as_no_shows(event, door_user)
    db.session.commit()
    with app.test_request_context():
        html = render_template("checkin/_organiser_panel.html", event=event)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Registered (confirmed) 2 Attended 1 No-shows 1 (final) Waitlisted 0" in text
    assert f"/events/{event.id}/checkin" in html and f"/events/{event.id}/attendance" in html


def test_desk_search_finds_people_typed_without_accents(client, login_as, event, door_user, named_registration):
    wanted = named_registration("Łukasz", "Wójcik")
    login_as("door", user=door_user)
    data = client.get(f"/events/{event.id}/checkin/search.json?q=lukasz+wojcik").get_json()
    assert [r["id"] for r in data["results"]] == [wanted.id]
    assert data["results"][0]["name"] == "Łukasz Wójcik"


def test_search_json_rows_match_the_desk_list(client, login_as, event, door_user, named_registration):
    from eventsapp.timeutil import format_local

    here = named_registration("Ada", "Lovelace", organisation_name="Analytical Engines",
                              access_requirements="Seat near the door")
    named_registration("Wendy", "Waiting", status="waitlisted")
    named_registration("Carl", "Cancelled", status="cancelled")
    services.check_in(here, door_user, "desk")
    db.session.commit()
    login_as("door", user=door_user)
    data = client.get(f"/events/{event.id}/checkin/search.json?q=").get_json()
    assert [r["id"] for r in data["results"]] == [r.id for r in services.search_registrations(event, "")]
    first, second = data["results"]
    assert first["name"] == "Ada Lovelace" and first["access_requirements"] == "Seat near the door"
    assert first["checked_in_at"] == format_local(attendance_of(here.id).checked_in_at, "%H:%M")
    assert (second["name"], second["status"], second["checked_in_at"]) == ("Wendy Waiting", "waitlisted", None)


def test_an_imports_rows_are_found_at_once_and_the_desk_writes_no_keys(client, login_as, event, door_user,
                                                                      tmp_path):
    """The import writes the keys of its bulk rows in its own transaction; the desk's GETs only read,
    even for rows whose keys are missing (written by hand here)."""
    from sqlalchemy import insert

    from eventsapp.imports.engine import ImportTarget
    from eventsapp.imports.services import commit_import
    from eventsapp.models import Person, RegistrationSearch

    login_as("door", user=door_user)
    url = f"/events/{event.id}/checkin/search.json"
    assert client.get(url, query_string={"q": "oberg"}).get_json()["results"] == []
    path = tmp_path / "list.csv"
    path.write_text("First name,Last name,Email,Organisation,Attended\nÅsa,Öberg,asa@example.org,Kent Police,no\n",
                    encoding="utf-8")
    commit_import(path, ImportTarget(event_id=event.id))
    assert [r["name"] for r in client.get(url, query_string={"q": "oberg"}).get_json()["results"]] == ["Åsa Öberg"]

    person_id = db.session.execute(insert(Person).returning(Person.id), [
        {"first_name": "Wit", "last_name": "Nokeys", "email": None, "email_key": None}]).scalar_one()
    db.session.execute(insert(Registration), [{"event_id": event.id, "person_id": person_id, "status": "confirmed",
                                               "first_name": "Wit", "last_name": "Nokeys",
                                               "source": "import", "organisation_name_entered": ""}])
    db.session.commit()
    keys = select(func.count()).select_from(RegistrationSearch).where(RegistrationSearch.event_id == event.id)
    before = db.session.scalar(keys)
    for page in (f"/events/{event.id}/checkin", f"{url}?q=nokeys", f"/events/{event.id}/checkin?q=nokeys"):
        assert client.get(page).status_code == 200
    db.session.rollback()
    assert db.session.scalar(keys) == before


# --- search-as-you-type: the hot path -----------------------------------------------------------


def search_ids(client, event_id: int, query: str) -> list[int]:
    response = client.get(f"/events/{event_id}/checkin/search.json", query_string={"q": query})
    assert response.status_code == 200, query
    return [row["id"] for row in response.get_json()["results"]]


def test_search_json_finds_what_the_desk_list_finds_for_short_and_long_words(client, login_as, event, door_user,
                                                                              named_registration):
    """Short words walk the surname index, longer ones scan the keys: the same people in the same order."""
    named_registration("Ada", "Lovelace", organisation_name="Analytical Engines")
    named_registration("Alan", "Turing", organisation_name="Bletchley Park")
    named_registration("Grace", "Hopper", organisation_name="Navy")
    named_registration("Wendy", "Waiting", status="waitlisted")
    named_registration("Carl", "Cancelled", status="cancelled")
    percy = named_registration("Percy", "Cent", organisation_name="100% Sure_Ltd")
    for i in range(services.SEARCH_LIMIT + 2):
        named_registration(f"Sam{i:02d}", "Smith")
    login_as("door", user=door_user)
    for query in ["", "a", "la", "ace", "lovelace", "ADA love", "park turing", "cancelled", "waiting", "sm", "smith",
                  "sam1 smith", "0% s", "sure_ltd", "nobody"]:
        assert search_ids(client, event.id, query) == [r.id for r in services.search_registrations(event, query)], query
    assert len(search_ids(client, event.id, "smith")) == services.SEARCH_LIMIT
    assert search_ids(client, event.id, "%") == search_ids(client, event.id, "100%") == [percy.id]  # taken literally
    assert search_ids(client, event.id, "_") == [percy.id]


def test_search_json_answers_404_for_an_event_that_is_not_there(client, login_as, door_user):
    login_as("door", user=door_user)
    for event_id in (987654, 2**31 - 1, 2**31, 10**12):
        assert client.get(f"/events/{event_id}/checkin/search.json?q=a").status_code == 404


def test_search_json_answers_403_to_a_host_member_without_a_desk_role(client, login_as, event, host,
                                                                      named_registration):
    named_registration("Private", "Person")
    login_as("coordinator", organisation=host)  # a role at the host, but the event is in no programme of theirs
    response = client.get(f"/events/{event.id}/checkin/search.json?q=private")
    assert response.status_code == 403
    assert "Private Person" not in response.get_data(as_text=True)


def test_search_json_sends_a_signed_out_browser_to_sign_in(client, event):
    response = client.get(f"/events/{event.id}/checkin/search.json?q=a")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.postgres_only
def test_search_json_is_one_statement_outside_a_transaction(client, login_as, event, door_user, named_registration):
    """One statement on the wire: no BEGIN and no ROLLBACK around the search, and the signed-in user
    read in the same statement as the matches; the connection goes back to the pool as it came."""
    event_id, wanted_id = event.id, named_registration("Ada", "Lovelace").id
    login_as("door", user=door_user)
    assert search_ids(client, event_id, "lovelace") == [wanted_id]
    db.session.close()  # as at the start of a request in the server: nothing begun
    with sent_statements(db.engine) as sent:
        assert search_ids(client, event_id, "lovelace") == [wanted_id]
    assert len(sent) == 1, [statement.sql[:60] for statement in sent]
    # the user (with memberships), the event and its matches, together, with nothing begun
    assert "viewer_memberships" in sent[0].sql and "registration_search" in sent[0].sql
    assert sent[0].autocommit is True and sent[0].in_transaction is False
    with db.engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False


@pytest.mark.postgres_only
def test_a_failed_hot_read_hands_back_no_connection_in_autocommit(app):
    """:func:`eventsapp.database.read_one_row` invalidates its connection when the statement fails,
    and hands a good one back as it came (not in autocommit)."""
    import psycopg

    from eventsapp.database import read_one_row

    Row = namedtuple("Row", ["answer"])
    with app.app_context():
        assert read_one_row("SELECT %(a)s::int + %(b)s::int", {"a": 40}, Row, {"b": 2}) == Row(42)
        with pytest.raises(psycopg.errors.DivisionByZero):
            read_one_row("SELECT 1 / %(zero)s::int", {}, Row, {"zero": 0})
        assert db.engine.pool.checkedout() == 0
        assert read_one_row("SELECT 1 WHERE false", {}, Row, {}) is None
        assert read_one_row("SELECT 7", {}, Row, {}) == Row(7)
        with db.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw.autocommit is False
            assert raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


@pytest.mark.postgres_only
def test_search_json_answers_after_the_database_ended_the_pooled_connections(client, login_as, event, door_user,
                                                                             named_registration):
    """Without pre-ping: a pooled connection the server has closed is replaced before it is used."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    event_id, wanted_id = event.id, named_registration("Ada", "Lovelace").id
    login_as("door", user=door_user)
    assert search_ids(client, event_id, "lovelace") == [wanted_id]
    db.session.close()
    assert db.engine.pool.checkedin() >= 1 and db.engine.pool.checkedout() == 0
    admin = create_engine(db.engine.url, poolclass=NullPool)
    with admin.connect() as connection:
        ended = connection.execute(text(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )).scalar_one()
    admin.dispose()
    assert ended >= 1
    assert search_ids(client, event_id, "lovelace") == [wanted_id]
    assert search_ids(client, event_id, "lovelace") == [wanted_id]


@pytest.mark.postgres_only
def test_a_healthy_pooled_connection_is_handed_out_without_a_round_trip(app, monkeypatch):
    from eventsapp import connection_is_gone

    with app.app_context(), db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        monkeypatch.setattr(raw, "execute", lambda *a, **k: pytest.fail("the check sent a query"))
        assert connection_is_gone(raw) is False
        monkeypatch.undo()
        raw.close()
        assert connection_is_gone(raw) is True
        connection.invalidate()


# --- an event not on today's date ---------------------------------------------------------------


@pytest.mark.parametrize(("starts_at", "now", "expected"), [
    # GMT: 18:30 UTC is 18:30 in the UK.
    (datetime(2026, 12, 26, 18, 30), datetime(2026, 12, 5, 1, 10),
     "This event starts on Sat 26 Dec at 18:30, not today. Check you are at the right event: anyone "
     "checked in now is counted as having come."),
    # BST, another year: 17:30 UTC is 18:30 in the UK.
    (datetime(2027, 6, 12, 17, 30), datetime(2026, 12, 5, 1, 10),
     "This event starts on Sat 12 Jun 2027 at 18:30, not today. Check you are at the right event: anyone "
     "checked in now is counted as having come."),
    (datetime(2026, 11, 28, 10, 0), datetime(2026, 12, 5, 9, 0),
     "This event took place on Sat 28 Nov at 10:00, not today. Anyone checked in now is recorded as "
     "having come to it."),
    # Today in the UK: no notice, from the early morning to late at night.
    (datetime(2026, 12, 5, 18, 30), datetime(2026, 12, 5, 0, 5), None),
    (datetime(2026, 12, 5, 18, 30), datetime(2026, 12, 5, 23, 55), None),
    # 23:30 UTC on 11 June is 00:30 BST on the 12th: on the 12th (UK) it is today.
    (datetime(2027, 6, 11, 23, 30), datetime(2027, 6, 12, 8, 0), None),
])
def test_the_desk_notice_names_the_events_day_in_uk_time(db, host, starts_at, now, expected):
    event = factories.make_event(host=host, starts_at=starts_at, hours=3)
    assert services.day_notice(event, now) == expected


def test_the_desk_of_an_event_weeks_away_warns_but_still_checks_in(client, login_as, host, door_user,
                                                                    named_registration):
    from eventsapp.timeutil import to_local

    starts_at = utcnow().replace(microsecond=0) + timedelta(days=21)
    later = factories.make_event(host=host, starts_at=starts_at, title="Weeks away")
    registration = named_registration("Alison", "Taylor", at=later)
    login_as("door", user=door_user)
    page = client.get(f"/events/{later.id}/checkin").get_data(as_text=True)
    notice = re.search(r'id="desk-day-notice">(.*?)</div>', page, re.S)
    local = to_local(starts_at)
    assert notice and notice.group(1).startswith(f"This event starts on {local:%a %-d %b}")
    assert f"at {local:%H:%M}, not today." in notice.group(1)
    assert 'id="desk-day-notice"' in client.get(f"/events/{later.id}/checkin/walk-in").get_data(as_text=True)

    response = client.post(f"/events/{later.id}/checkin/{registration.id}/check-in")
    assert response.status_code == 302 and attendance_of(registration.id) is not None


def test_the_desk_of_todays_event_has_no_notice(client, login_as, host, door_user):
    from eventsapp.timeutil import to_local, to_utc

    local_now = to_local(utcnow())
    # Today in the UK, however near midnight the test runs: starts at the local day's first minute.
    starts_at = to_utc(local_now.replace(hour=0, minute=1, second=0, microsecond=0, tzinfo=None))
    today = factories.make_event(host=host, starts_at=starts_at, hours=23)
    login_as("door", user=door_user)
    assert 'id="desk-day-notice"' not in client.get(f"/events/{today.id}/checkin").get_data(as_text=True)


def test_the_manage_page_of_a_future_event_says_who_checked_in_early(app, host, door_user, named_registration):
    from flask import render_template

    later = factories.make_event(host=host, starts_at=utcnow() + timedelta(days=21))
    services.check_in(named_registration("Early", "Bird", at=later), door_user, "desk")
    db.session.commit()
    with app.test_request_context():
        html = render_template("checkin/_organiser_panel.html", event=later)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Attended 1 No-shows none yet: the event has not started (1 person checked in early)" in text


def test_walk_in_errors_say_what_to_do_at_the_field(client, login_as, event, door_user):
    """Not WTForms' generic "This field is required." / "Invalid email address.": messages that say
    what to do, like the registration form's."""
    login_as("door", user=door_user)
    response = client.post(f"/events/{event.id}/checkin/walk-in",
                           data=walk_in_data(first_name="", last_name="", email="oliver@",
                                             organisation="x" * 201))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    from html import unescape

    shown = {name: unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found)).strip()) for name, found in
             re.findall(r'<div id="([a-z_]+)-error"[^>]*>(.*?)</div>', page, re.S)}
    assert shown == {
        "first_name": "Enter their first name (ask them how they would like it written).",
        "last_name": "Enter their last name: the desk finds people by it.",
        "organisation": "Keep the organisation's name to 200 characters or fewer.",
        "email": "Enter an email address like name@example.org, or leave it blank.",
    }
    assert "This field is required." not in page and "Invalid email address." not in page
    assert 'value="oliver@"' in page
