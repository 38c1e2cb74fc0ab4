"""Home page, health check, error pages and security headers."""

from datetime import timedelta
from html.parser import HTMLParser

from eventsapp.models import utcnow


class TextCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        if tag == "h3":
            self._in_heading = True

    def handle_endtag(self, tag):
        if tag == "h3":
            self._in_heading = False

    def handle_data(self, data):
        if self._in_heading and data.strip():
            self.headings.append(data.strip())


def card_titles(html: str) -> list[str]:
    parser = TextCollector()
    parser.feed(html)
    return parser.headings


def test_home_lists_published_upcoming_events_soonest_first(client, make_event):
    now = utcnow()
    make_event(title="Later event", starts_at=now + timedelta(days=20))
    make_event(title="Sooner event", starts_at=now + timedelta(days=2))
    make_event(title="Draft event", status="draft")
    make_event(title="Past event", starts_at=now - timedelta(days=5))
    make_event(title="Cancelled event", status="cancelled")
    response = client.get("/")
    assert response.status_code == 200
    assert card_titles(response.get_data(as_text=True)) == ["Sooner event", "Later event"]


def test_home_shows_local_time_across_the_clock_change(client, make_event):
    from datetime import datetime

    # Clocks go forward on Sunday 28 March 2027 and back on Sunday 31 October 2027.
    make_event(title="Before spring change", starts_at=datetime(2027, 3, 27, 18, 30))  # GMT = UTC
    make_event(title="After spring change", starts_at=datetime(2027, 4, 3, 17, 30))  # BST = UTC+1
    make_event(title="Before autumn change", starts_at=datetime(2027, 10, 30, 17, 30))  # BST
    make_event(title="After autumn change", starts_at=datetime(2027, 11, 6, 18, 30))  # GMT
    html = client.get("/").get_data(as_text=True)
    for day in ("Saturday 27 March 2027", "Saturday 3 April 2027", "Saturday 30 October 2027",
                "Saturday 6 November 2027"):
        assert f"{day}, 18:30–21:30" in html


def test_home_has_a_helpful_empty_state(client):
    html = client.get("/").get_data(as_text=True)
    assert "No upcoming events yet" in html


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_not_found_is_html_for_people_and_json_under_api(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.get_json()["status"] == 404


def test_security_headers_on_every_response(client):
    for path in ("/", "/healthz", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_bootstrap_assets_are_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    assert "cdn.jsdelivr.net" not in html
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200


def test_an_unexpected_error_gives_the_500_page_and_rolls_back(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("simulated failure")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
