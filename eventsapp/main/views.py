from __future__ import annotations

from flask import jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from eventsapp.extensions import db
from eventsapp.main import bp
from eventsapp.main.services import upcoming_events


@bp.get("/")
def index():
    """The home page: published events that have not yet ended."""
    return render_template("main/index.html", events=upcoming_events(limit=12))


@bp.get("/healthz")
def healthz():
    """200 with ``{"status": "ok"}`` when the database answers, else 503."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
