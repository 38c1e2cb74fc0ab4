"""The post-event feedback survey: the email with a personal link, the anonymous survey page,
each event's results and quotes, and each programme's questions."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
