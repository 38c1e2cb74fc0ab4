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
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Person, Registration
from eventsapp.pdf_fonts import PdfFonts, pdf_fonts
from eventsapp.timeutil import date_in_words, time_range

#: Rows of the sign-in table per page; each page is its own Table (never one huge LongTable).
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
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def confirmed_attendees(event: Event) -> list[Attendee]:
    """Confirmed registrants, by surname then first name (accent- and case-blind)."""
    rows = db.session.execute(
        select(Person.first_name, Person.last_name, Registration.organisation_name_entered, Organisation.name)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
    ).all()
    attendees = [Attendee(first, last, entered or (organisation or "")) for first, last, entered, organisation in rows]
    return sorted(attendees, key=lambda a: (_sort_key(a.last_name), _sort_key(a.first_name)))


#: Letters with no Latin-1 form and no accent to strip.
_LATIN_1_LOOKALIKES = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Œ": "OE", "œ": "oe", "ı": "i"})


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


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _NumberedCanvas(pdf_canvas.Canvas):
    """Holds every page until the end so each footer can say "Page x of y"."""

    def __init__(self, *args, page_decorator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []
        self._page_decorator = page_decorator

    def showPage(self):  # noqa: N802  (reportlab's name)
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._page_decorator(self, self._pageNumber, total)
            super().showPage()
        super().save()


def _event_lines(event: Event) -> tuple[str, str]:
    when = f"{date_in_words(event.starts_at)}, {time_range(event.starts_at, event.ends_at)}"
    where = ", ".join(part for part in (event.venue, event.town, event.postcode) if part)
    return when, where


def render_sign_in_sheet(event: Event, blank_rows: int = 20) -> bytes:
    """A4 sign-in sheet: numbered rows of confirmed registrants by surname, then blank rows for walk-ins.

    Every page has the event title, date and venue in its header and
    "Page x of y" in its footer.
    """
    fonts = pdf_fonts()
    attendees = confirmed_attendees(event)
    when, where = _event_lines(event)
    title = printable(event.title, fonts)
    page_width, page_height = A4
    margin = 15 * mm
    header_height = 24 * mm

    def decorate(canvas, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(fonts.bold, 13)
        canvas.drawString(margin, page_height - margin - 4 * mm, title[:90])
        canvas.setFont(fonts.regular, 9.5)
        canvas.drawString(margin, page_height - margin - 10 * mm, printable(when, fonts))
        canvas.drawString(margin, page_height - margin - 15 * mm, printable(where, fonts)[:110])
        canvas.setFont(fonts.regular, 8.5)
        canvas.drawString(margin, margin - 6 * mm, "Sign-in sheet · please sign beside your name, or add yourself at the end")
        canvas.drawRightString(page_width - margin, margin - 6 * mm, f"Page {number} of {total}")
        if not fonts.unicode:
            canvas.drawString(margin, margin - 10 * mm, "Accents were dropped from names: no Unicode font found (set PDF_FONT).")
        canvas.restoreState()

    cell = ParagraphStyle("cell", fontName=fonts.regular, fontSize=9.5, leading=11)
    widths = [11 * mm, 62 * mm, 58 * mm, page_width - 2 * margin - 131 * mm]
    heading = ["No.", "Name", "Organisation", "Signature"]

    def fitted(text: str, width: float) -> str | Paragraph:
        """Plain text in one or two lines (fast: no Paragraph); a smaller paragraph when it would need 3+ lines."""
        text = printable(text, fonts)
        room = width - 6 * mm
        natural = stringWidth(text, fonts.regular, cell.fontSize)
        if natural <= room:
            return text
        if natural <= 1.9 * room:
            lines = simpleSplit(text, fonts.regular, cell.fontSize, room)
            if len(lines) <= 2 and all(stringWidth(line, fonts.regular, cell.fontSize) <= room for line in lines):
                return "\n".join(lines)
            return Paragraph(_xml(text), cell)
        size = max(6.5, cell.fontSize * 1.9 * room / natural)
        return Paragraph(_xml(text), ParagraphStyle("small", parent=cell, fontSize=size, leading=size * 1.15))

    # An empty cell as an empty list of flowables: reportlab skips it, where "" would still be drawn.
    rows = [
        [str(n), fitted(a.full_name, widths[1]), fitted(a.organisation or "", widths[2]) or [], []]
        for n, a in enumerate(attendees, start=1)
    ]
    rows += [[str(n), [], [], []] for n in range(len(attendees) + 1, len(attendees) + blank_rows + 1)]

    # Few commands: reportlab applies each one to every cell of every page's table.
    style = TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.regular, 9.5, 11),
        ("FONT", (0, 0), (-1, 0), fonts.bold, 9.5, 11),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("ALIGN", (0, 1), (0, -1), "RIGHT"),
    ])
    story: list = []
    if not rows:
        story.append(Paragraph("No one has registered yet.", cell))
    for start in range(0, len(rows), ROWS_PER_PAGE):
        chunk = rows[start:start + ROWS_PER_PAGE]
        table = Table([heading, *chunk], colWidths=widths, rowHeights=[8 * mm] + [ROW_HEIGHT] * len(chunk),
                      repeatRows=1, style=style)
        if story:
            story.append(PageBreak())
        story.append(table)

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin + header_height,
        bottomMargin=margin, title=f"Sign-in sheet: {event.title}", author="eventsapp",
    )
    document.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, page_decorator=decorate, **k))
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
