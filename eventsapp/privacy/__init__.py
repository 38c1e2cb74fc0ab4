"""Data protection: the privacy notice, retention, erasure, subject access and the access log."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

from eventsapp.privacy import views  # noqa: E402,F401
from eventsapp.privacy.access_log import log_personal_data_response  # noqa: E402

bp.after_app_request(log_personal_data_response)
