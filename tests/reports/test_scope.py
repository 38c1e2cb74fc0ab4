"""One parser and one description of a report's scope: the page, the JSON API and ``flask report``
read the same filters into the same scope, call it the same, and refuse bad ones with the same words."""

from __future__ import annotations

import html as html_lib
import io
import json
import re
from urllib.parse import parse_qsl, urlsplit

import pypdf
import pytest

from eventsapp.reports.model import ReportScope
from eventsapp.reports.scope import MESSAGES, ScopeError, describe_scope, parse_scope


def _cli_args(filters: dict[str, str]) -> list[str]:
    return [part for name, value in filters.items() for part in (f"--{name}", value)]


def _page_title_and_label(page: str) -> tuple[str, str]:
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    label = re.search(r'<p class="text-body-secondary mb-1">(.*?)</p>', page, re.S).group(1)
    return html_lib.unescape(title.strip()), html_lib.unescape(label.strip())


def _scope_of(payload_scope: dict) -> ReportScope:
    from datetime import date

    return ReportScope(
        programme_id=payload_scope["programme_id"], event_id=payload_scope["event_id"],
        host_id=payload_scope["host_id"], region_id=payload_scope["region_id"],
        date_from=date.fromisoformat(payload_scope["from"]) if payload_scope["from"] else None,
        date_to=date.fromisoformat(payload_scope["to"]) if payload_scope["to"] else None,
    )


def test_page_api_and_cli_read_and_name_a_scope_alike(client, runner, known, coordinator, tmp_path):
    scopes = [
        {"programme": "known-programme", "region": "tlc"},
        {"programme": str(known.programme.id), "from": "2020-01-01", "to": "2030-12-31"},
        {"event": str(known.events[0])},
        {"programme": "known-programme", "host": str(known.host_ids[1])},
    ]
    seen_titles = set()
    for filters in scopes:
        expected = parse_scope(filters)
        described = describe_scope(expected)
        seen_titles.add(described.title)

        page = client.get("/reports/", query_string=filters)
        assert page.status_code == 200, filters
        assert _page_title_and_label(page.get_data(as_text=True)) == (described.title, described.label)

        api = client.get("/api/v1/reports", query_string=filters)
        assert api.status_code == 200, filters
        payload = api.get_json()
        assert _scope_of(payload["scope"]) == expected
        assert (payload["scope"]["title"], payload["scope"]["description"]) == (described.title, described.label)
        assert dict(parse_qsl(urlsplit(payload["links"]["page"]).query)) == described.args

        out = tmp_path / "report.json"
        result = runner.invoke(args=["report", *_cli_args(filters), "--format", "json", "--output", str(out)])
        assert result.exit_code == 0, result.output
        written = json.loads(out.read_text())
        assert _scope_of(written["scope"]) == expected
        assert (written["scope"]["title"], written["scope"]["description"]) == (described.title, described.label)

        pdf = client.get("/reports/report.pdf", query_string=filters)
        assert pypdf.PdfReader(io.BytesIO(pdf.data)).metadata.title == described.title
    assert seen_titles == {"Programme report: Known Programme", "Event report: Known event 1"}
    region_scope = parse_scope(scopes[0])
    assert describe_scope(region_scope).label == "Programme: Known Programme · Region: North East"
    assert describe_scope(region_scope).args == {"programme": "known-programme", "region": "TLC"}


@pytest.mark.parametrize(("filters", "errors"), [
    ({"programme": "known-programme", "from": "31/12/2025"}, {"from": MESSAGES["date"]}),
    ({"programme": "known-programme", "region": "ZZZ", "event": "first"},
     {"region": MESSAGES["region"], "event": MESSAGES["event"]}),
    ({"programme": "known-programme", "from": "2026-02-01", "to": "2026-01-01"}, {"to": MESSAGES["order"]}),
    ({"host": "12x"}, {"host": MESSAGES["host"]}),
])
def test_page_api_and_cli_refuse_bad_filters_with_the_same_messages(client, runner, known, coordinator, tmp_path,
                                                                      filters, errors):
    with pytest.raises(ScopeError) as raised:
        parse_scope(filters)
    assert raised.value.errors == errors and not raised.value.missing

    page = client.get("/reports/", query_string=filters)
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    for name, message in errors.items():
        shown = re.search(rf'<div id="{name}-error"[^>]*>(.*?)</div>', text).group(1)
        assert html_lib.unescape(shown) == message
        if name in ("from", "to"):  # the user's input comes back in the field
            assert f'value="{filters[name]}"' in text

    api = client.get("/api/v1/reports", query_string=filters)
    assert api.status_code == 400 and api.get_json()["fields"] == errors

    out = tmp_path / "x.json"
    result = runner.invoke(args=["report", *_cli_args(filters), "--format", "json", "--output", str(out)])
    first = next(name for name in ("programme", "region", "host", "event", "from", "to") if name in errors)
    assert result.exit_code == 2 and errors[first] in result.output and f"--{first}" in result.output
    assert not out.exists()


@pytest.mark.parametrize(("name", "value", "message"), [
    ("programme", "no-such-programme", MESSAGES["no_programme"]),
    ("event", "999999", MESSAGES["no_event"]),
    ("host", "999999", MESSAGES["no_host"]),
])
def test_a_scope_naming_nothing_is_404_on_the_web_and_refused_by_the_cli(client, runner, known, coordinator,
                                                                        tmp_path, name, value, message):
    with pytest.raises(ScopeError) as raised:
        parse_scope({name: value})
    assert raised.value.errors == {name: message} and raised.value.missing == {name}
    assert client.get("/reports/", query_string={name: value}).status_code == 404
    api = client.get("/api/v1/reports", query_string={name: value})
    assert api.status_code == 404 and api.get_json()["detail"] == message
    result = runner.invoke(args=["report", f"--{name}", value, "--output", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and message in result.output and f"--{name}" in result.output


@pytest.mark.parametrize("filters", [
    {"region": "tlc"},
    {"from": "2020-01-01", "to": "2030-12-31"},
    {"host": "HOST"},
])
def test_any_programme_with_a_region_host_or_dates_is_the_coordinators_own_programme(
        client, known, coordinator, filters):
    """"Any programme" (offered on the page) plus a region, host or dates: a coordinator gets the
    report of their programme narrowed by those filters (it answered 404 and lost the filters)."""
    filters = {name: str(known.host_ids[1]) if value == "HOST" else value for name, value in filters.items()}
    expected = parse_scope({"programme": "known-programme", **filters})
    described = describe_scope(expected)

    page = client.get("/reports/", query_string={"programme": "", **filters})
    assert page.status_code == 200, filters
    text = page.get_data(as_text=True)
    assert _page_title_and_label(text) == (described.title, described.label)
    assert 'id="scope-narrowed"' in text
    assert re.search(r'<option selected value="known-programme">|<option value="known-programme" selected',
                     text), "the form shows the programme the report is of"

    api = client.get("/api/v1/reports", query_string=filters)
    assert api.status_code == 200, filters
    assert _scope_of(api.get_json()["scope"]) == expected
    assert dict(parse_qsl(urlsplit(api.get_json()["links"]["page"]).query)) == described.args

    assert client.get("/reports/report.csv", query_string={**filters, "table": "summary"}).status_code == 200


def test_any_programme_does_not_open_another_networks_host(client, known, login_as, make_organisation):
    """The narrowing only ever picks the user's own programme: another network's coordinator asking
    for a host of this programme still learns nothing (404)."""
    login_as("coordinator", make_organisation("Elsewhere Network"))
    assert client.get("/reports/", query_string={"host": known.host_ids[1]}).status_code == 404
    assert client.get("/api/v1/reports", query_string={"host": known.host_ids[1]}).status_code == 404
