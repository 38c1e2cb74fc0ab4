"""Public event listings and pages, and scheduling events for organisers."""

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/events")
