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


def _sensitive_question(db, people: int, answers: list[str]) -> tuple[int, EventQuestion]:
    """A held event with ``people`` attendees answering a sensitive single-choice question."""
    from datetime import timedelta

    from eventsapp.models import utcnow
    from tests import factories

    event = factories.make_event(starts_at=utcnow() - timedelta(days=3))
    db.session.flush()
    question = EventQuestion(event_id=event.id, label="Do you have a faith?", kind="single_choice",
                             choices="Yes\nNo\nPrefer not to say", sensitive=True, position=1)
    db.session.add(question)
    db.session.flush()
    for index in range(people):
        registration = factories.make_registration(event=event, attended=True)
        db.session.flush()
        db.session.add(RegistrationAnswer(registration_id=registration.id, question_id=question.id,
                                          value=answers[index % len(answers)]))
    db.session.commit()
    return event.id, question


def test_a_sensitive_question_with_fewer_than_ten_answers_shows_no_breakdown_anywhere(db, client, login_as):
    from io import BytesIO

    from pypdf import PdfReader

    from eventsapp.reports.csv import render_csv
    from eventsapp.reports.json import report_to_dict
    from eventsapp.reports.pdf import render_pdf

    event_id, _ = _sensitive_question(db, 9, ["Yes", "Yes", "No", "Prefer not to say"])
    report = build_report(ReportScope(event_id=event_id))
    (summary,) = report.questions
    assert summary.counts == () and summary.respondents == "<10" and "Fewer than 10" in summary.note
    answers = report_to_dict(report)["questions"][0]
    assert answers["answers"] == [] and answers["respondents"] == "<10"
    rows = [line for line in render_csv(report, "questions").decode("utf-8-sig").splitlines()
            if "Do you have a faith?" in line]
    assert rows == [], "no row of the breakdown in the CSV"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(render_pdf(report))).pages)
    assert "Do you have a faith?" in text and "Fewer than 10 respondents" in text


def test_a_sensitive_question_hides_small_counts_and_rounds_the_rest(db):
    # 14 answers: 9 yes, 3 no, 2 prefer not to say -> "10", "<8", "<8", total "15".
    event_id, question = _sensitive_question(db, 14, ["Yes"] * 9 + ["No"] * 3 + ["Prefer not to say"] * 2)
    (summary,) = build_report(ReportScope(event_id=event_id)).questions
    assert dict(summary.counts) == {"Yes": "10", "No": "<8", "Prefer not to say": "<8"}
    assert summary.respondents == "15"
    # The same answers, not sensitive: exact counts.
    question.sensitive = False
    db.session.commit()
    (exact,) = build_report(ReportScope(event_id=event_id)).questions
    assert dict(exact.counts) == {"Yes": 9, "No": 3, "Prefer not to say": 2} and exact.respondents == 14


def test_an_organiser_marks_a_question_as_sensitive(db, client, login_as):
    from tests import factories

    organiser = login_as("organiser")
    event = factories.make_event(host=organiser.memberships[0].organisation)
    db.session.commit()
    response = client.post(f"/events/{event.id}/questions", data={
        "label": "Any health condition we should know about?", "kind": "yes_no", "choices": "",
        "sensitive": "y"})
    assert response.status_code == 302
    question = db.session.scalar(select(EventQuestion).where(EventQuestion.event_id == event.id))
    assert question.sensitive is True
