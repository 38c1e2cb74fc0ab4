"""A programme built so that the truth is known, with fast bulk inserts.

11 events held across 7 regions; 346 people made 358 attendances (12 came
twice) from 235 organisations. Mixed in, and never counted: 33 no-shows,
22 cancelled and 11 waitlisted registrations, a cancelled event and a
future event with attendances or bookings, eight people attending as
individuals, a duplicate organisation already merged into its survivor,
and organisation names typed with case, spacing and punctuation variants.
One person (and their organisation) attended an earlier event of another
programme, so is returning; everyone else is first-time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from eventsapp.directory import resolve_organisation
from eventsapp.models import (
    Attendance,
    Event,
    Organisation,
    Person,
    Programme,
    Region,
    Registration,
    Sector,
    normalise_organisation_name,
    utcnow,
)

REGION_CODES = ["TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI"]
#: Organisations per sector: the first four cover more than two thirds, the first three do not.
SECTOR_SIZES = [
    ("community_voluntary", 80),
    ("youth_justice", 40),
    ("police", 35),
    ("local_authority", 30),
    ("faith", 20),
    ("education", 15),
    ("health_social_care", 15),
]
HEADLINE = (
    "11 events across 7 regions: 346 people (358 attendances) from 235 organisations and agencies, "
    "primarily from community and voluntary organisations, youth justice, police and local authorities."
)


@dataclass
class KnownWorld:
    programme: Programme
    events: list[int]
    organisations: list[int]
    sector_of: dict[int, str]
    duplicate_id: int
    coordinator_org: Organisation
    host_ids: list[int]
    events_total: int = 11
    regions_total: int = 7
    people: int = 346
    attendances: int = 358
    organisations_total: int = 235
    repeat_people: int = 12
    registrations: int = 391
    cancellations: int = 22
    waitlisted: int = 11
    no_shows: int = 33
    returning_people: int = 1
    returning_organisations: int = 1


def _ids(db, model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    return list(db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def build_known_world(db) -> KnownWorld:
    now = utcnow().replace(microsecond=0)
    sectors = {s.code: s.id for s in db.session.scalars(select(Sector))}
    regions = {r.code: r.id for r in db.session.scalars(select(Region))}

    coordinator_org = Organisation(name="Known Network Coordination", sector_id=sectors["community_voluntary"])
    db.session.add(coordinator_org)
    db.session.flush()
    programme = Programme(slug="known-programme", name="Known Programme",
                          coordinator_organisation_id=coordinator_org.id)
    other_programme = Programme(slug="earlier-programme", name="Earlier Programme")
    db.session.add_all([programme, other_programme])
    db.session.flush()

    org_rows, sector_of_index = [], []
    for code, size in SECTOR_SIZES:
        for n in range(size):
            name = f"Known {code.replace('_', ' ').title()} Body {n + 1:03d}"
            org_rows.append({"name": name, "normalised_key": normalise_organisation_name(name),
                             "sector_id": sectors[code]})
            sector_of_index.append(code)
    organisations = _ids(db, Organisation, org_rows)
    assert len(organisations) == 235
    # A duplicate of organisation 0, already merged: its people count under the survivor.
    duplicate_id = _ids(db, Organisation, [{
        "name": "Known Commnity Voluntary Body 001", "normalised_key": "known commnity voluntary body 001",
        "sector_id": sectors["faith"], "merged_into_id": organisations[0]}])[0]
    # Someone attending as a self-employed individual: a person, not an organisation.
    individual_org = _ids(db, Organisation, [{
        "name": "Self-employed consultant", "normalised_key": "self employed consultant",
        "sector_id": sectors["individual"]}])[0]
    # Organisations only seen at events that are not held: never counted.
    unheld_orgs = _ids(db, Organisation, [
        {"name": f"Unheld Event Org {n}", "normalised_key": f"unheld event org {n}",
         "sector_id": sectors["business"]} for n in range(3)])

    first_day = now - timedelta(days=400)
    event_rows = []
    for i in range(11):
        start = first_day + timedelta(days=i * 20)
        event_rows.append({
            "programme_id": programme.id, "host_organisation_id": organisations[i * 20],
            "region_id": regions[REGION_CODES[i % 7]], "title": f"Known event {i + 1}",
            "themes": "Trust\nBelonging", "starts_at": start, "ends_at": start + timedelta(hours=3),
            "status": "published", "capacity": 80,
        })
    events = _ids(db, Event, event_rows)
    extra = _ids(db, Event, [
        # cancelled after people had been marked as attending: not held
        {"programme_id": programme.id, "host_organisation_id": organisations[0], "region_id": regions["TLJ"],
         "title": "Cancelled event", "starts_at": now - timedelta(days=30),
         "ends_at": now - timedelta(days=30) + timedelta(hours=2), "status": "cancelled"},
        # in the future: not held yet
        {"programme_id": programme.id, "host_organisation_id": organisations[0], "region_id": regions["TLK"],
         "title": "Future event", "starts_at": now + timedelta(days=30),
         "ends_at": now + timedelta(days=30, hours=2), "status": "published"},
        # another programme, before this one: makes one person and one organisation "returning"
        {"programme_id": other_programme.id, "host_organisation_id": organisations[1],
         "region_id": regions["TLJ"], "title": "Earlier programme event",
         "starts_at": first_day - timedelta(days=100),
         "ends_at": first_day - timedelta(days=100) + timedelta(hours=2), "status": "published"},
    ])
    cancelled_event, future_event, earlier_event = extra

    people_rows = [{"first_name": f"Person{i}", "last_name": "Known", "email": f"p{i}@example.org",
                    "email_key": f"p{i}@example.org"} for i in range(346 + 33 + 22 + 11 + 5)]
    people = _ids(db, Person, people_rows)

    def affiliation(i: int) -> int | None:
        if i < 235:
            return organisations[i]
        if i < 338:
            return organisations[(i * 7) % 235]
        if i < 344:
            return None
        return individual_org

    def variant(name: str, i: int) -> str:
        return [name, name.lower(), name + ".", "The " + name, name.replace(" ", "  ", 1) + " "][i % 5]

    registrations, attended = [], []

    def register(i: int, person: int, event: int, org: int | None, status: str = "confirmed",
                 attend: bool = True) -> None:
        name = org_rows[organisations.index(org)]["name"] if org in organisations else ""
        registrations.append({
            "event_id": event, "person_id": person, "organisation_id": org,
            "organisation_name_entered": variant(name, i) if name else "",
            "email_key": people_rows[people.index(person)]["email_key"], "status": status, "source": "import",
        })
        attended.append(attend)

    for i in range(346):
        org = affiliation(i)
        if i == 235:  # registered under the duplicate, already merged into organisation 0
            assert org == organisations[0]
            org = duplicate_id
        register(i, people[i], events[i % 11], org)
        if i < 12:  # twelve people came twice
            register(i, people[i], events[(i % 11 + 3) % 11], org)
    for k in range(33):  # no-shows
        register(k, people[346 + k], events[k % 11], organisations[k], attend=False)
    for k in range(22):  # cancelled
        register(k, people[379 + k], events[k % 11], organisations[k], status="cancelled", attend=False)
    for k in range(11):  # waitlisted
        register(k, people[401 + k], events[k], organisations[k], status="waitlisted", attend=False)
    # Not held: a cancelled event's "attendances" and a future event's bookings.
    register(0, people[412], cancelled_event, unheld_orgs[0])
    register(1, people[413], cancelled_event, unheld_orgs[1])
    register(2, people[414], future_event, unheld_orgs[2], attend=False)
    # The returning person (and organisation 100) came to the earlier programme's event.
    register(3, people[100], earlier_event, organisations[100])

    registration_ids = _ids(db, Registration, registrations)
    _ids(db, Attendance, [
        {"registration_id": rid, "checked_in_at": now - timedelta(days=1), "method": "import"}
        for rid, came in zip(registration_ids, attended, strict=True) if came
    ])
    db.session.commit()

    # Names typed with variants resolve to the same organisations (no new ones).
    for i in range(5):
        found, created = resolve_organisation(variant(org_rows[i]["name"], i + 1))
        assert not created and found.id == organisations[i]

    return KnownWorld(
        programme=programme, events=events, organisations=organisations,
        sector_of={organisations[i]: code for i, code in enumerate(sector_of_index)},
        duplicate_id=duplicate_id, coordinator_org=coordinator_org,
        host_ids=[organisations[i * 20] for i in range(11)],
    )


@pytest.fixture
def known(db) -> KnownWorld:
    return build_known_world(db)


@pytest.fixture
def coordinator(known, login_as):
    return login_as("coordinator", known.coordinator_org)


def report_figures_from_text(text: str) -> dict[str, int]:
    """Pull "Label value" figure pairs out of extracted text, e.g. from the PDF."""
    import re

    found = {}
    for label in ("Events held", "Regions", "Attendances", "People", "Organisations"):
        match = re.search(rf"^{label}\s*\n?\s*([\d,]+)\s*$", text, re.MULTILINE)
        if match:
            found[label] = int(match.group(1).replace(",", ""))
    return found


__all__ = ["HEADLINE", "KnownWorld", "build_known_world", "datetime"]
