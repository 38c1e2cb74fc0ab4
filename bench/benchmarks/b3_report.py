"""B3: the programme report over all its attendances, against hand-written SQL aggregates.

The baseline is the bare SQL a careful person would write for the report's
main figures: attendances, distinct people and distinct organisations (after
merges, individuals excluded) in total, by sector, by region and by event,
over the held events of the programme. Each side runs in its own process, so
its peak RSS is its own.
"""

from __future__ import annotations

from bench.core import Context, Row, best_of, feature, fmt_seconds, measure, ratio

TITLE = "programme report"
TARGET = "<= 1.3 x bare SQL; peak RSS <= 150 MB"
TIME_TARGET = 1.3
RSS_TARGET_MB = 150

BARE_SQL = """
WITH att AS (
    SELECT r.person_id, e.id AS event_id, e.region_id,
           CASE WHEN o.id IS NULL OR s.sector_id = :individual THEN NULL ELSE s.id END AS organisation_id,
           COALESCE(s.sector_id, :individual) AS sector_id
    FROM attendance a
    JOIN registration r ON r.id = a.registration_id
    JOIN event e ON e.id = r.event_id
    LEFT JOIN organisation o ON o.id = r.organisation_id
    LEFT JOIN organisation s ON s.id = COALESCE(o.merged_into_id, o.id)
    WHERE e.programme_id = :programme AND e.status = 'published' AND e.starts_at < :now
)
SELECT {group} COUNT(*), COUNT(DISTINCT person_id), COUNT(DISTINCT organisation_id)
FROM att {group_by}
"""


def bare_aggregate(programme_id: int) -> dict:
    from sqlalchemy import DateTime, bindparam, select, text

    from eventsapp.extensions import db
    from eventsapp.models import Sector, utcnow

    individual = db.session.scalar(select(Sector.id).where(Sector.code == "individual"))
    params = {"programme": programme_id, "individual": individual, "now": utcnow()}
    out = {}
    for name, column in (("total", None), ("sector", "sector_id"), ("region", "region_id"),
                         ("event", "event_id")):
        sql = BARE_SQL.format(group=f"{column}," if column else "",
                              group_by=f"GROUP BY {column}" if column else "")
        statement = text(sql).bindparams(bindparam("now", type_=DateTime))
        out[name] = db.session.execute(statement, params).all()
    return {"attendances": out["total"][0][0], "people": out["total"][0][1],
            "organisations": out["total"][0][2], "sectors": len(out["sector"])}


def worker(url: str, programme_id: int, kind: str, repeats: int) -> dict:
    """Runs in a fresh process (bench.worker): time one side, best of ``repeats``."""
    from bench.generate import make_app
    from eventsapp.extensions import db

    app = make_app(url, CHECK_DATABASE_ON_START=False)
    with app.app_context():
        if kind == "report":
            build_report = feature("eventsapp.reports.build", "build_report")
            scope_class = feature("eventsapp.reports.aggregate", "ReportScope")
            seconds, report = best_of(repeats, build_report, scope_class(programme_id=programme_id))
            figures = report.figures
            summary = {"attendances": figures.attendances, "people": figures.people,
                       "organisations": figures.organisations}
        else:
            seconds, summary = best_of(repeats, bare_aggregate, programme_id)
        db.session.remove()
    return {"seconds": seconds, **summary}


def run(ctx: Context) -> list[Row]:
    feature("eventsapp.reports.build", "build_report")
    rows: list[Row] = []
    backends = ["sqlite"] + (["postgresql"] if ctx.pg_url else [])
    repeats = 2 if ctx.scale >= 0.5 else 3
    for backend in backends:
        url, counts = ctx.dataset(backend)
        bare = measure("bench.benchmarks.b3_report:worker", url=url, programme_id=counts.programme_id,
                       kind="bare", repeats=repeats)
        report = measure("bench.benchmarks.b3_report:worker", url=url, programme_id=counts.programme_id,
                         kind="report", repeats=repeats)
        r = ratio(report["seconds"], bare["seconds"])
        same = all(report[k] == bare[k] for k in ("attendances", "people", "organisations"))
        note = "" if same else (
            f"figures differ: report {report['attendances']}/{report['people']}/{report['organisations']}"
            f" vs bare {bare['attendances']}/{bare['people']}/{bare['organisations']}"
        )
        label = f"build_report(programme), {report['attendances']:,} attendances ({backend})"
        rows.append(Row("B3", label, fmt_seconds(report["seconds"]), fmt_seconds(bare["seconds"]) + " bare SQL",
                        r, f"<= {TIME_TARGET} x bare", r is not None and r <= TIME_TARGET, note,
                        data={"report": report, "bare": bare}))
        rss = report["peak_rss_mb"]
        rows.append(Row("B3", f"report peak RSS ({backend})", f"{rss:.0f} MB",
                        f"{bare['peak_rss_mb']:.0f} MB bare SQL", ratio(rss, bare["peak_rss_mb"]),
                        f"<= {RSS_TARGET_MB} MB", rss <= RSS_TARGET_MB))
    return rows
