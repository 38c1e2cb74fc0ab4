"""axe-core on every page a signed-in coordinator, organiser and door volunteer can open.

The pages come from the access matrix (tests/access): every GET route of ``app.url_map`` has
rules there with real ids from its world, so a new page is swept as soon as its access rule is
written. For each role, every rule's URL that answers that role 200 with HTML is opened in
Chromium (one browser context per role, signed in through the login form) and axe-core must
find no serious or critical violation, WCAG 2.2 AA target size included. The world gets held
events with attendance, sectors, regions, answers to a choice question and equality answers
first, so the report pages are swept with every table filled in.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import url_for

from eventsapp.extensions import db
from eventsapp.models import (
    EventQuestion,
    Organisation,
    Programme,
    RegistrationAnswer,
    User,
    utcnow,
)
from eventsapp.models.equality import EqualityResponse
from tests import factories
from tests.access.conftest import matrix  # noqa: F401 (the access matrix's world, as a fixture here)
from tests.access.matrix import load_rules
from tests.conftest import AXE_SCRIPT, BROWSER_CONTEXT, LiveServer

pytestmark = pytest.mark.browser

#: The signed-in roles swept, as named in the access matrix's world.
SWEPT_ROLES = ("coordinator", "organiser_a", "door_a")

#: Every default axe rule plus WCAG 2.2's target size (24 by 24 CSS pixels), which axe leaves off.
AXE_RUN = """async () => (await axe.run(document, {
  resultTypes: ['violations'], rules: {'target-size': {enabled: true}}
})).violations.filter((v) => ['serious', 'critical'].includes(v.impact))
   .map((v) => ({id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))"""

#: (town, region code, sector code, people) of the held events' attendees' organisations.
HELD = [
    ("Leeds", "TLE", [("Leeds Youth Offending Team", "youth_justice", 5), ("West Yorkshire Police", "police", 4),
                      ("Chapeltown Mosque", "faith", 3), ("Leeds City Council", "local_authority", 2)]),
    ("Bradford", "TLE", [("Bradford Interfaith Forum", "faith", 3), ("Bradford College", "education", 2)]),
    ("Crawley", "TLJ", [("Crawley Community Voluntary Service", "community_voluntary", 6)]),
]


def add_report_data(world) -> dict:
    """Held events of organisation A in the programme, with attendance and answers; their ids."""
    programme = db.session.get(Programme, world.programme.id)
    host = db.session.get(Organisation, world.org_a.id)
    door = db.session.get(User, world.users["door_a"].id)
    held = []
    for index, (town, region, organisations) in enumerate(HELD):
        event = factories.make_event(
            host=host, programme=programme, title=f"Good relations in {town}", town=town, region_code=region,
            starts_at=utcnow().replace(microsecond=0) - timedelta(days=30 + 7 * index),
        )
        question = EventQuestion(event_id=event.id, label="How did you hear about this event?", kind="single_choice",
                                 choices="From my organisation\nSocial media\nA friend")
        db.session.add(question)
        number = 0
        for name, sector, people in organisations:
            organisation = factories.make_organisation(f"{name} {index}" if index else name, sector_code=sector)
            for _ in range(people):
                number += 1
                registration = factories.make_registration(event=event, organisation=organisation, attended=True)
                registration.attendance.checked_in_by_id = door.id
                db.session.add(RegistrationAnswer(registration_id=registration.id, question_id=question.id,
                                                  value=question.choice_list[number % 3]))
                db.session.add(EqualityResponse(
                    event_id=event.id, registration_id=registration.id, age_band=None,
                    ethnicity="white_british" if number % 2 else "asian_pakistani",
                    religion="muslim" if number % 3 == 0 else "no_religion",
                    gender="woman" if number % 2 else "man", disability="not_limited",
                ))
        factories.make_registration(event=event, status="confirmed")  # a no-show
        held.append(event.id)
    db.session.commit()
    return {"held": held}


def pages_for(state, role: str, extra: list[str]) -> list[str]:
    """Every URL among the access matrix's GET rules (and ``extra``) that answers ``role`` 200 with HTML."""
    world = state.world
    urls = []
    with state.app.test_request_context():
        for rule in load_rules():
            if rule.method == "GET":
                urls.append(url_for(rule.endpoint, **rule.url_values(world)))
    urls += extra
    pages = []
    client = state.client(role)
    for url in dict.fromkeys(urls):
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(url)
    return pages


@pytest.fixture(scope="module")
def swept(matrix, browser):  # noqa: F811 (matrix is the fixture imported above)
    """The matrix world with report data, served live; the pages per role."""
    with matrix.app.test_request_context():
        # The network profile of A (swept for every role) shows its "Their website" link too.
        db.session.get(Organisation, matrix.world.org_a.id).website = "https://alpha.example.org"
        held = add_report_data(matrix.world)["held"][0]
        extra = [url_for(endpoint, event_id=held) for endpoint in (
            "reports.event_report", "checkin.desk", "checkin.attendance", "registration.manage", "events.manage")]
        db.session.remove()
    with LiveServer(matrix.app) as server:
        yield server, {role: pages_for(matrix, role, extra) for role in SWEPT_ROLES}


#: A desktop window, and a phone (where wide tables scroll and targets are touched).
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("role", SWEPT_ROLES)
def test_axe_finds_nothing_serious_on_any_page_the_role_can_open(swept, browser, matrix, role, screen):  # noqa: F811
    server, pages = swept
    urls = pages[role]
    context = browser.new_context(**BROWSER_CONTEXT, **SCREENS[screen], base_url=server.url)
    try:
        context.add_init_script(path=str(AXE_SCRIPT))  # axe in every page, before its own scripts
        page = context.new_page()
        page.goto("/auth/login")
        page.get_by_label("Email").fill(matrix.world.users[role].email)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("You are signed in.").wait_for()
        found, started = {}, time.monotonic()
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, f"{role} {url} answered {response.status} in the browser"
            violations = page.evaluate(AXE_RUN)
            if violations:
                found[url] = violations
        seconds = time.monotonic() - started
    finally:
        context.close()
    print(f"\naxe sweep: {role} on a {screen}: {len(urls)} pages in {seconds:.0f} s, "
          f"{len(found)} with serious or critical violations")
    minimum = {"coordinator": 20, "organiser_a": 25, "door_a": 8}[role]
    assert len(urls) >= minimum, f"only {len(urls)} pages found for {role}: {urls}"
    assert any(url.startswith("/reports/") for url in urls) or role == "door_a"
    assert f"/network/{matrix.world.profile_a.slug}" in urls  # with its "Their website" link
    assert not found, "\n".join(f"{url}: {v}" for url, v in found.items())
