"""The site administrator's view of background work: mail in the outbox and web import jobs."""

from flask import Blueprint

bp = Blueprint("operator", __name__, url_prefix="/operator")
