"""check_in / undo_check_in / sheet / no-shows / counts / search: the attendance rules."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from eventsapp.checkin import services
from eventsapp.extensions import db
from eventsapp.models import Attendance, AttendanceFinalisation, AttendanceLog, Registration, utcnow
from tests import factories


def attendance_rows(registration_id: int) -> int:
    return db.session.scalar(select(func.count(Attendance.id)).where(Attendance.registration_id == registration_id))


def test_check_in_records_who_when_and_how_and_logs_it(named_registration, door_user):
    registration = named_registration("Łukasz", "Wójcik")
    result = services.check_in(registration, door_user, "desk")
    db.session.commit()
    assert result.outcome == services.CHECKED_IN and result.ok
    attendance = db.session.scalar(select(Attendance).where(Attendance.registration_id == registration.id))
    assert (attendance.method, attendance.checked_in_by_id) == ("desk", door_user.id)
    log = services.attendance_log(registration)
    assert [(e.action, e.method, e.by_id) for e in log] == [("check_in", "desk", door_user.id)]


def test_checking_in_twice_says_already_with_the_first_time(named_registration, door_user):
    registration = named_registration("Ada", "Lovelace")
    first = services.check_in(registration, door_user, "qr")
    db.session.commit()
    second = services.check_in(registration, door_user, "desk")
    db.session.commit()
    assert second.outcome == services.ALREADY_CHECKED_IN and second.ok
    assert second.checked_in_at == first.checked_in_at
    assert second.attendance.method == "qr"
    assert attendance_rows(registration.id) == 1
    assert len(services.attendance_log(registration)) == 1


def test_waitlisted_and_cancelled_registrations_cannot_be_checked_in(named_registration, door_user):
    for status in ("waitlisted", "cancelled"):
        registration = named_registration("Wait", f"Listed {status}", status=status)
        result = services.check_in(registration, door_user, "desk")
        db.session.commit()
        assert result.outcome == services.NOT_CONFIRMED and not result.ok
        assert attendance_rows(registration.id) == 0


def test_undo_removes_the_attendance_and_keeps_an_audit_trail(named_registration, door_user, host):
    organiser = factories.make_user(role="organiser", organisation=host)
    registration = named_registration("Grace", "Hopper")
    services.check_in(registration, door_user, "desk")
    db.session.commit()
    result = services.undo_check_in(registration, organiser)
    db.session.commit()
    assert result.outcome == services.UNDONE
    assert attendance_rows(registration.id) == 0
    assert registration.attendance is None
    log = services.attendance_log(registration)
    assert [(e.action, e.method, e.by_id) for e in log] == [
        ("check_in", "desk", door_user.id), ("undo", "desk", organiser.id),
    ]
    again = services.undo_check_in(registration, organiser)
    db.session.commit()
    assert again.outcome == services.NOT_CHECKED_IN
    assert len(services.attendance_log(registration)) == 2


def test_two_volunteers_at_the_same_moment_make_one_attendance(app, named_registration, host):
    """Threads, each with its own session and connection, tap the same person at once."""
    registration = named_registration("Nguyễn", "Thị Minh Khai")
    volunteers = [factories.make_user(role="door", organisation=host) for _ in range(2)]
    registration_id, user_ids = registration.id, [v.id for v in volunteers]
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[tuple[str, object]] = []
    errors: list[BaseException] = []

    def volunteer(user_id: int) -> None:
        try:
            with app.app_context():
                from eventsapp.models import User

                reg = db.session.get(Registration, registration_id)
                user = db.session.get(User, user_id)
                barrier.wait(timeout=10)
                result = services.check_in(reg, user, "desk")
                db.session.commit()
                outcomes.append((result.outcome, result.checked_in_at))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=volunteer, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(o for o, _ in outcomes) == [services.ALREADY_CHECKED_IN, services.CHECKED_IN]
    # Both answers give the same (the one real) check-in time.
    assert outcomes[0][1] == outcomes[1][1]
    assert attendance_rows(registration_id) == 1
    logs = db.session.scalars(select(AttendanceLog).where(AttendanceLog.registration_id == registration_id)).all()
    assert [entry.action for entry in logs] == ["check_in"]


def test_counts_registered_checked_in_expected_waitlisted_walk_ins(event, named_registration, door_user):
    came = [named_registration("Came", f"Person {n}") for n in range(3)]
    named_registration("Still", "Expected")
    named_registration("On", "Waitlist", status="waitlisted")
    named_registration("Gone", "Away", status="cancelled")
    walk_in = named_registration("Walk", "In", source="walk_in")
    for registration in came:
        services.check_in(registration, door_user, "desk")
    services.check_in(walk_in, door_user, "walk_in")
    db.session.commit()
    counts = services.attendance_counts(event)
    assert counts.as_dict() == {
        "registered": 5, "checked_in": 4, "expected": 1, "waitlisted": 1, "walk_ins": 1,
        "no_shows": 0, "finalised": False, "held": False,
    }


def test_sheet_ticks_only_this_events_confirmed_registrations(event, named_registration, door_user):
    ticked = named_registration("Tick", "Me")
    already = named_registration("Already", "Here")
    cancelled = named_registration("Can", "Celled", status="cancelled")
    other_event = factories.make_event(host=event.host)
    elsewhere = named_registration("Else", "Where", at=other_event)
    services.check_in(already, door_user, "desk")
    db.session.commit()
    marked = services.mark_attended_from_sheet(event, [ticked.id, already.id, cancelled.id, elsewhere.id], door_user)
    db.session.commit()
    assert marked == 1
    assert db.session.get(Registration, ticked.id).attendance.method == "sheet"
    assert db.session.get(Registration, already.id).attendance.method == "desk"
    assert attendance_rows(cancelled.id) == 0 and attendance_rows(elsewhere.id) == 0


def test_marking_the_rest_as_no_shows_records_the_decision(event, named_registration, door_user):
    came = named_registration("Did", "Come")
    absent = [named_registration("Did", f"Not Come {n}") for n in range(2)]
    named_registration("Wait", "Listed", status="waitlisted")
    services.check_in(came, door_user, "desk")
    event.starts_at = utcnow() - timedelta(hours=1)  # the event has started: it is held
    db.session.commit()
    assert services.mark_rest_as_no_shows(event, door_user) == 2
    db.session.commit()
    record = db.session.get(AttendanceFinalisation, event.id)
    assert (record.no_show_count, record.finalised_by_id) == (2, door_user.id)
    counts = services.attendance_counts(event)
    assert (counts.finalised, counts.no_shows, counts.checked_in) == (True, 2, 1)
    for registration in absent:
        assert [e.action for e in services.attendance_log(registration)] == ["no_show"]
    # A late tick from the sheet turns a no-show into an attendance.
    services.mark_attended_from_sheet(event, [absent[0].id], door_user)
    db.session.commit()
    assert services.attendance_counts(event).no_shows == 1


def test_search_finds_by_name_organisation_or_email_among_many(event, named_registration):
    fake_people = [("Person", f"Number{n:03d}") for n in range(300)]
    for first, last in fake_people:
        named_registration(first, last, organisation_name="" if int(last[-3:]) % 3 else "")
    target = named_registration("Łukasz", "Wójcik", organisation_name="Thames Valley Police")
    target.person.email = "l.wojcik@tvp.example.org"
    db.session.commit()
    other = named_registration("Amira", "Wojciechowska", organisation_name="Slough Borough Council")
    waitlisted = named_registration("Wendy", "Waiting", status="waitlisted")
    named_registration("Carl", "Cancelled", status="cancelled")
    elsewhere = factories.make_event(host=event.host)
    named_registration("Łukasz", "Wójcik-Elsewhere", at=elsewhere)

    def ids(query: str) -> list[int]:
        return [r.id for r in services.search_registrations(event, query)]

    assert ids("Wójcik") == [target.id]
    assert ids("łukasz wój") == [target.id] or ids("Łukasz wój") == [target.id]
    assert ids("thames valley") == [target.id]
    assert ids("L.WOJCIK@tvp") == [target.id]
    assert set(ids("wojc")) == {target.id, other.id}  # the email is ASCII
    assert ids("Waiting") == [waitlisted.id]
    assert ids("Cancelled") == []
    assert ids("Number299") == [db.session.scalar(
        select(Registration.id).join(Registration.person).where(
            Registration.event_id == event.id, Registration.person.has(last_name="Number299"))
    )]
    # Results are limited and in surname order.
    many = services.search_registrations(event, "Number")
    assert len(many) == services.SEARCH_LIMIT
    assert [r.person.last_name for r in many] == [f"Number{n:03d}" for n in range(services.SEARCH_LIMIT)]
    # LIKE wildcards typed by the user are matched literally.
    assert ids("%") == [] and ids("_") == []


def test_search_lists_in_surname_order_ignoring_accents(event, named_registration):
    for first, last in [("Zoë", "Öberg"), ("Adam", "Leek"), ("Zoe", "Lee"), ("Anna", "Oates"), ("Ben", "Lee")]:
        named_registration(first, last)
    names = [r.person.full_name for r in services.search_registrations(event, "")]
    assert names == ["Ben Lee", "Zoe Lee", "Adam Leek", "Anna Oates", "Zoë Öberg"]


def test_search_ignores_accents_and_case_beyond_ascii(event, named_registration):
    target = named_registration("Łukasz", "Wójcik", organisation_name="Polska Wspólnota")
    vietnamese = named_registration("Nguyễn", "Thị Minh Khai")
    named_registration("Luke", "Walker")

    def ids(query: str) -> list[int]:
        return [r.id for r in services.search_registrations(event, query)]

    assert ids("wojcik") == [target.id]
    assert ids("lukasz") == [target.id]
    assert ids("ŁUKASZ WÓJCIK") == [target.id]
    assert ids("wspolnota") == [target.id]
    assert ids("nguyen thi") == [vietnamese.id]


def test_search_keys_follow_name_changes_and_bulk_rows_are_found_and_backfilled(event, named_registration):
    from sqlalchemy import insert

    from eventsapp.checkin.search import add_missing_search_keys
    from eventsapp.models import Person, RegistrationSearch

    registration = named_registration("Zoë", "Brown")
    registration.last_name = "Brontë"  # the desk finds a registration by the name it carries
    db.session.commit()
    assert [r.id for r in services.search_registrations(event, "bronte")] == [registration.id]
    assert db.session.get(RegistrationSearch, registration.id).search_key.startswith("zoe bronte ")

    # An import writes rows in bulk, bypassing the ORM listener...
    person_id = db.session.execute(
        insert(Person).returning(Person.id),
        [{"first_name": "Åsa", "last_name": "Öberg", "email": None, "email_key": None}],
    ).scalar_one()
    registration_id = db.session.execute(
        insert(Registration).returning(Registration.id),
        [{"event_id": event.id, "person_id": person_id, "first_name": "Åsa", "last_name": "Öberg",
          "status": "confirmed", "source": "import", "organisation_name_entered": ""}],
    ).scalar_one()
    db.session.commit()
    assert db.session.get(RegistrationSearch, registration_id) is None
    # ...and gives them their keys in its transaction (the desk only reads them).
    assert add_missing_search_keys([event.id]) == 1
    db.session.commit()
    assert add_missing_search_keys([event.id]) == 0
    entry = db.session.get(RegistrationSearch, registration_id)
    assert (entry.event_id, entry.sort_key, entry.search_key) == (event.id, "oberg\tasa", "asa oberg")
    assert [r.id for r in services.search_registrations(event, "oberg")] == [registration_id]
    assert [r.id for r in services.search_registrations(event, "Öberg")] == [registration_id]


def test_losing_the_race_at_the_insert_answers_already_checked_in(named_registration, door_user, monkeypatch):
    """The moment the two threads above may miss: both see no attendance, both insert.

    The second insert hits the unique constraint inside a savepoint; the
    service re-reads the winner's row instead of failing the request.
    """
    registration = named_registration("Late", "Comer")
    winner = services.check_in(registration, door_user, "qr")
    db.session.commit()
    real_lookup = services._attendance_of
    calls = []

    def stale_first_lookup(registration_id):
        calls.append(registration_id)
        return None if len(calls) == 1 else real_lookup(registration_id)

    monkeypatch.setattr(services, "_attendance_of", stale_first_lookup)
    result = services.check_in(registration, door_user, "desk")
    db.session.commit()
    assert len(calls) == 2  # the stale pre-check, then the re-read after the IntegrityError
    assert result.outcome == services.ALREADY_CHECKED_IN
    assert result.checked_in_at == winner.checked_in_at and result.attendance.method == "qr"
    assert attendance_rows(registration.id) == 1
    assert [e.action for e in services.attendance_log(registration)] == ["check_in"]
