"""Combined sector labels as forms offer them ("Charity / voluntary", "Local authority (council)") are
read as a sector when every part means that sector, and left for people to decide when the parts
disagree (walkthrough finding 21)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsapp.imports.sectors import SectorResolver
from eventsapp.imports.services import add_sector_synonym, commit_import, preview_import
from eventsapp.imports.summary import ImportTarget
from eventsapp.models import Organisation
from tests.factories import sector


@pytest.mark.parametrize(("label", "expected"), [
    ("Charity / voluntary", "community_voluntary"),
    ("Charity/Voluntary", "community_voluntary"),
    ("Local authority (council)", "local_authority"),
    ("Voluntary and community sector", "community_voluntary"),
    ("Charity or voluntary organisation", "community_voluntary"),
    ("Health & social care", "health_social_care"),
    ("NHS / health", "health_social_care"),
    ("Criminal justice", "probation_criminal_justice"),  # a part of the sector's own name
    ("Faith organisations", "faith"),
    # Parts that mean different sectors, or a part that means none: not guessed.
    ("Police & criminal justice", None),
    ("Faith / community group", None),
    ("Council / school", None),
    ("Charity (gobbledygook)", None),
    ("Charity / voluntary / police", None),
    # Whole labels still come first: "Police and crime commissioner" is a synonym, not "police" + "crime ...".
    ("Police and Crime Commissioner", "police"),
    ("Community & voluntary", "community_voluntary"),
])
def test_a_combined_label_resolves_only_when_its_parts_agree(db, label, expected):
    assert SectorResolver().resolve(label) == expected


def test_combined_labels_in_a_file_give_organisations_their_sector(db, make_event, write_file):
    event = make_event()
    data = ("Name,Organisation,Sector,Attended\n"
            "A One,Leeds Welcome,Charity / voluntary,yes\n"
            "B Two,Kirklees,Local authority (council),yes\n"
            "C Three,West Yorkshire Partnership,Police & criminal justice,yes\n")
    preview = preview_import(write_file("l.csv", data), ImportTarget(event_id=event.id))
    proposed = {o["name"]: o["sector"] for o in preview.organisations_new}
    assert proposed == {"Leeds Welcome": "community_voluntary", "Kirklees": "local_authority",
                        "West Yorkshire Partnership": ""}
    assert preview.unknown_sectors == {"Police & criminal justice": 1}
    commit_import(write_file("l.csv", data), ImportTarget(event_id=event.id))
    sectors = {o.name: o.sector.code if o.sector else None for o in db.session.scalars(select(Organisation))
               if o.id != event.host_organisation_id}
    assert sectors == {"Leeds Welcome": "community_voluntary", "Kirklees": "local_authority",
                       "West Yorkshire Partnership": None}


def test_the_administrator_decides_a_label_whose_parts_disagree(db):
    add_sector_synonym("Police & criminal justice", sector("police"))
    db.session.commit()
    assert SectorResolver().resolve("Police & Criminal Justice") == "police"
