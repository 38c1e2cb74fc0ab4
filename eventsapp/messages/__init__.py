"""Messages to registrants: an organiser writes to an event's registrants, a coordinator to a
programme's attendees who agreed to hear about the network; one-click unsubscribe (RFC 8058)."""

from flask import Blueprint

bp = Blueprint("messages", __name__)
