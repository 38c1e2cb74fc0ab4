"""B6: the programme export (ZIP of CSVs, streamed to a file) at 10,000 and at 1,000,000 attendances.

The 10,000-attendance export is the baseline: time should grow with the rows
(per-row cost about the same) and peak memory should not (it must be streamed).
"""

from __future__ import annotations

from bench.core import DATA_DIR, Context, Row, feature, fmt_seconds, measure, ratio
from bench.generate import Sizes, ensure_dataset

TITLE = "CSV export (programme ZIP)"
TARGET = "peak RSS at 1M <= 1.2 x at 10k"
MEMORY_LIMIT = 1.2


def worker(url: str, slug: str, destination: str) -> dict:
    from sqlalchemy import select

    from bench.core import timed
    from bench.generate import make_app
    from eventsapp.extensions import db
    from eventsapp.models import Programme

    export_programme = feature("eventsapp.imports.export", "export_programme")
    app = make_app(url, CHECK_DATABASE_ON_START=False)
    with app.app_context():
        programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
        seconds, counts = timed(export_programme, programme, destination)
        db.session.remove()
    return {"seconds": seconds, "counts": counts, "rows": sum(counts.values()),
            "registrations": counts.get("registrations.csv", 0)}


def run(ctx: Context) -> list[Row]:
    feature("eventsapp.imports.export", "export_programme")
    small_url = ctx.sqlite_path("b6-small")
    small_counts = ensure_dataset(small_url, Sizes.scaled(0.01 * ctx.scale))
    big_url, big_counts = ctx.dataset("sqlite")
    small = measure("bench.benchmarks.b6_export:worker", url=small_url, slug=small_counts.programme_slug,
                    destination=str(DATA_DIR / "b6-small.zip"))
    big = measure("bench.benchmarks.b6_export:worker", url=big_url, slug=big_counts.programme_slug,
                  destination=str(DATA_DIR / "b6-big.zip"))
    per_row = ratio(big["seconds"] / max(big["rows"], 1), small["seconds"] / max(small["rows"], 1))
    memory = ratio(big["peak_rss_mb"], small["peak_rss_mb"])
    label_small = f"{small_counts.attendances:,} attendances"
    label_big = f"{big_counts.attendances:,} attendances"
    return [
        Row("B6", f"export, {label_big} ({big['rows']:,} CSV rows)", fmt_seconds(big["seconds"]),
            f"{fmt_seconds(small['seconds'])} for {label_small} ({small['rows']:,} rows)", per_row,
            "time per row ~1x (linear)", None, data={"big": big, "small": small}),
        Row("B6", f"export peak RSS, {label_big} vs {label_small}", f"{big['peak_rss_mb']:.0f} MB",
            f"{small['peak_rss_mb']:.0f} MB", memory, f"<= {MEMORY_LIMIT} x (streamed)",
            memory is not None and memory <= MEMORY_LIMIT),
    ]
