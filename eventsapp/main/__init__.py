"""Public pages that belong to no other area: home and health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)
