"""Answers to each choice question are counted in SQL; text questions and non-attendees are left out."""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.models import Attendance, Registration
from eventsapp.models.questions import EventQuestion, RegistrationAnswer
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report


def test_choice_answers_are_counted(known, db, client, coordinator):
    event_id = known.events[1]
    multiple = EventQuestion(event_id=event_id, label="Which themes interest you?", kind="multiple_choice",
                             choices="Trust\nBelonging\nYouth", position=1)
    yes_no = EventQuestion(event_id=event_id, label="First time at one of our events?", kind="yes_no", position=2)
    text = EventQuestion(event_id=event_id, label="Anything else?", kind="short_text", position=3)
    db.session.add_all([multiple, yes_no, text])
    db.session.flush()
    came = list(db.session.scalars(
        select(Registration.id).join(Attendance).where(Registration.event_id == event_id).order_by(Registration.id)))
    no_show = db.session.scalar(
        select(Registration.id).outerjoin(Attendance).where(
            Registration.event_id == event_id, Attendance.id.is_(None), Registration.status == "confirmed"))
    answers = ["Trust\nBelonging", "Trust", "Youth", "belonging", ""]
    for registration_id, value in zip(came, answers, strict=False):
        db.session.add(RegistrationAnswer(registration_id=registration_id, question_id=multiple.id, value=value))
    for registration_id, value in zip(came, ["yes", "no", "yes"], strict=False):
        db.session.add(RegistrationAnswer(registration_id=registration_id, question_id=yes_no.id, value=value))
    db.session.add(RegistrationAnswer(registration_id=came[0], question_id=text.id, value="Thanks"))
    # a no-show's answer is not counted
    db.session.add(RegistrationAnswer(registration_id=no_show, question_id=multiple.id, value="Youth"))
    db.session.commit()

    report = build_report(ReportScope(event_id=event_id))
    summaries = {q.label: q for q in report.questions}
    assert set(summaries) == {"Which themes interest you?", "First time at one of our events?"}
    themes = summaries["Which themes interest you?"]
    assert dict(themes.counts) == {"Trust": 2, "Belonging": 2, "Youth": 1} and themes.respondents == 4
    assert dict(summaries["First time at one of our events?"].counts) == {"Yes": 2, "No": 1}

    payload = client.get(f"/api/v1/reports?programme={known.programme.slug}").get_json()
    assert payload["questions"][0]["answers"] == [
        {"answer": "Trust", "count": 2}, {"answer": "Belonging", "count": 2}, {"answer": "Youth", "count": 1}]
    html = client.get(f"/reports/events/{event_id}").get_data(as_text=True)
    assert "Which themes interest you?" in html
