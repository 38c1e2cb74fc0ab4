"""Published stories as an Atom 1.0 feed (RFC 4287), built with xml.etree (no feed library is installed)."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from flask import url_for

from eventsapp.events.rich_text import render_rich_text
from eventsapp.models import Story, utcnow

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat() + "Z"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def render_atom(stories: list[Story]) -> bytes:
    """The feed document: one entry per story (newest first), its body as sanitised HTML.

    Only pass published stories: everything given here is public.
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    home = url_for("stories.index", _external=True)
    _add(feed, "id", home)
    _add(feed, "title", "Stories of good-relations work")
    _add(feed, "subtitle", "Stories from the hosts of the programme's events, published by its coordinators.")
    updated = max((s.published_at or s.updated_at for s in stories), default=utcnow())
    _add(feed, "updated", _stamp(updated))
    _add(feed, "link", rel="self", href=url_for("stories.feed", _external=True), type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=home, type="text/html")
    _add(feed, "generator", "eventsapp")
    for story in stories:
        entry = _add(feed, "entry")
        page = url_for("stories.detail", story_id=story.id, _external=True)
        _add(entry, "id", page)
        _add(entry, "title", story.title)
        _add(entry, "link", rel="alternate", href=page, type="text/html")
        _add(entry, "published", _stamp(story.published_at or story.created_at))
        _add(entry, "updated", _stamp(story.published_at or story.updated_at))
        author = _add(entry, "author")
        _add(author, "name", story.attribution_label)
        _add(entry, "summary", story.summary)
        _add(entry, "content", str(render_rich_text(story.body)), type="html")
        _add(entry, "category", term=story.kind_of_work, label=story.kind_label)
        for approach in story.approaches:
            _add(entry, "category", term=f"approach:{approach.name}", label=approach.name)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
