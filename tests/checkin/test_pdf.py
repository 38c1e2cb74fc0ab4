"""Sign-in sheets and name badges: parsed with pypdf, never grepped as bytes."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from faker import Faker
from pypdf import PdfReader

from eventsapp.checkin.pdf import (
    ROW_HEIGHT,
    ROWS_PER_PAGE,
    fit_cell,
    fit_font_size,
    render_badges,
    render_sign_in_sheet,
    wrap_text,
)
from eventsapp.pdf_fonts import pdf_fonts
from tests import factories

SPECIAL = [("Łukasz", "Wójcik"), ("Nguyễn", "Thị Minh Khai")]


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def unique_names(count: int) -> list[tuple[str, str]]:
    """Synthetic names, none of which contains another (so counting occurrences is exact)."""
    fake = Faker("en_GB")
    fake.seed_instance(300)
    names: list[tuple[str, str]] = list(SPECIAL)
    full = {f"{f} {s}" for f, s in names}
    while len(names) < count:
        first, last = fake.first_name(), fake.last_name()
        candidate = f"{first} {last}"
        if any(candidate in other or other in candidate for other in full):
            continue
        names.append((first, last))
        full.add(candidate)
    return names


@pytest.fixture
def unicode_font(app):
    with app.app_context():
        if not pdf_fonts().unicode:
            pytest.fail("No Unicode font (DejaVu Sans) found: install fonts-dejavu-core or set PDF_FONT")


def test_sign_in_sheet_for_300_lists_everyone_once_in_surname_order(event, unicode_font):
    names = unique_names(300)
    organisation = factories.make_organisation("Crawley Borough Council")
    for first, last in names:
        person = factories.make_person(first_name=first, last_name=last)
        factories.make_registration(event=event, person=person, organisation=organisation)
    factories.make_registration(event=event, person=factories.make_person(first_name="Cancelled", last_name="Person"),
                                status="cancelled")

    pages = pdf_pages(render_sign_in_sheet(event, blank_rows=20))
    text = "\n".join(pages)

    assert "Łukasz Wójcik" in text
    assert "Nguyễn Thị Minh Khai" in text
    assert "Cancelled Person" not in text
    for first, last in names:
        assert text.count(f"{first} {last}") == 1, f"{first} {last}"

    expected = [f"{f} {s}" for f, s in sorted(names, key=lambda n: (fold(n[1]), fold(n[0])))]
    positions = [text.index(name) for name in expected]
    assert positions == sorted(positions), "names are not in surname order"

    # Numbered rows 1..300 for registrants, then 301..320 blank for walk-ins.
    total_rows = 320
    assert len(pages) == -(-(total_rows) // ROWS_PER_PAGE)
    last_page_numbers = [int(n) for n in re.findall(r"^(\d+)\s*$", pages[-1], flags=re.MULTILINE)]
    assert last_page_numbers[-1] == 320 and 301 in [int(n) for n in re.findall(r"^(\d+)\s*$", text, flags=re.MULTILINE)]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert event.title in page
        assert "Crawley Library" in page
        assert "Signature" in page


def test_sign_in_sheet_with_no_registrants_still_has_blank_rows(event, unicode_font):
    pages = pdf_pages(render_sign_in_sheet(event, blank_rows=5))
    assert len(pages) == 1 and "Page 1 of 1" in pages[0]
    assert [int(n) for n in re.findall(r"^(\d+)\s*$", pages[0], flags=re.MULTILINE)] == [1, 2, 3, 4, 5]


def words(text: str) -> str:
    """Whitespace-normalised, so text wrapped over lines in a cell compares equal."""
    return " ".join(text.split())


HEADINGS = ["No.", "Name", "Organisation", "Signature"]


def test_sign_in_sheet_rows_continue_across_pages_under_a_repeated_header(event, unicode_font):
    names = unique_names(2 * ROWS_PER_PAGE + 3)
    for first, last in names:
        factories.make_registration(event=event, person=factories.make_person(first_name=first, last_name=last))

    pages = pdf_pages(render_sign_in_sheet(event, blank_rows=0))

    assert len(pages) == 3
    numbers = []
    for page in pages:
        lines = page.splitlines()
        assert lines[lines.index("No."):lines.index("No.") + 4] == HEADINGS
        numbers.append([int(line) for line in lines if re.fullmatch(r"\d+", line)])
    assert numbers[0] == list(range(1, ROWS_PER_PAGE + 1))
    assert numbers[1] == list(range(ROWS_PER_PAGE + 1, 2 * ROWS_PER_PAGE + 1))
    assert numbers[2] == list(range(2 * ROWS_PER_PAGE + 1, 2 * ROWS_PER_PAGE + 4))
    # Each row reads number, name, organisation; the heading comes before the table, the footer after.
    first_page = pages[0].splitlines()
    assert first_page.index(event.title) < first_page.index("No.")
    assert first_page[-1].endswith("Page 1 of 3")


def test_sign_in_sheet_wraps_or_shrinks_long_names_and_organisations_without_cutting_them(event, unicode_font):
    long_organisation = ("The Northern Ireland Council for Voluntary Action Community Relations and Good Relations "
                         "Partnership Forum for Greater Belfast, Lisburn, Castlereagh, Newtownabbey and Carrickfergus")
    medium_organisation = "Horsham Interfaith Forum"
    assert len(long_organisation) <= 200
    long_first, long_last = "Bartholomew-Maximilian Alexander", "Featherstonehaugh-Worthington Smythe"
    for first, last, organisation in [(long_first, long_last, long_organisation), ("Ann", "Lee", medium_organisation),
                                      ("Łukasz", "Wójcik", "")]:
        factories.make_registration(event=event, person=factories.make_person(first_name=first, last_name=last),
                                    organisation=factories.make_organisation(organisation) if organisation else None)

    pages = pdf_pages(render_sign_in_sheet(event, blank_rows=2))

    assert len(pages) == 1
    text = words(pages[0])
    assert text.count(long_organisation) == 1
    assert text.count(f"{long_first} {long_last}") == 1
    assert "Ann Lee" in pages[0].splitlines() and medium_organisation in pages[0].splitlines()
    assert "Łukasz Wójcik" in pages[0].splitlines()
    assert text.index(long_first) < text.index("Ann Lee") < text.index("Łukasz Wójcik")  # by surname


def test_cells_fit_their_box_at_the_largest_size_that_fits(app, unicode_font):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    with app.app_context():
        font = pdf_fonts().regular
    width = 150
    short = fit_cell("Ann Lee", font, width, ROW_HEIGHT)
    assert (short.lines, short.size, short.leading) == (("Ann Lee",), 9.5, 11)

    two_lines = fit_cell("Horsham Interfaith Forum for Good Relations", font, width, ROW_HEIGHT)
    assert len(two_lines.lines) == 2 and two_lines.size == 9.5
    # Three lines would not fit the row at 9.5 pt: a little smaller, in two.
    smaller = fit_cell("Crawley and Horsham Interfaith Forum for Good Relations", font, width, ROW_HEIGHT)
    assert len(smaller.lines) == 2 and smaller.size == 9

    text = " ".join(["Partnership"] * 20)
    shrunk = fit_cell(text, font, width, ROW_HEIGHT)
    assert shrunk.size < 9.5 and " ".join(shrunk.lines) == text
    assert len(shrunk.lines) * shrunk.leading <= ROW_HEIGHT
    assert all(stringWidth(line, font, shrunk.size) <= width for line in shrunk.lines)
    # A single word wider than the cell is broken between letters, never cut.
    assert "".join(wrap_text("W" * 40, font, 9.5, width)) == "W" * 40
    assert all(stringWidth(line, font, 9.5) <= width for line in wrap_text("W" * 40, font, 9.5, width))


def test_a_long_event_title_is_shrunk_to_fit_the_heading_and_shortened_visibly_only_past_that(event, unicode_font):
    from eventsapp.extensions import db

    event.title = "Good Relations Week: a conversation about belonging, faith and neighbourliness in Crawley (part two)"
    db.session.commit()
    assert event.title in pdf_pages(render_sign_in_sheet(event, blank_rows=1))[0].splitlines()

    event.title = "Good Relations Week " * 10
    db.session.commit()
    heading = pdf_pages(render_sign_in_sheet(event, blank_rows=1))[0].splitlines()[0]
    assert heading.endswith("…") and event.title.startswith(heading[:-1])


def test_sign_in_sheet_with_no_one_and_no_blank_rows_says_so(event, unicode_font):
    pages = pdf_pages(render_sign_in_sheet(event, blank_rows=0))
    assert len(pages) == 1 and "No one has registered yet." in pages[0] and "Page 1 of 1" in pages[0]


def test_badges_print_every_confirmed_name_and_organisation_eight_to_a_page(event, unicode_font):
    police = factories.make_organisation("Thames Valley Police")
    names = unique_names(9)
    for first, last in names:
        factories.make_registration(event=event, person=factories.make_person(first_name=first, last_name=last),
                                    organisation=police)
    factories.make_registration(event=event, person=factories.make_person(first_name="Wendy", last_name="Waitlisted"),
                                status="waitlisted")
    pages = pdf_pages(render_badges(event))
    assert len(pages) == 2  # 2 x 4 labels per A4 sheet
    text = "\n".join(pages)
    for first, last in names:
        assert text.count(f"{first} {last}") == 1
    assert text.count("Thames Valley Police") == 9
    assert "Waitlisted" not in text


def test_long_names_are_shrunk_or_split_to_fit_the_label(app, unicode_font):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from eventsapp.checkin.pdf import LABEL_PADDING, LABEL_WIDTH, fit_lines

    inner = LABEL_WIDTH - 2 * LABEL_PADDING
    with app.app_context():
        fonts = pdf_fonts()
        short_lines, short_size = fit_lines("Ann Lee", fonts.bold, inner, 26, 11)
        assert (short_lines, short_size) == (["Ann Lee"], 26)
        long_name = "Bartholomew-Maximilian Alexander Featherstonehaugh-Worthington"
        lines, size = fit_lines(long_name, fonts.bold, inner, 26, 11)
        assert " ".join(lines) == long_name and len(lines) == 2
        assert size < 26
        assert all(stringWidth(line, fonts.bold, size) <= inner for line in lines)
    assert fit_font_size("x" * 200, "Helvetica", 100, 20, 8) == 8


def test_without_a_unicode_font_names_fall_back_to_latin_1(app, event):
    from eventsapp.checkin.pdf import printable
    from eventsapp.pdf_fonts import FALLBACK

    assert printable("Łukasz Wójcik", FALLBACK) == "Lukasz Wójcik"
    assert printable("Nguyễn Thị Minh Khai", FALLBACK) == "Nguyen Thi Minh Khai"
    assert printable("09:00–16:30 “Bring a friend’s…”", FALLBACK) == "09:00-16:30 \"Bring a friend's...\""
    person = factories.make_person(first_name="Nguyễn", last_name="Thị Minh Khai")
    factories.make_registration(event=event, person=person)
    app.config["PDF_FONT"] = "/nonexistent/font.ttf"
    with app.app_context():
        pages = pdf_pages(render_sign_in_sheet(event, blank_rows=0))
    assert "Nguyen Thi Minh Khai" in pages[0]
    assert "no Unicode font found" in pages[0]


@pytest.mark.parametrize("endpoint", ["sign-in-sheet.pdf", "badges.pdf"])
def test_door_volunteers_download_the_pdfs(client, login_as, event, door_user, named_registration, endpoint):
    named_registration("Łukasz", "Wójcik")
    login_as("door", user=door_user)
    response = client.get(f"/events/{event.id}/checkin/{endpoint}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Łukasz Wójcik" in "\n".join(pdf_pages(response.data))
