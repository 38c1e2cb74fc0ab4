"""Access rules for the feedback survey (/surveys): the attendee's link is public while it is valid
(a forged one is a 404 for everyone); an event's results and quotes go with managing the event; a
programme's questions with coordinating it."""

from __future__ import annotations

from tests.access.conftest import snapshot
from tests.access.matrix import Rule, expect, public


def extend_world(world) -> None:
    from eventsapp.extensions import db
    from eventsapp.models import SurveyAnswer, SurveyResponse
    from eventsapp.surveys.services import ensure_questions

    questions_a = ensure_questions(world.programme.id)
    questions_b = ensure_questions(None)  # event B is in no programme
    for name, event_id, questions in (("a", world.event_a.id, questions_a), ("b", world.event_b.id, questions_b)):
        text = next(q for q in questions if q.kind == "text")
        response = SurveyResponse(id=f"matrix{name}".ljust(32, "0"), event_id=event_id)
        response.answers.append(SurveyAnswer(question_id=text.id, value="Talk to the youth club"))
        db.session.add(response)
        setattr(world, f"survey_answer_{name}", snapshot(text, response_id=response.id))
    db.session.flush()
    world.survey_question_a = snapshot(questions_a[0])


def _link(event_id: int) -> str:
    from eventsapp.surveys.services import make_link_token

    return make_link_token(event_id)


def quote(name: str):
    return lambda w: {"response": getattr(w, f"survey_answer_{name}").response_id,
                      "question": getattr(w, f"survey_answer_{name}").id, "publish": "1"}


def done(table: dict) -> dict:
    return {role: 302 if status == 200 else status for role, status in table.items()}


EVENT_A = lambda w: {"event_id": w.event_a.id}  # noqa: E731
EVENT_B = lambda w: {"event_id": w.event_b.id}  # noqa: E731
PROGRAMME = lambda w: {"slug": w.programme.slug}  # noqa: E731
MANAGE_A = expect(404, organiser_a=200, coordinator=200, door_a=403, anonymous=302)
MANAGE_B = expect(404, organiser_b=200, anonymous=302)
COORDINATE_A = expect(404, coordinator=200, anonymous=302)

RULES = [
    Rule("surveys.respond", "GET", lambda w: {"token": _link(w.event_a.id)}, public(200), note="valid link"),
    Rule("surveys.respond", "GET", lambda w: {"token": "forged.token"}, public(404), note="forged link"),
    Rule("surveys.respond", "POST", lambda w: {"token": _link(w.event_a.id)}, public(302), data=lambda w: {},
         note="valid link"),
    Rule("surveys.respond", "POST", lambda w: {"token": "forged.token"}, public(404), data=lambda w: {},
         note="forged link"),
    Rule("surveys.event_results", "GET", EVENT_A, MANAGE_A, note="event A"),
    Rule("surveys.event_results", "GET", EVENT_B, MANAGE_B, note="event B"),
    Rule("surveys.publish_quote", "POST", EVENT_A, done(MANAGE_A), data=quote("a"), note="event A"),
    Rule("surveys.publish_quote", "POST", EVENT_B, done(MANAGE_B), data=quote("b"), note="event B"),
    Rule("surveys.publish_quote", "POST", EVENT_A, expect(404, organiser_a=404, coordinator=404, door_a=403,
                                                          anonymous=302),
         data=quote("b"), note="event B's answer under event A"),
    Rule("surveys.questions", "GET", PROGRAMME, COORDINATE_A),
    Rule("surveys.questions", "GET", lambda w: {"slug": "no-such-programme"}, expect(404, anonymous=302),
         note="missing"),
    Rule("surveys.questions", "POST", PROGRAMME, done(COORDINATE_A),
         data=lambda w: {"kind": "agreement", "label": "Matrix question"}),
    Rule("surveys.edit_question", "POST", lambda w: {"slug": w.programme.slug, "question_id": w.survey_question_a.id},
         done(COORDINATE_A), data=lambda w: {f"q{w.survey_question_a.id}-label": "Reworded", f"q{w.survey_question_a.id}-active": "y"}),
    Rule("surveys.edit_default_question", "POST", lambda w: {"slug": w.programme_b.slug, "number": 1},
         done(expect(404, coordinator_b=200, admin=200, anonymous=302)), data=lambda w: {"d1-label": "Reworded", "d1-active": "y"},
         note="network B: none stored yet"),
    Rule("surveys.edit_default_question", "POST", lambda w: {"slug": w.programme.slug, "number": 9},
         expect(404, anonymous=302), data=lambda w: {"d9-label": "Reworded"}, note="no such default"),
]
