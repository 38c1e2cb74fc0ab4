"""Finding 8: ids beyond the database's integers, huge page numbers and far dates answer 404 or a page, never a 500."""

from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import NotFound

BIG_IDS = [0, -1, 2**31, 2**63, 2**64, 10**30]


def _other_values(path: str) -> str:
    """A value for every placeholder that is not an id: the first choice of ``any(...)``, else "x"."""
    path = re.sub(r"<any\(([^,)]+)[^>]*>", lambda m: m.group(1).strip(), path)
    return re.sub(r"<[^>]+>", "x", path)


def test_every_int_route_answers_404_for_ids_the_database_cannot_hold(app):
    from eventsapp.urls import MAX_DB_INT

    adapter = app.url_map.bind("localhost")
    int_routes = [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]
    assert len(int_routes) > 30
    for rule in int_routes:
        for bad in (0, 2**64, 10**30, MAX_DB_INT + 1, "\u0661\u0662"):
            path = rule.rule
            while "<int:" in path:
                start = path.index("<int:")
                path = path[:start] + str(bad) + path[path.index(">", start) + 1:]
            path = _other_values(path)
            # Never this id route; at most a route of names (/network/<slug>), whose view finds nothing.
            try:
                endpoint, _ = adapter.match(path, method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0])
            except NotFound:
                continue
            assert endpoint != rule.endpoint and "<int:" not in next(
                r.rule for r in app.url_map.iter_rules() if r.endpoint == endpoint), (path, endpoint)
        good = rule.rule
        while "<int:" in good:
            start = good.index("<int:")
            good = good[:start] + str(MAX_DB_INT) + good[good.index(">", start) + 1:]
        good = _other_values(good)
        assert adapter.match(good, method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0])[0] == rule.endpoint


@pytest.mark.parametrize("bad", BIG_IDS)
def test_a_signed_in_organiser_gets_404_for_huge_ids(client, login_as, make_event, bad):
    organiser = login_as("organiser")
    event = make_event(host=organiser.memberships[0].organisation)
    for url in (f"/events/{bad}", f"/events/{bad}/manage", f"/events/{event.id}/registrations/{bad}/edit",
                f"/events/{event.id}/questions/{bad}/edit", f"/organisations/{bad}", f"/reports/events/{bad}",
                f"/events/{event.id}/checkin/{bad}/check-in", f"/imports/synonyms/{bad}/delete",
                f"/organisations/merges/{bad}/undo"):
        method = "POST" if url.endswith(("check-in", "delete", "undo")) else "GET"
        assert client.open(url, method=method).status_code == 404, url


def test_page_numbers_and_ids_from_query_strings():
    from eventsapp.urls import page_number, parse_id

    assert page_number("1") == 1
    assert page_number("7") == 7
    assert page_number(str(10**20)) > 1  # clamped, not an overflow
    assert page_number(str(10**20)) <= 10**6
    for junk in ("", "0", "-1", "x", "1e9", "\x00", "٣", None):
        assert page_number(junk) == 1
    assert parse_id("12") == 12
    for junk in ("", "0", "-1", str(2**31), str(2**64), "١٢", "12abc", None, "\x00"):
        assert parse_id(junk) is None


@pytest.mark.parametrize(
    "url",
    [
        f"/events/?page={10**20}",
        f"/events/past?page={10**20}",
        f"/organisations/?page={10**20}",
        f"/organisations/merges/?page={10**20}",
        f"/dashboard/?upcoming={10**20}&past={10**20}&drafts={10**20}",
        "/events/?month=9999-12",
        "/events/?month=0001-01",
        "/events/?month=0000-01",
        "/events/past?month=9999-12",
        "/calendar.ics?month=9999-12",
        "/reports/?to=9999-12-31",
        "/reports/?from=0001-01-01&to=9999-12-31",
        "/reports/report.csv?to=9999-12-31",
        "/reports/report.pdf?from=9999-12-31",
        "/api/v1/reports?to=9999-12-31",
        "/api/v1/reports?from=0001-01-01",
        f"/api/v1/reports?event={10**30}&host={2**64}",
        f"/imports/?event={2**64}",
        f"/events/new?programme={2**64}",
    ],
)
def test_extreme_query_values_answer_without_a_500(client, login_as, url):
    login_as("coordinator")
    response = client.get(url)
    assert response.status_code < 500, f"{url} answered {response.status_code}"


def test_list_pages_paginated_by_the_database_clamp_huge_pages(client, login_as, make_event, make_registration):
    """Found by the sweep: db.paginate read ?page= itself, and 10^20 overflowed the OFFSET."""
    organiser = login_as("organiser")
    event = make_event(host=organiser.memberships[0].organisation)
    make_registration(event=event)
    for url in (f"/events/{event.id}/registrations?page={10**20}", f"/events/{event.id}/attendance?page={10**20}"):
        assert client.get(url).status_code == 200, url


def test_ticking_attendance_ignores_ids_the_database_cannot_hold(client, login_as, make_event, make_registration):
    """Found by the sweep: the sheet's ``attended`` ids went to the database unchecked."""
    organiser = login_as("organiser")
    event = make_event(host=organiser.memberships[0].organisation)
    registration = make_registration(event=event)
    response = client.post(f"/events/{event.id}/attendance",
                           data={"attended": [str(10**30), str(2**64), "-1", str(registration.id)]})
    assert response.status_code == 302


@pytest.mark.parametrize("limit", [1, 9, 10, 57, 100, 305, 999, 2**31 - 1])
def test_the_id_pattern_matches_exactly_the_numbers_from_one_to_its_limit(limit):
    import random
    import re

    from eventsapp.urls import up_to

    pattern = re.compile(up_to(limit) + r"\Z")
    numbers = [*range(0, 1200), limit - 1, limit, limit + 1, 10 * limit, 2**31, 10**20]
    numbers += [random.Random(limit).randint(0, 3 * limit) for _ in range(2000)]
    for number in numbers:
        assert bool(pattern.match(str(number))) == (1 <= number <= limit), number
    assert not pattern.match("007") and not pattern.match("\u0661")
