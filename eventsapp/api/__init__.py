"""The REST API v1 (/api/v1): events, registrations and attendance, organisations, stories, reports.

Built with flask-smorest on the app's own Flask object: the OpenAPI 3.1 description is generated
from the views' schemas (``/api/v1/openapi.json``, read at ``/api/v1/docs``). Errors are RFC 9457
problem details (eventsapp.errors.handlers). Authentication: eventsapp.api.auth.
"""

from __future__ import annotations

import http

from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response

from eventsapp.api.schemas import ProblemSchema

#: Default requests per token (or per address without one); ``API_RATE_LIMIT`` overrides.
API_RATE_LIMIT = "300 per minute"
PROBLEM_TYPE = "application/problem+json"


class EventsappApi(Api):
    """flask-smorest's Api without its error handler and doc pages: the app answers errors itself
    (HTML for people, problem details under /api/) and serves the description and reference."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_doc_blueprint(self):
        pass

    def _register_responses(self):
        """Every error is documented as problem details (``application/problem+json``)."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                content_type = PROBLEM_TYPE
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


api = EventsappApi()
_LIMITED: set[str] = set()
bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Events, registrations, attendance, "
               "organisations and stories.")
#: The description and its reference page (not part of the description itself).
docs_bp = FlaskBlueprint("api_docs", __name__, url_prefix="/api/v1")
#: The token page for signed-in people.
tokens_bp = FlaskBlueprint("api_tokens", __name__, url_prefix="/account/api-tokens")


def init_app(app: Flask, *, report_blueprint) -> None:
    """Bind the API to ``app``: the description, the blueprints, token authentication and limits."""
    from eventsapp.api import auth, caching, docs, token_views, views  # noqa: F401  (routes)
    from eventsapp.extensions import csrf, limiter

    app.config.setdefault("API_TITLE", "eventsapp API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_RATE_LIMIT", API_RATE_LIMIT)
    api.init_app(app, spec_kwargs={"info": {"description": docs.DESCRIPTION}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                                   "description": "A personal access token (ea_…)."})
    api.spec.options["security"] = [{"bearer": []}, {}]
    for blueprint in (bp, report_blueprint):
        if blueprint.name not in _LIMITED:  # the limiter is process-wide: one limit, however many apps
            limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=auth.rate_limit_key)(blueprint)
            _LIMITED.add(blueprint.name)
        csrf.exempt(blueprint)  # token requests only: auth.authenticate checks a session's CSRF token
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_bp)
    app.register_blueprint(tokens_bp)
    app.before_request(auth.authenticate)
    app.after_request(caching.conditional)
