"""Every URL of the privacy area:

GET  /privacy                          the site privacy notice
GET  /privacy/programmes/<slug>        the notice with a programme's own addition
"""

from __future__ import annotations

from flask import abort, render_template

from eventsapp.events.rich_text import render_rich_text
from eventsapp.privacy import bp
from eventsapp.privacy.notice import controller, notice_version, retention_periods
from eventsapp.programmes.services import programme_by_slug


@bp.get("")
def notice():
    """The site notice: who the controller is, what is kept, why, for how long, and people's rights."""
    return render_template("privacy/notice.html", controller=controller(), periods=retention_periods(),
                           version=notice_version(None), programme=None, addition="")


@bp.get("/programmes/<slug>")
def programme_notice(slug: str):
    """The site notice with the programme's addition. :raise 404: for an unknown programme."""
    programme = programme_by_slug(slug) or abort(404)
    return render_template("privacy/notice.html", controller=controller(), periods=retention_periods(),
                           version=notice_version(programme), programme=programme,
                           addition=render_rich_text(programme.privacy_notice))
