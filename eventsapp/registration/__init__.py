"""Registration: the attendee's journey, capacity and waitlist, self-service, email."""

from flask import Blueprint

bp = Blueprint("registration", __name__)
