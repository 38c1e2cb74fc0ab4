"""Small-number protection: no count of 1–7 from equality monitoring reaches any output,
and hidden counts cannot be worked out from the totals."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert, select

from eventsapp.models import Attendance, Registration
from eventsapp.models.equality import EqualityResponse
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from eventsapp.reports.suppression import SECONDARY, SMALL, protect_breakdown, round_to_five, small_count


def is_protected(shown: str) -> bool:
    """What a protected count may look like: 0, a multiple of 5 from 10 up, "<8", "[c]" or "<10"."""
    if shown in (SMALL, SECONDARY, "<10", "0"):
        return True
    return shown.isdigit() and int(shown) % 5 == 0 and int(shown) >= 10


def test_rules_of_one_breakdown():
    rows, total, note = protect_breakdown([("a", 3), ("b", 40), ("c", 12), ("d", 0)], 55)
    assert dict(rows) == {"a": SMALL, "b": "40", "c": SECONDARY, "d": "0"}
    assert total == "55" and "<8" in note
    rows, total, _ = protect_breakdown([("a", 9), ("b", 13)], 22)
    assert dict(rows) == {"a": "10", "b": "15"} and total == "20"  # total from the exact 22
    rows, total, note = protect_breakdown([("a", 5), ("b", 4)], 9)
    assert rows == () and total == "<10" and "Fewer than 10" in note
    rows, _, _ = protect_breakdown([("a", 2), ("b", 3), ("c", 30)], 35)
    assert dict(rows) == {"a": SMALL, "b": SMALL, "c": "30"}  # two hidden: neither follows from the total
    assert [round_to_five(n) for n in (8, 10, 12, 13, 17, 18)] == [10, 10, 10, 15, 15, 20]


def feasible(rows: tuple[tuple[str, str], ...], total: str, index: int, slack: int = 2) -> set[int]:
    """Every value cell ``index`` could have, given everything published.

    A shown count n could be n-2..n+2 (0 means 0); "<8" is 1..7; "[c]" is 8 or more (capped);
    the true total is total-2..total+2 and the cells add up to it.
    """
    def interval(shown: str) -> tuple[int, int]:
        if shown == SMALL:
            return 1, 7
        if shown == SECONDARY:
            return 8, 10_000
        n = int(shown)
        return (0, 0) if n == 0 else (max(8, n - slack), n + slack)

    lo_total, hi_total = int(total) - slack, int(total) + slack
    own_lo, own_hi = interval(rows[index][1])
    others = [interval(shown) for i, (_, shown) in enumerate(rows) if i != index]
    lo_others, hi_others = sum(lo for lo, _ in others), sum(hi for _, hi in others)
    return set(range(max(own_lo, lo_total - hi_others), min(own_hi, hi_total - lo_others) + 1))


@given(st.lists(st.integers(0, 60), min_size=2, max_size=8))
def test_suppressed_cells_cannot_be_reconstructed_from_the_totals(counts):
    total = sum(counts)
    rows, shown_total, _ = protect_breakdown([(str(i), n) for i, n in enumerate(counts)], total)
    if not rows:  # no breakdown: too few respondents, or every group small (the total would bound them)
        assert total < 10 or all(n <= 7 for n in counts)
        return
    for index, (_, shown) in enumerate(rows):
        assert is_protected(shown)
        if shown in (SMALL, SECONDARY):
            values = feasible(rows, shown_total, index)
            assert counts[index] in values  # the attack is sound...
            assert len(values) > 1, f"cell {index} ({counts[index]}) is exactly recoverable"  # ...and fails


def test_the_attack_would_work_without_protection():
    """The same reconstruction recovers a hidden cell exactly from exact, primary-only figures."""
    counts = [3, 40, 12]
    unprotected = (("a", SMALL), ("b", "40"), ("c", "12"))
    assert feasible(unprotected, str(sum(counts)), 0, slack=0) == {3}
    rows, total, _ = protect_breakdown([(label, n) for (label, _), n in zip(unprotected, counts, strict=True)],
                                       sum(counts))
    assert len(feasible(rows, total, 0)) > 1


def test_threshold_for_sector_and_region_tables_is_off_by_default(app):
    with app.app_context():
        assert small_count(3) == 3
        assert small_count(3, limit=5) == "<5" and small_count(0, limit=5) == 0 and small_count(5, limit=5) == 5


@pytest.fixture
def equality_world(known, db):
    """Equality answers from attendees, with several small groups; event 0 has fewer than 10."""
    attended = list(db.session.execute(
        select(Registration.id, Registration.event_id).join(Attendance).where(
            Registration.event_id.in_(known.events)).order_by(Registration.id)
    ))
    plan = (["white_british"] * 40 + ["asian_indian"] * 3 + ["black_african"] * 9 + ["other_arab"] * 1
            + ["prefer_not_to_say"] * 8 + [None] * 2)
    religions = ["christian"] * 30 + ["muslim"] * 6 + ["jewish"] * 2 + ["no_religion"] * 25
    rows = []
    chosen = [r for r in attended if r.event_id != known.events[0]][: len(plan)]
    for (registration_id, event_id), ethnicity, religion in zip(chosen, plan, religions, strict=True):
        rows.append({"event_id": event_id, "registration_id": registration_id, "ethnicity": ethnicity,
                     "religion": religion, "age_band": "35_49", "gender": "woman"})
    first_event = [r for r in attended if r.event_id == known.events[0]][:6]
    rows += [{"event_id": e, "registration_id": r, "ethnicity": "asian_chinese", "religion": "buddhist"}
             for r, e in first_event]
    db.session.execute(insert(EqualityResponse), rows)
    db.session.commit()
    return known


def test_report_holds_only_protected_equality_counts(equality_world, db):
    report = build_report(ReportScope(programme_id=equality_world.programme.id))
    assert report.equality_respondents == "70"  # 69 respondents, rounded
    ethnicity = {t.characteristic: t for t in report.equality}["ethnicity"]
    shown = dict(ethnicity.rows)
    assert shown["Indian"] == SMALL and shown["Arab"] == SMALL and shown["Chinese"] == SMALL
    assert shown["English, Welsh, Scottish, Northern Irish or British"] == "40"
    for table in report.equality:
        for _, value in table.rows:
            assert is_protected(value), (table.label, value)
    event_report = build_report(ReportScope(event_id=equality_world.events[0]))
    assert event_report.equality_respondents == "<10"
    assert all(table.rows == () for table in event_report.equality)


def _equality_numbers_in(text: str) -> list[str]:
    return re.findall(r"(?<![\w.,])(\d+|<8|\[c\])(?![\w.,%])", text)


def test_no_output_shows_an_equality_count_from_1_to_7(client, equality_world, coordinator):
    query = f"programme={equality_world.programme.slug}"
    payload = client.get(f"/api/v1/reports?{query}").get_json()
    monitoring = payload["equality_monitoring"]
    assert is_protected(monitoring["respondents"])
    for table in monitoring["tables"]:
        assert is_protected(table["respondents"])
        assert all(is_protected(row["count"]) for row in table["rows"])

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/reports/report.csv?{query}").data))
    rows = list(csv.reader(io.StringIO(archive.read("equality.csv").decode("utf-8-sig"))))
    assert len(rows) > 10 and all(is_protected(row[2]) for row in rows[1:])

    html = client.get(f"/reports/?{query}").get_data(as_text=True)
    section = html.split('id="equality"')[1].split('id="methodology"')[0]
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', section)
    assert cells and all(is_protected(cell.replace("&lt;", "<")) for cell in cells)

    pdf = pypdf.PdfReader(io.BytesIO(client.get(f"/reports/report.pdf?{query}").data))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    section = text.split("Equality monitoring")[1].split("How these figures are counted")[0]
    numbers = [line.strip() for line in section.splitlines() if re.fullmatch(r"\d+|<8|\[c\]", line.strip())]
    assert numbers and all(is_protected(n) for n in numbers)
    assert "Respondents: 70" in section


def test_threshold_setting_protects_sector_and_region_tables(app, client, known, coordinator):
    query = f"programme={known.programme.slug}"
    before = list(csv.reader(io.StringIO(
        client.get(f"/reports/report.csv?{query}&table=sectors").data.decode("utf-8-sig"))))
    assert ["Individual (no organisation)", "0", "8", "8"] in before  # off by default: exact
    app.config["REPORT_SMALL_NUMBER_THRESHOLD"] = 10
    after = list(csv.reader(io.StringIO(
        client.get(f"/reports/report.csv?{query}&table=sectors").data.decode("utf-8-sig"))))
    assert ["Individual (no organisation)", "0", "<10", "<10"] in after
    assert ["Community & voluntary", "80", "116", "128"] in after
    payload = client.get(f"/api/v1/reports?{query}").get_json()
    individual = next(row for row in payload["by_sector"] if row["code"] == "individual")
    assert individual["people"] == "<10"
