"""Data protection: the privacy notice, retention, erasure, subject access and the access log."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

from eventsapp.privacy import views  # noqa: E402,F401
