"""Access rules for files prepared in the background (/files): the job page, its progress, the
download, trying again; and the routes that start them (programme export, restore, large report PDF).

A programme's export is for whoever may export that programme (its coordinators and the
administrator), whoever asked for it; a report PDF for the user who asked for it while they may
still see its scope; a restore for the administrator who uploaded it. Everyone else: 404.
"""

from __future__ import annotations

from tests.access.matrix import Rule, expect

EXPORT_ID = "matrix-export-of-programme-a"
REPORT_ID = "matrix-report-pdf-of-organiser-a"
RESTORE_ID = "matrix-restore-of-admin"
EXPORT = lambda w: {"job_id": EXPORT_ID}  # noqa: E731
REPORT = lambda w: {"job_id": REPORT_ID}  # noqa: E731
RESTORE = lambda w: {"job_id": RESTORE_ID}  # noqa: E731
MISSING = lambda w: {"job_id": "no-such-file-job-000000"}  # noqa: E731

EXPORTERS = expect(404, coordinator=200, admin=200, anonymous=302)
EXPORTERS_POST = expect(404, coordinator=302, admin=302, anonymous=302)
REQUESTER = expect(404, organiser_a=200, admin=404, anonymous=302)
REQUESTER_POST = expect(404, organiser_a=302, admin=404, anonymous=302)
ADMIN_ONLY = expect(404, admin=200, anonymous=302)
ADMIN_ONLY_POST = expect(404, admin=302, anonymous=302)
NOBODY = expect(404, anonymous=302)


def extend_world(world) -> None:
    from eventsapp.extensions import db
    from eventsapp.files import jobs

    db.session.commit()
    users = world.users
    # Made eagerly here: the export and the PDF are done, the restore of a non-ZIP has failed.
    jobs.create("programme_export", users["coordinator"], programme_id=world.programme.id,
                title="Export of the matrix programme", job_id=EXPORT_ID)
    jobs.create("report_pdf", users["organiser_a"], scope={"host": str(world.org_a.id)},
                title="Host A (PDF)", filename="report-host.pdf", job_id=REPORT_ID)
    jobs.create("programme_restore", users["admin"], upload=b"not a zip", title="Restore", job_id=RESTORE_ID)


RULES = [
    Rule("files.job", "GET", EXPORT, EXPORTERS, note="programme A's export"),
    Rule("files.job", "GET", REPORT, REQUESTER, note="organiser A's report PDF"),
    Rule("files.job", "GET", RESTORE, ADMIN_ONLY, note="the administrator's restore (failed)"),
    Rule("files.job", "GET", MISSING, NOBODY, note="no such job"),
    Rule("files.progress", "GET", EXPORT, EXPORTERS, note="programme A's export"),
    Rule("files.progress", "GET", REPORT, REQUESTER, note="organiser A's report PDF"),
    Rule("files.progress", "GET", MISSING, NOBODY, note="no such job"),
    Rule("files.download", "GET", EXPORT, EXPORTERS, note="programme A's export"),
    Rule("files.download", "GET", REPORT, REQUESTER, note="organiser A's report PDF"),
    Rule("files.download", "GET", RESTORE, NOBODY, note="a restore has nothing to download"),
    Rule("files.download", "GET", MISSING, NOBODY, note="no such job"),
    Rule("files.retry", "POST", EXPORT, EXPORTERS_POST, note="programme A's export (not failed)"),
    Rule("files.retry", "POST", REPORT, REQUESTER_POST, note="organiser A's report PDF (not failed)"),
    Rule("files.retry", "POST", RESTORE, ADMIN_ONLY_POST, note="the administrator's failed restore"),
    Rule("files.retry", "POST", MISSING, NOBODY, note="no such job"),
]
