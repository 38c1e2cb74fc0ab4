"""Other tools' exports import with the right mapping and exact figures (issue 17, recognition by meaning)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from eventsapp.imports.parsing import FIELDS
from eventsapp.models import Registration
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from tests.imports.conftest import table_counts
from tests.imports.tools import TOOLS


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_a_tool_export_imports_with_the_right_mapping_and_exact_figures(tool, runner, db, tmp_path, make_event,
                                                                        make_programme):
    export = TOOLS[tool]()
    path = tmp_path / export.filename
    path.write_bytes(export.data)
    if tool == "ticket_tailor":
        programme = make_programme(slug="leeds")
        event = make_event(programme=programme, title="Good Relations in Leeds",
                           starts_at=datetime(2024, 3, 14, 18, 30))
        target = ["--programme", "leeds"]
    else:
        event = make_event(starts_at=datetime(2024, 3, 14, 9, 30))
        target = ["--event", str(event.id)]
    if export.options:  # a form's responses say nothing of attendance: refused until the user chooses
        before = table_counts(db)
        refused = runner.invoke(args=["import-attendance", str(path), *target])
        assert refused.exit_code == 1 and "--all-attended" in refused.output
        db.session.expire_all()
        assert table_counts(db) == before
    result = runner.invoke(args=["import-attendance", str(path), *target, *export.options])
    assert result.exit_code == 0, result.output

    for header, field_name in export.mapping.items():
        if field_name:
            assert f"“{header}” → {FIELDS[field_name]} (e.g. " in result.output, header
    ignored = [h for h, f in export.mapping.items() if not f]
    if ignored:
        assert "Ignored columns: " + ", ".join(f"“{h}”" for h in ignored) in result.output

    figures = build_report(ReportScope(event_id=event.id)).figures
    assert (figures.registrations, figures.cancellations, figures.attendances, figures.people,
            figures.organisations) == (export.registrations, export.cancelled, export.attendances, export.people,
                                       export.organisations)
    assert db.session.scalar(select(func.count(Registration.id))) == export.registrations + export.cancelled
