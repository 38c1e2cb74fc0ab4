"""Organisation merges for coordinators: likely duplicates, merge, and undo."""

from flask import Blueprint

bp = Blueprint("merges", __name__, url_prefix="/organisations/merges")
