"""Database constraints hold the domain's invariants, on every backend."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from eventsapp.models import Attendance, Membership, Organisation, normalise_organisation_name
from tests import factories


@pytest.mark.parametrize(
    "variant",
    ["Thames Valley Police", "thames valley police ", "Thames Valley Police.", "The Thames  Valley Police Ltd"],
)
def test_organisation_name_variants_share_a_key(variant):
    assert normalise_organisation_name(variant) == "thames valley police"


def test_ampersand_and_accents_normalise():
    assert normalise_organisation_name("Café & Community Ltd") == normalise_organisation_name(
        "Cafe and Community Limited"
    )
    assert normalise_organisation_name("Brent Council") != normalise_organisation_name("Barnet Council")


def expect_integrity_error(db):
    """Commit and expect the database to refuse; leave the session usable."""
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_event_must_end_after_it_starts(db, make_event):
    event = make_event()
    event.ends_at = event.starts_at - timedelta(minutes=1)
    expect_integrity_error(db)


def test_event_capacity_cannot_be_negative(db, make_event):
    event = make_event()
    event.capacity = -1
    expect_integrity_error(db)


def test_event_status_is_checked_by_the_database(db, make_event):
    event = make_event()
    event.status = "archived"
    expect_integrity_error(db)


def test_two_live_organisations_cannot_share_a_key(db, make_organisation):
    make_organisation("Thames Valley Police")
    db.session.add(Organisation(name="thames valley police."))
    expect_integrity_error(db)


def test_a_merged_organisation_keeps_its_key_beside_the_survivor(db, make_organisation):
    survivor = make_organisation("Thames Valley Police")
    duplicate = Organisation(name="Thames Valley Police.", normalised_key="other")
    db.session.add(duplicate)
    db.session.commit()
    duplicate.normalised_key = survivor.normalised_key
    duplicate.merged_into = survivor
    db.session.commit()
    assert duplicate.merged_into_id == survivor.id


def test_one_active_registration_per_event_and_email(db, make_event, make_person, make_registration):
    event, person = make_event(), make_person()
    first = make_registration(event=event, person=person)
    with pytest.raises(IntegrityError):
        make_registration(event=event, person=person)
    db.session.rollback()
    # Once cancelled, the same email may register again.
    db.session.merge(first).status = "cancelled"
    db.session.commit()
    again = make_registration(event=event, person=person)
    assert again.status == "confirmed"


def test_registration_without_email_is_allowed_twice(db, make_event, make_person, make_registration):
    event = make_event()
    for _ in range(2):
        make_registration(event=event, person=make_person(email=None))
    assert len(event_registrations(db, event)) == 2


def event_registrations(db, event):
    from eventsapp.models import Registration

    return db.session.query(Registration).filter_by(event_id=event.id).all()


def test_a_registration_has_at_most_one_attendance(db, make_registration):
    registration = make_registration(attended=True)
    db.session.add(Attendance(registration_id=registration.id, method="desk"))
    expect_integrity_error(db)


def test_attendance_method_is_checked(db, make_registration):
    registration = make_registration()
    db.session.add(Attendance(registration_id=registration.id, method="telepathy"))
    expect_integrity_error(db)


def test_membership_role_is_checked_and_unique_per_organisation(db, make_user):
    user = make_user(role="door")
    organisation = user.memberships[0].organisation
    db.session.add(Membership(user=user, organisation=organisation, role="organiser"))
    expect_integrity_error(db)
    db.session.add(Membership(user=user, organisation=factories.make_organisation(), role="superuser"))
    expect_integrity_error(db)


def test_password_is_hashed_with_argon2id(db, make_user):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password(factories.PASSWORD)
    assert not user.check_password("wrong password!")
    long_unicode = "Zoë Ó Súilleabháin — 🔑 " * 4
    user.set_password(long_unicode)
    assert len(long_unicode) > 64 and user.check_password(long_unicode)
