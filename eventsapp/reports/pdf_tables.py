"""Column widths for the PDF's tables, measured so that no header ever breaks inside a word.

Every word of every header cell, and every number, is measured with the font's own metrics
(``stringWidth``) and gets a column at least that wide plus the cell padding. A table that does not
fit the portrait frame is tried on a landscape page, then with short headers (explained in a key
under the table). :func:`layout_table` returns what it chose, so tests can check the header cells
against the widths actually used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from eventsapp.reports import tables as t
from eventsapp.reports.region_map import REGION_ABBREVIATIONS
from eventsapp.reports.tables import numeric_columns

#: Points of padding on each side of a cell (the PDF table style uses the same).
CELL_PADDING = 3
FONT_SIZE = 8
#: Numeric columns are never narrower than this (points), so figures line up across tables.
MIN_NUMBER_WIDTH = 36
#: Text columns no wider than this (points, one inch) are kept on one line when there is room.
SHORT_TEXT = 72

#: Short headers for narrow columns, used only when the full ones do not fit even on a landscape
#: page; every one used is explained in the key under the table.
SHORT_HEADINGS = {
    "Registrations": "Booked",
    "Attendances": "Attended",
    "Organisations": "Orgs",
    **REGION_ABBREVIATIONS,
}


@dataclass(frozen=True)
class TableLayout:
    """How one table is set: its header texts, column widths (points) and page orientation."""

    name: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    landscape: bool
    #: (short header, what it stands for) for each short header used.
    key: tuple[tuple[str, str], ...]
    header_font: str
    font_size: float
    numeric: tuple[bool, ...]

    def header_words_fit(self) -> bool:
        """Whether every word of every header fits its column (so none is broken inside a word)."""
        return all(longest_word(header, self.header_font, self.font_size) <= width - 2 * CELL_PADDING
                   for header, width in zip(self.headers, self.widths, strict=True))


def longest_word(text: str, font: str, size: float) -> float:
    return max((stringWidth(word, font, size) for word in text.split()), default=0.0)


def cell_text(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _widths(headers: Sequence[str], table: t.Table, numeric: Sequence[bool], available: float,
            header_font: str, body_font: str, size: float, fixed: Sequence[float | None] | None
            ) -> tuple[float, ...] | None:
    """Column widths fitting ``available`` points, or None when the words cannot fit."""
    pad = 2 * CELL_PADDING
    minimum, natural = [], []
    for i, header in enumerate(headers):
        cells = [cell_text(row[i]) for row in table.rows]
        if numeric[i]:
            body = max((stringWidth(c, body_font, size) for c in cells), default=0.0)
            low = max(longest_word(header, header_font, size), body) + pad
            low = max(low, MIN_NUMBER_WIDTH)
            minimum.append(low)
            natural.append(low)
        else:
            low = max([longest_word(header, header_font, size)]
                      + [longest_word(c, body_font, size) for c in cells]) + pad
            full = max([stringWidth(header, header_font, size)]
                       + [stringWidth(c, body_font, size) for c in cells]) + pad
            minimum.append(low)
            natural.append(max(low, full))
    if fixed:
        for i, width in enumerate(fixed):
            if width is not None:
                if width < minimum[i]:
                    return None
                minimum[i] = natural[i] = width
    if sum(minimum) > available + 0.01:
        return None
    widths = list(minimum)
    # Numeric columns as wide as the widest of them, so figures line up, when the text columns
    # can still have their natural (one-line) widths.
    number_width = max((w for w, n in zip(widths, numeric, strict=True) if n), default=0.0)
    even = [max(w, number_width) if n and (not fixed or fixed[i] is None) else w
            for i, (w, n) in enumerate(zip(widths, numeric, strict=True))]
    if sum(even) + sum(natural[i] - minimum[i] for i in range(len(widths)) if not numeric[i]) <= available:
        widths = even
    # Short text (dates, short names) goes on one line first, when there is room.
    for i in range(len(widths)):
        want = natural[i] - widths[i]
        if not numeric[i] and 0 < natural[i] <= SHORT_TEXT and want <= available - sum(widths):
            widths[i] = natural[i]
    spare = available - sum(widths)
    wants = [max(0.0, natural[i] - widths[i]) for i in range(len(widths))]
    if sum(wants) > 0:
        share = min(1.0, spare / sum(wants))
        widths = [w + want * share for w, want in zip(widths, wants, strict=True)]
    return tuple(widths)


def layout_table(table: t.Table, header_font: str, body_font: str, portrait_width: float,
                 landscape_width: float, allow_landscape: bool = True,
                 fixed: Sequence[float | None] | None = None) -> TableLayout:
    """Choose headers, widths and orientation: full headers on a portrait page, else on a landscape
    page, else short headers with a key (portrait, then landscape), else a smaller font.

    ``fixed`` pins some columns' widths (None leaves a column free)."""
    numeric = numeric_columns(table)
    full = tuple(table.columns)
    short = tuple(SHORT_HEADINGS.get(c, c) for c in full)
    tries = [(full, False), (full, True), (short, False), (short, True)]
    if not allow_landscape:
        tries = [attempt for attempt in tries if not attempt[1]]
    for size in (FONT_SIZE, FONT_SIZE - 1):
        for headers, landscape in tries:
            available = landscape_width if landscape else portrait_width
            widths = _widths(headers, table, numeric, available, header_font, body_font, size, fixed)
            if widths is not None:
                key = tuple((s, f) for s, f in zip(headers, full, strict=True) if s != f)
                return TableLayout(table.name, headers, widths, landscape, key, header_font, size, numeric)
    # Nothing fits: the widest page, short headers, columns shared out evenly (words may break).
    headers = short if short != full else full
    available = landscape_width if allow_landscape else portrait_width
    widths = tuple(available / len(headers) for _ in headers)
    key = tuple((s, f) for s, f in zip(headers, full, strict=True) if s != f)
    return TableLayout(table.name, headers, widths, allow_landscape, key, header_font, FONT_SIZE - 1, numeric)
