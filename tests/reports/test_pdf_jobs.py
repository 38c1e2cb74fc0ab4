"""Large report PDFs are made by a worker (a file job); small ones, and one event's, stay inline.

The known world has 358 attendances; the limit is set below that here, so the programme's report
goes through a job (run eagerly) and one event's, or a scope under the limit, does not."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from tests.reports.conftest import HEADLINE

pytestmark = pytest.mark.parametrize("app", [{"REPORT_PDF_INLINE_MAX_ATTENDANCES": 100}], indirect=True)

FIGURES = {"Events held": 11, "Regions": 7, "People": 346, "Attendances": 358, "Organisations": 235}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_a_large_report_is_made_by_a_worker_and_downloaded_from_its_job(client, db, known, coordinator):
    url = f"/reports/report.pdf?programme={known.programme.slug}"
    offer = client.get(url)
    assert offer.status_code == 200 and offer.mimetype == "text/html"
    assert "made in the background" in offer.get_data(as_text=True)
    started = client.post(url)
    assert started.status_code == 302 and started.headers["Location"].startswith("/files/")
    job_url = started.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "Programme report: Known Programme (PDF)" in page and "is ready" in page
    download = client.get(job_url + "/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == f'attachment; filename="report-programme-{known.programme.slug}.pdf"'
    reader = pypdf.PdfReader(io.BytesIO(download.data))
    assert reader.metadata.title == "Programme report: Known Programme"
    summary = reader.pages[1].extract_text()
    assert " ".join(HEADLINE.split()) in " ".join(summary.split())
    for label, value in FIGURES.items():
        assert re.search(rf"^\s*{label}\s*\n\s*{value:,}$", summary, re.MULTILINE), label


def test_one_events_report_and_a_small_scope_stay_inline(client, db, known, coordinator):
    event_pdf = client.get(f"/reports/events/{known.events[0]}/report.pdf")
    assert event_pdf.status_code == 200 and event_pdf.mimetype == "application/pdf"
    assert "Attendances" in pdf_text(event_pdf.data)
    small = client.get(f"/reports/report.pdf?event={known.events[0]}")
    assert small.status_code == 200 and small.mimetype == "application/pdf"
    text = pdf_text(small.data)
    assert "Attendances" in text
    # A POST for a small scope (a stale page) goes back to the inline PDF.
    again = client.post(f"/reports/report.pdf?event={known.events[0]}")
    assert again.status_code == 303 and "/reports/report.pdf?event=" in again.headers["Location"]


def test_the_report_job_is_its_requesters_alone(app, client, db, known, coordinator):
    from tests import factories

    job_url = client.post(f"/reports/report.pdf?programme={known.programme.slug}").headers["Location"]
    other = app.test_client()
    stranger = factories.make_user(role="coordinator", organisation=factories.make_organisation("Elsewhere"))
    db.session.commit()
    other.post("/auth/login", data={"email": stranger.email, "password": factories.PASSWORD})
    assert other.get(job_url).status_code == 404 and other.get(job_url + "/download").status_code == 404
