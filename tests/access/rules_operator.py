"""The administrator's operations page (eventsapp.operator): the administrator only."""

from tests.access.matrix import Rule, expect

ADMIN_ONLY = expect(403, anonymous=302, admin=200)

RULES = [
    Rule("operator.index", "GET", lambda w: {}, ADMIN_ONLY),
    Rule("operator.send_due", "POST", lambda w: {}, expect(403, anonymous=302, admin=302)),
    Rule("operator.retry_message", "POST", lambda w: {"message_id": 999_999}, expect(403, anonymous=302, admin=404),
         note="no such message"),
    Rule("operator.retry_import", "POST", lambda w: {"job_id": "no-such-job-at-all"},
         expect(403, anonymous=302, admin=404), note="no such job"),
]

RULES += [
    Rule("operator.retry_file_job", "POST", lambda w: {"job_id": "no-such-file-job-at-all"},
         expect(403, anonymous=302, admin=404), note="no such job"),
    Rule("operator.retry_file_job", "POST", lambda w: {"job_id": "matrix-restore-of-admin"},
         expect(403, anonymous=302, admin=302), note="the failed restore (rules_files.py)"),
]
