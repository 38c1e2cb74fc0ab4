"""A small programme with history for the data-protection tests, and the report's JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from faker import Faker

from eventsapp.models import (
    EqualityResponse,
    EventQuestion,
    RegistrationAnswer,
    utcnow,
)
from eventsapp.reports.build import build_report
from eventsapp.reports.json import report_to_dict
from eventsapp.reports.model import ReportScope
from tests import factories

ETHNICITIES = ["white_british", "asian_indian", "black_african", "mixed_other", "white_irish", "other_arab",
               "asian_pakistani", "white_roma", "black_caribbean", "asian_chinese", "white_other", "mixed_white_asian"]


@dataclass
class World:
    programme: object
    events: list
    host: object
    target: object  # the person whose data is erased / exported
    target_registrations: list
    others: list
    question: object


def report_json(programme, now=None) -> dict:
    """The programme's report as JSON, without its generation time."""
    data = report_to_dict(build_report(ReportScope(programme_id=programme.id), now))
    data.pop("generated_at")
    return data


@pytest.fixture
def world(db) -> World:
    """Three past events of one programme; the target registered at all three (attended two), with
    needs, answers, equality answers; twelve other people, most of whom attended."""
    fake = Faker("en_GB")
    Faker.seed(16)
    coordinator_org = factories.make_organisation("Cohesion Network North")
    host = factories.make_organisation("Riverside Community Trust")
    police = factories.make_organisation("Northshire Police", sector_code="police")
    programme = factories.make_programme(slug="privacy-programme", coordinator_organisation=coordinator_org)
    now = utcnow().replace(microsecond=0)
    events = [factories.make_event(host=host, programme=programme, starts_at=now - timedelta(days=days))
              for days in (60, 40, 20)]
    question = EventQuestion(event_id=events[0].id, label="How did you hear about us?", kind="single_choice",
                             choices="Email\nColleague")
    db.session.add(question)
    target = factories.make_person(first_name="Siobhán", last_name="O'Neill-Wójcik",
                                   email="Siobhan.ONeill-Wojcik@Example.org")
    target_registrations = []
    for index, event in enumerate(events):
        registration = factories.make_registration(
            event=event, person=target, organisation=police, attended=index < 2,
            job_title="Neighbourhood Sergeant", access_requirements="Step-free access for Siobhán",
            dietary_requirements="Vegan", consent_privacy_at=now - timedelta(days=90), privacy_notice_version="v1",
            consent_contact=True)
        target_registrations.append(registration)
    db.session.add(RegistrationAnswer(registration_id=target_registrations[0].id, question_id=question.id,
                                      value="Colleague"))
    db.session.add(EqualityResponse(event_id=events[0].id, registration_id=target_registrations[0].id,
                                    ethnicity="other_any", religion="christian", age_band="35_49", gender="woman"))
    others = []
    for index in range(12):
        event = events[index % 3]
        person = factories.make_person(first_name=fake.first_name(), last_name=fake.last_name())
        registration = factories.make_registration(
            event=event, person=person, organisation=host if index % 2 else police, attended=index % 5 != 0,
            job_title=fake.job()[:100], access_requirements="Hearing loop" if index % 4 == 0 else "")
        others.append(registration)
        db.session.add(EqualityResponse(event_id=event.id, registration_id=registration.id,
                                        ethnicity=ETHNICITIES[index], religion="no_religion", age_band="25_34"))
        if event.id == events[0].id:
            db.session.add(RegistrationAnswer(registration_id=registration.id, question_id=question.id,
                                              value="Email"))
    db.session.commit()
    return World(programme, events, host, target, target_registrations, others, question)
