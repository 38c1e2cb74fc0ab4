"""Signing in and out."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from eventsapp.auth import two_step_views, views  # noqa: E402,F401
