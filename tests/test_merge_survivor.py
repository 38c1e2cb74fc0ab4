"""One resolver for "which organisation survives a merge" (eventsapp.directory.survivor_*): after a chain
of three merges, the directory, an import, the report, the programme export and an invitation all
agree on the one survivor."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from sqlalchemy import select

from eventsapp.directory import find_organisation, survivor_id, survivor_ids
from eventsapp.extensions import db as _db
from eventsapp.imports.export import export_programme
from eventsapp.imports.services import ImportTarget, commit_import
from eventsapp.models import Organisation, Registration, utcnow
from eventsapp.organisations.invitations import organisation_of
from eventsapp.organisations.merge import merge_organisations
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from tests import factories


def test_a_chain_of_three_merges_has_one_survivor_everywhere(db, tmp_path):
    programme = factories.make_programme()
    a, b, c, d = (factories.make_organisation(name) for name in (
        "Aldershot Faith Forum", "Basingstoke Faith Forum", "Crawley Faith Forum", "Downs Faith Network"))
    event = factories.make_event(host=a, programme=programme, starts_at=utcnow() - timedelta(days=1))
    for organisation in (a, b, c, d):
        factories.make_registration(event=event, organisation=organisation, attended=True)
    invitation, _token = factories.make_invitation(a)
    for survivor, duplicate in ((b, a), (c, b), (d, c)):
        merge_organisations(survivor, duplicate, None)
        db.session.commit()

    # The invariant the resolver stands on: every merged organisation points at a live one.
    assert {o.name: o.merged_into_id for o in (a, b, c)} == {o.name: d.id for o in (a, b, c)}
    assert survivor_ids([a.id, b.id, c.id, d.id]) == dict.fromkeys((a.id, b.id, c.id, d.id), d.id)
    assert db.session.scalars(select(survivor_id(Organisation)).where(Organisation.id.in_([a.id, c.id]))).all() \
        == [d.id, d.id]

    # The directory (registration, walk-ins) and invitations.
    assert [find_organisation(o.name) for o in (a, b, c, d)] == [d, d, d, d]
    assert organisation_of(invitation) == d

    # An import naming the old organisations.
    path = tmp_path / "list.csv"
    path.write_text("First name,Last name,Email,Organisation,Attended\n"
                    + "".join(f"P{i},Q{i},p{i}@example.org,{o.name},yes\n" for i, o in enumerate((a, b, c))))
    commit_import(path, ImportTarget(event_id=event.id))
    _db.session.rollback()
    imported = _db.session.scalars(select(Registration.organisation_id).where(
        Registration.person.has(email="p0@example.org"))).one()
    assert survivor_ids([imported]) == {imported: d.id}

    # The report: one organisation, one host, and the survivor's scope holds the event.
    report = build_report(ReportScope(programme_id=programme.id))
    assert report.figures.organisations == 1 and report.figures.people == 7
    assert [h.name for h in report.hosts] == ["Downs Faith Network"]
    assert build_report(ReportScope(host_id=d.id)).figures.events == 1

    # The programme export names the survivor for every registration.
    export_programme(programme, tmp_path / "export.zip")
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("registrations.csv").decode("utf-8-sig"))))
    organisation_column = next(k for k in rows[0] if k.lower().startswith("organisation") and "entered" not in k)
    assert {row[organisation_column] for row in rows} == {"Downs Faith Network"}
