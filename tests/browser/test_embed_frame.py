"""The embeddable event list framed by a page of ANOTHER site (a second local server, on
``localhost`` and another port, while the app is on 127.0.0.1), in Chromium with the CSP enforced:
the list renders inside the iframe, sizes it through /embed.js, passes axe, fits a phone; a
normal page framed the same way stays empty (Chromium refuses it)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.conftest import AXE_SCRIPT

pytestmark = pytest.mark.browser


@pytest.fixture
def other_site():
    """A tiny website of a host on another origin; ``pages[path] = html`` publishes a page."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            html = pages.get(self.path)
            body = (html or "not found").encode()
            self.send_response(200 if html else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}", pages
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def host_page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{title}</title></head>'
            f"<body><main><h1>{title}</h1>{body}</main></body></html>")


def axe_in(frame) -> list:
    """axe-core run inside ``frame`` (evaluated through the devtools protocol, so the frame's CSP,
    enforced here, does not stop it)."""
    frame.evaluate(AXE_SCRIPT.read_text())
    return frame.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations'],
        rules: {'target-size': {enabled: true}}})).violations
        .filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => [v.id, v.nodes.length])""")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_the_embed_renders_inside_another_sites_page_and_a_normal_page_does_not(
        browser, live_server, other_site, db, make_event, make_organisation, viewport):
    host = make_organisation("Riverside Community Trust")
    events = [make_event(host=host, title=f"Riverside conversation {n}", capacity=30, venue="Guildhall",
                         town="Derry") for n in range(6)]
    site, pages = other_site
    pages["/events.html"] = host_page(
        "Our events", f'<p>What is coming up.</p><script src="{live_server.url}/embed.js" '
        f'data-organisation="{host.id}" data-title="Riverside events" async></script><p id="after">Footer text.</p>')
    pages["/framed.html"] = host_page(
        "Framing a normal page", f'<iframe id="normal" title="Events" src="{live_server.url}/events/"></iframe>')
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")  # the CSP is enforced
    try:
        page = context.new_page()
        page.goto(f"{site}/events.html")
        iframe = page.locator('iframe[title="Riverside events"]')
        expect(iframe).to_be_visible()
        inner = page.frame_locator('iframe[title="Riverside events"]')
        expect(inner.get_by_role("heading", name="Upcoming events: Riverside Community Trust")).to_be_visible()
        expect(inner.get_by_role("heading", name="Riverside conversation 5")).to_be_visible()
        register = inner.get_by_role("link", name=f"Register for {events[0].title} (opens in a new tab)")
        expect(register).to_have_attribute("target", "_blank")
        expect(register).to_have_attribute("href", f"{live_server.url}/events/{events[0].id}")
        frame = iframe.element_handle().content_frame()
        assert frame.url == f"{live_server.url}/embed/organisations/{host.id}/events"
        # /embed.js sized the iframe to the list (the list posted its height): no scroll bar inside.
        content_height = frame.evaluate("document.documentElement.scrollHeight")
        page.wait_for_function("([h]) => document.querySelector('iframe').getBoundingClientRect().height >= h - 1",
                               arg=[content_height])
        assert content_height > 500  # six events: far taller than the iframe's default
        assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert axe_in(frame) == []

        page.goto(f"{site}/framed.html")  # waits for the load event, which waits for the iframe
        normal = page.locator("#normal").element_handle().content_frame()
        # Chromium refuses the frame (X-Frame-Options: DENY, frame-ancestors 'none'): its error page
        # stands in, and nothing of the app's page is in it.
        assert normal.url.startswith("chrome-error://")
        assert "eventsapp" not in normal.content() and "Riverside" not in normal.content()
    finally:
        context.close()

