"""People kept apart and merged on purpose, for coordinators: find people, merge two, split one, undo."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")
