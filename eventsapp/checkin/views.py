"""Check-in views: thin — validate, call a service, commit, redirect."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import login_required

from eventsapp.checkin import bp
from eventsapp.extensions import db
from eventsapp.models import Registration
from eventsapp.tokens import read_token


@bp.get("/checkin/scan/<token>")
@login_required
def scan(token: str):
    """The page a door volunteer's phone opens from an attendee's QR code."""
    registration_id = read_token("checkin", token)
    registration = db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if registration is None:
        abort(404)
    return render_template("checkin/scan.html", registration=registration, token=token)
