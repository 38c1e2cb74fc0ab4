"""The aggregation module on a world whose truth is known."""

from __future__ import annotations

from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from tests.reports.conftest import HEADLINE


def test_programme_figures_are_exactly_the_known_truth(known):
    report = build_report(ReportScope(programme_id=known.programme.id))
    f = report.figures
    assert (f.events, f.regions, f.people, f.attendances, f.organisations) == (11, 7, 346, 358, 235)
    assert (f.registrations, f.cancellations, f.waitlisted, f.no_shows) == (391, 22, 11, 33)
    assert f.no_show_rate == 33 / 391
    assert f.repeat_people == 12
    assert (f.first_time_people, f.returning_people) == (345, 1)
    assert (f.first_time_organisations, f.returning_organisations) == (234, 1)
    assert report.headline == HEADLINE


def test_breakdowns_add_up_and_resolve_merges(known):
    report = build_report(ReportScope(programme_id=known.programme.id))
    sectors = {s.code: s for s in report.sectors}
    assert sectors["community_voluntary"].organisations == 80  # the merged duplicate counts as its survivor
    assert "faith" in sectors and sectors["faith"].organisations == 20
    assert sectors["individual"].people == 8 and sectors["individual"].organisations == 0
    assert sum(s.organisations for s in report.sectors) == 235
    assert sum(e.attendances for e in report.events) == 358
    assert sum(r.attendances for r in report.regions) == 358
    assert sum(r.events for r in report.regions) == 11
    assert len(report.regions) == 7
    assert sum(h.events for h in report.hosts) == 11
    assert sum(e.no_shows for e in report.events) == 33
    assert sum(c.organisations for c in report.sector_region) >= 235


def test_event_scope_counts_returning_people_from_earlier_events(known):
    fourth = known.events[3]
    report = build_report(ReportScope(event_id=fourth))
    # people 0 and 11 came first to event 0 and again to event 3: returning there.
    assert report.figures.events == 1
    assert report.figures.returning_people == 2
    assert report.figures.first_time_people == report.figures.people - 2
    assert report.themes == ("Trust", "Belonging")


def test_scope_filters_combine(known, db):
    from eventsapp.models import Region

    north_west = db.session.query(Region).filter_by(code="TLD").one()
    report = build_report(ReportScope(programme_id=known.programme.id, region_id=north_west.id))
    # events 1 and 8 are in the North West (i % 7 == 1)
    assert report.figures.events == 2
    assert [r.code for r in report.regions] == ["TLD"]
    host = build_report(ReportScope(host_id=known.host_ids[0]))
    assert host.figures.events == 1  # the cancelled and future events it hosts are not held
    first_day = report.events[0].starts_at.date()
    dated = build_report(ReportScope(programme_id=known.programme.id, date_from=first_day, date_to=first_day))
    assert dated.figures.events == 1


def test_empty_scope_reads_plainly(db):
    report = build_report(ReportScope(region_id=1))
    assert report.figures.events == 0 and report.figures.no_show_rate is None
    assert report.headline == "No events held yet in this report's scope."
