"""Programmes: the public page of each, and coordinators creating and editing them."""

from flask import Blueprint

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
