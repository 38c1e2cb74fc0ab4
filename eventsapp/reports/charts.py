"""Bar charts of a report, drawn on the server: SVG for the page, reportlab drawings for the PDF.

Both draw the same numbers (organisations by sector, people by region), and
neither needs JavaScript or an external library.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from eventsapp.reports.aggregate import Report

BAR_COLOUR = "#1d4f73"  # passes WCAG contrast on white


def sector_series(report: Report) -> list[tuple[str, int]]:
    return [(s.name, s.organisations) for s in report.sectors if s.organisations]


def region_series(report: Report) -> list[tuple[str, int]]:
    return [(r.name, r.people) for r in report.regions]


def svg_bar_chart(series: Sequence[tuple[str, int]], title: str, unit: str) -> Markup:
    """A horizontal bar chart as accessible inline SVG (role="img", a <title>, values printed)."""
    if not series:
        return Markup("")
    label_width, bar_width, row, top = 260, 300, 26, 8
    height = top * 2 + row * len(series)
    largest = max(value for _, value in series) or 1
    chart_id = "chart-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {label_width + bar_width + 60} '
        f'{height}" role="img" aria-labelledby="{chart_id}">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(series):
        y = top + index * row
        width = max(1, round(bar_width * value / largest)) if value else 0
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="13" fill="#212529">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{width}" height="{row - 8}" fill="{BAR_COLOUR}">'
            f"<title>{escape(label)}: {value:,} {escape(unit)}</title></rect>"
            f'<text x="{label_width + width + 6}" y="{y + 17}" font-size="13" fill="#212529">{value:,}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every label is escaped above; numbers are ints)


def drawing_bar_chart(series: Sequence[tuple[str, int]], font: str, width: float = 440) -> Drawing:
    """The same chart as a reportlab drawing for the PDF."""
    rows = max(1, len(series))
    height = 13 * rows + 30
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 170, 20
    chart.width, chart.height = width - 200, height - 30
    # reportlab draws the first category at the bottom; reverse so the largest is on top.
    values = [value for _, value in reversed(series)] or [0]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [label for label, _ in reversed(series)] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = colors.HexColor(BAR_COLOUR)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barSpacing = 1
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing
