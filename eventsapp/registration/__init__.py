"""Registration: the attendee's journey, capacity and waitlist, self-service, email."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from eventsapp.registration import organiser, views  # noqa: E402,F401
