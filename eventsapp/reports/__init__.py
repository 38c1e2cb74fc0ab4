"""Reports: exact, explainable figures for a programme, region, host or event.

``reports`` serves the page, PDF and CSV under /reports; ``reports_api``
serves the JSON at /api/v1/reports. Both take the same filters.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
#: Part of the REST API (eventsapp.api): described in /api/v1/openapi.json.
api_bp = ApiBlueprint("reports_api", __name__, url_prefix="/api/v1",
                      description="Report figures, the same as the report page's.")
