"""The import pages (walkthrough findings 23 and 24): a long value in "Rows with problems" is shortened
visibly with the whole of it behind a disclosure; a column's examples are a list, not a comma-joined string;
the job page names the event or programme (never its slug); only someone who can create a programme is
asked for a new programme's slug."""

from __future__ import annotations

from eventsapp.models import Programme
from tests import factories
from tests.imports.test_views import _job_id, _upload
from tests.privacy.html import parse


def _job(client, destination: str, data: str, **extra) -> str:
    return _job_id(_upload(client, destination, data.encode(), **extra))


def test_a_long_value_is_shortened_with_the_whole_of_it_a_click_away(client, db, login_as, make_event,
                                                                      make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    long_name = "Oliver, Holland and Lloyd " + "x" * 274  # 300 characters
    longer = "L" * 450
    data = ("Name,Email,Organisation,Attended\n"
            f'Ann Jones,ann@example.org,"{long_name}",yes\n'
            f"Bo Li,bo@example.org,{longer},yes\n"
            "Cy Ray,cy@example.org,Kent Police,maybe\n")
    page = parse(client.get(f"/imports/{_job(client, f'event:{event.id}', data)}"))
    rows = page.by_id("row-problems").find_all("tbody")[0].find_all("tr")
    cells = [row.find_all("td") for row in rows]
    assert [(c[0].text(), c[1].text()) for c in cells] == [("2", "Organisation"), ("3", "Organisation"),
                                                            ("4", "Attended")]
    first, second, short = (c[2] for c in cells)
    # Shortened, visibly, in the table; the whole value inside <details>.
    assert first.find_all("summary")[0].find_all("code")[0].text() == long_name[:40]
    assert "300 characters: show all" in first.find_all("summary")[0].text()
    assert first.find_all("details")[0].find_all("code")[-1].text() == long_name
    # Longer than what a preview keeps (300): the first 300, and how long it was.
    assert "450 characters: show the first 300" in second.find_all("summary")[0].text()
    assert second.find_all("details")[0].find_all("code")[-1].text() == "L" * 300
    # A short value is shown as it is, with no disclosure.
    assert not short.find_all("details") and short.text() == "maybe"
    assert all(c[3].text() for c in cells)  # the problem is in the fourth column of every row


def test_examples_are_listed_one_by_one(client, db, login_as, make_event, make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    data = ("Name,Email,Organisation,Attended\n"
            'Ann Jones,ann@example.org,"Oliver, Holland and Lloyd",yes\n'
            "Bo Li,bo@example.org,Kent Police,yes\n")
    page = parse(client.get(f"/imports/{_job(client, f'event:{event.id}', data)}"))
    rows = {r.find_all("td")[0].text(): r.find_all("td")[2] for r in page.by_id("column-mapping").find_all("tr")
            if r.find_all("td")}
    assert [li.text() for li in rows["Organisation"].find_all("li")] == ["Oliver, Holland and Lloyd", "Kent Police"]


def test_the_job_page_names_the_programme_not_its_slug(client, db, login_as, make_organisation, make_programme,
                                                       make_event):
    network = make_organisation("Good Relations Network")
    make_programme(slug="good-relations-convening", name="Good Relations Convening 2024",
                   coordinator_organisation_id=network.id)
    login_as("coordinator", network)
    data = "Event,Date,Name,Attended\nTalk,14/03/2024,Ann Jones,yes\n"
    page = parse(client.get(f"/imports/{_job(client, 'programme:good-relations-convening', data)}"))
    lead = page.by_id("import-destination").text()
    assert lead == "Into the programme “Good Relations Convening 2024”"
    new = parse(client.get(f"/imports/{_job(client, 'new', data, new_slug='leeds-talks-2024')}"))
    assert new.by_id("import-destination").text() == ("Into a new programme, “Leeds talks 2024”, creating events "
                                                      "named in the file")
    host = make_organisation("Leeds Welcome")
    event = make_event(host=host, title="Talk in Leeds")
    client.post("/auth/logout")
    login_as("organiser", host)
    job_id = _job(client, f"event:{event.id}", "Name,Attended\nAnn Jones,yes\n")
    one = parse(client.get(f"/imports/{job_id}"))
    assert one.by_id("import-destination").text().startswith("Into the event “Talk in Leeds”, ")
    assert not db.session.query(Programme).filter_by(slug="leeds-talks-2024").count()


def test_only_someone_who_can_create_a_programme_is_asked_for_its_slug(client, db, login_as, make_organisation,
                                                                       make_event):
    host = make_organisation()
    make_event(host=host)
    login_as("organiser", host)
    page = parse(client.get("/imports/"))
    names = {i.attrs.get("name") for i in page.find_all("input")}
    assert "file" in names and "new_slug" not in names and "create_events" not in names
    assert "new programme" not in page.text().lower()
    client.post("/auth/logout")
    login_as("coordinator", factories.make_organisation("Good Relations Network"))
    page = parse(client.get("/imports/"))
    assert {"new_slug", "create_events"} <= {i.attrs.get("name") for i in page.find_all("input")}
