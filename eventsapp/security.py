"""Security headers on every response, HTTPS-only cookies, and the reverse proxy.

- Every response carries the CSP (no inline scripts or styles), ``nosniff``,
  ``Referrer-Policy`` and ``frame-ancestors 'none'`` with ``X-Frame-Options: DENY``;
  only views marked :func:`frameable` (the embeddable event list) may be framed, by
  the sites in ``EMBED_FRAME_ANCESTORS`` (default ``*``: any site).
- Served over HTTPS (the request is secure, or ``PREFERRED_URL_SCHEME=https``):
  HSTS, and every cookie the app sets (session, remember-me) is ``Secure``.
- Personal data is never stored by a browser or shared cache: every response
  to a signed-in user (pages, JSON, exports) and every view marked
  :func:`personal_data` (the attendee's booking pages, whose signed link is
  the key) says ``Cache-Control: private, no-store``. Public pages keep their
  own caching.
- Behind a reverse proxy, ``PROXY_FIX=1`` (the number of proxies in front)
  trusts their ``X-Forwarded-For/-Proto/-Host/-Port`` headers, so
  ``request.is_secure`` and the client address (used by the login rate
  limit) are right. Never set it without a proxy: clients could forge them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Request, Response, current_app, g, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)

HSTS = "max-age=31536000; includeSubDomains"

NO_STORE = "private, no-store"

View = TypeVar("View", bound=Callable)


def init_app(app: Flask) -> None:
    """Apply the HTTPS and proxy settings; call once from the app factory."""
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.request_class = SizeLimitedRequest
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)
    proxies = proxy_count(app.config.get("PROXY_FIX", os.environ.get("PROXY_FIX")))
    if proxies:  # outermost, so the scheme is known before cookies are judged
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.after_request(add_security_headers)
    app.after_request(no_store_for_personal_data)


def proxy_count(value) -> int:
    """``PROXY_FIX`` as a number of proxies: "1"/"true"/"yes" mean one; blank/"0"/"false" none."""
    if value is None or value is False:
        return 0
    text = str(value).strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return 0
    if text in ("true", "yes", "on"):
        return 1
    if not text.isdigit():
        raise ValueError(f"PROXY_FIX must be a number of proxies, not {value!r}")
    return int(text)


def frameable(view: View) -> View:
    """Mark a view other websites may show in a frame (``frame-ancestors`` from ``EMBED_FRAME_ANCESTORS``,
    no ``X-Frame-Options``). Every other response refuses to be framed."""
    view.frameable = True
    return view


def frame_ancestors() -> str:
    """``EMBED_FRAME_ANCESTORS``: ``*`` (any site) or a space- or comma-separated list of origins."""
    value = current_app.config.get("EMBED_FRAME_ANCESTORS") or "*"
    if not isinstance(value, str):
        value = " ".join(value)
    sources = [s for s in value.replace(",", " ").split() if s and ";" not in s]
    return " ".join(sources) or "'none'"


def _is_frameable() -> bool:
    endpoint = request.endpoint
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, "frameable", False))


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    if _is_frameable():
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY.replace(
            "frame-ancestors 'none'", f"frame-ancestors {frame_ancestors()}"))
    else:
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
    # Behind a TLS-terminating proxy without PROXY_FIX the request looks like HTTP, but
    # PREFERRED_URL_SCHEME=https says the site is served over HTTPS: browsers honour the
    # header because they receive it over HTTPS (and ignore it over plain HTTP).
    if request.is_secure or current_app.config.get("PREFERRED_URL_SCHEME") == "https":
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def personal_data(view: View) -> View:
    """Mark a view whose responses hold personal data for whoever holds its URL (no account):
    they are answered ``Cache-Control: private, no-store`` (see :func:`no_store_for_personal_data`)."""
    view.personal_data = True
    return view


def no_store_for_personal_data(response: Response) -> Response:
    """``private, no-store`` on every response to a signed-in user and of every :func:`personal_data`
    view, replacing any other caching the view chose; anonymous public responses are left alone."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return response
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "personal_data", False) or signed_in():
        response.headers["Cache-Control"] = NO_STORE
        response.headers.pop("Expires", None)
    return response


def signed_in() -> bool:
    """Whether this request is a signed-in user's, without loading anything.

    The session's user id (Flask-Login's), or a user the view already loaded (e.g. from the
    remember-me cookie). ``current_user.is_authenticated`` is not asked: it may read the user's
    row again after the view ended its transaction (the desk's search reads outside one).
    """
    if session.get("_user_id") is not None:
        return True
    user = g.get("_login_user")
    return user is not None and not user.is_anonymous


class SizeLimitedRequest(Request):
    """``MAX_FORM_MEMORY_SIZE`` also limits a whole url-encoded form.

    Werkzeug applies it to multipart fields only, so without this an ordinary
    form could send up to ``MAX_CONTENT_LENGTH`` (meant for uploads) of text.
    A larger body answers 413 before it is read.
    """

    @property
    def max_content_length(self) -> int | None:
        limit = Request.max_content_length.fget(self)
        if self.mimetype == "application/x-www-form-urlencoded" and current_app:
            form_limit = current_app.config.get("MAX_FORM_MEMORY_SIZE")
            if form_limit is not None:
                limit = form_limit if limit is None else min(limit, form_limit)
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)


class SecureCookiesOverHttps:
    """WSGI middleware: on an HTTPS request, every ``Set-Cookie`` gets ``Secure``.

    Middleware rather than ``after_request`` because Flask writes the session
    cookie (and Flask-Login the remember cookie) after those hooks have run.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [
                (name, value + "; Secure")
                if name.lower() == "set-cookie" and "; secure" not in value.lower()
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)
