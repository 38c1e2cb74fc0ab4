"""Offers and asks: posting (only for a listed organisation), matching, closing and reopening."""

from __future__ import annotations

from eventsapp.models import SupportPost
from tests import factories
from tests.network.conftest import make_post, make_profile, post_titles


def test_matches_put_the_same_approach_in_the_same_region_first(client, db):
    asker = make_profile(factories.make_organisation("Ash Youth Club")).organisation
    ask = make_post(asker, kind="ask", title="We need a mediator who works with young people",
                    region_code="TLJ", approaches=["mediation"])
    helpers = [make_profile(factories.make_organisation(f"Helper {n}")).organisation for n in range(5)]
    make_post(helpers[0], title="Dialogue training nearby", region_code="TLJ", approaches=["dialogue"])
    make_post(helpers[1], title="Mediation far away", region_code="TLC", approaches=["mediation"])
    make_post(helpers[2], title="Mediation next door", region_code="TLJ", approaches=["mediation", "arts"])
    make_post(helpers[3], title="Arts far away", region_code="TLC", approaches=["arts"])
    make_post(helpers[4], kind="ask", title="Another ask nearby", region_code="TLJ", approaches=["mediation"])
    make_post(helpers[4], title="Closed mediation offer", region_code="TLJ", approaches=["mediation"],
              status="closed")
    make_post(asker, title="Our own offer", region_code="TLJ", approaches=["mediation"])
    unlisted = make_profile(factories.make_organisation("Unlisted Helper"), listed=False).organisation
    make_post(unlisted, title="Unlisted mediation offer", region_code="TLJ", approaches=["mediation"])

    html = client.get(f"/network/support/{ask.id}").get_data(as_text=True)
    assert post_titles(html) == ["Mediation next door", "Mediation far away", "Dialogue training nearby"]


def test_the_list_filters_offers_and_asks(client, db):
    organisation = make_profile(factories.make_organisation("Poplar Community Hub")).organisation
    make_post(organisation, kind="offer", title="Room for training days", region_code="TLI", approaches=["arts"],
              kind_of_work="integration")
    make_post(organisation, kind="ask", title="Volunteers for a fun run", region_code="TLE",
              approaches=["sport"])
    make_post(organisation, kind="ask", title="Closed ask", status="closed")

    def titles(query=""):
        return sorted(post_titles(client.get(f"/network/support{query}").get_data(as_text=True)))

    assert titles() == ["Room for training days", "Volunteers for a fun run"]
    assert titles("?type=offer") == ["Room for training days"]
    assert titles("?region=TLE") == ["Volunteers for a fun run"]
    assert titles("?approach=arts") == ["Room for training days"]
    assert titles("?kind=integration") == ["Room for training days"]
    assert titles("?q=FUN+RUN") == ["Volunteers for a fun run"]
    filtered_out = client.get("/network/support?type=ask&region=TLC").get_data(as_text=True)
    assert "No offers or asks yet" not in filtered_out
    assert "No matches" in filtered_out and "Nothing matches these filters" in filtered_out


def test_posting_needs_a_listed_profile_then_the_author_edits_closes_and_reopens(client, db, login_as):
    organisation = factories.make_organisation("Linden Faith Forum")
    login_as("organiser", organisation)
    data = {"organisation": organisation.id, "kind": "offer", "title": "We can host a dialogue evening",
            "approaches": []}
    response = client.post("/network/support/new", data=data)
    assert response.status_code == 422
    assert "List your organisation in the directory first" in response.get_data(as_text=True)
    assert db.session.query(SupportPost).count() == 0

    make_profile(organisation)
    response = client.post("/network/support/new", data=data)
    assert response.status_code == 302
    post = db.session.query(SupportPost).one()
    assert "We can host a dialogue evening" in post_titles(client.get("/network/support").get_data(as_text=True))

    client.post(f"/network/support/{post.id}/edit", data={**data, "title": "We can host two dialogue evenings"})
    client.post(f"/network/support/{post.id}/close")
    assert post_titles(client.get("/network/support").get_data(as_text=True)) == []
    assert "Reopen it" in client.get(f"/network/support/{post.id}").get_data(as_text=True)
    client.post("/auth/logout")
    assert client.get(f"/network/support/{post.id}").status_code == 404
    assert client.get(f"/network/support/{post.id}/contact").status_code == 404

    login_as("organiser", organisation)
    client.post(f"/network/support/{post.id}/reopen")
    client.post("/auth/logout")
    assert post_titles(client.get("/network/support").get_data(as_text=True)) == ["We can host two dialogue evenings"]


def test_unlisting_the_organisation_takes_its_posts_out_of_the_directory(client, db):
    profile = make_profile(factories.make_organisation("Maple Refugee Welcome"))
    post = make_post(profile.organisation, title="English conversation volunteers wanted", kind="ask")
    assert client.get(f"/network/support/{post.id}").status_code == 200
    profile.listed = False
    db.session.commit()
    assert client.get(f"/network/support/{post.id}").status_code == 404
    assert post_titles(client.get("/network/support").get_data(as_text=True)) == []


def test_another_organisations_organiser_cannot_edit_or_close_a_post(client, db, login_as):
    profile = make_profile(factories.make_organisation("Elm Street Project"))
    post = make_post(profile.organisation)
    login_as("organiser")
    assert client.get(f"/network/support/{post.id}/edit").status_code == 404
    assert client.post(f"/network/support/{post.id}/close").status_code == 404
    db.session.refresh(post)
    assert post.status == "open"
