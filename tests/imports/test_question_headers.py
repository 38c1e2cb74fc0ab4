"""Forms ask which event and when in words ("Which event did you attend?", "Date of the event"): a
programme import reads those columns as the event's title and date by itself (walkthrough finding 22)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from faker import Faker
from openpyxl import Workbook
from sqlalchemy import func, select

from eventsapp.imports.columns import guess_by_meaning
from eventsapp.imports.services import commit_import, preview_import
from eventsapp.imports.summary import ImportTarget
from eventsapp.models import Registration


@pytest.mark.parametrize(("header", "values", "expected"), [
    # Google Forms (the question as asked)
    ("Which event did you attend?", ["Talk in Leeds"], "event_title"),
    ("Date of the event", ["14/03/2024"], "event_date"),
    ("What date did you attend?", ["14 March 2024"], "event_date"),
    ("What is the name of the event?", ["Talk in Leeds"], "event_title"),
    # Microsoft Forms (choice and date questions; dates come as date cells)
    ("Which event are you attending?", ["Talk in Leeds"], "event_title"),
    ("Event date", [datetime(2024, 3, 14)], "event_date"),
    ("Which session are you booking?", ["Morning session"], "event_title"),
    ("Date and time of the event", ["14/03/2024 18:30"], "event_date"),
    # Eventbrite's report and custom questions
    ("Event Name", ["Talk in Leeds"], "event_title"),
    ("Event Start Date", ["2024-03-14"], "event_date"),
    ("Event you attended", ["Talk in Leeds"], "event_title"),
    ("Event attended", ["Talk in Leeds"], "event_title"),
    ("Date attended", ["14/03/2024"], "event_date"),
    # Questions about the event that are not its name or date
    ("How did you hear about the event?", ["Facebook"], None),
    ("Would you recommend this event to a friend?", ["Yes"], None),
    ("Which events would you like to hear about?", ["Arts"], None),
    ("What event would you like us to run next?", ["A walk"], None),
    ("Any access needs for the event?", ["Step-free access"], None),
    ("When did you attend?", ["Morning", "Afternoon"], None),  # not dates
])
def test_event_questions_are_read_by_their_words(header, values, expected):
    assert guess_by_meaning(header, values) == expected


def _responses(events: list[tuple[str, object]], count: int = 12) -> list[list]:
    fake = Faker("en_GB")
    fake.seed_instance(22)
    rows = []
    for index in range(count):
        title, day = events[index % len(events)]
        first, last = fake.first_name(), fake.last_name()
        rows.append([f"13/03/2024 09:{index:02d}:00", f"{first}.{last}.{index}@example.org".lower().replace("'", ""),
                     f"{first} {last}", "Leeds Community Trust", title, day, "A friend"])
    return rows


@pytest.mark.parametrize("shape", ["google_csv", "microsoft_xlsx"])
def test_a_form_s_responses_import_into_a_programme_without_mapping_by_hand(db, make_programme, make_event,
                                                                            tmp_path, shape):
    programme = make_programme(slug="gr-forms")
    leeds = make_event(programme=programme, title="Talk in Leeds", starts_at=datetime(2024, 3, 14, 18, 30))
    york = make_event(programme=programme, title="Walk in York", starts_at=datetime(2024, 3, 21, 10, 0))
    if shape == "google_csv":
        headers = ["Timestamp", "Email address", "Your name", "Which organisation do you represent?",
                   "Which event did you attend?", "Date of the event", "How did you hear about the event?"]
        rows = _responses([("Talk in Leeds", "14/03/2024"), ("Walk in York", "21/03/2024")])
        path = tmp_path / "responses.csv"
        text = io.StringIO()
        csv.writer(text).writerows([headers, *rows])
        path.write_text(text.getvalue(), encoding="utf-8")
    else:
        headers = ["ID", "Start time", "Completion time", "Email", "Name", "Which organisation do you work for?",
                   "Which event are you attending?", "Event date", "How did you hear about the event?"]
        workbook = Workbook()
        workbook.active.append(headers)
        for index, row in enumerate(_responses([("Talk in Leeds", datetime(2024, 3, 14)),
                                                ("Walk in York", datetime(2024, 3, 21))])):
            began = datetime(2024, 3, 1, 9, index)
            workbook.active.append([index + 1, began, began, row[1], row[2], row[3], row[4], row[5], row[6]])
        path = tmp_path / "responses.xlsx"
        workbook.save(path)
    target = ImportTarget(programme_slug="gr-forms", attendance="all")
    preview = preview_import(path, target)
    assert preview.missing == [] and preview.error_count == 0 and preview.ok
    read_as = {header: field for header, field in preview.columns.items() if field in ("event_title", "event_date")}
    assert read_as == {headers[-3]: "event_title", headers[-2]: "event_date"}
    assert preview.columns["How did you hear about the event?"] == ""
    summary = commit_import(path, target)
    assert summary.registrations_new == 12 and summary.attendances_new == 12 and not summary.events_new
    by_event = dict(db.session.execute(select(Registration.event_id, func.count()).group_by(Registration.event_id))
                    .tuples().all())
    assert by_event == {leeds.id: 6, york.id: 6}
