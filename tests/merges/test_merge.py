"""Merging organisations: the service, the pages, and every report output seeing it at once."""

from __future__ import annotations

import io

import pypdf
import pytest
from sqlalchemy import select

from eventsapp.directory import find_organisation
from eventsapp.models import Organisation, OrganisationAlias, OrganisationMerge
from eventsapp.organisations.merge import MergeError, likely_duplicates, merge_organisations, undo_merge
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from tests.reports.conftest import build_known_world


@pytest.fixture
def known(db):
    return build_known_world(db)


def _pdf_organisations(content: bytes) -> int:
    import re

    summary = pypdf.PdfReader(io.BytesIO(content)).pages[1].extract_text()  # after the cover
    return int(re.search(r"^\s*Organisations\s*\n\s*([\d,]+)$", summary, re.MULTILINE).group(1).replace(",", ""))


def _csv_organisations(content: bytes) -> int:
    import csv

    rows = dict(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:])
    return int(rows["Organisations"])


def _all_outputs(client, runner, tmp_path) -> dict[str, int]:
    import json
    import re

    page = client.get("/reports/?programme=known-programme").get_data(as_text=True)
    counts = {"page": int(re.search(r'data-figure="organisations">([\d,]+)<', page).group(1).replace(",", ""))}
    counts["json"] = client.get("/api/v1/reports?programme=known-programme").get_json()["organisations"]
    counts["pdf"] = _pdf_organisations(client.get("/reports/report.pdf?programme=known-programme").data)
    counts["csv"] = _csv_organisations(
        client.get("/reports/report.csv?programme=known-programme&table=summary").data)
    out = tmp_path / "cli.json"
    runner.invoke(args=["report", "--programme", "known-programme", "--format", "json", "--output", str(out)])
    counts["cli"] = json.loads(out.read_text())["organisations"]
    return counts


def test_merging_two_organisations_lowers_the_count_by_exactly_one_everywhere(
    client, runner, known, login_as, db, tmp_path
):
    login_as("coordinator", known.coordinator_org)
    assert set(_all_outputs(client, runner, tmp_path).values()) == {235}
    first, second = known.organisations[10], known.organisations[11]
    response = client.post("/organisations/merges/new", data={
        "first": first, "second": second, "survivor": first})
    assert response.status_code == 302
    assert set(_all_outputs(client, runner, tmp_path).values()) == {234}

    record = db.session.scalar(select(OrganisationMerge))
    assert (record.survivor_id, record.merged_id, record.merged_by.email) == (
        first, second, record.merged_by.email)
    assert record.merged_by is not None and record.merged_at is not None
    response = client.post(f"/organisations/merges/{record.id}/undo")
    assert response.status_code == 302
    assert set(_all_outputs(client, runner, tmp_path).values()) == {235}


def test_merge_keeps_the_name_as_an_alias_and_undo_restores(known, db):
    survivor = db.session.get(Organisation, known.organisations[20])
    duplicate = db.session.get(Organisation, known.organisations[21])
    duplicate_name = duplicate.name
    record = merge_organisations(survivor, duplicate, by=None)
    db.session.commit()
    assert find_organisation(duplicate_name.upper() + ".").id == survivor.id  # later registrations resolve
    assert db.session.scalar(select(OrganisationAlias.name).where(
        OrganisationAlias.organisation_id == survivor.id)) == duplicate_name
    report = build_report(ReportScope(programme_id=known.programme.id))
    assert report.figures.organisations == 234 and report.figures.people == 346

    undo_merge(record, by=None)
    db.session.commit()
    assert find_organisation(duplicate_name).id == duplicate.id
    assert db.session.scalar(select(OrganisationAlias).where(OrganisationAlias.organisation_id == survivor.id)) is None
    assert build_report(ReportScope(programme_id=known.programme.id)).figures.organisations == 235
    with pytest.raises(MergeError):
        undo_merge(record, by=None)


def test_chains_stay_one_step_long_and_undo_in_order(known, db):
    a, b, c = (db.session.get(Organisation, known.organisations[i]) for i in (30, 31, 32))
    first = merge_organisations(b, c, by=None)   # c -> b
    second = merge_organisations(a, b, by=None)  # b -> a, and c re-pointed to a
    db.session.commit()
    db.session.refresh(c)
    assert c.merged_into_id == a.id
    assert build_report(ReportScope(programme_id=known.programme.id)).figures.organisations == 233
    with pytest.raises(MergeError, match="undo that merge first"):
        undo_merge(first, by=None)
    undo_merge(second, by=None)
    db.session.commit()
    db.session.refresh(c)
    assert c.merged_into_id == b.id  # pointed back at b
    assert build_report(ReportScope(programme_id=known.programme.id)).figures.organisations == 234
    undo_merge(first, by=None)
    db.session.commit()
    assert build_report(ReportScope(programme_id=known.programme.id)).figures.organisations == 235


def test_cannot_merge_an_organisation_into_itself_or_twice(known, db):
    a, b, c = (db.session.get(Organisation, known.organisations[i]) for i in (40, 41, 42))
    with pytest.raises(MergeError):
        merge_organisations(a, a, by=None)
    merge_organisations(a, b, by=None)
    with pytest.raises(MergeError):
        merge_organisations(c, b, by=None)


def test_likely_duplicates_finds_close_names_and_alias_collisions(db, make_organisation):
    trust = make_organisation("Crawley Community Trust")
    typo = make_organisation("Crawley Comunity Trust")
    make_organisation("Brighton Housing Association", sector_code="housing")
    holder = make_organisation("Hastings Faith Forum")
    clash = make_organisation("Hastings Interfaith Network")
    db.session.add(OrganisationAlias(organisation=holder, name="Hastings Interfaith Network",
                                     normalised_key=clash.normalised_key))
    db.session.commit()
    pairs = {(c.first.id, c.second.id): c for c in likely_duplicates()}
    assert (trust.id, typo.id) in pairs and pairs[(trust.id, typo.id)].score >= 90
    assert (holder.id, clash.id) in pairs and "alias" in pairs[(holder.id, clash.id)].reason
    assert len(pairs) == 2
    assert [c.first.id for c in likely_duplicates(search="hastings")] == [holder.id]


def test_merge_pages_for_a_coordinator(client, db, login_as, make_organisation):
    network = make_organisation("Merge Test Network")
    login_as("coordinator", network)
    a = make_organisation("Crawley Community Trust", added_by_organisation_id=network.id)
    b = make_organisation("Crawley Comunity Trust", added_by_organisation_id=network.id)
    index = client.get("/organisations/merges/").get_data(as_text=True)
    assert "Crawley Comunity Trust" in index and "No organisations have been merged yet" in index
    confirm = client.get(f"/organisations/merges/new?first={a.id}&second={b.id}")
    assert confirm.status_code == 200 and "Which organisation stays?" in confirm.get_data(as_text=True)
    # no survivor chosen: the form comes back with the error at the field, nothing written
    missing = client.post("/organisations/merges/new", data={"first": a.id, "second": b.id})
    assert missing.status_code == 422 and "Choose which organisation stays." in missing.get_data(as_text=True)
    assert db.session.scalar(select(OrganisationMerge)) is None
    unknown = client.get(f"/organisations/merges/new?first={a.id}&second=999999")
    assert unknown.status_code == 422 and "No organisation has this number." in unknown.get_data(as_text=True)
    same = client.get(f"/organisations/merges/new?first={a.id}&second={a.id}")
    assert same.status_code == 422
    done = client.post("/organisations/merges/new", data={"first": a.id, "second": b.id, "survivor": b.id},
                       follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Merged “Crawley Community Trust” into “Crawley Comunity Trust”" in html
    assert "Undo" in html
    again = client.post("/organisations/merges/new", data={"first": a.id, "second": b.id, "survivor": b.id})
    assert again.status_code == 422 and "already been merged" in again.get_data(as_text=True)


def test_only_coordinators_merge(client, db, login_as):
    login_as("organiser")
    assert client.get("/organisations/merges/").status_code == 403


def test_large_directories_compare_names_in_blocks_and_search_checks_one_name(db, make_organisation, monkeypatch):
    from eventsapp.organisations import merge

    trust = make_organisation("Crawley Community Trust")
    typo = make_organisation("Crawley Comunity Trust")
    make_organisation("Brighton Housing Association", sector_code="housing")
    monkeypatch.setattr(merge, "FULL_COMPARISON_LIMIT", 1)
    assert [(c.first.id, c.second.id) for c in likely_duplicates()] == [(trust.id, typo.id)]
    assert [(c.first.id, c.second.id) for c in likely_duplicates(search="comunity")] == [(trust.id, typo.id)]
    assert likely_duplicates(search="brighton") == []
