"""Outcomes (the feedback survey) in every output: the page, the PDF, the CSV and the JSON state the same
protected figures for the demo programme, and an event with fewer than 10 responses shows no breakdown."""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import func, select

from eventsapp.demo import (
    DEMO_PASSWORD,
    DEMO_PROGRAMME_SLUG,
    DEMO_USERS,
    PAST_EVENTS,
    SURVEY_SMALL_EVENT,
    seed_demo,
)
from eventsapp.models import Attendance, Event, SurveyResponse
from eventsapp.reports.outcomes import TOTAL_LABEL
from tests.reports.test_outputs import pdf_text, read_csv

SCALE_WORDS = ("Strongly agree", "Neither agree nor disagree", "Excellent", "Very poor")


class _OutcomeParser(HTMLParser):
    """data-outcome="..." totals, the question tables (data-outcome-question) and the by-event rows."""

    def __init__(self):
        super().__init__()
        self.totals: dict[str, str] = {}
        self.questions: dict[str, list[list[str]]] = {}
        self.events: list[list[str]] = []
        self._total = self._question = None
        self._in_event = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-outcome" in attrs:
            self._total = attrs["data-outcome"]
            self.totals[self._total] = ""
        if tag == "table" and "data-outcome-question" in attrs:
            self._question = attrs["data-outcome-question"]
            self.questions[self._question] = []
        if tag == "tr" and "data-outcome-event" in attrs:
            self._in_event = True
            self._row = []
        elif tag == "tr" and self._question:
            self._row = []
        if tag in ("th", "td") and self._row is not None:
            self._cell = []

    def handle_data(self, data):
        if self._total:
            self.totals[self._total] += data
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "dd":
            self._total = None
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "tr" and self._row is not None:
            if self._in_event:
                self.events.append(self._row)
            elif self._question and self._row and self._row[0] != "Answer":
                self.questions[self._question].append(self._row)
            self._row, self._in_event = None, False
        if tag == "table":
            self._question = None


def parse_page(html: str) -> _OutcomeParser:
    parser = _OutcomeParser()
    parser.feed(html)
    return parser


def flat(text: str) -> str:
    return " ".join(text.split())


def sign_in_coordinator(client):
    response = client.post("/auth/login", data={"email": DEMO_USERS["coordinator"], "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_page_pdf_csv_and_json_state_the_same_outcomes_for_the_demo_programme(app, db, client):
    seed_demo()
    db.session.commit()
    sign_in_coordinator(client)
    query = f"programme={DEMO_PROGRAMME_SLUG}"
    outcomes = client.get(f"/api/v1/reports?{query}").get_json()["outcomes"]

    # The JSON holds the truth, protected: 358 emails (one per attendance), responses and rate.
    attendances = db.session.scalar(select(func.count()).select_from(Attendance))
    responses = db.session.scalar(select(func.count()).select_from(SurveyResponse))
    assert outcomes["survey_emails_sent"] == attendances == 358
    assert outcomes["responses"] == str(responses) and responses >= 100
    assert outcomes["response_rate"] == f"{responses / attendances:.0%}"
    assert len(outcomes["questions"]) == 4  # three agreement scales and the rating; free text is never counted
    assert len(outcomes["by_event"]) == len(PAST_EVENTS)
    assert 1 <= len(outcomes["quotes"]) <= 3
    for question in outcomes["questions"]:
        shown = [a["count"] for a in question["answers"]]
        assert all(s in ("0", "<8", "[c]") or (int(s) % 5 == 0 and int(s) >= 10) for s in shown), shown

    # The page.
    page = parse_page(client.get(f"/reports/?{query}").get_data(as_text=True))
    assert page.totals == {"sent": "358", "responses": outcomes["responses"], "rate": outcomes["response_rate"]}
    for question in outcomes["questions"]:
        rows = [(a["answer"], a["count"]) for a in question["answers"]] + [(TOTAL_LABEL, question["respondents"])]
        assert [tuple(r) for r in page.questions[question["question"]]] == rows
    assert [r[1:] for r in page.events] == [[str(e["survey_emails_sent"]), e["responses"], e["response_rate"]]
                                            for e in outcomes["by_event"]]

    # The CSV.
    rows = read_csv(client.get(f"/reports/report.csv?{query}&table=outcomes").data)
    assert rows[0] == ["Scope", "Item", "Answer", "Value"]
    assert rows[1:4] == [["All events", "Survey emails sent", "", "358"],
                         ["All events", "Responses", "", outcomes["responses"]],
                         ["All events", "Response rate", "", outcomes["response_rate"]]]
    csv_questions = [r for r in rows if r[0] == "Question"]
    assert csv_questions == [["Question", q["question"], a["answer"], a["count"]]
                             for q in outcomes["questions"] for a in q["answers"]]
    for event in outcomes["by_event"]:
        assert [event["event"], "Responses", "", event["responses"]] in rows
    quotes = read_csv(client.get(f"/reports/report.csv?{query}&table=quotes").data)
    assert [r[2] for r in quotes[1:]] == [q["text"] for q in outcomes["quotes"]]

    # The PDF's text.
    text = flat(pdf_text(client.get(f"/reports/report.pdf?{query}").data))
    assert "Outcomes: the feedback survey" in text
    assert f"Survey emails sent 358 Responses {outcomes['responses']} Response rate {outcomes['response_rate']}" in text
    for question in outcomes["questions"]:
        block = " ".join(f"{a['answer']} {a['count']}" for a in question["answers"])
        assert f"{question['question']} Answer Responses {block} {TOTAL_LABEL} {question['respondents']}" in text
    for quote in outcomes["quotes"]:
        assert quote["text"] in text


def test_an_event_with_fewer_than_10_responses_shows_no_breakdown_anywhere(app, db, client):
    seed_demo()
    db.session.commit()
    sign_in_coordinator(client)
    town = PAST_EVENTS[SURVEY_SMALL_EVENT][1]
    event = db.session.scalar(select(Event).where(Event.title == f"Good relations in {town}"))
    responses = db.session.scalar(select(func.count()).where(SurveyResponse.event_id == event.id))
    assert 0 < responses < 10

    payload = client.get(f"/api/v1/reports?event={event.id}").get_json()["outcomes"]
    assert payload["responses"] == "<10" and payload["response_rate"] == "–"
    assert payload["questions"] == [] and payload["quotes"] == []
    assert "no breakdown" in payload["note"]

    pages = [client.get(f"/reports/?event={event.id}").get_data(as_text=True),
             client.get(f"/reports/events/{event.id}").get_data(as_text=True),
             client.get(f"/surveys/events/{event.id}").get_data(as_text=True)]
    for html in pages:
        parsed = parse_page(html)
        assert parsed.totals["responses"] == "<10"
        assert parsed.questions == {}
        section = html[html.index('id="outcomes"'):html.index("</section>", html.index('id="outcomes"'))]
        assert not any(word in section for word in SCALE_WORDS)

    rows = read_csv(client.get(f"/reports/report.csv?event={event.id}&table=outcomes").data)
    assert [r for r in rows if r[0] == "Question"] == []
    assert ["All events", "Responses", "", "<10"] in rows

    for url in (f"/reports/report.pdf?event={event.id}", f"/reports/events/{event.id}/report.pdf"):
        text = flat(pdf_text(client.get(url).data))
        assert "Fewer than 10 responses: no breakdown is shown." in text
        assert not any(word in text for word in SCALE_WORDS)

    # In the programme's report the event is one row, "<10" and no rate.
    programme = client.get(f"/api/v1/reports?programme={DEMO_PROGRAMME_SLUG}").get_json()["outcomes"]
    row = next(e for e in programme["by_event"] if e["event_id"] == event.id)
    assert (row["responses"], row["response_rate"]) == ("<10", "–")
    assert all(q["event"] != event.title for q in programme["quotes"])
