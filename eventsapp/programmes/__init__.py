"""Programmes: the public page of each, and coordinators creating and editing them."""

from flask import Blueprint

bp = Blueprint("programmes", __name__, url_prefix="/programmes")

from eventsapp.programmes import views  # noqa: E402,F401
