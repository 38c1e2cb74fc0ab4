"""Fixtures for the network tests: profiles, posts, resources, a real SMTP sink on loopback."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import Approach, NetworkProfile, NetworkProfileKind, Region, Resource, SupportPost
from tests import factories

#: The organisation's private address in these tests: it must never reach the sender.
SECRET = "private.inbox.4471@example.net"


def approach(code: str) -> Approach:
    return db.session.scalar(select(Approach).where(Approach.code == code))


def region(code: str) -> Region:
    return db.session.scalar(select(Region).where(Region.code == code))


def make_profile(organisation=None, *, listed=True, about="We bring people together.", area="", region_code=None,
                 approaches=(), kinds=(), contact_email=SECRET, slug=None) -> NetworkProfile:
    organisation = organisation or factories.make_organisation()
    profile = NetworkProfile(
        organisation=organisation, listed=listed, about=about, area=area, contact_email=contact_email,
        slug=slug or re.sub(r"[^a-z0-9]+", "-", organisation.name.lower()).strip("-"),
        region=region(region_code) if region_code else None,
        approaches=[approach(code) for code in approaches], kind_rows=[NetworkProfileKind(kind=k) for k in kinds],
    )
    db.session.add(profile)
    db.session.commit()
    return profile


def make_post(organisation, *, kind="offer", title=None, region_code=None, approaches=(), status="open",
              kind_of_work=None) -> SupportPost:
    post = SupportPost(organisation=organisation, kind=kind, title=title or f"{kind} of {organisation.name}",
                       region=region(region_code) if region_code else None, status=status,
                       approaches=[approach(code) for code in approaches], kind_of_work=kind_of_work)
    db.session.add(post)
    db.session.commit()
    return post


def make_resource(organisation, *, status="approved", title="A guide", url="https://example.org/guide",
                  approaches=(), kind_of_work=None, file=None) -> Resource:
    resource = Resource(organisation=organisation, status=status, title=title, url=url, kind_of_work=kind_of_work,
                        approaches=[approach(code) for code in approaches])
    if file:
        resource.file_name, resource.file_data = file
        resource.file_size = len(file[1])
    db.session.add(resource)
    db.session.commit()
    return resource


def card_titles(page: str) -> list[str]:
    """The organisation names on a directory page, in order."""
    return [html.unescape(t) for t in re.findall(r'<h2 class="h5 card-title"><a href="/network/[^"]+">([^<]+)</a>', page)]


def post_titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'class="h6 card-title"><a href="/network/support/\d+">([^<]+)</a>', page)]

