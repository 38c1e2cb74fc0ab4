"""The hostile-input sweep of every other area (auth, organisations, merges, imports, reports, programmes, dashboard, main); see tests/hostile/conftest.py."""

from __future__ import annotations

import pytest

from tests.hostile.conftest import routes, sweep_one_route


@pytest.mark.parametrize(("rule_path", "method"), routes("other"))
def test_hostile_requests(sweeper, record_property, rule_path, method):
    sweep_one_route(sweeper, record_property, rule_path, method)
