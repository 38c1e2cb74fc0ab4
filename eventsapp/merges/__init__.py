"""Organisation merges for coordinators: likely duplicates, merge, and undo."""

from flask import Blueprint

bp = Blueprint("merges", __name__, url_prefix="/organisations/merges")

from eventsapp.merges import views  # noqa: E402,F401
