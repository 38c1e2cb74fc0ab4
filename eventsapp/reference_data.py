"""Seed data for regions and sectors, and the idempotent seeding service."""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import Approach, Region, Sector
from eventsapp.models.story import SEED_APPROACHES

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
    known_approaches = {name.casefold() for name in db.session.scalars(select(Approach.name))}
    for order, name in enumerate(SEED_APPROACHES):
        if name.casefold() not in known_approaches:
            db.session.add(Approach(name=name, sort_order=order))
    db.session.flush()
    return added_regions, added_sectors
