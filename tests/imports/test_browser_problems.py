"""The preview's "Rows with problems" in Chromium (walkthrough finding 23): a 300-character value no
longer pushes the Problem column out of view; its whole value opens from the shortened one; axe passes."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import FileStorage

from eventsapp.imports import jobs
from eventsapp.imports.summary import ImportTarget
from tests import factories

pytestmark = pytest.mark.browser

LONG = "Oliver, Holland and Lloyd Community Partnership" + "x" * 253  # 300 characters, no spaces after the name


def _job(organiser, event) -> str:
    data = ("Name,Email,Organisation,Attended\n"
            f'Ann Jones,ann@example.org,"{LONG}",yes\n'
            "Bo Li,bo@example.org,Kent Police,maybe\n").encode()
    return jobs.create(FileStorage(io.BytesIO(data), "list.csv"), organiser.id, ImportTarget(event_id=event.id))["id"]


@pytest.mark.parametrize("width", [1366, 1024, 390])
def test_the_problem_column_stays_in_view_and_the_whole_value_opens(page, db, assert_accessible, width):
    host = factories.make_organisation()
    event = factories.make_event(host=host)
    organiser = factories.make_user(role="organiser", organisation=host)
    job_id = _job(organiser, event)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/auth/login")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("You are signed in.").wait_for()
    page.goto(f"/imports/{job_id}")
    table = page.locator("#row-problems")
    problem = table.get_by_role("cell", name="is too long (at most 200 characters)")
    expect(problem).to_be_visible()
    box = problem.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    scroller = page.get_by_role("region", name="Rows with problems")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table scrolls sideways"
    full = table.locator("details code").last
    expect(full).to_be_hidden()
    table.locator("summary").first.focus()
    page.keyboard.press("Enter")
    expect(full).to_have_text(LONG)
    expect(problem).to_be_visible()
    assert problem.bounding_box()["x"] + problem.bounding_box()["width"] <= width
    assert_accessible(page)
