"""Event lookups answer 404 for ids the database could not even hold."""

import pytest


@pytest.mark.parametrize("path", [
    "/events/99999999999999999999/checkin",
    "/events/99999999999999999999.ics",
    "/reports/events/99999999999999999999",
    "/events/99999999999999999999/register",
    "/events/2147483648/registrations",
])
def test_huge_event_ids_are_not_found(client, login_as, path):
    login_as("organiser")
    assert client.get(path).status_code == 404
