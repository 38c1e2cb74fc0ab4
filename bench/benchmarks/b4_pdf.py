"""B4: the sign-in sheet PDF for 10,000 and 20,000 registrations, against a bare reportlab table.

The baseline queries the same rows (name, organisation, confirmed, by surname)
and lays them out the plain way: page-sized ``Table`` flowables with a header
row and a grid, in the same Unicode font. Growth from 10,000 to 20,000 rows
shows whether the time is linear in the rows (2x rows -> ~2x time).
"""

from __future__ import annotations

import io

from bench.core import Context, Row, best_of, feature, fmt_seconds, measure, ratio
from bench.generate import Sizes, ensure_dataset

TITLE = "sign-in sheet PDF"
TARGET = "<= 1.3 x bare table; linear in rows"
TIME_TARGET = 1.3
#: 2x the rows may take at most this much longer to count as linear.
LINEAR_LIMIT = 2.3
ROWS_PER_PAGE = 35
#: Rounds of (bare table, sign-in sheet), each in a fresh process.
ROUNDS = 3


def bare_table_pdf(event_id: int) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle
    from sqlalchemy import func, select

    from eventsapp.extensions import db
    from eventsapp.models import Registration
    from eventsapp.pdf_fonts import pdf_fonts

    rows = db.session.execute(
        select(Registration.first_name, Registration.last_name, Registration.organisation_name_entered)
        .where(Registration.event_id == event_id, Registration.status == "confirmed")
        .order_by(func.lower(Registration.last_name), func.lower(Registration.first_name), Registration.id)
    ).all()
    fonts = pdf_fonts()
    style = TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.regular, 9),
        ("FONT", (0, 0), (-1, 0), fonts.bold, 9),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ])
    header = ("Name", "Organisation", "Signature")
    story = []
    for start in range(0, len(rows), ROWS_PER_PAGE):
        page = [header] + [(f"{f} {last}", org[:45], "") for f, last, org in rows[start:start + ROWS_PER_PAGE]]
        story += [Table(page, colWidths=(170, 220, 120), style=style, repeatRows=1), PageBreak()]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Sign-in sheet").build(story)
    return buffer.getvalue()


def worker(url: str, event_id: int, kind: str, repeats: int) -> dict:
    from pypdf import PdfReader

    from bench.generate import make_app
    from eventsapp.extensions import db
    from eventsapp.models import Event

    app = make_app(url, CHECK_DATABASE_ON_START=False)
    with app.app_context(), app.test_request_context():
        if kind == "product":
            render = feature("eventsapp.checkin.pdf", "render_sign_in_sheet")
            seconds, pdf = best_of(repeats, lambda: render(db.session.get(Event, event_id), blank_rows=0))
        else:
            seconds, pdf = best_of(repeats, bare_table_pdf, event_id)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return {"seconds": seconds, "pages": pages, "bytes": len(pdf)}


def run(ctx: Context) -> list[Row]:
    feature("eventsapp.checkin.pdf", "render_sign_in_sheet")
    rows: list[Row] = []
    timings: dict[int, float] = {}
    repeats = 1 if ctx.scale >= 0.5 else 2
    for full in (10_000, 20_000):
        n = ctx.n(full, minimum=100)
        url = ctx.sqlite_path(f"b4-{full}")
        counts = ensure_dataset(url, Sizes(organisations=500, people=int(n * 1.25) + 10, events=4,
                                           attendances=10, checkin_registrations=n, upcoming_per_event=2))
        # Alternating fresh processes, the fastest of each kept: a moment of load on the shared
        # machine then hits both alike instead of deciding the ratio.
        runs: dict[str, list[dict]] = {"bare": [], "product": []}
        for _round in range(ROUNDS):
            for kind in ("bare", "product"):
                runs[kind].append(measure("bench.benchmarks.b4_pdf:worker", url=url,
                                          event_id=counts.checkin_event_id, kind=kind, repeats=repeats))
        bare, product = (min(runs[kind], key=lambda run: run["seconds"]) for kind in ("bare", "product"))
        timings[full] = product["seconds"]
        r = ratio(product["seconds"], bare["seconds"])
        rows.append(Row("B4", f"sign-in sheet, {n:,} rows ({product['pages']} pages)",
                        fmt_seconds(product["seconds"]),
                        f"{fmt_seconds(bare['seconds'])} bare table ({bare['pages']} pages)", r,
                        f"<= {TIME_TARGET} x bare", r is not None and r <= TIME_TARGET,
                        f"fastest of {ROUNDS} alternating runs each",
                        data={"product": product, "bare": bare, "rows": n,
                              "runs": {kind: [run["seconds"] for run in done] for kind, done in runs.items()}}))
        timings[-full] = bare["seconds"]
    growth = ratio(timings[20_000], timings[10_000])
    bare_growth = ratio(timings[-20_000], timings[-10_000])
    rows.append(Row("B4", "growth: time at 2x rows", f"{growth:.2f}x" if growth else "n/a",
                    f"{bare_growth:.2f}x bare" if bare_growth else "", growth,
                    f"<= {LINEAR_LIMIT}x (linear)", growth is not None and growth <= LINEAR_LIMIT))
    return rows
