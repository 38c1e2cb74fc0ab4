"""The funder report PDF of the demo programme, read back with pypdf: its cover, executive summary,
map of the English regions, metadata, and tables whose headers never break inside a word."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pypdf
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import select

from eventsapp.demo import DEMO_PROGRAMME_SLUG, PAST_EVENTS, seed_demo
from eventsapp.models import Event, Programme, utcnow
from eventsapp.reference_data import REGIONS
from eventsapp.reports import tables as t
from eventsapp.reports.build import build_report
from eventsapp.reports.model import ReportScope
from eventsapp.reports.pdf import render_pdf_with_layouts
from eventsapp.reports.pdf_tables import CELL_PADDING, layout_table
from eventsapp.reports.region_map import (
    ENGLISH_REGIONS,
    LIGHT_TEXT,
    NO_EVENTS_FILL,
    SHADES,
    contrast_ratio,
    region_map,
    text_colour,
)
from eventsapp.reports.scope import describe_scope
from eventsapp.timeutil import to_local

NINE_REGIONS = ["North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
                "East of England", "London", "South East", "South West"]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def demo(db):
    """The demo programme's report rendered as the funder PDF, with the layout of each table."""
    seed_demo()
    db.session.commit()
    programme = db.session.scalar(select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    scope = ReportScope(programme_id=programme.id)
    report = build_report(scope)
    content, layouts = render_pdf_with_layouts(report, title=describe_scope(scope).title)
    reader = pypdf.PdfReader(io.BytesIO(content))
    return programme, report, content, layouts, reader


def test_cover_states_programme_period_hosts_and_generation_date(db, demo):
    programme, report, _, _, reader = demo
    held = db.session.scalars(select(Event.starts_at).where(
        Event.programme_id == programme.id, Event.status == "published", Event.starts_at <= utcnow())).all()
    first, last = (to_local(min(held)).date(), to_local(max(held)).date())
    period = f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"  # UK style: 15 January 2025
    cover = flat(reader.pages[0].extract_text())
    assert "Programme report" in cover and programme.name in cover
    assert period in cover
    for _code, _town, host, _sector, _venue in PAST_EVENTS:
        assert host in cover
    today = to_local(report.generated_at).date()
    assert f"Generated {today.day} {today:%B %Y}" in cover
    assert "Executive summary" not in cover and "Page 1" not in cover

    summary = reader.pages[1].extract_text()
    assert "Executive summary" in summary and flat(report.headline) in flat(summary)
    text = flat("\n".join(page.extract_text() for page in reader.pages))
    # One key-figures table, with no "Figure" header, and its figures stated nowhere else.
    assert "Figure Figure" not in text and "All figures" not in text
    assert not re.search(r"^\s*Figure\s*$", "\n".join(p.extract_text() for p in reader.pages), re.MULTILINE)
    for label in ("Registrations (confirmed)", "Waitlisted registrations", "Cancelled registrations",
                  "People attending more than one event"):
        assert text.count(label) == 1, label


def test_map_names_the_nine_regions_with_their_events_and_people(demo):
    _, report, _, _, reader = demo
    assert list(ENGLISH_REGIONS.values()) == NINE_REGIONS == [name for _, name in REGIONS[:9]]
    page = next(p.extract_text() for p in reader.pages if "Where the events took place" in p.extract_text())
    rows = {row.name: row for row in report.regions}
    for name in NINE_REGIONS:
        row = rows[name]
        events = f"{row.events} event" + ("s" if row.events != 1 else "")
        assert re.search(rf"{re.escape(name)}\s*\n\s*{events}\s*\n\s*{row.people} people", page), name
    assert "Shading: people who came to events in the region" in page


def test_metadata_title_author_subject_keywords(demo):
    programme, _, _, _, reader = demo
    meta = reader.metadata
    assert meta.title == f"Programme report: {programme.name}"
    assert meta.author == "Good Relations Network"  # the programme's coordinating organisation
    assert programme.name in meta.subject and re.search(r"events from \d+ \w+ \d{4} to \d+ \w+ \d{4}",
                                                        meta.subject)
    keywords = meta["/Keywords"]
    assert "good relations" in keywords and programme.name in keywords
    for name in NINE_REGIONS:
        assert name in keywords


def test_no_table_header_breaks_inside_a_word(demo):
    _, _, content, layouts, reader = demo
    names = [layout.name for layout in layouts]
    assert {"sectors", "regions", "hosts", "returning", "events", "sector_region"} <= set(names)
    assert len(names) == len(set(names)), "no table is repeated"
    for layout in layouts:
        assert "Figure" not in layout.headers
        for header, width in zip(layout.headers, layout.widths, strict=True):
            for word in header.split():
                assert stringWidth(word, layout.header_font, layout.font_size) <= width - 2 * CELL_PADDING, (
                    layout.name, word)
    # The wide events table went onto a landscape page rather than squeezing its headers.
    events = next(layout for layout in layouts if layout.name == "events")
    assert events.landscape and events.headers == t.events_table(demo[1]).columns
    landscape_pages = [p for p in reader.pages if p.mediabox.width > p.mediabox.height]
    assert any("Registrations" in p.extract_text() for p in landscape_pages)

    # And in the rendered text every header word is whole: never split across lines.
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    words = {word for layout in layouts for header in layout.headers for word in header.split()}
    for word in words:
        assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), word
        for cut in range(1, len(word)):
            split = rf"(?<!\w){re.escape(word[:cut])}-?\s*\n\s*{re.escape(word[cut:])}(?!\w)"
            assert not re.search(split, text), f"{word!r} split as {word[:cut]!r}/{word[cut:]!r}"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_every_page_renders_at_100_dpi(demo, tmp_path):
    _, _, content, _, reader = demo
    (tmp_path / "report.pdf").write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
                   check=True, timeout=60)
    assert len(list(tmp_path.glob("page-*.png"))) == len(reader.pages)


def test_too_many_columns_get_short_headers_with_a_key(app):
    with app.app_context():
        from eventsapp.pdf_fonts import pdf_fonts

        fonts = pdf_fonts()
    regions = [name for _, name in REGIONS]
    table = t.Table("sector_region", "Organisations by sector and region", ("Sector", *regions),
                    (("Community & voluntary", *[1234] * len(regions)),))
    wide = layout_table(table, fonts.bold, fonts.regular, portrait_width=480, landscape_width=740)
    assert wide.landscape and wide.key == () and wide.header_words_fit()  # full names fit across
    narrow = layout_table(table, fonts.bold, fonts.regular, portrait_width=480, landscape_width=560)
    assert narrow.header_words_fit() and narrow.landscape
    assert ("Yorks", "Yorkshire and The Humber") in narrow.key and "Yorks" in narrow.headers
    assert sum(narrow.widths) <= 560


def test_map_shading_contrast_and_small_numbers(app, db, demo):
    _, report, _, _, _ = demo
    shown = region_map(report)
    assert [tile.name for tile in shown.tiles] == NINE_REGIONS
    by_people = sorted((tile for tile in shown.tiles), key=lambda tile: tile.people)
    shades = [SHADES.index(tile.fill) for tile in by_people]
    assert shades == sorted(shades) and shades[-1] > shades[0]  # more people, darker tile
    for fill in (NO_EVENTS_FILL, *SHADES):
        assert contrast_ratio(fill, text_colour(fill)) >= 4.5, fill
    assert text_colour(SHADES[-1]) == LIGHT_TEXT
    app.config["REPORT_SMALL_NUMBER_THRESHOLD"] = 100
    protected = region_map(report)
    assert all(tile.people == "<100" and tile.fill == SHADES[0] for tile in protected.tiles)
    assert "<100 people" in protected.tiles[0].lines[1]


def test_regions_without_events_and_outside_england(known, db):
    """The known world held events in seven English regions: the other two tiles say so, and a
    region outside England is listed under the map, in the PDF too."""
    from dataclasses import replace

    from eventsapp.reports.model import RegionRow

    report = build_report(ReportScope(programme_id=known.programme.id))
    tiles = {tile.name: tile for tile in region_map(report).tiles}
    assert tiles["South East"].events == 0 and tiles["South East"].lines == ("No events", "")
    assert tiles["South East"].fill == NO_EVENTS_FILL and tiles["North East"].fill != NO_EVENTS_FILL
    wider = replace(report, regions=(*report.regions, RegionRow("TLL", "Wales", 2, 21, 20, 9)))
    assert region_map(wider).elsewhere == (("Wales", 2, 20),)
    content, _ = render_pdf_with_layouts(wider, title="Programme report: Known Programme")
    text = flat("\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages))
    assert "Outside the map: Wales: 2 events, 20 people." in text
    assert "South East No events" in text


def test_question_and_equality_tables_fit_their_fixed_columns(known, db):
    from dataclasses import replace

    from eventsapp.reports.model import ProtectedTable, QuestionSummary

    report = replace(
        build_report(ReportScope(programme_id=known.programme.id)),
        questions=(QuestionSummary(1, "Known event 1", "How did you hear about us?", "choice", 30,
                                   (("From a colleague", 18), ("Newsletter", 12))),),
        equality=(ProtectedTable("age", "Age", "30", (("16–24", "10"), ("25–64", "<8"), ("65+", "[c]")),
                                 "Counts from 1 to 7 are shown as \"<8\"."),),
    )
    content, layouts = render_pdf_with_layouts(report, title="Programme report: Known Programme")
    small = {layout.name: layout for layout in layouts if layout.name.startswith(("question-", "equality-"))}
    assert set(small) == {"question-1", "equality-age"}
    assert all(layout.header_words_fit() and not layout.landscape for layout in small.values())
    text = flat("\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages))
    assert "How did you hear about us? (Known event 1; 30 answered)" in text
    assert "From a colleague 18" in text and "65+ [c]" in text


def test_a_long_list_of_hosts_keeps_the_cover_to_one_page(known, db):
    from dataclasses import replace

    from eventsapp.reports.model import HostRow
    from eventsapp.reports.pdf import MAX_COVER_HOSTS

    report = build_report(ReportScope(programme_id=known.programme.id))
    hosts = tuple(HostRow(1000 + n, f"Host organisation number {n:03d}", 1, 10, 10, 5) for n in range(60))
    content, _ = render_pdf_with_layouts(replace(report, hosts=hosts), title="Programme report: Known Programme")
    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    cover = flat(pages[0].extract_text())
    assert f"Host organisation number {MAX_COVER_HOSTS - 2:03d}" in cover
    assert f"and {60 - MAX_COVER_HOSTS + 1} more (see Host organisations)" in cover
    assert "Executive summary" in pages[1].extract_text()
