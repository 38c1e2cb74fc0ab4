"""Seed data for regions and sectors, and the idempotent seeding service."""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import Approach, Region, Sector

#: The nine English ITL1 regions, the other UK nations, and national/online.
REGIONS: list[tuple[str, str]] = [
    ("TLC", "North East"),
    ("TLD", "North West"),
    ("TLE", "Yorkshire and The Humber"),
    ("TLF", "East Midlands"),
    ("TLG", "West Midlands"),
    ("TLH", "East of England"),
    ("TLI", "London"),
    ("TLJ", "South East"),
    ("TLK", "South West"),
    ("TLL", "Wales"),
    ("TLM", "Scotland"),
    ("TLN", "Northern Ireland"),
    ("NAT", "National / online"),
]

#: (stable code, name, how the headline names it after "primarily from").
SECTORS: list[tuple[str, str, str]] = [
    ("community_voluntary", "Community & voluntary", "community and voluntary organisations"),
    ("faith", "Faith", "faith groups"),
    ("youth_justice", "Youth justice", "youth justice"),
    ("police", "Police", "police"),
    ("local_authority", "Local authority", "local authorities"),
    ("education", "Education", "education"),
    ("health_social_care", "Health & social care", "health and social care"),
    ("housing", "Housing", "housing"),
    ("probation_criminal_justice", "Probation & criminal justice", "probation and criminal justice"),
    ("national_government", "National government & public bodies", "national government and public bodies"),
    ("business", "Business", "business"),
    ("research", "Research", "research"),
    ("individual", "Individual (no organisation)", "individuals"),
    ("other", "Other", "other organisations"),
]


#: Approaches to good-relations work (stable code, name); the list is editable after seeding.
APPROACHES: list[tuple[str, str]] = [
    ("arts", "Arts"),
    ("sport", "Sport"),
    ("community_organising", "Community organising"),
    ("volunteering", "Volunteering"),
    ("advocacy", "Advocacy"),
    ("skills_training", "Skills training"),
    ("dialogue", "Dialogue"),
    ("mediation", "Mediation"),
]


def seed_approaches() -> int:
    """Insert missing approaches (by code); existing rows are left as edited. Returns how many."""
    known = set(db.session.scalars(select(Approach.code)))
    missing = [(order, code, name) for order, (code, name) in enumerate(APPROACHES) if code not in known]
    db.session.add_all(Approach(code=code, name=name, sort_order=order) for order, code, name in missing)
    return len(missing)


def seed_reference_data() -> tuple[int, int]:
    """Insert missing regions, sectors and story approaches; existing rows are left as edited.

    :return: how many regions and sectors were added.
    """
    known_regions = set(db.session.scalars(select(Region.code)))
    added_regions = 0
    for order, (code, name) in enumerate(REGIONS):
        if code not in known_regions:
            db.session.add(Region(code=code, name=name, sort_order=order))
            added_regions += 1
    known_sectors = set(db.session.scalars(select(Sector.code)))
    added_sectors = 0
    for order, (code, name, plural) in enumerate(SECTORS):
        if code not in known_sectors:
            db.session.add(Sector(code=code, name=name, plural=plural, sort_order=order))
            added_sectors += 1
    seed_approaches()
    db.session.flush()
    return added_regions, added_sectors
