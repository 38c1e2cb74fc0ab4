"""Error pages: HTML for people, JSON under /api/."""

from flask import Blueprint

bp = Blueprint("errors", __name__)
