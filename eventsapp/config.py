"""Configuration defaults.

Precedence (later wins): these defaults, ``instance/config.py``, environment
variables, then the ``test_config`` mapping passed to :func:`create_app`.
"""

from __future__ import annotations

import os

#: Environment variables read at start-up, and the config key each one sets.
ENVIRONMENT_KEYS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "MAIL_URL": "MAIL_URL",
    "MAIL_FROM": "MAIL_FROM",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "APP_TIMEZONE": "APP_TIMEZONE",
    "PDF_FONT": "PDF_FONT",
    "EVENTSAPP_ENV": "EVENTSAPP_ENV",
    "SERVER_NAME": "SERVER_NAME",
    "PREFERRED_URL_SCHEME": "PREFERRED_URL_SCHEME",
    "PROXY_FIX": "PROXY_FIX",
    "LOGIN_LIMIT_PER_ACCOUNT": "LOGIN_LIMIT_PER_ACCOUNT",
    "LOGIN_LIMIT_PER_IP": "LOGIN_LIMIT_PER_IP",
    "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "LOGIN_LIMIT_PER_ACCOUNT_AND_IP",
    "CELERY_BROKER_URL": "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND": "CELERY_RESULT_BACKEND",
    "OUTBOX_MAX_ATTEMPTS": "OUTBOX_MAX_ATTEMPTS",
    "IMPORT_JOB_MAX_AGE_HOURS": "IMPORT_JOB_MAX_AGE_HOURS",
    "IMPORT_JOB_LEASE_SECONDS": "IMPORT_JOB_LEASE_SECONDS",
    "IMPORT_JOB_MAX_ATTEMPTS": "IMPORT_JOB_MAX_ATTEMPTS",
    "FILE_JOB_KEEP_HOURS": "FILE_JOB_KEEP_HOURS",
    "FILE_JOB_LEASE_SECONDS": "FILE_JOB_LEASE_SECONDS",
    "FILE_JOB_MAX_ATTEMPTS": "FILE_JOB_MAX_ATTEMPTS",
    "REPORT_PDF_INLINE_MAX_ATTENDANCES": "REPORT_PDF_INLINE_MAX_ATTENDANCES",
    "IMPORT_MAX_UNCOMPRESSED_MB": "IMPORT_MAX_UNCOMPRESSED_MB",
    "IMPORT_MAX_PART_MB": "IMPORT_MAX_PART_MB",
    "IMPORT_MAX_RATIO": "IMPORT_MAX_RATIO",
    "IMPORT_MAX_PARTS": "IMPORT_MAX_PARTS",
    "STORY_PHOTO_MAX_BYTES": "STORY_PHOTO_MAX_BYTES",
    "NETWORK_CONTACT_LIMIT": "NETWORK_CONTACT_LIMIT",
    "RESOURCE_MAX_BYTES": "RESOURCE_MAX_BYTES",
    "WEBHOOK_ALLOWED_HOSTS": "WEBHOOK_ALLOWED_HOSTS",
    "WEBHOOK_ALLOW_LOOPBACK": "WEBHOOK_ALLOW_LOOPBACK",
    "WEBHOOK_TIMEOUT_SECONDS": "WEBHOOK_TIMEOUT_SECONDS",
    "EMBED_FRAME_ANCESTORS": "EMBED_FRAME_ANCESTORS",
    "SURVEY_LINK_DAYS": "SURVEY_LINK_DAYS",
    "SURVEY_LOOKBACK_DAYS": "SURVEY_LOOKBACK_DAYS",
    "PRIVACY_CONTROLLER_NAME": "PRIVACY_CONTROLLER_NAME",
    "PRIVACY_CONTROLLER_ADDRESS": "PRIVACY_CONTROLLER_ADDRESS",
    "PRIVACY_CONTACT_EMAIL": "PRIVACY_CONTACT_EMAIL",
    "PRIVACY_NOTICE_VERSION": "PRIVACY_NOTICE_VERSION",
    "RETENTION_NEEDS_DAYS": "RETENTION_NEEDS_DAYS",
    "RETENTION_PERSON_MONTHS": "RETENTION_PERSON_MONTHS",
    "RETENTION_ACCESS_LOG_DAYS": "RETENTION_ACCESS_LOG_DAYS",
    "EQUALITY_FINAL_AFTER_DAYS": "EQUALITY_FINAL_AFTER_DAYS",
    "TOTP_REQUIRED": "TOTP_REQUIRED",
}


class DefaultConfig:
    #: "production" (the default) refuses to start without SECRET_KEY;
    #: "development" is what ``make run`` uses.
    EVENTSAPP_ENV = "production"
    SECRET_KEY: str | None = None
    #: None means a SQLite file ``instance/eventsapp.db``.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: Check that the database answers when the app starts (one-line error if not).
    CHECK_DATABASE_ON_START = True
    #: None writes each message as an .eml file into ``instance/outbox``.
    MAIL_URL: str | None = None
    MAIL_FROM = "eventsapp <no-reply@eventsapp.invalid>"
    #: Celery's broker; None means a SQLite file ``instance/celery-broker.sqlite`` (one machine).
    CELERY_BROKER_URL: str | None = None
    CELERY_RESULT_BACKEND: str | None = None
    #: Delivery attempts before an outbox message is marked failed (backoff 1, 2, 4 … 60 minutes).
    OUTBOX_MAX_ATTEMPTS = 8
    #: Web import jobs (and their uploads, personal data) are removed this long after their last change.
    IMPORT_JOB_MAX_AGE_HOURS = 48
    #: A worker's claim on an import pass without news from it; then beat's sweep starts the pass
    #: again (a dead worker), up to IMPORT_JOB_MAX_ATTEMPTS passes, then marks the job failed.
    IMPORT_JOB_LEASE_SECONDS = 300
    IMPORT_JOB_MAX_ATTEMPTS = 3
    #: Files prepared in the background (programme exports, large report PDFs, web restores): the
    #: results are removed this long after the job ended; a worker's claim and passes as for imports.
    FILE_JOB_KEEP_HOURS = 24
    FILE_JOB_LEASE_SECONDS = 300
    FILE_JOB_MAX_ATTEMPTS = 3
    #: A report PDF covering more attendances than this is made by a worker (one event's: always inline).
    REPORT_PDF_INLINE_MAX_ATTENDANCES = 2000
    #: Webhook endpoints may only be public addresses, over HTTPS; these host names or networks
    #: (comma-separated, e.g. "hooks.internal, 10.20.0.0/16") may be private too (still HTTPS).
    WEBHOOK_ALLOWED_HOSTS = ""
    #: Allow loopback endpoints (127.0.0.1, ::1), also over plain HTTP: tests and a local receiver.
    WEBHOOK_ALLOW_LOOPBACK = False
    WEBHOOK_TIMEOUT_SECONDS = 10
    #: Who may frame the embeddable event list: "*" (any site) or origins separated by spaces.
    EMBED_FRAME_ANCESTORS = "*"
    #: Feedback survey: a link works this many days; events that ended longer ago than the lookback are not surveyed.
    SURVEY_LINK_DAYS = 60
    SURVEY_LOOKBACK_DAYS = 14
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    APP_TIMEZONE = "Europe/London"
    PDF_FONT: str | None = None
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    #: Limits for an uploaded .xlsx (a ZIP archive) once expanded: all parts, any one part (openpyxl
    #: holds the shared strings part in memory), expanded/stored ratio, number of parts.
    #: See eventsapp/imports/archives.py.
    IMPORT_MAX_UNCOMPRESSED_MB = 200
    IMPORT_MAX_PART_MB = 64
    IMPORT_MAX_RATIO = 100
    IMPORT_MAX_PARTS = 500
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    EVENTS_PER_PAGE = 20
    #: The largest photo a story accepts (bytes, as uploaded); it is re-encoded without metadata.
    STORY_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    STORIES_PER_PAGE = 12
    #: Messages one client address may send through the network directory's contact forms.
    NETWORK_CONTACT_LIMIT = "5 per hour;20 per day"
    #: The largest file a host may share in the resource library (below MAX_CONTENT_LENGTH, so the
    #: form can say so at the field instead of the 413 page).
    RESOURCE_MAX_BYTES = 10 * 1024 * 1024
    #: The data controller named in the privacy notice (/privacy), and how to reach them. Unset, the
    #: notice shows a synthetic controller in development (``make run``, the demo) and, in
    #: production, a placeholder telling the administrator to set PRIVACY_CONTROLLER_NAME.
    PRIVACY_CONTROLLER_NAME = ""
    PRIVACY_CONTROLLER_ADDRESS = ""
    PRIVACY_CONTACT_EMAIL = "privacy@eventsapp.invalid"
    #: Raise this whenever the site notice changes: each registration records the version agreed to.
    PRIVACY_NOTICE_VERSION = "2026-12-05"
    #: Retention (eventsapp/privacy/retention.py): access and dietary needs are removed this many days
    #: after the event; names, emails and job titles are anonymised this many months after a person's
    #: last event; the personal-data access log is kept this many days.
    RETENTION_NEEDS_DAYS = 30
    RETENTION_PERSON_MONTHS = 24
    RETENTION_ACCESS_LOG_DAYS = 365
    #: An event's attendance is final (its equality answers are unlinked from registrations) when an
    #: organiser says so at the desk, or this many days after the event ended.
    EQUALITY_FINAL_AFTER_DAYS = 7
    #: Require two-step sign-in (TOTP) of every account that can see personal data (any membership,
    #: or the administrator): until they set it up, such accounts reach only the set-up page.
    TOTP_REQUIRED = False


def from_environment(environ: os._Environ | dict | None = None) -> dict:
    """Return the config keys set by environment variables."""
    environ = os.environ if environ is None else environ
    return {key: environ[var] for var, key in ENVIRONMENT_KEYS.items() if environ.get(var)}


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` forms that hosts hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
