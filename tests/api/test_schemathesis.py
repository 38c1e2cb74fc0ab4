"""Schemathesis against /api/v1/openapi.json on the test app (both backends): every operation with
generated inputs, as a read-write token of the host of the world's events (so the managed routes
answer, not only 401/404). No server errors, every answer as the description says.
"""

from __future__ import annotations

import itertools

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.api.conftest import bearer

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
#: Examples per operation (and per phase); enough to find a 500 or a wrong shape, and quick.
MAX_EXAMPLES = 20


def _operations(app):
    described = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in described.get_all_operations()]


def test_api_conforms_to_its_description(app, api_world):
    """Stateless: each operation with generated parameters and bodies (positive and negative), with
    generated path ids and with the world's own (so the managed routes' answers are checked too)."""
    headers = bearer(api_world.tokens["a_write"])
    operations = _operations(app)
    assert len(operations) >= 10
    real_ids = {"event_id": api_world.event_a.id, "registration_id": api_world.registration_a.id}
    for operation, mode, real in itertools.product(operations, GenerationMode, (False, True)):
        names = {p.name for p in operation.path_parameters}
        if real and not names:
            continue
        path = {name: real_ids.get(name, 1) for name in names} if real else None

        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:  # negative data for an operation whose only inputs are the fixed ids
            assert mode is GenerationMode.NEGATIVE and real


def test_api_without_credentials_conforms_too(app, api_world):
    """The anonymous view of every operation (401s and public reads) as problem details or data."""
    for operation in _operations(app):
        case = operation.Case()
        if any(p.is_required for p in operation.path_parameters):
            case.path_parameters = {p.name: 1 for p in operation.path_parameters}
        if operation.body:
            case.body = {}
            case.media_type = "application/json"
        case.call_and_validate(checks=CHECKS)


def test_the_description_is_openapi_3_1_with_every_resource(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert {"/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/events/{event_id}/registrations",
            "/api/v1/events/{event_id}/registrations/{registration_id}/check-in",
            "/api/v1/events/{event_id}/attendance", "/api/v1/organisations", "/api/v1/organisations/{organisation_id}",
            "/api/v1/stories", "/api/v1/stories/{story_id}", "/api/v1/reports"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    error = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert "application/problem+json" in error["content"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "GET /api/v1/events" in page.get_data(as_text=True)


def test_api_stateful_links(app, api_world):
    """Stateful: follow the description's links (list -> detail -> registrations -> register -> check in)
    with a read-write token, checking every answer."""
    headers = bearer(api_world.tokens["a_write"])
    described = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    class Machine(described.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    Machine.run(settings=settings(max_examples=MAX_EXAMPLES, stateful_step_count=6, deadline=None,
                                  derandomize=True, database=None, suppress_health_check=list(HealthCheck)))
