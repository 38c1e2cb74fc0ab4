"""Stories of good-relations work: written by hosts, moderated by coordinators, public when published."""

from flask import Blueprint

bp = Blueprint("stories", __name__, url_prefix="/stories")
