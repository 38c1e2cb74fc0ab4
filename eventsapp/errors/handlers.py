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


def problem(error: HTTPException):
    """RFC 9457 problem details for an API error; ``error`` and ``message`` kept for older clients.

    Validation messages (webargs' ``messages``) are under ``errors``; 401 names the Bearer scheme.
    """
    code = error.code or 500
    body = {"type": "about:blank", "title": error.name, "status": code, "detail": error.description,
            "instance": request.path, "error": error.name, "message": error.description}
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        body["errors"] = messages
        body["detail"] = body["message"] = "Some parameters could not be read."
    response = jsonify(body)
    response.status_code = code
    response.mimetype = "application/problem+json"
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="eventsapp"'
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def render_error(error: HTTPException):
    code = error.code or 500
    if wants_json():
        return problem(error)
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
