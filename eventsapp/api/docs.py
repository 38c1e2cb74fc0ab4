"""The OpenAPI description (/api/v1/openapi.json) and its reference page (/api/v1/docs), rendered
on the server from the same description: no script, nothing from another site."""

from __future__ import annotations

from flask import current_app, render_template

from eventsapp.api import api, docs_bp

DESCRIPTION = (
    "Events, registrations and attendance, the network directory, stories and report figures. "
    "Authenticate with a personal access token (`Authorization: Bearer ea_…`, made on your account's "
    "API tokens page); a signed-in browser session may read. Lists are paged with `cursor` (pass back "
    "`next_cursor`); reads carry an `ETag` and answer 304 to a matching `If-None-Match`; every error "
    "is RFC 9457 problem details (`application/problem+json`)."
)


def spec_dict() -> dict:
    return api.spec.to_dict()


@docs_bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 description of the API, generated from its views."""
    response = current_app.response_class(current_app.json.dumps(spec_dict(), sort_keys=False) + "\n",
                                          mimetype="application/json")
    return response


@docs_bp.get("/docs")
def reference():
    """The API reference, for people: every operation, its parameters and answers."""
    spec = spec_dict()
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                operations.append((path, method.upper(), operation))
    return render_template("api/reference.html", spec=spec, operations=operations, title="API reference")
