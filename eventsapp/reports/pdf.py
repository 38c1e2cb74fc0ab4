"""The report as a PDF (reportlab platypus), returned as bytes.

Page 1 is an executive summary (headline, key figures, sectors chart,
regions table); then the stories chosen for reports ("Stories from the programme"), the events, sectors, regions, sector × region,
first-time and returning, question answers, protected equality monitoring,
the methodology, and when and for what scope it was generated. A short
variant (``short=True``) is the per-event report circulated to attendees.
"""

from __future__ import annotations

import io
import re
from html import unescape
from xml.sax.saxutils import escape

import nh3
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)
from reportlab.platypus import (
    Table as PdfTable,
)
from reportlab.platypus import (
    TableStyle as PdfTableStyle,
)

from eventsapp.events.rich_text import render_rich_text
from eventsapp.pdf_fonts import pdf_fonts
from eventsapp.reports import tables as t
from eventsapp.reports.aggregate import METHODOLOGY, Report
from eventsapp.reports.charts import drawing_bar_chart, region_series, sector_series
from eventsapp.timeutil import format_local

AUTHOR = "eventsapp"


class _Styles:
    def __init__(self, regular: str, bold: str):
        base = getSampleStyleSheet()
        self.body = ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=10, leading=13)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8, leading=10)
        self.number = ParagraphStyle("number", parent=self.cell, alignment=2)
        self.title = ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=18, leading=22)
        self.h2 = ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=13, leading=16,
                                 keepWithNext=1)
        self.h3 = ParagraphStyle("h3", parent=base["Heading3"], fontName=bold, fontSize=11, leading=14,
                                 keepWithNext=1, spaceBefore=4, spaceAfter=2)
        self.headline = ParagraphStyle("headline", parent=self.body, fontName=bold, fontSize=13, leading=17,
                                       spaceAfter=8)
        self.regular, self.bold = regular, bold


#: Shorter column headings where the PDF's narrow columns need them.
SHORT_HEADINGS = {"Registrations": "Booked", "Attendances": "Attended", "Organisations": "Orgs", "Cancelled": "Cancel\u00adled"}


def _looks_numeric(value: str) -> bool:
    return bool(value) and (value[0].isdigit() or value[0] in "<[–")


def _table(table: t.Table, styles: _Styles, widths=None, short: bool = False) -> PdfTable:
    def cell(value, first: bool):
        if isinstance(value, int):
            return f"{value:,}"
        text = str(value)
        return Paragraph(escape(text), styles.number if not first and _looks_numeric(text) else styles.cell)

    headings = [SHORT_HEADINGS.get(c, c) if short else c for c in table.columns]
    numeric = [i > 0 and all(isinstance(row[i], int) or _looks_numeric(str(row[i])) for row in table.rows)
               for i in range(len(headings))]
    data = [[Paragraph(escape(c), styles.number if numeric[i] else styles.cell) for i, c in enumerate(headings)]]
    data += [[cell(v, i == 0) for i, v in enumerate(row)] for row in table.rows]
    pdf_table = PdfTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    pdf_table.setStyle(PdfTableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.regular),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9eef3")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#1d4f73")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return pdf_table


def _section(title: str, styles: _Styles, *flowables) -> list:
    return [Paragraph(escape(title), styles.h2), *flowables, Spacer(1, 6 * mm)]


def _empty(text: str, styles: _Styles) -> Paragraph:
    return Paragraph(escape(text), styles.body)


def render_pdf(report: Report, title: str | None = None, short: bool = False) -> bytes:
    """The report as PDF bytes. ``short`` gives the per-event report for attendees."""
    fonts = pdf_fonts()
    styles = _Styles(fonts.regular, fonts.bold)
    title = title or "Report"
    buffer = io.BytesIO()
    generated = format_local(report.generated_at, "%-d %B %Y, %H:%M")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        footer = title if len(title) <= 90 else title[:89] + "…"
        canvas.drawString(doc.leftMargin, 10 * mm, footer)
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author=AUTHOR, subject=report.scope_label,
        creator="eventsapp reports", leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm,
    )
    story: list = [
        Paragraph(escape(title), styles.title),
        Paragraph(escape(report.scope_label), styles.small),
        Spacer(1, 4 * mm),
        Paragraph(escape(report.headline), styles.headline),
        _key_figures(report, styles),
        Spacer(1, 5 * mm),
    ]
    if report.themes:
        story += _section("Themes", styles, *[Paragraph("• " + escape(theme), styles.body)
                                              for theme in report.themes])
    sectors = sector_series(report)
    if sectors:
        story += _section("Organisations by sector", styles, drawing_bar_chart(sectors, fonts.regular))
    if short:
        story += _stories(report, styles)
        story += _section("Sectors", styles, _table(t.sectors_table(report), styles))
        story += outcomes_flowables(report, styles)
        story += _questions(report, styles)
        story += _section("How these figures are counted", styles, *_methodology(styles))
        story.append(Paragraph(escape(f"Generated {generated} for {report.scope_label}."), styles.small))
        document.build(story, onFirstPage=on_page, onLaterPages=on_page)
        return buffer.getvalue()

    story += _section("Regions", styles, _table(t.regions_table(report), styles, short=True))
    story.append(PageBreak())
    if report.stories:
        story += _stories(report, styles)
        story.append(PageBreak())
    story += _section("All figures", styles, _table(t.summary_table(report), styles, widths=[80 * mm, 30 * mm]))
    event_widths = [17 * mm, 30 * mm, 20 * mm, 29 * mm] + [78 * mm / 6] * 6
    story += _section("Events", styles, _table(t.events_table(report), styles, widths=event_widths, short=True)
                      if report.events else _empty("No events held in this scope.", styles))
    story += _section("Sectors", styles, _table(t.sectors_table(report), styles))
    regions = region_series(report)
    if regions:
        story += _section("People by region", styles, drawing_bar_chart(regions, fonts.regular))
    story += _section("Host organisations", styles, _table(t.hosts_table(report), styles))
    matrix = t.sector_region_table(report)
    if len(matrix.columns) > 1:
        width = (A4[0] - 36 * mm - 45 * mm) / (len(matrix.columns) - 1)
        story += _section(matrix.title, styles, _table(matrix, styles, widths=[45 * mm]
                                                         + [width] * (len(matrix.columns) - 1)))
    story += _section("First-time and returning", styles, _table(t.returning_table(report), styles))
    story += outcomes_flowables(report, styles)
    story += _questions(report, styles)
    story += _equality(report, styles)
    story += _section("How these figures are counted", styles, *_methodology(styles))
    story.append(Paragraph(escape(f"Generated {generated} for {report.scope_label}."), styles.small))
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _key_figures(report: Report, styles: _Styles) -> PdfTable:
    """The key figures on page one, two pairs to a row."""
    pairs = list(t.summary_table(report).rows)[:8]
    rows = tuple((*pairs[i], *pairs[i + 1]) for i in range(0, len(pairs), 2))
    table = t.Table("key", "Key figures", ("Figure", "", "Figure", ""), rows)
    return _table(table, styles, widths=[48 * mm, 22 * mm, 48 * mm, 22 * mm])


def _questions(report: Report, styles: _Styles) -> list:
    if not report.questions:
        return _section("Answers to registration questions", styles,
                        _empty("No choice questions were asked at these events.", styles))
    blocks = []
    for question in report.questions:
        rows = tuple((answer, count) for answer, count in question.counts)
        table = t.Table("q", question.label, ("Answer", "Count"), rows)
        blocks.append(KeepTogether([
            Paragraph(escape(f"{question.label} ({question.event_title}; "
                             f"{question.respondents:,} answered)"), styles.body),
            _table(table, styles, widths=[90 * mm, 25 * mm]),
            Spacer(1, 3 * mm),
        ]))
    return _section("Answers to registration questions", styles, *blocks)


def _equality(report: Report, styles: _Styles) -> list:
    intro = Paragraph(escape(
        f"Respondents: {report.equality_respondents}. Answers are optional; small counts are protected "
        "(see how these figures are counted)."), styles.body)
    if not report.equality:
        return _section("Equality monitoring", styles, intro)
    blocks = [intro]
    for table in report.equality:
        if not table.rows:
            blocks.append(Paragraph(escape(f"{table.label}: {table.note}"), styles.body))
            continue
        rows = (*table.rows, ("Total", table.respondents))
        blocks.append(KeepTogether([
            Paragraph(escape(table.label), styles.body),
            _table(t.Table(table.characteristic, table.label, ("Answer", "Count"), rows), styles,
                   widths=[110 * mm, 25 * mm]),
            Paragraph(escape(table.note), styles.small),
            Spacer(1, 3 * mm),
        ]))
    return _section("Equality monitoring", styles, *blocks)


#: Block-level ends in the sanitised HTML of a story, where the PDF starts a new paragraph.
_BLOCK_END = re.compile(r"</(p|li|h3|h4|blockquote|pre)>|<br ?/?>|<hr ?/?>")


def story_paragraphs(body: str) -> list[str]:
    """A story's Markdown as plain-text paragraphs (rendered and sanitised first, so nothing unsafe
    or unreadable reaches the PDF); list items start with a bullet."""
    html = str(render_rich_text(body))
    html = re.sub(r"<li>", "<li>• ", html)
    text = _BLOCK_END.sub("\n\n", html)
    text = unescape(nh3.clean(text, tags=set()))
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]


def _stories(report: Report, styles: _Styles) -> list:
    """The chosen published stories, each in full with its attribution (after the executive summary)."""
    if not report.stories:
        return []
    blocks = [Paragraph(escape("Published stories chosen by the programme's coordinators."), styles.small),
              Spacer(1, 3 * mm)]
    for item in report.stories:
        place = f"{item.region}, {item.place}" if item.place else item.region
        blocks.append(Paragraph(escape(item.title), styles.h3))
        blocks.append(Paragraph(escape(f"{item.attribution} · {place} · {item.kind_of_work}"), styles.small))
        if item.summary:
            blocks.append(Paragraph(f'<font name="{styles.bold}">{escape(item.summary)}</font>', styles.body))
        blocks += [Paragraph(escape(paragraph), styles.body) for paragraph in story_paragraphs(item.body)]
        blocks.append(Spacer(1, 4 * mm))
    return _section("Stories from the programme", styles, *blocks)


def outcomes_flowables(report: Report, styles: _Styles) -> list:
    """The feedback survey's outcomes (already protected in ``report.outcomes``) as flowables:
    totals, each question's answers, responses by event and the published quotes."""
    o = report.outcomes
    if not o.events:
        return _section("Outcomes: the feedback survey", styles,
                        _empty("No feedback survey has been sent for the events in this scope yet.", styles))
    totals = t.Table("outcome_totals", "Survey", ("Survey", "Value"),
                     (("Survey emails sent", o.invited), ("Responses", o.responses), ("Response rate", o.rate)))
    blocks: list = [_table(totals, styles, widths=[80 * mm, 30 * mm]), Spacer(1, 3 * mm)]
    if o.note:
        blocks.append(Paragraph(escape(o.note), styles.body))
    for question in o.questions:
        rows = (*question.rows, ("Total", question.respondents))
        blocks.append(KeepTogether([
            Paragraph(escape(question.label), styles.body),
            _table(t.Table("outcome", question.label, ("Answer", "Responses"), rows), styles,
                   widths=[110 * mm, 25 * mm]),
            Paragraph(escape(question.note), styles.small),
            Spacer(1, 3 * mm),
        ]))
    if len(o.events) > 1:
        rows = tuple((e.title, e.invited, e.responses, e.rate) for e in o.events)
        blocks.append(Paragraph(escape("Responses by event"), styles.body))
        blocks.append(_table(t.Table("outcome_events", "Responses by event",
                                     ("Event", "Emails sent", "Responses", "Rate"), rows),
                             styles, widths=[85 * mm, 25 * mm, 25 * mm, 25 * mm]))
    if o.quotes:
        blocks.append(Paragraph(escape("In their own words"), styles.h3))
        for quote in o.quotes:
            blocks.append(Paragraph(escape(f"“{quote.text}”"), styles.body))
            blocks.append(Paragraph(escape(f"An attendee of {quote.event_title}, answering “{quote.question}”"),
                                    styles.small))
    return _section("Outcomes: the feedback survey", styles, *blocks)


def _methodology(styles: _Styles) -> list:
    return [Paragraph(f'<font name="{styles.bold}">{escape(term)}</font>: {escape(text)}', styles.body)
            for term, text in METHODOLOGY]

