"""Attendance: the check-in desk, QR check-in, walk-ins, sign-in sheets and badges."""

from flask import Blueprint

from eventsapp.checkin.search import install_listener

# Routes nest under their event (/events/<id>/checkin) except the QR link (/checkin/scan/<token>).
bp = Blueprint("checkin", __name__)
install_listener()
