"""Printed check-in aids, as bytes: the sign-in sheet and name badges.

Both use the Unicode TrueType font from :func:`eventsapp.pdf_fonts.pdf_fonts`
so that "Łukasz Wójcik" and "Nguyễn Thị Minh Khai" print as typed. Without
one, names are reduced to Latin-1 (accents dropped) rather than printed as
empty boxes, and the sheet says why.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdf_canvas
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Registration
from eventsapp.pdf_fonts import PdfFonts, pdf_fonts
from eventsapp.timeutil import date_in_words, time_range

#: Rows of the sign-in table per page, and their height (room to sign by hand).
ROWS_PER_PAGE = 26
ROW_HEIGHT = 8.4 * mm

#: A4 label sheet of 2 x 4 labels, 99.1 x 67.7 mm (e.g. L7165).
LABEL_WIDTH, LABEL_HEIGHT = 99.1 * mm, 67.7 * mm
LABEL_COLUMNS, LABEL_ROWS = 2, 4
LABEL_PADDING = 6 * mm


@dataclass(frozen=True)
class Attendee:
    first_name: str
    last_name: str
    organisation: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _sort_key(text: str) -> str:
    """Accent- and case-blind sort key ("Ó" sorts with "O")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def confirmed_attendees(event: Event) -> list[Attendee]:
    """Confirmed registrants, by surname then first name (accent- and case-blind)."""
    rows = db.session.execute(
        # The name given with this registration (the person may have registered elsewhere as another).
        select(Registration.first_name, Registration.last_name, Registration.organisation_name_entered,
               Organisation.name)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
    ).all()
    attendees = [Attendee(first, last, entered or (organisation or "")) for first, last, entered, organisation in rows]
    return sorted(attendees, key=lambda a: (_sort_key(a.last_name), _sort_key(a.first_name)))


#: Letters with no Latin-1 form and no accent to strip.
_LATIN_1_LOOKALIKES = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Œ": "OE", "œ": "oe", "ı": "i",
                                      "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."})


def _latin_1(char: str) -> str:
    for candidate in (char, "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)),
                      char.translate(_LATIN_1_LOOKALIKES)):
        try:
            candidate.encode("latin-1")
        except UnicodeEncodeError:
            continue
        if candidate:
            return candidate
    return "?"


def printable(text: str, fonts: PdfFonts) -> str:
    """The text as the font can print it: unchanged for a Unicode font, else reduced to Latin-1.

    ("Łukasz Wójcik" -> "Lukasz Wójcik", "Nguyễn" -> "Nguyen" with Helvetica.)
    """
    text = unicodedata.normalize("NFC", text)
    if fonts.unicode:
        return text
    return "".join(_latin_1(char) for char in text)


def _event_lines(event: Event) -> tuple[str, str]:
    when = f"{date_in_words(event.starts_at)}, {time_range(event.starts_at, event.ends_at)}"
    where = ", ".join(part for part in (event.venue, event.town, event.postcode) if part)
    return when, where


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` at ``size``: at spaces, and inside a word only
    when the word alone is too wide (so nothing is ever cut off)."""
    words = text.split()
    if not words:
        return [""]
    space = stringWidth(" ", font, size)
    lines: list[str] = []
    line, line_width = "", 0.0
    for word in words:
        word_width = stringWidth(word, font, size)
        if line and line_width + space + word_width <= width:
            line, line_width = f"{line} {word}", line_width + space + word_width
            continue
        if line:
            lines.append(line)
        if word_width <= width:
            line, line_width = word, word_width
            continue
        # A word wider than the cell: break it between letters.
        line, line_width = "", 0.0
        for char in word:
            char_width = stringWidth(char, font, size)
            if line and line_width + char_width > width:
                lines.append(line)
                line, line_width = "", 0.0
            line, line_width = line + char, line_width + char_width
    lines.append(line)
    return lines


@dataclass(frozen=True)
class CellText:
    """A cell's text as drawn: its lines, at a font size and leading."""

    lines: tuple[str, ...]
    size: float
    leading: float


def fit_cell(text: str, font: str, width: float, height: float, size: float = 9.5, leading: float = 11) -> CellText:
    """``text`` laid out to fit a ``width`` x ``height`` cell, never cut off.

    One line at ``size`` when it fits; else wrapped at ``size`` if the lines fit the height; else
    wrapped at a smaller size (0.5 pt steps, leading in proportion) until they do.
    """
    if stringWidth(text, font, size) <= width:
        return CellText((text,), size, leading)
    ratio = leading / size
    current = size
    while True:
        line_height = current * ratio
        lines = wrap_text(text, font, current, width)
        if len(lines) * line_height <= height - 1 or current <= 1:
            return CellText(tuple(lines), current, line_height)
        current -= 0.5


#: Sign-in sheet layout (points): column widths, padding inside cells as reportlab's Table had.
_COLUMN_WIDTHS = (11 * mm, 62 * mm, 58 * mm, A4[0] - 30 * mm - 131 * mm)
_HEADINGS = ("No.", "Name", "Organisation", "Signature")
_HEADER_ROW_HEIGHT = 8 * mm
_PADDING = 6
_NUMBER_PADDING = 4
_FONT_SIZE, _LEADING = 9.5, 11
_HEADER_GREY = colors.HexColor("#e6e6e6")


class _SignInSheet:
    """Draws the sheet page by page straight onto a canvas: a header row, rows of ROW_HEIGHT, a grid.

    Each cell's text is its own text object, drawn row by row and left to right, so extracted
    text reads in the order of the sheet (a cell's lines one after the other).
    """

    def __init__(self, canvas: pdf_canvas.Canvas, fonts: PdfFonts, left: float, top: float):
        self.canvas = canvas
        self.fonts = fonts
        self.top = top
        self.xs = [left]
        for width in _COLUMN_WIDTHS:
            self.xs.append(self.xs[-1] + width)
        self._font: tuple[str, float] | None = None
        self._fitted: dict[tuple[int, str], CellText] = {}
        # Widest printable ASCII character, per point: an ASCII text of n characters is at most
        # n times that wide, so most names need no measuring.
        self._ascii_em = max(stringWidth(chr(c), fonts.regular, 1) for c in range(32, 127))
        # Row numbers: digits are all one width in DejaVu Sans and Helvetica, so size and width
        # depend on the number of digits only (measured per number otherwise).
        self._tabular = len({stringWidth(d, fonts.regular, 1) for d in "0123456789"}) == 1
        self._numbers: dict[int, tuple[float, float]] = {}

    def _set_font(self, font: str, size: float) -> None:
        if self._font != (font, size):
            leading = size * _LEADING / _FONT_SIZE
            self.canvas.setFont(font, size, leading)
            self._font = (font, size)

    def _text(self, x: float, baseline: float, lines: Iterable[str]) -> None:
        """One text object: ``lines`` from ``baseline`` down, a leading apart.

        (canvas.drawString would measure every string again, for nothing here.)
        """
        text = self.canvas.beginText(x, baseline)
        for line in lines:
            text.textLine(line)
        self.canvas.drawText(text)

    def _number(self, label: str) -> tuple[float, float]:
        """Font size and width of a row number: shrunk when it has too many digits for its column."""
        key = len(label)
        if self._tabular and key in self._numbers:
            return self._numbers[key]
        font = self.fonts.regular
        size = fit_font_size(label, font, _COLUMN_WIDTHS[0] - _NUMBER_PADDING - 2, _FONT_SIZE, 4)
        self._numbers[key] = size, stringWidth(label, font, size)
        return self._numbers[key]

    def fitted(self, column: int, text: str) -> CellText:
        room = _COLUMN_WIDTHS[column] - 2 * _PADDING
        if not text.isprintable():  # a tab or line break typed into a name: one space
            text = " ".join(text.split())
        if text.isascii() and len(text) * self._ascii_em * _FONT_SIZE <= room:
            return CellText((text,), _FONT_SIZE, _LEADING)
        key = (column, text)
        cell = self._fitted.get(key)
        if cell is None:
            cell = fit_cell(printable(text, self.fonts), self.fonts.regular, room, ROW_HEIGHT, _FONT_SIZE, _LEADING)
            self._fitted[key] = cell
        return cell

    def draw_page(self, rows: list[tuple[int, Attendee | None]]) -> None:
        canvas, fonts, xs = self.canvas, self.fonts, self.xs
        self._font = None  # a new page starts with no font set
        top, header_bottom = self.top, self.top - _HEADER_ROW_HEIGHT
        canvas.setFillColor(_HEADER_GREY)
        canvas.rect(xs[0], header_bottom, xs[-1] - xs[0], _HEADER_ROW_HEIGHT, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.5)
        canvas.grid(xs, [top, header_bottom, *(header_bottom - i * ROW_HEIGHT for i in range(1, len(rows) + 1))])

        self._set_font(fonts.bold, _FONT_SIZE)
        baseline = header_bottom + (_HEADER_ROW_HEIGHT + _LEADING) / 2 - _FONT_SIZE
        for x, heading in zip(xs, _HEADINGS, strict=False):
            self._text(x + _PADDING, baseline, (heading,))

        number_right = xs[1] - _NUMBER_PADDING
        row_top = header_bottom
        for number, attendee in rows:
            row_bottom = row_top - ROW_HEIGHT
            label = str(number)
            size, width = self._number(label)
            self._set_font(fonts.regular, size)
            self._text(number_right - width, row_bottom + (ROW_HEIGHT + size * _LEADING / _FONT_SIZE) / 2 - size, (label,))
            if attendee is not None:
                self._draw_cell(1, attendee.full_name, row_bottom)
                if attendee.organisation:
                    self._draw_cell(2, attendee.organisation, row_bottom)
            row_top = row_bottom

    def _draw_cell(self, column: int, text: str, row_bottom: float) -> None:
        cell = self.fitted(column, text)
        self._set_font(self.fonts.regular, cell.size)
        # Vertically centred as reportlab's Table does it (VALIGN MIDDLE).
        self._text(self.xs[column] + _PADDING,
                   row_bottom + (ROW_HEIGHT + len(cell.lines) * cell.leading) / 2 - cell.size, cell.lines)


def _fit_line(text: str, font: str, width: float, largest: float, smallest: float,
              ellipsis: str = "…") -> tuple[str, float]:
    """``text`` on one line of ``width``: shrunk down to ``smallest``, then shortened with "…" if it must be."""
    size = fit_font_size(text, font, width, largest, smallest)
    if stringWidth(text, font, size) <= width:
        return text, size
    while text and stringWidth(text + ellipsis, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ellipsis, size


def render_sign_in_sheet(event: Event, blank_rows: int = 20) -> bytes:
    """A4 sign-in sheet: numbered rows of confirmed registrants by surname, then blank rows for walk-ins.

    Every page has the event title, date and venue in its header, the table's header row, and
    "Page x of y" in its footer. Long names and organisations wrap within their cell, shrinking
    when two lines are not enough; nothing is cut off.
    """
    fonts = pdf_fonts()
    attendees = confirmed_attendees(event)
    when, where = _event_lines(event)
    page_width, page_height = A4
    margin = 15 * mm
    header_height = 24 * mm
    text_width = page_width - 2 * margin
    ellipsis = printable("…", fonts)
    title, title_size = _fit_line(printable(event.title, fonts), fonts.bold, text_width, 13, 8, ellipsis)
    when, when_size = _fit_line(printable(when, fonts), fonts.regular, text_width, 9.5, 7, ellipsis)
    where, where_size = _fit_line(printable(where, fonts), fonts.regular, text_width, 9.5, 7, ellipsis)

    def heading(canvas) -> None:
        canvas.setFont(fonts.bold, title_size)
        canvas.drawString(margin, page_height - margin - 4 * mm, title)
        canvas.setFont(fonts.regular, when_size)
        canvas.drawString(margin, page_height - margin - 10 * mm, when)
        canvas.setFont(fonts.regular, where_size)
        canvas.drawString(margin, page_height - margin - 15 * mm, where)

    def footer(canvas, number: int, total: int) -> None:
        canvas.setFont(fonts.regular, 8.5)
        canvas.drawString(margin, margin - 6 * mm, "Sign-in sheet · please sign beside your name, or add yourself at the end")
        canvas.drawRightString(page_width - margin, margin - 6 * mm, f"Page {number} of {total}")
        if not fonts.unicode:
            canvas.drawString(margin, margin - 10 * mm, "Accents were dropped from names: no Unicode font found (set PDF_FONT).")

    rows: list[tuple[int, Attendee | None]] = list(enumerate(attendees, start=1))
    rows += [(n, None) for n in range(len(attendees) + 1, len(attendees) + blank_rows + 1)]
    pages = [rows[start:start + ROWS_PER_PAGE] for start in range(0, len(rows), ROWS_PER_PAGE)] or [[]]

    buffer = io.BytesIO()
    canvas = pdf_canvas.Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"Sign-in sheet: {event.title}")
    canvas.setAuthor("eventsapp")
    # Where SimpleDocTemplate's frame put the table: below the heading, inside the frame's 6 pt padding.
    sheet = _SignInSheet(canvas, fonts, margin, page_height - margin - header_height - 6)
    for number, page in enumerate(pages, start=1):
        heading(canvas)
        if page:
            sheet.draw_page(page)
        else:
            canvas.setFont(fonts.regular, _FONT_SIZE)
            canvas.drawString(margin, sheet.top - _FONT_SIZE, "No one has registered yet.")
        footer(canvas, number, len(pages))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def fit_font_size(text: str, font: str, width: float, largest: float, smallest: float) -> float:
    """The largest size (in 0.5 pt steps) at which ``text`` fits ``width``; never below ``smallest``."""
    size = largest
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def fit_lines(text: str, font: str, width: float, largest: float, smallest: float) -> tuple[list[str], float]:
    """``text`` in one line if it fits at 60% of ``largest`` or more, else in two lines, shrunk to fit.

    Below ``smallest`` only when even two lines would not fit (a single very long word).
    """
    size = fit_font_size(text, font, width, largest, max(smallest, largest * 0.6))
    words = text.split()
    if stringWidth(text, font, size) <= width or len(words) < 2:
        lines = [text]
    else:
        splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        lines = list(min(splits, key=lambda pair: max(stringWidth(part, font, 10) for part in pair)))
        size = min(fit_font_size(line, font, width, largest, smallest) for line in lines)
    while size > 4 and max(stringWidth(line, font, size) for line in lines) > width:
        size -= 0.5
    return lines, size


def _badge_positions() -> Iterable[tuple[float, float]]:
    page_width, page_height = A4
    left = (page_width - LABEL_COLUMNS * LABEL_WIDTH) / 2
    top = (page_height + LABEL_ROWS * LABEL_HEIGHT) / 2
    for row in range(LABEL_ROWS):
        for column in range(LABEL_COLUMNS):
            yield left + column * LABEL_WIDTH, top - (row + 1) * LABEL_HEIGHT


def render_badges(event: Event) -> bytes:
    """Name badges on A4 sheets of 2 x 4 labels (99.1 x 67.7 mm): name, organisation, event.

    Long names and organisations are shrunk to fit the label's width.
    """
    fonts = pdf_fonts()
    attendees = confirmed_attendees(event)
    buffer = io.BytesIO()
    canvas = pdf_canvas.Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"Name badges: {event.title}")
    canvas.setAuthor("eventsapp")
    inner = LABEL_WIDTH - 2 * LABEL_PADDING
    event_title = printable(event.title, fonts)
    per_page = LABEL_COLUMNS * LABEL_ROWS
    if not attendees:
        canvas.setFont(fonts.regular, 12)
        canvas.drawString(20 * mm, A4[1] - 30 * mm, "No one has registered yet.")
    for start in range(0, len(attendees), per_page):
        for attendee, (x, y) in zip(attendees[start:start + per_page], _badge_positions(), strict=False):
            centre = x + LABEL_WIDTH / 2
            names, size = fit_lines(printable(attendee.full_name, fonts), fonts.bold, inner, 26, 11)
            baseline = y + LABEL_HEIGHT * 0.62
            canvas.setFont(fonts.bold, size)
            for line in names:
                canvas.drawCentredString(centre, baseline, line)
                baseline -= size * 1.15
            organisation = printable(attendee.organisation, fonts)
            if organisation:
                lines, org_size = fit_lines(organisation, fonts.regular, inner, 14, 8)
                baseline -= 2 * mm
                canvas.setFont(fonts.regular, org_size)
                for line in lines:
                    canvas.drawCentredString(centre, baseline, line)
                    baseline -= org_size * 1.2
            title_size = fit_font_size(event_title, fonts.regular, inner, 8, 5)
            canvas.setFont(fonts.regular, title_size)
            canvas.setFillColor(colors.HexColor("#444444"))
            canvas.drawCentredString(centre, y + LABEL_PADDING, event_title)
            canvas.setFillColor(colors.black)
        canvas.showPage()
    if not attendees:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


__all__ = ["render_badges", "render_sign_in_sheet"]
