"""Error pages for people (HTML) and for /api/ (JSON).

A CSRF failure on a form (a token that expired with the session, or is
missing) does not throw the person's work away: the same view is run again
in a *replay* mode in which ``form.validate_on_submit()`` is always False and
any database commit is refused, so the view re-renders its form with the
input kept, and the page explains what happened. A view that does not use a
form (or tries to change anything) gets the plain "form expired" page.
"""

from __future__ import annotations

from flask import Flask, current_app, flash, g, has_request_context, jsonify, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session
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

#: CSRF failures about the token itself, which form validation also detects.
TOKEN_REASONS = {
    "The CSRF token is missing.",
    "The CSRF session token is missing.",
    "The CSRF token has expired.",
    "The CSRF token is invalid.",
    "The CSRF tokens do not match.",
}

CSRF_MESSAGE = (
    "This form had expired (for example, you were signed out, or the page was open for a long time), "
    "so nothing was saved. Your entries are below: check them and send the form again."
)


class ReplayCommitRefused(RuntimeError):
    """A view tried to commit while being replayed after a CSRF failure."""


def in_csrf_replay() -> bool:
    return has_request_context() and bool(g.get("csrf_replay"))


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
    if wants_json() or request.method != "POST" or error.description not in TOKEN_REASONS:
        return render_error(error)
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return render_error(error)
    g.csrf_replay = True
    try:
        response = current_app.make_response(view(**(request.view_args or {})))
    except (ReplayCommitRefused, HTTPException):
        response = None
    finally:
        g.csrf_replay = False
    if response is None or response.status_code >= 300 and response.status_code < 400:
        # Not a form view: nothing was saved; say so plainly.
        db.session.rollback()
        return render_error(error)
    db.session.rollback()
    response.status_code = 400
    return response


def _refuse_commit_in_replay(session) -> None:
    if in_csrf_replay():
        raise ReplayCommitRefused("no commits while replaying a request that failed its CSRF check")


def _install_replay_guards() -> None:
    if getattr(FlaskForm, "_eventsapp_replay_guard", False):
        return
    original = FlaskForm.validate_on_submit

    def validate_on_submit(self, extra_validators=None):
        if in_csrf_replay():
            if self.is_submitted():
                self.validate(extra_validators=extra_validators)
                if not g.get("csrf_flashed"):
                    flash(CSRF_MESSAGE, "warning")
                    g.csrf_flashed = True
            return False
        return original(self, extra_validators=extra_validators)

    FlaskForm.validate_on_submit = validate_on_submit
    FlaskForm._eventsapp_replay_guard = True
    event.listen(Session, "before_commit", _refuse_commit_in_replay)


def register(app: Flask) -> None:
    _install_replay_guards()
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
