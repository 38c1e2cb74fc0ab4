"""A map-like picture of England's nine ITL1 regions: a tile grid, one tile per region, placed
roughly where the region lies, labelled with its events and people and shaded by people.

The tiles are drawn with reportlab graphics for the PDF. The region names and codes come from
the reference data (:data:`eventsapp.reference_data.REGIONS`); regions outside England (Wales,
Scotland, Northern Ireland, national/online) are listed under the map instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from eventsapp.reference_data import REGIONS
from eventsapp.reports.model import Report
from eventsapp.reports.suppression import small_count
from eventsapp.timeutil import plural

#: (column, row) of each English region's tile; row 0 is the top (north).
TILE_POSITIONS: dict[str, tuple[int, int]] = {
    "TLC": (1, 0),  # North East
    "TLD": (0, 1),  # North West
    "TLE": (1, 1),  # Yorkshire and The Humber
    "TLG": (0, 2),  # West Midlands
    "TLF": (1, 2),  # East Midlands
    "TLH": (2, 2),  # East of England
    "TLK": (0, 3),  # South West
    "TLJ": (1, 3),  # South East
    "TLI": (2, 3),  # London
}
ENGLISH_REGIONS: dict[str, str] = {code: name for code, name in REGIONS if code in TILE_POSITIONS}

#: Short names for narrow table columns (explained in a key wherever they are used).
REGION_ABBREVIATIONS: dict[str, str] = {
    "North East": "NE",
    "North West": "NW",
    "Yorkshire and The Humber": "Yorks",
    "East Midlands": "E Mids",
    "West Midlands": "W Mids",
    "East of England": "East",
    "South East": "SE",
    "South West": "SW",
    "Northern Ireland": "NI",
    "National / online": "National",
}

#: A tile with no events, then four shades of blue for ever more people (ColorBrewer "Blues").
NO_EVENTS_FILL = "#f0f0f0"
SHADES = ("#deebf7", "#9ecae1", "#4292c6", "#08519c")
DARK_TEXT = "#1a1a1a"
LIGHT_TEXT = "#ffffff"
OUTLINE = "#5a6b7b"


def _luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2)."""
    value = hex_colour.lstrip("#")
    channels = []
    for i in (0, 2, 4):
        c = int(value[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(fill: str) -> str:
    """Dark or white text, whichever contrasts more with ``fill``."""
    return max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast_ratio(fill, text))


@dataclass(frozen=True)
class Band:
    """One shade of the legend: people from ``low`` to ``high`` inclusive."""

    low: int
    high: int
    fill: str

    @property
    def label(self) -> str:
        return f"{self.low:,}" if self.low == self.high else f"{self.low:,}–{self.high:,}"


def bands(largest: int) -> tuple[Band, ...]:
    """Up to four equal bands from 1 to ``largest`` people (fewer when ``largest`` is small)."""
    if largest <= 0:
        return ()
    count = min(len(SHADES), largest)
    result, low = [], 1
    for index in range(count):
        high = -(-largest * (index + 1) // count)  # ceiling
        result.append(Band(low, high, SHADES[index] if count == len(SHADES) else SHADES[index + len(SHADES)
                                                                                         - count]))
        low = high + 1
    return tuple(result)


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    column: int
    row: int
    events: int
    #: People as shown (an int, or "<N" when small numbers are protected).
    people: int | str
    fill: str

    @property
    def lines(self) -> tuple[str, str]:
        if not self.events:
            return ("No events", "")
        people = plural(self.people, "person", "people") if isinstance(self.people, int) else f"{self.people} people"
        return (plural(self.events, "event"), people)


@dataclass(frozen=True)
class RegionMap:
    tiles: tuple[Tile, ...]
    bands: tuple[Band, ...]
    #: (name, events, people shown) for regions outside England with events.
    elsewhere: tuple[tuple[str, int, int | str], ...]


def region_map(report: Report) -> RegionMap:
    """The tiles of the nine English regions for ``report``, and the regions outside the map."""
    rows = {row.code: row for row in report.regions}
    exact = {code: rows[code].people if code in rows else 0 for code in ENGLISH_REGIONS}
    scale = bands(max(exact.values(), default=0))
    tiles = []
    for code, name in ENGLISH_REGIONS.items():
        column, row_index = TILE_POSITIONS[code]
        events = rows[code].events if code in rows else 0
        people = small_count(exact[code])
        fill = NO_EVENTS_FILL
        if events:
            # Protected counts ("<N") take the lightest shade, so the shading reveals nothing.
            shown = exact[code] if isinstance(people, int) else 1
            fill = next((band.fill for band in scale if band.low <= shown <= band.high), NO_EVENTS_FILL)
        tiles.append(Tile(code, name, column, row_index, events, people, fill))
    elsewhere = tuple((row.name, row.events, small_count(row.people)) for row in report.regions
                      if row.code not in ENGLISH_REGIONS and row.events)
    return RegionMap(tuple(tiles), scale, elsewhere)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def drawing_region_map(data: RegionMap, font: str, bold: str, width: float = 480) -> Drawing:
    """The tile grid as a reportlab drawing, with a legend of the shades underneath."""
    columns, rows, gap = 3, 4, 6
    tile_width = (width - gap * (columns - 1)) / columns
    tile_height = 58
    legend_height = 38
    height = rows * tile_height + (rows - 1) * gap + legend_height
    drawing = Drawing(width, height)
    for tile in data.tiles:
        x = tile.column * (tile_width + gap)
        top = height - tile.row * (tile_height + gap)
        ink = colors.HexColor(text_colour(tile.fill))
        drawing.add(Rect(x, top - tile_height, tile_width, tile_height, fillColor=colors.HexColor(tile.fill),
                         strokeColor=colors.HexColor(OUTLINE), strokeWidth=0.6))
        y = top - 14
        for line in _wrap(tile.name, bold, 9.5, tile_width - 12):
            drawing.add(String(x + 6, y, line, fontName=bold, fontSize=9.5, fillColor=ink))
            y -= 11.5
        first, second = tile.lines
        drawing.add(String(x + 6, top - tile_height + 18, first, fontName=font, fontSize=9, fillColor=ink))
        if second:
            drawing.add(String(x + 6, top - tile_height + 7, second, fontName=font, fontSize=9, fillColor=ink))
    # Legend: a swatch and its range for each shade, and one for regions without events.
    entries = [(NO_EVENTS_FILL, "no events")] + [(band.fill, band.label) for band in data.bands]
    x, y = 0.0, 8.0
    drawing.add(String(0, y + 14, "Shading: people who came to events in the region", fontName=font,
                       fontSize=8, fillColor=colors.HexColor(DARK_TEXT)))
    for fill, label in entries:
        drawing.add(Rect(x, y - 2, 10, 10, fillColor=colors.HexColor(fill), strokeColor=colors.HexColor(OUTLINE),
                         strokeWidth=0.5))
        drawing.add(String(x + 14, y, label, fontName=font, fontSize=8, fillColor=colors.HexColor(DARK_TEXT)))
        x += 14 + stringWidth(label, font, 8) + 14
    return drawing
