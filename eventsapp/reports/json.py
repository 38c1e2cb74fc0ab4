"""The report as a JSON-ready dict (the shape is documented in docs/reports.md)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from flask import has_request_context, url_for

from eventsapp.reports.aggregate import Report
from eventsapp.reports.suppression import small_count


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def report_to_dict(report: Report) -> dict:
    """Every figure of ``report``, in the documented order; protected counts as display strings."""
    return {
        **_figures(report),
        "scope": _scope(report),
        "generated_at": _iso(report.generated_at),
        **_breakdowns(report),
        "questions": _questions(report),
        "equality_monitoring": _equality(report),
        "outcomes": outcomes_to_dict(report),
        "themes": list(report.themes),
        "stories": _stories(report),
    }


def _figures(report: Report) -> dict:
    """The headline figures and the headline sentence."""
    f = report.figures
    return {
        "events": f.events,
        "regions": f.regions,
        "registrations": f.registrations,
        "attendances": f.attendances,
        "people": f.people,
        "organisations": f.organisations,
        "headline": report.headline,
        "no_shows": f.no_shows,
        "no_show_rate": None if f.no_show_rate is None else round(f.no_show_rate, 4),
        "cancellations": f.cancellations,
        "waitlisted": f.waitlisted,
        "repeat_people": f.repeat_people,
        "first_time": {"people": f.first_time_people, "organisations": f.first_time_organisations},
        "returning": {"people": f.returning_people, "organisations": f.returning_organisations},
    }


def _scope(report: Report) -> dict:
    scope = report.scope
    return {
        "description": report.scope_label,
        "programme_id": scope.programme_id,
        "event_id": scope.event_id,
        "host_id": scope.host_id,
        "region_id": scope.region_id,
        "from": _iso(scope.date_from),
        "to": _iso(scope.date_to),
    }


def _breakdowns(report: Report) -> dict:
    """By sector, region, event and host, and sector by region (small numbers protected)."""
    return {
        "by_sector": [
            {"code": s.code, "name": s.name, "organisations": small_count(s.organisations),
             "people": small_count(s.people), "attendances": small_count(s.attendances)}
            for s in report.sectors
        ],
        "by_region": [
            {"code": r.code, "name": r.name, "events": r.events, "attendances": small_count(r.attendances),
             "people": small_count(r.people), "organisations": small_count(r.organisations)}
            for r in report.regions
        ],
        "by_event": [{**asdict(e), "starts_at": _iso(e.starts_at)} for e in report.events],
        "by_host": [asdict(h) for h in report.hosts],
        "sector_region": [
            {"sector": c.sector_code, "region": c.region_code, "people": small_count(c.people),
             "organisations": small_count(c.organisations)}
            for c in report.sector_region
        ],
    }


def _questions(report: Report) -> list[dict]:
    """The events' own registration questions, answers counted."""
    return [
        {"event_id": q.event_id, "event": q.event_title, "question": q.label, "kind": q.kind,
         "respondents": q.respondents, "answers": [{"answer": a, "count": n} for a, n in q.counts],
         "note": q.note}
        for q in report.questions
    ]


def _equality(report: Report) -> dict:
    """The protected equality monitoring tables."""
    return {
        "respondents": report.equality_respondents,
        "tables": [
            {"characteristic": t.characteristic, "label": t.label, "respondents": t.respondents,
             "note": t.note, "rows": [{"answer": a, "count": n} for a, n in t.rows]}
            for t in report.equality
        ],
    }


def _stories(report: Report) -> list[dict]:
    """The published stories in scope, with their public address when answering a request."""
    return [
        {"id": s.id, "title": s.title, "summary": s.summary, "body": s.body, "attribution": s.attribution,
         "kind_of_work": s.kind_of_work, "approaches": list(s.approaches), "region": s.region,
         "place": s.place, "event_id": s.event_id, "published_at": _iso(s.published_at),
         "url": url_for("stories.detail", story_id=s.id, _external=True) if has_request_context() else None}
        for s in report.stories
    ]


def outcomes_to_dict(report: Report) -> dict:
    """The feedback survey's outcomes (display strings where small numbers are protected)."""
    o = report.outcomes
    return {
        "survey_emails_sent": o.invited,
        "responses": o.responses,
        "response_rate": o.rate,
        "note": o.note,
        "questions": [
            {"question": q.label, "kind": q.kind, "respondents": q.respondents, "note": q.note,
             "answers": [{"answer": a, "count": n} for a, n in q.rows]}
            for q in o.questions
        ],
        "by_event": [
            {"event_id": e.event_id, "event": e.title, "starts_at": _iso(e.starts_at),
             "survey_emails_sent": e.invited, "responses": e.responses, "response_rate": e.rate}
            for e in o.events
        ],
        "quotes": [{"event": q.event_title, "question": q.question, "text": q.text} for q in o.quotes],
    }
