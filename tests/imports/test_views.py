"""The web import: upload, preview, map columns, confirm; synonyms; programme export."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import func, select

from eventsapp.imports import jobs
from eventsapp.models import Attendance, Event, ImportMapping, Programme, Registration, SectorSynonym
from tests.imports.samples import attendance_file

CSV = ("First name,Last name,Email,Organisation,Attended\n"
       "Ann,Jones,ann@example.org,Kent Police,yes\nBob,Smith,bob@example.org,The Kent Police,no\n")


def _count(db, column) -> int:
    """Count in a fresh transaction (the requests committed in their own sessions)."""
    db.session.rollback()
    return db.session.scalar(select(func.count(column)))


def _upload(client, destination, data, name="list.csv", **extra):
    return client.post("/imports/", data={"file": (io.BytesIO(data), name), "destination": destination, **extra},
                       content_type="multipart/form-data")


def _job_id(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_organiser_previews_then_confirms_an_import_into_an_own_event(client, db, login_as, make_event,
                                                                       make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    page = client.get(f"/imports/?event={event.id}")
    assert page.status_code == 200 and f'selected value="event:{event.id}"' in page.get_data(as_text=True)
    job_id = _job_id(_upload(client, f"event:{event.id}", CSV.encode()))
    preview = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "2 new" in preview and "Import 2 rows" in preview and "Kent Police" in preview
    assert _count(db, Registration.id) == 0  # nothing written yet
    progress = client.get(f"/imports/{job_id}/progress").get_json()
    assert progress["phase"] == "previewed" and progress["progress"] == 1.0
    assert client.post(f"/imports/{job_id}/confirm").status_code == 302
    done = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "Imported: 2 registrations and 1 attendance added" in done
    assert "1 new" in done and "0 matched" in done  # Kent Police, in two spellings
    assert _count(db, Attendance.id) == 1
    # Confirming again does not import twice.
    client.post(f"/imports/{job_id}/confirm")
    assert _count(db, Registration.id) == 2


def test_errors_are_listed_and_the_import_cannot_be_confirmed(client, db, login_as, make_event,
                                                              make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    job_id = _job_id(_upload(client, f"event:{event.id}", (CSV + "=1+1,X,x@example.org,Org,yes\n").encode()))
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "Rows with problems (1)" in page and "looks like a spreadsheet formula" in page
    assert "Import 3 rows" not in page
    client.post(f"/imports/{job_id}/confirm")
    assert _count(db, Registration.id) == 0


def test_unknown_columns_are_mapped_and_the_mapping_is_remembered(client, db, login_as, make_event,
                                                                  make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    data = b"Vorname,Nachname,Mail,Da\nAnn,Jones,ann@example.org,yes\n"
    job_id = _job_id(_upload(client, f"event:{event.id}", data))
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "The file needs a name column" in page and "No column says who attended" in page
    assert "Ignored columns: Vorname, Nachname, Mail, Da." in page
    mapping = {"column_0": "first_name", "column_1": "last_name", "column_2": "email", "column_3": "attended",
               "source_name": "Ticketer"}
    assert client.post(f"/imports/{job_id}/columns", data=mapping).status_code == 302
    assert "Import 1 rows" in client.get(f"/imports/{job_id}").get_data(as_text=True)
    client.post(f"/imports/{job_id}/confirm")
    assert _count(db, Registration.id) == 1
    assert _count(db, ImportMapping.id) == 2  # by source and by headers
    # The next file with the same columns is read without asking.
    other = _job_id(_upload(client, f"event:{event.id}",
                            b"Vorname,Nachname,Mail,Da\nBo,Li,bo@example.org,yes\n"))
    assert "Import 1 rows" in client.get(f"/imports/{other}").get_data(as_text=True)


def test_coordinator_imports_a_new_programme_with_its_events(client, db, login_as, make_organisation):
    network = make_organisation("Good Relations Network")
    login_as("coordinator", network)
    sample = attendance_file()
    job_id = _job_id(_upload(client, "new", sample.data, new_slug="gr-2013"))
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "11 new, in a new programme" in page and "Import 358 rows" in page
    client.post(f"/imports/{job_id}/confirm")
    db.session.rollback()
    programme = db.session.scalar(select(Programme).where(Programme.slug == "gr-2013"))
    assert programme.coordinator_organisation_id == network.id
    assert _count(db, Event.id) == 11
    assert _count(db, Attendance.id) == 358
    started = client.post("/imports/programmes/gr-2013/export")  # a file job, run eagerly here
    assert started.status_code == 302
    export = client.get(started.headers["Location"] + "/download")
    assert export.status_code == 200 and export.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        assert archive.read("registrations.csv").decode("utf-8-sig").count("\n") == 359


def test_organiser_cannot_import_into_another_organisations_event(client, db, login_as, make_event,
                                                                  make_organisation):
    event = make_event()
    login_as("organiser", make_organisation())
    response = _upload(client, f"event:{event.id}", CSV.encode())
    assert response.status_code == 422
    assert _upload(client, f"event:{2**40}", CSV.encode()).status_code == 422  # not a 500 on PostgreSQL
    assert _count(db, Registration.id) == 0


def test_a_job_is_private_to_the_user_who_uploaded_it(app, db, login_as, make_event, make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    owner, stranger = app.test_client(), app.test_client()
    from tests import factories

    user = factories.make_user(role="organiser", organisation=host)
    owner.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    job_id = _job_id(_upload(owner, f"event:{event.id}", CSV.encode()))
    other = factories.make_user(role="organiser", organisation=host)
    stranger.post("/auth/login", data={"email": other.email, "password": factories.PASSWORD})
    assert stranger.get(f"/imports/{job_id}").status_code == 404
    assert stranger.post(f"/imports/{job_id}/confirm").status_code == 404
    assert stranger.get("/imports/not-a-job-at-all-0000").status_code == 404


def test_job_reports_progress_then_the_preview(client, db, login_as, make_event, make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    rows = "".join(f"P{i},Q{i},p{i}@example.org,Org {i % 50},yes\n" for i in range(5000))
    job_id = _job_id(_upload(client, f"event:{event.id}", (CSV + rows).encode()))
    jobs.wait(job_id)
    state = client.get(f"/imports/{job_id}/progress").get_json()
    assert state == {"phase": "previewed", "progress": 1.0, "rows": 5002, "message": ""}
    client.post(f"/imports/{job_id}/confirm")
    jobs.wait(job_id)
    assert client.get(f"/imports/{job_id}/progress").get_json()["phase"] == "done"
    assert _count(db, Attendance.id) == 5001
    # A second confirmation (a double click, or a task delivered twice) writes nothing more.
    assert client.post(f"/imports/{job_id}/confirm").status_code == 302
    assert _count(db, Attendance.id) == 5001


def test_progress_page_loads_its_script_without_inline_code(app, client, db, login_as, make_event,
                                                          make_organisation):
    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    job_id = _job_id(_upload(client, f"event:{event.id}", CSV.encode()))
    state = jobs.wait(job_id)
    state["phase"] = "checking"
    jobs.save(state)
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert 'src="/static/progress.js"' in page and "<progress" in page
    assert "onclick" not in page and "style=" not in page


def test_the_administrator_adds_and_removes_a_sector_synonym(client, db, login_as):
    login_as("admin")
    page = client.get("/imports/synonyms").get_data(as_text=True)
    assert "Constabulary" in page.title() and "Add synonym" in page
    bad = client.post("/imports/synonyms", data={"phrase": "", "sector": "police"})
    assert bad.status_code == 422
    assert client.post("/imports/synonyms", data={"phrase": "Bobbies", "sector": "police"}).status_code == 302
    db.session.rollback()
    synonym = db.session.scalar(select(SectorSynonym))
    assert synonym.phrase_key == "bobbies" and synonym.sector.code == "police"
    assert client.post("/imports/synonyms", data={"phrase": "bobbies", "sector": "community_voluntary"}).status_code == 302
    db.session.rollback()
    assert db.session.get(SectorSynonym, synonym.id).sector.code == "community_voluntary"  # re-pointed
    assert client.post(f"/imports/synonyms/{synonym.id}/delete").status_code == 302
    assert _count(db, SectorSynonym.id) == 0
    assert client.post(f"/imports/synonyms/{2**40}/delete").status_code == 404


def test_a_coordinator_sees_the_synonyms_but_changes_nothing(client, db, login_as, make_organisation):
    """Synonyms are read by every network's imports: a coordinator may not add, re-point or remove one."""
    from eventsapp.imports.services import add_sector_synonym
    from tests.factories import sector

    synonym_id = add_sector_synonym("Bobbies", sector("police")).id
    db.session.commit()
    login_as("coordinator", make_organisation())
    page = client.get("/imports/synonyms")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Bobbies" in text and "Constabulary" in text.title()
    assert "Add synonym" not in text and "/delete" not in text and "site administrator" in text

    def held() -> list[tuple[str, str]]:
        db.session.rollback()
        return [(s.phrase_key, s.sector.code) for s in db.session.scalars(select(SectorSynonym))]

    before = held()
    assert before == [("bobbies", "police")]
    for data in ({"phrase": "Peelers", "sector": "police"}, {"phrase": "Bobbies", "sector": "faith"},
                 {"phrase": "", "sector": ""}):
        assert client.post("/imports/synonyms", data=data).status_code == 403
    assert client.post(f"/imports/synonyms/{synonym_id}/delete").status_code == 403
    assert client.post("/imports/synonyms/999999/delete").status_code == 403  # nothing to learn either
    assert held() == before


def test_export_is_for_the_programmes_coordinators_only(client, db, login_as, make_programme, make_organisation):
    network = make_organisation()
    make_programme(slug="theirs", coordinator_organisation=network)
    login_as("coordinator", make_organisation())
    assert client.post("/imports/programmes/theirs/export").status_code == 404
    assert client.get("/imports/programmes/theirs/export").status_code == 405  # a POST starts a job


def test_an_organiser_without_events_is_told_so(client, db, login_as):
    login_as("organiser")
    page = client.get("/imports/").get_data(as_text=True)
    assert "There is nothing to import into yet" in page


def test_the_preview_names_proposed_sectors_as_the_rest_of_the_app_does(client, db, login_as, make_event,
                                                                         make_organisation):
    import re

    host = make_organisation()
    event = make_event(host=host)
    login_as("organiser", host)
    data = ("First name,Last name,Email,Organisation\n"
            "Ann,Jones,ann@example.org,Crawley Mosque\nBob,Smith,bob@example.org,Horsham District Council\n"
            "Cat,Lee,cat@example.org,Sussex Police\nDan,Ray,dan@example.org,Ferndown Knitters\n")
    preview = client.get(f"/imports/{_job_id(_upload(client, f'event:{event.id}', data.encode()))}")
    html = preview.get_data(as_text=True)
    table = re.search(r"New organisations with their proposed sector</caption>.*?<tbody>(.*?)</tbody>", html, re.S)
    proposed = {re.sub(r"<[^>]+>", "", name).strip(): sector.strip()
                for name, sector in re.findall(r"<tr><td>(.*?)</td>\s*<td>(.*?)</td>", table.group(1), re.S)}
    assert proposed == {"Crawley Mosque": "Faith", "Horsham District Council": "Local authority",
                        "Sussex Police": "Police", "Ferndown Knitters": "not known"}
