"""Host organisations and their members: list, create, edit, invite, remove."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations")
