"""Property: for random small datasets, the SQL aggregation agrees with a plain Python count."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from eventsapp.models import (
    Attendance,
    Event,
    Organisation,
    Person,
    Programme,
    Region,
    Registration,
    Sector,
    utcnow,
)
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report

SECTORS = ["community_voluntary", "police", "faith", "individual"]
REGIONS = ["TLC", "TLD", "TLJ"]

organisations_strategy = st.lists(
    st.tuples(st.sampled_from(SECTORS), st.one_of(st.none(), st.integers(0, 5))), min_size=1, max_size=6
)
events_strategy = st.lists(
    st.tuples(
        st.sampled_from(["published", "published", "cancelled", "draft"]),
        st.integers(-300, 60),  # days from now
        st.sampled_from(REGIONS),
        st.booleans(),  # in the programme reported on
    ),
    min_size=1, max_size=5,
)
registrations_strategy = st.lists(
    st.tuples(
        st.integers(0, 7),  # person
        st.integers(0, 4),  # event
        st.one_of(st.none(), st.integers(0, 5)),  # organisation
        st.sampled_from(["confirmed", "confirmed", "waitlisted", "cancelled"]),
        st.booleans(),  # attended (only confirmed ones can be)
    ),
    max_size=25,
)


def python_truth(organisations, events, registrations, now):
    def resolve(index):
        if index is None:
            return None
        sector, merged_into = organisations[index]
        if merged_into is not None and merged_into < len(organisations) and organisations[merged_into][1] is None \
                and merged_into != index:
            return merged_into
        return index

    def sector_of(index):
        return organisations[index][0]

    def held(e):
        return events[e][0] == "published" and events[e][1] < 0

    in_scope = [e for e in range(len(events)) if held(e) and events[e][3]]
    attended = [(p, e, resolve(o)) for p, e, o, status, came in registrations
                if status == "confirmed" and came]
    scoped = [(p, e, o) for p, e, o in attended if e in in_scope]
    orgs = {o for _, _, o in scoped if o is not None and sector_of(o) != "individual"}
    people_events = defaultdict(set)
    for p, e, _ in scoped:
        people_events[p].add(e)
    first_in_scope = {p: min(events[e][1] for e in es) for p, es in people_events.items()}
    returning = {p for p, first in first_in_scope.items()
                 if any(q == p and held(e) and events[e][1] < first for q, e, _ in attended)}
    organisations_by_sector = defaultdict(set)
    for _, _, o in scoped:
        if o is not None and sector_of(o) != "individual":
            organisations_by_sector[sector_of(o)].add(o)
    people_by_region = defaultdict(set)
    for p, e, _ in scoped:
        people_by_region[events[e][2]].add(p)
    confirmed = [(e, came) for _, e, _, status, came in registrations if status == "confirmed" and e in in_scope]
    return {
        "events": len(in_scope),
        "regions": len({events[e][2] for e in in_scope}),
        "attendances": len(scoped),
        "people": len(people_events),
        "organisations": len(orgs),
        "registrations": len(confirmed),
        "no_shows": sum(1 for _, came in confirmed if not came),
        "cancellations": sum(1 for _, e, _, s, _ in registrations if s == "cancelled" and e in in_scope),
        "repeat_people": sum(1 for es in people_events.values() if len(es) > 1),
        "returning_people": len(returning),
        "by_sector": {s: len(os) for s, os in organisations_by_sector.items()},
        "by_region": {r: len(ps) for r, ps in people_by_region.items()},
    }


def _clear(db):
    for model in (Attendance, Registration, Person, Event, Programme):
        db.session.execute(delete(model))
    db.session.execute(delete(Organisation).where(Organisation.merged_into_id.isnot(None)))
    db.session.execute(delete(Organisation))
    db.session.commit()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(organisations_strategy, events_strategy, registrations_strategy)
def test_aggregation_agrees_with_python(db, organisations, events, registrations):
    _clear(db)
    now = utcnow().replace(microsecond=0)
    # Distinct start days (never exactly now), so "earlier" is never a tie.
    seen_days = set()
    unique_events = []
    for status, days, region, in_programme in events:
        while days in seen_days or days == 0:
            days -= 1
        seen_days.add(days)
        unique_events.append((status, days, region, in_programme))
    events = unique_events
    registrations = [(p, e % len(events), None if o is None else o % len(organisations), s, c)
                     for p, e, o, s, c in registrations]
    sectors = {s.code: s.id for s in db.session.scalars(select(Sector))}
    regions = {r.code: r.id for r in db.session.scalars(select(Region))}

    programme, other = Programme(slug="p", name="P"), Programme(slug="q", name="Q")
    db.session.add_all([programme, other])
    db.session.flush()
    org_ids = list(db.session.scalars(insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True), [
        {"name": f"Org {i}", "normalised_key": f"org {i}", "sector_id": sectors[sector]}
        for i, (sector, _) in enumerate(organisations)]))
    # Merges are one step long (as the merge service keeps them): only into live organisations.
    for i, (_, merged_into) in enumerate(organisations):
        if merged_into is not None and merged_into < len(organisations) and merged_into != i \
                and organisations[merged_into][1] is None:
            db.session.get(Organisation, org_ids[i]).merged_into_id = org_ids[merged_into]
    db.session.flush()
    event_ids = list(db.session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True), [
        {"programme_id": programme.id if in_programme else other.id, "host_organisation_id": org_ids[0],
         "region_id": regions[region], "title": f"E{i}", "status": status,
         "starts_at": now + timedelta(days=days), "ends_at": now + timedelta(days=days, hours=2)}
        for i, (status, days, region, in_programme) in enumerate(events)]))
    person_ids = list(db.session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), [
        {"first_name": f"P{i}", "last_name": "X"} for i in range(8)]))
    for p, e, o, status, came in registrations:
        registration = Registration(event_id=event_ids[e], person_id=person_ids[p],
                                    organisation_id=None if o is None else org_ids[o], status=status)
        if status == "confirmed" and came:
            registration.attendance = Attendance(method="desk")
        db.session.add(registration)
    db.session.commit()

    truth = python_truth(organisations, events, registrations, now)
    report = build_report(ReportScope(programme_id=programme.id))
    f = report.figures
    assert {
        "events": f.events, "regions": f.regions, "attendances": f.attendances, "people": f.people,
        "organisations": f.organisations, "registrations": f.registrations, "no_shows": f.no_shows,
        "cancellations": f.cancellations, "repeat_people": f.repeat_people,
        "returning_people": f.returning_people,
        "by_sector": {s.code: s.organisations for s in report.sectors if s.organisations},
        "by_region": {r.code: r.people for r in report.regions if r.people},
    } == truth
    assert f.first_time_people + f.returning_people == f.people
