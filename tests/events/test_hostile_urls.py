"""Odd URLs and query strings answer 404 or a normal page, never a 500."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/events/99999999999999999999",
        "/events/99999999999999999999/manage",
        "/programmes/" + "x" * 500,
        "/events/?page=99999999999999999999",
        "/events/?month=9999-99&host=99999999999999999999&region=%01",
        "/events/?q=" + "%25" * 300,
        "/events/past?q=%27%3B--",
        "/dashboard/?page=-1",
        "/events/?endpoint=x&_external=1&_scheme=javascript&region=TLJ",
    ],
)
def test_no_500(client, login_as, url):
    login_as("organiser")
    assert client.get(url).status_code in (200, 404)


def test_page_links_carry_only_the_filters(app, client, make_event):
    app.config["EVENTS_PER_PAGE"] = 1
    make_event()
    make_event()
    html = client.get("/events/?_external=1&_scheme=javascript&_anchor=x&region=TLJ").get_data(as_text=True)
    assert "/events/?region=TLJ&amp;page=2" in html or "/events/?page=2&amp;region=TLJ" in html
    assert "javascript" not in html and "http://localhost/events/?page" not in html
