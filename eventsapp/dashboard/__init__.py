"""The signed-in home: my organisations' events with their registration counts."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
