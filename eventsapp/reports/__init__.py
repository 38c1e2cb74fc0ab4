"""Reports: exact, explainable figures for a programme, region, host or event.

``reports`` serves the page, PDF and CSV under /reports; ``reports_api``
serves the JSON at /api/v1/reports. Both take the same filters.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
api_bp = Blueprint("reports_api", __name__, url_prefix="/api/v1")

from eventsapp.reports import views  # noqa: E402,F401
