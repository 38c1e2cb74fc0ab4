"""Error pages for people (HTML) and for /api/ (JSON).

A request that fails its CSRF check (a token that expired with the session,
is missing, or was sent from another site) answers 400 and runs nothing: the
view is never called, so no side effect (database or not) can happen. People
see a short page telling them to go back, reload and send the form again.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from eventsapp.extensions import db

#: Templates for the errors people meet; others use the generic page.
PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
    500: "errors/500.html",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(error: HTTPException):
    code = error.code or 500
    if wants_json():
        return jsonify(error=error.name, status=code, message=error.description), code
    template = PAGES.get(code, "errors/generic.html")
    return render_template(template, error=error), code


def handle_http_error(error: HTTPException):
    return render_error(error)


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return render_error(error)
    return render_error(InternalServerError())


def handle_csrf_error(error: CSRFError):
    """400 without running the view: nothing the request asked for happens."""
    db.session.rollback()
    if wants_json():
        return render_error(error)
    return render_template("errors/csrf.html", error=error), 400


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
