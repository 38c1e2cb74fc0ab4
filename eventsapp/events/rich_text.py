"""Organisers write descriptions as plain paragraphs or Markdown; visitors get safe HTML."""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4", "blockquote",
    "code", "pre", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

#: The page already has its h1 and h2; an author's top headings become h3.
_TOP_HEADINGS = re.compile(r"<(/?)h[12]>")


def render_rich_text(text: str | None) -> Markup:
    """Markdown (blank lines make paragraphs) rendered and sanitised with nh3.

    Raw HTML, scripts, event handlers and ``javascript:`` links are removed;
    links get ``rel="noopener noreferrer nofollow"``.
    """
    if not text or not text.strip():
        return Markup("")
    html = markdown.markdown(text, extensions=["sane_lists", "nl2br"], output_format="html")
    html = _TOP_HEADINGS.sub(r"<\1h3>", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 (sanitised by nh3 above)
