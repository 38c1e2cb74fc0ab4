"""``ETag`` on every successful API read, and ``304 Not Modified`` for a matching ``If-None-Match``."""

from __future__ import annotations

from flask import Response, request


def conditional(response: Response) -> Response:
    if not request.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
        return response
    if response.status_code != 200 or response.direct_passthrough:
        return response
    if "ETag" not in response.headers:  # a view may set its own (the report: its figures only)
        response.add_etag()
    return response.make_conditional(request)
