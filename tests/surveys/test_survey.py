"""The feedback survey: sent once to each attendee (never to anyone who did not attend), one response per
link whatever happens, and nothing in the database leads from a response to a person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from eventsapp.models import (
    SurveyAnswer,
    SurveyInvitation,
    SurveyLinkUse,
    SurveyQuestion,
    SurveyResponse,
    utcnow,
)
from eventsapp.surveys import services
from eventsapp.surveys.tasks import send_surveys
from tests import factories

LINK = re.compile(r"https?://\S+/surveys/answer/\S+")


def survey_link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = LINK.findall(body)
    assert len(links) == 1, body
    return "/" + links[0].split("://", 1)[1].split("/", 1)[1]


def attendee(event, **kw):
    return factories.make_registration(event=event, attended=True, **kw)


def answers_for(db, event) -> dict:
    questions = services.questions_for(event.programme_id)
    data = {}
    for question in questions:
        data[f"question_{question.id}"] = {"agreement": "Agree", "rating": "4"}.get(question.kind, "Call the council.")
    return data


def test_every_attendee_gets_one_email_and_nobody_else_even_when_the_task_runs_twice(app, db, smtp, ended_event):
    came = [attendee(ended_event), attendee(ended_event)]
    no_show = factories.make_registration(event=ended_event)
    cancelled = factories.make_registration(event=ended_event, status="cancelled")
    waitlisted = factories.make_registration(event=ended_event, status="waitlisted")
    future = factories.make_event(programme=ended_event.programme)
    at_future = attendee(future)
    old_start = utcnow() - timedelta(days=40)
    long_ago = factories.make_event(starts_at=old_start, ends_at=old_start + timedelta(hours=2))
    at_long_ago = attendee(long_ago)

    send_surveys.delay()
    send_surveys.delay()
    db.session.rollback()

    for registration in came:
        received = smtp.to(registration.person.email)
        assert len(received) == 1, registration.person.email
        assert received[0]["Subject"].startswith("How was it?")
        survey_link(received[0])
    for registration in (no_show, cancelled, waitlisted, at_future, at_long_ago):
        assert smtp.to(registration.person.email) == []
    assert len(smtp.messages) == 2
    assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)) == 2
    # The programme's default questions were created for the survey.
    assert [q.kind for q in services.questions_for(ended_event.programme_id)] == [
        "agreement", "agreement", "agreement", "rating", "text"]


def test_the_invitation_is_a_database_constraint(app, db, ended_event):
    registration = attendee(ended_event)
    db.session.add(SurveyInvitation(registration_id=registration.id, event_id=ended_event.id))
    db.session.commit()
    db.session.add(SurveyInvitation(registration_id=registration.id, event_id=ended_event.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_link_used_twice_records_one_response(app, db, client, smtp, ended_event):
    attendee(ended_event)
    send_surveys.delay()
    path = survey_link(smtp.parsed()[0])
    page = client.get(path)
    assert page.status_code == 200
    assert "I met people from backgrounds different from mine" in page.get_data(as_text=True)
    data = answers_for(db, ended_event)
    assert client.post(path, data=data).status_code == 302
    again = client.post(path, data={**data, next(iter(data)): "Disagree"})
    assert again.status_code == 200 and "This link has been used" in again.get_data(as_text=True)
    assert "Thank you" in client.get(path).get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    assert db.session.scalar(select(func.count()).select_from(SurveyLinkUse)) == 1
    first = services.questions_for(ended_event.programme_id)[0]
    assert db.session.scalar(select(SurveyAnswer.value).where(SurveyAnswer.question_id == first.id)) == "Agree"


def test_the_database_refuses_a_second_use_of_a_link(app, db, ended_event):
    """Two submissions racing past the "used?" check: the primary key on the link's hash keeps one."""
    services.ensure_questions(ended_event.programme_id)
    token = services.make_link_token(ended_event.id)
    event, nonce = services.read_link(token)
    assert services.record_response(event, nonce, {}) is True
    assert services.record_response(event, nonce, {}) is False
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_a_response_cannot_be_joined_to_a_person_or_registration(app, db, client, smtp, ended_event):
    people = [attendee(ended_event) for _ in range(3)]
    send_surveys.delay()
    for message in smtp.parsed()[:2]:
        assert client.post(survey_link(message), data=answers_for(db, ended_event)).status_code == 302
    db.session.rollback()

    # No column of the response, its answers or the used link refers to a person, a registration,
    # an invitation, a token or a time.
    inspector = inspect(db.engine)
    for table in ("survey_response", "survey_answer", "survey_link_use"):
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        assert not any(name in columns for name in ("registration_id", "person_id", "email", "token"))
        assert not any("DATE" in str(c["type"]).upper() or "TIME" in str(c["type"]).upper()
                       for c in columns.values()), table
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert targets <= {"event", "survey_response", "survey_question"}, (table, targets)
    assert {c["name"] for c in inspector.get_columns("survey_response")} == {"id", "event_id"}
    assert {c["name"] for c in inspector.get_columns("survey_link_use")} == {"nonce_hash", "event_id"}

    # The sent emails no longer hold the links (the outbox forgets them once sent).
    from eventsapp.models import OutboxMessage

    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "survey")).all()
    assert len(sent) == 3 and all(m.state == "sent" and "token" not in m.params for m in sent)

    # Try to join: every value of every response row against every value of the rows about people.
    personal = set()
    for table in ("registration", "person", "survey_invitation", "attendance", "outbox_message"):
        for row in db.session.execute(text(f"SELECT * FROM {table}")):  # noqa: S608 (fixed names)
            personal |= {str(v) for v in row if v is not None}
    used = {str(v) for row in db.session.execute(text("SELECT * FROM survey_link_use")) for v in row}
    for row in db.session.execute(text("SELECT * FROM survey_response")):
        response_id, event_id = row.id, row.event_id
        assert event_id == ended_event.id  # shared by every attendee, so it singles nobody out
        assert response_id not in personal and response_id not in used
        assert not any(response_id in value for value in personal)
    for value in db.session.scalars(select(SurveyAnswer.response_id)):
        assert value not in personal
    # The order rows were written in is not kept either (SQLite: WITHOUT ROWID).
    if db.engine.dialect.name == "sqlite":
        for table in ("survey_response", "survey_answer", "survey_link_use"):
            with pytest.raises(Exception, match="rowid"):
                db.session.execute(text(f"SELECT rowid FROM {table}"))  # noqa: S608
            db.session.rollback()
    assert len(people) == 3


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
                                    lambda t: "not-a-token", lambda t: t + "x" * 3000])
def test_a_forged_or_altered_link_is_a_404(app, db, client, ended_event, mangle):
    with app.test_request_context():
        token = services.make_link_token(ended_event.id)
    assert client.get(f"/surveys/answer/{token}").status_code == 200
    assert client.get(f"/surveys/answer/{mangle(token)}").status_code == 404
    assert client.post(f"/surveys/answer/{mangle(token)}", data={}).status_code == 404


def test_a_link_of_another_purpose_is_a_404(app, db, client, ended_event):
    from eventsapp.tokens import make_token

    registration = attendee(ended_event)
    with app.test_request_context():
        booking = make_token("booking", registration.id)
        odd = make_token("survey", {"e": "1; drop", "n": 5})
    assert client.get(f"/surveys/answer/{booking}").status_code == 404
    assert client.get(f"/surveys/answer/{odd}").status_code == 404


def test_a_wrong_answer_comes_back_at_the_field_and_records_nothing(app, db, client, ended_event):
    services.ensure_questions(ended_event.programme_id)
    db.session.commit()
    with app.test_request_context():
        token = services.make_link_token(ended_event.id)
    first = services.questions_for(ended_event.programme_id)[0]
    response = client.post(f"/surveys/answer/{token}", data={f"question_{first.id}": "Maybe", **{
        f"question_{q.id}": "x" * 2001 for q in services.questions_for(ended_event.programme_id) if q.kind == "text"}})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "x" * 2001 in html  # the user's input comes back
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_coordinators_edit_the_programme_questions(app, db, client, login_as, ended_event):
    programme = ended_event.programme
    coordinator_org = factories.make_organisation()
    programme.coordinator_organisation_id = coordinator_org.id
    db.session.commit()
    login_as("coordinator", coordinator_org)
    page = client.get(f"/surveys/programmes/{programme.slug}/questions")
    assert page.status_code == 200
    assert client.post(f"/surveys/programmes/{programme.slug}/questions/defaults/1",
                       data={"d1-label": "I met people", "d1-active": "y"}).status_code == 302
    db.session.rollback()
    first = services.questions_for(programme.id)[0]
    assert client.post(f"/surveys/programmes/{programme.slug}/questions/{first.id}",
                       data={f"q{first.id}-label": "I met people I would not otherwise meet"}).status_code == 302
    assert client.post(f"/surveys/programmes/{programme.slug}/questions",
                       data={"kind": "agreement", "label": "I feel more confident"}).status_code == 302
    assert client.post(f"/surveys/programmes/{programme.slug}/questions",
                       data={"kind": "essay", "label": ""}).status_code == 422
    db.session.rollback()
    labels = [(q.label, q.active) for q in services.questions_for(programme.id, active_only=False)]
    assert labels[0] == ("I met people I would not otherwise meet", False)  # unticked: no longer asked
    assert labels[-1] == ("I feel more confident", True)
    assert db.session.scalar(select(func.count()).select_from(SurveyQuestion)) == 6
    with app.test_request_context():
        token = services.make_link_token(ended_event.id)
    html = client.get(f"/surveys/answer/{token}").get_data(as_text=True)
    assert "I feel more confident" in html and "I would not otherwise meet" not in html


def test_the_questions_page_shows_the_defaults_without_storing_them(app, db, client, login_as, ended_event):
    """A GET writes nothing: the defaults are stored when a coordinator first changes one."""
    from eventsapp.models import DEFAULT_SURVEY_QUESTIONS

    programme = ended_event.programme
    coordinator_org = factories.make_organisation()
    programme.coordinator_organisation_id = coordinator_org.id
    db.session.commit()
    login_as("coordinator", coordinator_org)
    url = f"/surveys/programmes/{programme.slug}/questions"
    html = client.get(url).get_data(as_text=True)
    assert all(label in html for _, label in DEFAULT_SURVEY_QUESTIONS)
    db.session.rollback()
    assert services.questions_for(programme.id, active_only=False) == []
    assert f'action="{url}/defaults/2"' in html
    bad = client.post(f"{url}/defaults/2", data={"d2-label": ""})
    assert bad.status_code == 422 and 'id="d2-label-error"' in bad.get_data(as_text=True)
    db.session.rollback()
    assert services.questions_for(programme.id, active_only=False) == []
    assert client.post(f"{url}/defaults/2", data={"d2-label": "I learned a lot", "d2-active": "y"}).status_code == 302
    db.session.rollback()
    stored = [(q.label, q.active) for q in services.questions_for(programme.id, active_only=False)]
    assert stored == [(label, True) for _, label in DEFAULT_SURVEY_QUESTIONS[:1]] + [("I learned a lot", True)] + [
        (label, True) for _, label in DEFAULT_SURVEY_QUESTIONS[2:]]
    assert client.post(f"{url}/defaults/6", data={"d6-label": "x"}).status_code == 404


def _respond(event, count: int, text: str | None = None) -> None:
    questions = services.ensure_questions(event.programme_id)
    for index in range(count):
        event_, nonce = services.read_link(services.make_link_token(event.id))
        answers = {q.id: {"agreement": "Agree", "rating": "5"}.get(q.kind, f"{text} {index}" if text else "")
                   for q in questions}
        assert services.record_response(event_, nonce, answers)


def test_free_text_is_quoted_only_when_an_organiser_publishes_it(app, db, client, login_as, ended_event):
    with app.test_request_context():
        _respond(ended_event, 10, text="Invite the police")
    db.session.commit()
    login_as("organiser", ended_event.host)
    report = client.get(f"/api/v1/reports?event={ended_event.id}").get_json()["outcomes"]
    assert report["responses"] == "10" and report["quotes"] == []
    assert "Invite the police" not in client.get(f"/reports/events/{ended_event.id}").get_data(as_text=True)

    page = client.get(f"/surveys/events/{ended_event.id}").get_data(as_text=True)
    assert page.count("<blockquote") == 10 and "Invite the police 9" in page  # every written answer
    response_id, question_id, _, text_value, published = services.text_answers(ended_event.id)[0]
    assert not published
    assert client.post(f"/surveys/events/{ended_event.id}/quotes",
                       data={"response": response_id, "question": question_id, "publish": "1"}).status_code == 302
    report = client.get(f"/api/v1/reports?event={ended_event.id}").get_json()["outcomes"]
    assert [q["text"] for q in report["quotes"]] == [text_value]
    assert client.post(f"/surveys/events/{ended_event.id}/quotes",
                       data={"response": response_id, "question": question_id, "publish": "0"}).status_code == 302
    assert client.get(f"/api/v1/reports?event={ended_event.id}").get_json()["outcomes"]["quotes"] == []
    # A choice answer is not free text: it cannot be published.
    choice = services.questions_for(ended_event.programme_id)[0]
    assert client.post(f"/surveys/events/{ended_event.id}/quotes",
                       data={"response": response_id, "question": choice.id, "publish": "1"}).status_code == 404
    assert client.post(f"/surveys/events/{ended_event.id}/quotes",
                       data={"response": response_id, "question": "x", "publish": "1"}).status_code == 400


def test_no_quote_and_no_breakdown_from_an_event_with_nine_responses(app, db, client, login_as, ended_event):
    with app.test_request_context():
        _respond(ended_event, 9, text="Phone the mosque")
    db.session.commit()
    for response_id, question_id, *_ in services.text_answers(ended_event.id):
        services.set_published(ended_event.id, response_id, question_id, True)
    db.session.commit()
    login_as("organiser", ended_event.host)
    report = client.get(f"/api/v1/reports?event={ended_event.id}").get_json()["outcomes"]
    assert (report["responses"], report["response_rate"], report["questions"], report["quotes"]) == ("<10", "–", [], [])


def test_two_runs_at_once_send_each_survey_once(app, db, smtp, ended_event, backend):
    """A second run that starts while the first has claimed the attendees but not yet committed waits for
    it (PostgreSQL: the primary key's lock; SQLite: the write lock) and then sends nobody anything."""
    import threading
    import time

    from eventsapp.extensions import db as _db

    people = [attendee(ended_event) for _ in range(3)]
    db.session.rollback()
    outcome: dict = {}

    def second_run():
        with app.app_context():
            try:
                outcome["count"] = services.send_surveys()
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 - SQLite may refuse the stale write: nothing is sent
                _db.session.rollback()
                outcome["error"] = error

    assert services.send_surveys() == 3  # claimed, not committed
    thread = threading.Thread(target=second_run)
    thread.start()
    time.sleep(0.5)
    db.session.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    if backend == "postgresql":
        assert outcome == {"count": 0}
    else:
        assert outcome.get("count", 0) == 0
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)) == 3
    for registration in people:
        assert len(smtp.to(registration.person.email)) == 1


def test_the_results_page_labels_the_rounded_total_so_it_cannot_contradict_the_response_count(
        app, db, client, login_as, ended_event):
    """17 responses: the headline says 17 (exact); each question's last row counts the same 17 responses
    (the skipped ones as "Not answered") rounded to the nearest 5, and says so."""
    from eventsapp.reports.suppression import round_to_five
    from tests.reports.test_outcomes import parse_page

    with app.test_request_context():
        _respond(ended_event, 17)
    db.session.commit()
    login_as("organiser", ended_event.host)
    page = parse_page(client.get(f"/surveys/events/{ended_event.id}").get_data(as_text=True))
    assert page.totals["responses"] == "17"
    assert page.questions
    for label, rows in page.questions.items():
        last_label, last_value = rows[-1]
        assert (last_label, last_value) == ("All responses (rounded to the nearest 5)", str(round_to_five(17))), label
        assert "Total" not in [row[0] for row in rows]


def test_the_results_page_explains_why_the_tables_total_differs_from_the_exact_response_count(
        app, db, client, login_as, ended_event):
    """Walkthrough finding 25: "Responses 18" above tables totalling 20. The page says which is exact, that the
    tables count the same responses rounded (the protection), and so may differ; below 10, nothing to explain."""
    from tests.privacy.html import parse

    login_as("organiser", ended_event.host)
    with app.test_request_context():
        _respond(ended_event, 9)
    db.session.commit()
    assert parse(client.get(f"/surveys/events/{ended_event.id}")).by_id("outcomes-rounding") is None
    with app.test_request_context():
        _respond(ended_event, 9)
    db.session.commit()
    page = parse(client.get(f"/surveys/events/{ended_event.id}"))
    assert page.by_id("outcomes-rounding").text() == (
        "“Responses” is the exact number of surveys returned. The tables below count those same responses question "
        "by question (anyone who skipped a question as “Not answered”), but round every figure, the total included, "
        "to the nearest 5 and hide small counts, so that nobody’s answers can be worked out. A table’s total can "
        "therefore differ a little from the exact number above.")
    headline = page.find_all("dd")
    assert [dd.text() for dd in headline if dd.attrs.get("data-outcome") == "responses"] == ["18"]
