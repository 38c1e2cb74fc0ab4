"""The report as a PDF (reportlab platypus), returned as bytes.

The funder report is a sequence of sections (:data:`FUNDER_SECTIONS`), each a function that takes
the :class:`Context` and returns its flowables:

1. a cover: the programme, the period from the first to the last event, the host organisations
   and when the report was generated (:mod:`eventsapp.reports.cover`);
2. the executive summary: the headline and the key figures (one table, stated nowhere else);
3. where the events took place: a tile map of England's nine regions (:mod:`.region_map`);
4. the stories chosen for reports, each as its title and summary;
5. the detailed tables (sectors, regions, hosts, first-time and returning, events, sectors by
   region), the answers to registration questions, the protected equality monitoring and how
   the figures are counted.

A section whose table is too wide for a portrait page is set on landscape pages; every table's
columns are measured so that no header breaks inside a word (:mod:`.pdf_tables`). The PDF's
metadata holds its title, author, subject and keywords. A short variant (``short=True``) is the
per-event report circulated to attendees (no cover; stories in full).

To add a section, write ``def _my_section(ctx: Context) -> list`` (use :func:`_section` for the
heading and :meth:`Context.table` for tables, so its columns are measured and the tests see its
headers) and insert it in :data:`FUNDER_SECTIONS` — e.g. survey outcomes after the map, before
the stories, as issue 19 orders them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import unescape
from xml.sax.saxutils import escape

import nh3
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import (
    Table as PdfTable,
)
from reportlab.platypus import (
    TableStyle as PdfTableStyle,
)

from eventsapp.events.rich_text import render_rich_text
from eventsapp.pdf_fonts import PdfFonts, pdf_fonts
from eventsapp.reports import tables as t
from eventsapp.reports.aggregate import METHODOLOGY, Report
from eventsapp.reports.charts import drawing_bar_chart, sector_series
from eventsapp.reports.cover import AUTHOR, Cover, cover_for
from eventsapp.reports.outcomes import TOTAL_LABEL as OUTCOME_TOTAL_LABEL
from eventsapp.reports.pdf_tables import CELL_PADDING, TableLayout, cell_text, layout_table
from eventsapp.reports.region_map import drawing_region_map, region_map
from eventsapp.timeutil import format_local, plural

MARGIN = 18 * mm
PORTRAIT = A4
LANDSCAPE = landscape(A4)
PORTRAIT_WIDTH = PORTRAIT[0] - 2 * MARGIN
LANDSCAPE_WIDTH = LANDSCAPE[0] - 2 * MARGIN
HEADER_FILL = "#e9eef3"
#: Host organisations named on the cover, so that it stays one page.
MAX_COVER_HOSTS = 24
RULE = "#1d4f73"


class _Styles:
    def __init__(self, regular: str, bold: str):
        base = getSampleStyleSheet()
        self.body = ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=10, leading=13)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10)
        self.title = ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=18, leading=22)
        self.h1 = ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=16, leading=20,
                                 keepWithNext=1, spaceAfter=6)
        self.h2 = ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=13, leading=16,
                                 keepWithNext=1)
        self.h3 = ParagraphStyle("h3", parent=base["Heading3"], fontName=bold, fontSize=11, leading=14,
                                 keepWithNext=1, spaceBefore=4, spaceAfter=2)
        self.headline = ParagraphStyle("headline", parent=self.body, fontName=bold, fontSize=13, leading=17,
                                       spaceAfter=8)
        self.cover_kicker = ParagraphStyle("cover_kicker", parent=self.body, fontSize=13, leading=16,
                                           textColor=colors.HexColor(RULE), spaceAfter=6)
        self.cover_title = ParagraphStyle("cover_title", parent=self.title, fontSize=26, leading=32,
                                          alignment=0, spaceAfter=10)
        self.cover_period = ParagraphStyle("cover_period", parent=self.body, fontName=bold, fontSize=14,
                                           leading=18, spaceAfter=4)
        self.figure_label = ParagraphStyle("figure_label", parent=self.body, fontSize=9, leading=11)
        self.regular, self.bold = regular, bold
        self._cells: dict[tuple[str, float, int], ParagraphStyle] = {}

    def cell(self, size: float, bold: bool = False, right: bool = False) -> ParagraphStyle:
        """The style of a table cell at ``size`` points."""
        font = self.bold if bold else self.regular
        key = (font, size, 2 if right else 0)
        if key not in self._cells:
            self._cells[key] = ParagraphStyle(f"cell-{len(self._cells)}", parent=self.body, fontName=font,
                                              fontSize=size, leading=size + 2, alignment=key[2])
        return self._cells[key]


@dataclass
class Context:
    """What every section function gets: the report, fonts and styles, and the tables set so far."""

    report: Report
    title: str
    fonts: PdfFonts
    styles: _Styles
    short: bool
    cover: Cover | None = None
    #: Every table set in the document, in order, with its header texts and column widths.
    layouts: list[TableLayout] = field(default_factory=list)
    #: Set by :meth:`table` when the section being built needs landscape pages.
    wants_landscape: bool = False

    def table(self, table: t.Table, fixed: Sequence[float | None] | None = None,
              allow_landscape: bool = True) -> list:
        """``table`` set with measured columns (and, when short headers were needed, their key)."""
        if not table.rows:
            return [Paragraph(escape("None in this report's scope."), self.styles.body)]
        layout = layout_table(table, self.fonts.bold, self.fonts.regular, PORTRAIT_WIDTH, LANDSCAPE_WIDTH,
                              allow_landscape=allow_landscape, fixed=fixed)
        self.layouts.append(layout)
        self.wants_landscape = self.wants_landscape or layout.landscape
        flowables: list = [_pdf_table(table, layout, self.styles)]
        if layout.key:
            key = "; ".join(f"{short} = {full}" for short, full in layout.key)
            flowables.append(Paragraph(escape(f"Key: {key}."), self.styles.small))
        return flowables


Section = Callable[[Context], list]


def _pdf_table(table: t.Table, layout: TableLayout, styles: _Styles) -> PdfTable:
    size = layout.font_size
    header = [Paragraph(escape(text), styles.cell(size, bold=True, right=layout.numeric[i]))
              for i, text in enumerate(layout.headers)]
    body = [[cell_text(value) if isinstance(value, int)
             else Paragraph(escape(cell_text(value)), styles.cell(size, right=layout.numeric[i]))
             for i, value in enumerate(row)] for row in table.rows]
    pdf_table = PdfTable([header, *body], colWidths=list(layout.widths), repeatRows=1, hAlign="LEFT")
    pdf_table.setStyle(PdfTableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.regular),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor(RULE)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]))
    return pdf_table


def _section(title: str, ctx: Context, *flowables) -> list:
    return [Paragraph(escape(title), ctx.styles.h2), *flowables, Spacer(1, 6 * mm)]


def _empty(text: str, ctx: Context) -> Paragraph:
    return Paragraph(escape(text), ctx.styles.body)


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------

def _cover(ctx: Context) -> list:
    cover, styles = ctx.cover, ctx.styles
    assert cover is not None
    blocks: list = [
        Spacer(1, 40 * mm),
        Paragraph(escape(cover.kicker), styles.cover_kicker),
        Paragraph(escape(cover.heading), styles.cover_title),
        Paragraph(escape(cover.period or "No events held in this report's scope"), styles.cover_period),
    ]
    if " · " in cover.scope_label:  # narrowed (by region, dates…): say to what
        blocks.append(Paragraph(escape(cover.scope_label), styles.body))
    blocks.append(Spacer(1, 14 * mm))
    if cover.hosts:
        blocks.append(Paragraph(escape("Host organisations"), styles.h3))
        names = list(cover.hosts)
        if len(names) > MAX_COVER_HOSTS:  # the rest are in the hosts table
            more = len(names) - MAX_COVER_HOSTS + 1
            names = [*names[:MAX_COVER_HOSTS - 1], f"and {more:,} more (see Host organisations)"]
        half = (len(names) + 1) // 2
        columns = [names[:half], names[half:]]
        rows = [[Paragraph(escape(column[i]), styles.body) if i < len(column) else ""
                 for column in columns] for i in range(half)]
        hosts = PdfTable(rows, colWidths=[PORTRAIT_WIDTH / 2] * 2, hAlign="LEFT")
        hosts.setStyle(PdfTableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        blocks.append(hosts)
    blocks += [Spacer(1, 14 * mm),
               Paragraph(escape(f"Generated {cover.generated}"), styles.body)]
    if cover.author != AUTHOR:
        blocks.append(Paragraph(escape(f"Prepared by {cover.author}"), styles.small))
    return [*blocks, NextPageTemplate("portrait"), PageBreak()]


def _title_block(ctx: Context) -> list:
    """The short report's first lines: its title and scope."""
    return [Paragraph(escape(ctx.title), ctx.styles.title),
            Paragraph(escape(ctx.report.scope_label), ctx.styles.small), Spacer(1, 4 * mm)]


def _key_figures(ctx: Context) -> PdfTable:
    """Every summary figure once, two to a row, with no header row."""
    styles = ctx.styles
    pairs = [(Paragraph(escape(label), styles.figure_label), cell_text(value))
             for label, value in t.summary_table(ctx.report).rows]
    odd = len(pairs) % 2
    if odd:
        pairs.append(("", ""))
    rows = [[*pairs[i], "", *pairs[i + 1]] for i in range(0, len(pairs), 2)]
    table = PdfTable(rows, colWidths=[67 * mm, 17 * mm, 6 * mm, 67 * mm, 17 * mm], hAlign="LEFT")
    table.setStyle(PdfTableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), styles.bold),
        ("FONTSIZE", (0, 0), (-1, -1), 12),
        ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (1, -1), 0.25, colors.HexColor("#cccccc")),
        ("LINEBELOW", (3, 0), (4, -2 if odd else -1), 0.25, colors.HexColor("#cccccc")),
        ("LINEABOVE", (0, 0), (1, 0), 0.8, colors.HexColor(RULE)),
        ("LINEABOVE", (3, 0), (4, 0), 0.8, colors.HexColor(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _executive_summary(ctx: Context) -> list:
    heading = [] if ctx.short else [Paragraph(escape("Executive summary"), ctx.styles.h1)]
    return [*heading, Paragraph(escape(ctx.report.headline), ctx.styles.headline),
            Paragraph(escape("Key figures"), ctx.styles.h3), _key_figures(ctx), Spacer(1, 6 * mm)]


def _region_map(ctx: Context) -> list:
    if not ctx.report.figures.events:
        return _section("Where the events took place", ctx, _empty("No events held yet in this report's scope.",
                                                                   ctx))
    data = region_map(ctx.report)
    blocks: list = [
        Paragraph(escape("Where the events took place"), ctx.styles.h2),
        Paragraph(escape("England's nine regions, each placed roughly where it lies, with the events held "
                         "there and the people who came to them."), ctx.styles.small),
        Spacer(1, 2 * mm),
        drawing_region_map(data, ctx.fonts.regular, ctx.fonts.bold, width=PORTRAIT_WIDTH),
    ]
    if data.elsewhere:
        outside = "; ".join(f"{name}: {plural(events, 'event')}, {cell_text(people)} people"
                            for name, events, people in data.elsewhere)
        blocks.append(Paragraph(escape(f"Outside the map: {outside}."), ctx.styles.small))
    return [KeepTogether(blocks), Spacer(1, 6 * mm)]


def _themes(ctx: Context) -> list:
    if not ctx.report.themes:
        return []
    return _section("Themes", ctx, *[Paragraph("• " + escape(theme), ctx.styles.body)
                                     for theme in ctx.report.themes])


def _sectors(ctx: Context) -> list:
    """The organisations by sector as a chart, then the sectors table beneath it."""
    series = sector_series(ctx.report)
    chart = [Paragraph(escape("Organisations by sector"), ctx.styles.h3),
             drawing_bar_chart(series, ctx.fonts.regular), Spacer(1, 4 * mm)] if series else []
    return _section("Sectors", ctx, *chart, *ctx.table(t.sectors_table(ctx.report)))


def _regions(ctx: Context) -> list:
    return _section("Regions", ctx, *ctx.table(t.regions_table(ctx.report)))


def _hosts(ctx: Context) -> list:
    return _section("Host organisations", ctx, *ctx.table(t.hosts_table(ctx.report)))


def _returning(ctx: Context) -> list:
    return _section("First-time and returning", ctx, *ctx.table(t.returning_table(ctx.report)))


def _events(ctx: Context) -> list:
    if not ctx.report.events:
        return _section("Events", ctx, _empty("No events held in this scope.", ctx))
    return _section("Events", ctx, *ctx.table(t.events_table(ctx.report)))


def _sector_region(ctx: Context) -> list:
    matrix = t.sector_region_table(ctx.report)
    if len(matrix.columns) <= 1:
        return []
    return _section(matrix.title, ctx, *ctx.table(matrix))


def _questions(ctx: Context) -> list:
    report = ctx.report
    if not report.questions:
        return _section("Answers to registration questions", ctx,
                        _empty("No choice questions were asked at these events.", ctx))
    blocks = []
    for index, question in enumerate(report.questions):
        rows = tuple((answer, count) for answer, count in question.counts)
        table = t.Table(f"question-{index + 1}", question.label, ("Answer", "Count"), rows)
        blocks.append(KeepTogether([
            Paragraph(escape(f"{question.label} ({question.event_title}; "
                             f"{cell_text(question.respondents)} answered)"), ctx.styles.body),
            *(ctx.table(table, fixed=(90 * mm, None), allow_landscape=False) if table.rows else []),
            *([Paragraph(escape(question.note), ctx.styles.small)] if question.note else []),
            Spacer(1, 3 * mm),
        ]))
    return _section("Answers to registration questions", ctx, *blocks)


def _equality(ctx: Context) -> list:
    report = ctx.report
    intro = Paragraph(escape(
        f"Respondents: {report.equality_respondents}. Answers are optional; small counts are protected "
        "(see how these figures are counted)."), ctx.styles.body)
    if not report.equality:
        return _section("Equality monitoring", ctx, intro)
    blocks = [intro]
    for table in report.equality:
        if not table.rows:
            blocks.append(Paragraph(escape(f"{table.label}: {table.note}"), ctx.styles.body))
            continue
        rows = (*table.rows, ("Total", table.respondents))
        blocks.append(KeepTogether([
            Paragraph(escape(table.label), ctx.styles.body),
            *ctx.table(t.Table(f"equality-{table.characteristic}", table.label, ("Answer", "Count"), rows),
                       fixed=(110 * mm, None), allow_landscape=False),
            Paragraph(escape(table.note), ctx.styles.small),
            Spacer(1, 3 * mm),
        ]))
    return _section("Equality monitoring", ctx, *blocks)


def _methodology(ctx: Context) -> list:
    styles = ctx.styles
    terms = [Paragraph(f'<font name="{styles.bold}">{escape(term)}</font>: {escape(text)}', styles.body)
             for term, text in METHODOLOGY]
    return _section("How these figures are counted", ctx, *terms)


def _generated(ctx: Context) -> list:
    generated = format_local(ctx.report.generated_at, "%-d %B %Y, %H:%M")
    return [Paragraph(escape(f"Generated {generated} for {ctx.report.scope_label}."), ctx.styles.small)]


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


def _stories(ctx: Context) -> list:
    """The chosen published stories with their attribution: in the funder report each as its title
    and summary (its first paragraph when it has no summary); in the short report in full."""
    report, styles = ctx.report, ctx.styles
    if not report.stories:
        return []
    intro = [Paragraph(escape("Stories from the programme"), styles.h2),
             Paragraph(escape("Published stories chosen by the programme's coordinators."), styles.small),
             Spacer(1, 3 * mm)]
    blocks: list = []
    for item in report.stories:
        place = f"{item.region}, {item.place}" if item.place else item.region
        story = [Paragraph(escape(item.title), styles.h3),
                 Paragraph(escape(f"{item.attribution} · {place} · {item.kind_of_work}"), styles.small)]
        paragraphs = story_paragraphs(item.body)
        if ctx.short:
            if item.summary:
                story.append(Paragraph(f'<font name="{styles.bold}">{escape(item.summary)}</font>', styles.body))
            story += [Paragraph(escape(paragraph), styles.body) for paragraph in paragraphs]
        else:
            summary = item.summary or (paragraphs[0] if paragraphs else "")
            if summary:
                story.append(Paragraph(escape(summary), styles.body))
        blocks.append([*story, Spacer(1, 3 * mm)])
    # The heading stays with the first story, and each story is kept on one page when it fits.
    return [KeepTogether([*intro, *blocks[0]]), *[KeepTogether(block) for block in blocks[1:]],
            Spacer(1, 6 * mm)]


def _outcomes(ctx: Context) -> list:
    """The feedback survey's outcomes (already protected in ``report.outcomes``): totals, each
    question's answers, responses by event and the published quotes."""
    o, styles = ctx.report.outcomes, ctx.styles
    title = "Outcomes: the feedback survey"
    if not o.events:
        return _section(title, ctx, _empty("No feedback survey has been sent for the events in this scope yet.", ctx))
    totals = t.Table("outcome_totals", "Survey", ("Survey", "Value"),
                     (("Survey emails sent", o.invited), ("Responses", o.responses), ("Response rate", o.rate)))
    blocks: list = [*ctx.table(totals, fixed=(80 * mm, None), allow_landscape=False), Spacer(1, 3 * mm)]
    if o.note:
        blocks.append(Paragraph(escape(o.note), styles.body))
    for index, question in enumerate(o.questions):
        rows = (*question.rows, (OUTCOME_TOTAL_LABEL, question.respondents))
        blocks.append(KeepTogether([
            Paragraph(escape(question.label), styles.body),
            *ctx.table(t.Table(f"outcome-{index + 1}", question.label, ("Answer", "Responses"), rows),
                       fixed=(110 * mm, None), allow_landscape=False),
            Paragraph(escape(question.note), styles.small),
            Spacer(1, 3 * mm),
        ]))
    if len(o.events) > 1:
        rows = tuple((e.title, e.invited, e.responses, e.rate) for e in o.events)
        blocks.append(KeepTogether([  # the heading never left alone at the foot of a page
            Paragraph(escape("Responses by event"), styles.body),
            *ctx.table(t.Table("outcome_events", "Responses by event",
                               ("Event", "Emails sent", "Responses", "Rate"), rows))]))
    if o.quotes:
        blocks.append(Paragraph(escape("In their own words"), styles.h3))
        for quote in o.quotes:
            blocks.append(Paragraph(escape(f"\u201c{quote.text}\u201d"), styles.body))
            blocks.append(Paragraph(escape(f"An attendee of {quote.event_title}, answering "
                                           f"\u201c{quote.question}\u201d"), styles.small))
    return _section(title, ctx, *blocks)


#: The funder report, in order. Each section returns its flowables (an empty list to leave itself out).
FUNDER_SECTIONS: list[Section] = [
    _cover,
    _executive_summary,
    _region_map,
    _outcomes,
    _themes,
    _stories,
    _sectors,
    _regions,
    _hosts,
    _returning,
    _events,
    _sector_region,
    _questions,
    _equality,
    _methodology,
    _generated,
]

#: The per-event report for attendees.
SHORT_SECTIONS: list[Section] = [
    _title_block,
    _executive_summary,
    _themes,
    _sectors,
    _stories,
    _outcomes,
    _questions,
    _methodology,
    _generated,
]


def render_pdf(report: Report, title: str | None = None, short: bool = False) -> bytes:
    """The report as PDF bytes. ``short`` gives the per-event report for attendees."""
    return render_pdf_with_layouts(report, title, short)[0]


def render_pdf_with_layouts(report: Report, title: str | None = None, short: bool = False,
                            sections: Sequence[Section] | None = None
                            ) -> tuple[bytes, tuple[TableLayout, ...]]:
    """The PDF bytes and the layout (header texts, column widths, orientation) of every table in it."""
    fonts = pdf_fonts()
    title = title or "Report"
    ctx = Context(report=report, title=title, fonts=fonts, styles=_Styles(fonts.regular, fonts.bold),
                  short=short, cover=None if short else cover_for(report, title))
    sections = sections if sections is not None else (SHORT_SECTIONS if short else FUNDER_SECTIONS)
    story = _story(sections, ctx)
    buffer = io.BytesIO()
    _document(buffer, ctx).build(story)
    return buffer.getvalue(), tuple(ctx.layouts)


def _story(sections: Sequence[Section], ctx: Context) -> list:
    """Every section's flowables in order, each section on pages of the orientation its tables
    need (a page break only where the orientation changes); empty sections are left out."""
    story: list = []
    orientation = "portrait"
    for section in sections:
        ctx.wants_landscape = False
        flowables = section(ctx)
        if not flowables:
            continue
        wanted = "landscape" if ctx.wants_landscape else "portrait"
        if wanted != orientation:
            story += [NextPageTemplate(wanted), PageBreak()]
            orientation = wanted
        story += flowables
    return story


def _document(buffer: io.BytesIO, ctx: Context) -> BaseDocTemplate:
    title, fonts = ctx.title, ctx.fonts

    def footer(canvas, doc):
        width = canvas._pagesize[0]
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        text = title if len(title) <= 90 else title[:89] + "…"
        canvas.drawString(MARGIN, 10 * mm, text)
        canvas.drawRightString(width - MARGIN, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    def cover_band(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(colors.HexColor(RULE))
        canvas.rect(0, PORTRAIT[1] - 22 * mm, PORTRAIT[0], 22 * mm, stroke=0, fill=1)
        canvas.restoreState()

    def frame(size, name):
        return Frame(MARGIN, 18 * mm, size[0] - 2 * MARGIN, size[1] - 18 * mm - 16 * mm, id=name,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    templates = [
        PageTemplate("portrait", [frame(PORTRAIT, "portrait")], onPage=footer, pagesize=PORTRAIT),
        PageTemplate("landscape", [frame(LANDSCAPE, "landscape")], onPage=footer, pagesize=LANDSCAPE),
    ]
    if ctx.cover is not None:
        templates.insert(0, PageTemplate("cover", [frame(PORTRAIT, "cover")], onPage=cover_band,
                                         pagesize=PORTRAIT))
    cover = ctx.cover
    return BaseDocTemplate(
        buffer, pagesize=PORTRAIT, pageTemplates=templates, title=title,
        author=cover.author if cover else AUTHOR, subject=cover.subject if cover else ctx.report.scope_label,
        keywords=list(cover.keywords) if cover else ["good relations", "events report"],
        creator="eventsapp reports", leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm,
        bottomMargin=18 * mm,
    )
