"""The demo (``flask seed-demo``) fills the network: an anonymous visitor sees hosts, posts, resources."""

from __future__ import annotations

import html
import re

from eventsapp.demo import seed_demo
from eventsapp.network.demo import POSTS, PROFILES, RESOURCES
from tests.network.conftest import card_titles, post_titles


def test_after_the_demo_an_anonymous_visitor_sees_the_network(client, db):
    seed_demo()
    db.session.commit()
    listed = sorted(name for name, spec in PROFILES.items() if spec[0])
    assert len(listed) >= 5
    assert card_titles(client.get("/network/").get_data(as_text=True)) == listed
    assert client.get("/network/bristol-youth-offending-team").status_code == 404  # not opted in

    support = client.get("/network/support").get_data(as_text=True)
    assert sorted(post_titles(support)) == sorted(title for _, _, title, *_ in POSTS)

    library = client.get("/network/resources").get_data(as_text=True)
    shown = [html.unescape(t) for t in re.findall(r'<a href="/network/resources/\d+">([^<]+)</a>', library)]
    assert sorted(shown) == sorted(title for _, title, *rest in RESOURCES if rest[4] == "approved")

    # The demo organiser's host is listed, with an upcoming event and an ask that finds a matching offer.
    profile = client.get("/network/crawley-good-relations-partnership").get_data(as_text=True)
    assert "Upcoming events" in profile and "/events/" in profile
    ask = re.search(r'/network/support/(\d+)">We need a mediator', profile).group(1)
    assert "Restorative mediation with young people" in client.get(f"/network/support/{ask}").get_data(as_text=True)
