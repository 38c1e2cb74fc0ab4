"""Page, PDF, CSV, JSON and CLI all state exactly the known figures, read back by parsing."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser

import pypdf

from tests.reports.conftest import HEADLINE

FIGURES = {"Events held": 11, "Regions": 7, "People": 346, "Attendances": 358, "Organisations": 235}


class _FigureParser(HTMLParser):
    """Collect the key-figure cards (data-figure="...") and the headline paragraph."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, str] = {}
        self.headline = ""
        self._current: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs:
            self._current = attrs["data-figure"]
        elif attrs.get("id") == "headline":
            self._current = "__headline__"

    def handle_data(self, data):
        if self._current == "__headline__":
            self.headline += data
        elif self._current:
            self.figures[self._current] = self.figures.get(self._current, "") + data

    def handle_endtag(self, tag):
        self._current = None


def page_figures(html: str) -> tuple[dict[str, int], str]:
    parser = _FigureParser()
    parser.feed(html)
    return {k: int(v.replace(",", "")) for k, v in parser.figures.items()}, parser.headline.strip()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def summary_from_csv(rows: list[list[str]]) -> dict[str, str]:
    return dict(rows[1:])


def test_page_states_the_figures_and_headline(client, known, coordinator):
    response = client.get(f"/reports/?programme={known.programme.slug}")
    assert response.status_code == 200
    figures, headline = page_figures(response.get_data(as_text=True))
    assert figures == {"events held": 11, "regions": 7, "people": 346, "attendances": 358,
                       "organisations": 235, "registrations": 391}
    assert headline == HEADLINE
    html = response.get_data(as_text=True)
    assert "How these figures are counted" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]
    assert ' style="' not in html


def test_pdf_states_the_figures_headline_and_metadata(client, known, coordinator):
    response = client.get(f"/reports/report.pdf?programme={known.programme.slug}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title == "Programme report: Known Programme"
    assert reader.metadata.author == "Known Network Coordination"  # the programme's coordinators
    cover = reader.pages[0].extract_text()
    assert "Known Programme" in cover and "Host organisations" in cover
    summary = reader.pages[1].extract_text()  # page 2: the executive summary
    assert "Executive summary" in summary
    assert " ".join(HEADLINE.split()) in " ".join(summary.split())
    for label, value in FIGURES.items():
        assert re.search(rf"^\s*{label}\s*\n\s*{value:,}$", summary, re.MULTILINE), label
    text = pdf_text(response.data)
    for section in ("Events", "Sectors", "Regions", "Organisations by sector and region", "First-time and returning",
                    "Answers to registration questions", "Equality monitoring", "How these figures are counted"):
        assert section in text
    pages = len(reader.pages)
    assert f"Page {pages}" in reader.pages[-1].extract_text()
    assert "Generated" in text and "Programme: Known Programme" in text


def test_csv_tables_state_the_figures(client, known, coordinator):
    response = client.get(f"/reports/report.csv?programme={known.programme.slug}&table=summary")
    assert response.status_code == 200
    summary = summary_from_csv(read_csv(response.data))
    assert summary["Events held"] == "11" and summary["People"] == "346"
    assert summary["Attendances"] == "358" and summary["Organisations"] == "235"
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/reports/report.csv?programme={known.programme.slug}").data))
    assert {"summary.csv", "events.csv", "sectors.csv", "regions.csv", "sector_region.csv", "equality.csv"} <= set(
        archive.namelist())
    events = read_csv(archive.read("events.csv"))
    assert len(events) == 1 + 11
    assert sum(int(row[5]) for row in events[1:]) == 358
    sectors = read_csv(archive.read("sectors.csv"))
    assert sum(int(row[1]) for row in sectors[1:]) == 235


def test_csv_cells_cannot_start_a_formula(known, db):
    from eventsapp.reports.csv import table_to_csv
    from eventsapp.reports.tables import Table
    from eventsapp.spreadsheets import safe_cell

    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("+44 1234") == "'+44 1234" and safe_cell(12) == "12"
    rows = read_csv(table_to_csv(Table("t", "t", ("Name",), (("@SUM(A1)",), ("-2+3",)))))
    assert rows[1:] == [["'@SUM(A1)"], ["'-2+3"]]


def test_unknown_csv_table_is_a_400_not_a_500(client, known, coordinator):
    assert client.get(f"/reports/report.csv?programme={known.programme.slug}&table=nope").status_code == 400


def test_json_states_the_figures_first(client, known, coordinator):
    response = client.get(f"/api/v1/reports?programme={known.programme.slug}")
    assert response.status_code == 200
    payload = response.get_json()
    assert list(payload)[:7] == ["events", "regions", "registrations", "attendances", "people",
                                 "organisations", "headline"]
    assert (payload["events"], payload["regions"], payload["people"], payload["attendances"],
            payload["organisations"], payload["registrations"]) == (11, 7, 346, 358, 235, 391)
    assert payload["headline"] == HEADLINE
    assert sum(row["organisations"] for row in payload["by_sector"]) == 235
    assert len(payload["by_event"]) == 11


def test_json_errors_are_json(client, known, coordinator):
    bad = client.get("/api/v1/reports?programme=known-programme&from=31/12/2025")
    assert bad.status_code == 400 and "from" in bad.get_json()["fields"]
    missing = client.get("/api/v1/reports?programme=no-such-programme")
    assert missing.status_code == 404 and missing.get_json()["status"] == 404


def test_json_needs_sign_in(app, known):
    response = app.test_client().get("/api/v1/reports?programme=known-programme")
    assert response.status_code == 401 and response.is_json


def test_cli_writes_each_format_with_the_figures(runner, known, tmp_path):
    out = tmp_path / "report.json"
    result = runner.invoke(args=["report", "--programme", "known-programme", "--format", "json",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    assert (payload["events"], payload["people"], payload["attendances"], payload["organisations"]) == (
        11, 346, 358, 235)
    assert payload["headline"] == HEADLINE

    pdf = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "--programme", "known-programme", "--format", "pdf", "--output", str(pdf)])
    assert result.exit_code == 0, result.output
    assert " ".join(HEADLINE.split()) in " ".join(pdf_text(pdf.read_bytes()).split())

    table = tmp_path / "summary.csv"
    result = runner.invoke(args=["report", "--programme", "known-programme", "--format", "csv", "--table",
                                 "summary", "--output", str(table)])
    assert result.exit_code == 0, result.output
    summary = summary_from_csv(read_csv(table.read_bytes()))
    assert (summary["People"], summary["Attendances"], summary["Organisations"]) == ("346", "358", "235")


def test_cli_rejects_an_unknown_programme(runner, known, tmp_path):
    result = runner.invoke(args=["report", "--programme", "nope", "--format", "json",
                                 "--output", str(tmp_path / "x.json")])
    assert result.exit_code != 0 and "No such programme." in result.output
    assert not (tmp_path / "x.json").exists()


def test_page_filters_come_back_with_errors_at_the_field(client, known, coordinator):
    response = client.get("/reports/?programme=known-programme&from=not-a-date")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD" in html and 'value="not-a-date"' in html


def test_event_report_and_short_pdf(client, known, coordinator):
    event_id = known.events[0]
    page = client.get(f"/reports/events/{event_id}")
    assert page.status_code == 200
    figures, headline = page_figures(page.get_data(as_text=True))
    assert figures["events held"] == 1 and figures["attendances"] == 33  # 32 people i ≡ 0 (mod 11), and person 8 again
    assert "Trust" in page.get_data(as_text=True)
    pdf = client.get(f"/reports/events/{event_id}/report.pdf")
    text = pdf_text(pdf.data)
    assert "Themes" in text and "Belonging" in text
    assert " ".join(headline.split()) in " ".join(text.split())


def test_event_panel_shows_the_figures(app, known, db):
    from flask import render_template_string

    from eventsapp.models import Event

    event = db.session.get(Event, known.events[0])
    with app.test_request_context():
        html = render_template_string('{% include "reports/_event_panel.html" %}', event=event)
    assert "33 people (33 attendances)" in html
    assert f"/reports/events/{event.id}" in html


def test_an_organiser_sees_only_its_own_events_of_a_programme(client, known, login_as, db):
    from eventsapp.models import Organisation

    host = db.session.get(Organisation, known.host_ids[0])
    login_as("organiser", host)
    payload = client.get(f"/api/v1/reports?programme={known.programme.slug}").get_json()
    assert payload["events"] == 1 and payload["scope"]["host_id"] == host.id
    assert payload["attendances"] == 33
    assert client.get(f"/reports/events/{known.events[1]}").status_code == 404  # another host's event
    assert client.get(f"/reports/?host={known.host_ids[1]}").status_code == 404


def test_an_organiser_outside_the_programme_gets_404(client, known, login_as):
    login_as("organiser")
    assert client.get(f"/api/v1/reports?programme={known.programme.slug}").status_code == 404
    assert client.get(f"/reports/?programme={known.programme.slug}").status_code == 404


def test_event_panel_waits_for_the_event_to_happen(app, db, make_event):
    from flask import render_template_string

    event = make_event()  # a week from now
    with app.test_request_context():
        html = render_template_string('{% include "reports/_event_panel.html" %}', event=event)
    assert "becomes available once it has taken place" in html
    assert "/reports/events/" not in html


def test_the_page_right_aligns_only_the_columns_of_figures(client, known, coordinator):
    """The Events table: Event, Region and Host are text (left), the counts are figures (right)."""

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.in_table, self.rows, self.row = False, [], None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "table":
                self.in_table = False
            if tag == "caption":
                self.caption = True
            if self.in_table and tag == "tr":
                self.row = []
            if self.in_table and tag in ("th", "td") and self.row is not None:
                self.row.append(["text-end" in (attrs.get("class") or "").split(), ""])

        def handle_data(self, data):
            if getattr(self, "caption", False):
                self.in_table = data.strip() == "Events"
                self.caption = False
            elif self.in_table and self.row:
                self.row[-1][1] += data

        def handle_endtag(self, tag):
            if self.in_table and tag == "tr" and self.row is not None:
                self.rows.append([(right, " ".join(text.split())) for right, text in self.row])
                self.row = None
            if tag == "table":
                self.in_table = False

    parser = Cells()
    parser.feed(client.get(f"/reports/?programme={known.programme.slug}").get_data(as_text=True))
    header, *body = parser.rows
    assert [text for _, text in header] == ["Date", "Event", "Region", "Host", "Registrations", "Attendances",
                                            "No-shows", "Cancelled", "People", "Organisations"]
    assert body, "the known world has held events"
    figures = {"Registrations", "Attendances", "No-shows", "Cancelled", "People", "Organisations"}
    for row in [header, *body]:
        aligned = {name: right for (_, name), (right, _) in zip(header, row, strict=True)}
        assert aligned == {name: name in figures for name in aligned}, row
    assert all(text.replace(",", "").isdigit()
               for row in body for (_, name), (_, text) in zip(header, row, strict=True) if name in figures)
