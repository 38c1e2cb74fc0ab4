"""Finding 6 of issue 13: every filter of a report scope must be allowed, not just one."""

from __future__ import annotations


def test_own_host_with_another_hosts_draft_event_is_not_found(client, db, login_as, make_organisation,
                                                               make_event):
    own = make_organisation("Northgate Faith Forum")
    other = make_organisation("Southgate Council Team")
    secret = make_event(host=other, status="draft", title="Secret draft summit",
                        themes="Undisclosed theme")
    login_as("organiser", own)
    for url in (f"/api/v1/reports?host={own.id}&event={secret.id}",
                f"/reports/?host={own.id}&event={secret.id}",
                f"/reports/report.csv?host={own.id}&event={secret.id}&table=summary"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Secret draft summit" not in response.get_data(as_text=True)
        assert "Undisclosed theme" not in response.get_data(as_text=True)
    # Its own host alone still works.
    assert client.get(f"/api/v1/reports?host={own.id}").status_code == 200
