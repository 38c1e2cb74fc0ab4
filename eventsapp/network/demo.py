"""The network's part of the demo (``flask seed-demo``): directory profiles of several demo hosts,
offers and asks that match one another, and resources (approved, and one waiting for approval).

Every name, text and address is synthetic (``@example.org``). Called by :func:`eventsapp.demo.seed_demo`.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import (
    Approach,
    NetworkProfile,
    NetworkProfileKind,
    Organisation,
    Region,
    Resource,
    SupportPost,
)

#: host name -> (listed, area, region code, kinds of work, approach codes, what they do)
PROFILES = {
    "Tyneside Together Forum": (True, "Newcastle and North Tyneside", "TLC", ["bringing_together"],
                                ["arts", "volunteering"],
                                "We bring neighbours of every background together through **shared meals**, "
                                "community arts and volunteering days.\n\nNew residents are always welcome."),
    "Oldham Youth Justice Service": (True, "Oldham", "TLD", ["calming_tensions", "countering_extremism"],
                                     ["mediation", "sport"],
                                     "Youth-justice practitioners working with young people, families and schools: "
                                     "restorative mediation after incidents, and sport sessions that mix young "
                                     "people from different estates."),
    "Bradford Interfaith Centre": (True, "Bradford and Keighley", "TLE", ["bringing_together", "calming_tensions"],
                                   ["dialogue", "skills_training"],
                                   "Interfaith dialogue circles, training for faith leaders in facilitation, and "
                                   "a rapid-response network when tensions rise."),
    "Birmingham City Council Cohesion Team": (True, "Birmingham", "TLG", ["integration", "calming_tensions"],
                                              ["community_organising", "advocacy"],
                                              "The council's cohesion team: we fund and support local groups, "
                                              "and convene partners when community tensions need a joint answer."),
    "East London Community Network": (True, "Tower Hamlets and Newham", "TLI", ["integration"],
                                      ["volunteering", "skills_training", "advocacy"],
                                      "A network of small community groups welcoming refugees and new arrivals: "
                                      "English conversation clubs, advice and volunteering placements."),
    "Crawley Good Relations Partnership": (True, "Crawley and Horsham", "TLJ", ["bringing_together", "integration"],
                                           ["dialogue", "arts", "mediation"],
                                           "A partnership of the council, police, faith groups and charities. "
                                           "We run the town's good-relations week and a community mediation service."),
    "Bristol Youth Offending Team": (False, "Bristol", "TLK", ["countering_extremism"], ["mediation"],
                                     "Not yet listed in the directory."),
}

#: (host, kind, title, details, region code, kind of work, approach codes)
POSTS = [
    ("Bradford Interfaith Centre", "offer", "We can run a facilitation training for dialogue circles",
     "A one-day course for up to 16 people who want to host conversations across faiths and cultures.",
     "TLE", "bringing_together", ["dialogue", "skills_training"]),
    ("Crawley Good Relations Partnership", "ask", "We need a mediator who works with young people",
     "Two estates, a long-running dispute after a football match. Looking for someone experienced with 14–18 year olds.",
     "TLJ", "calming_tensions", ["mediation"]),
    ("Oldham Youth Justice Service", "offer", "Restorative mediation with young people: we can share our approach",
     "Our practitioners can talk you through how we run restorative meetings after incidents.",
     "TLD", "calming_tensions", ["mediation"]),
    ("Tyneside Together Forum", "ask", "Looking for artists to co-design a community mural",
     "Paid commission for an artist who can work with residents of very different backgrounds.",
     "TLC", "bringing_together", ["arts"]),
    ("East London Community Network", "offer", "Volunteer placements for new arrivals",
     "We place newly arrived residents with local groups; partners across London welcome.",
     "TLI", "integration", ["volunteering"]),
    ("Birmingham City Council Cohesion Team", "ask", "Community organisers to help with a listening campaign",
     "Short-term support for a city-wide listening campaign before the summer.",
     "TLG", "integration", ["community_organising"]),
    ("Crawley Good Relations Partnership", "offer", "Dialogue evenings: our format and materials",
     "Happy to share the format of our dialogue evenings and to visit another town to run one.",
     "TLJ", "bringing_together", ["dialogue"]),
]

#: (host, title, summary, url, kind of work, approach codes, status, file name or None)
RESOURCES = [
    ("Bradford Interfaith Centre", "Hosting a dialogue circle: a facilitator's guide",
     "Step-by-step guide to preparing, opening and closing a dialogue circle, with ground rules.",
     None, "bringing_together", ["dialogue"], "approved", "dialogue-circle-guide.pdf"),
    ("Oldham Youth Justice Service", "Restorative practice with young people: a checklist",
     "A one-page checklist for practitioners before, during and after a restorative meeting.",
     None, "calming_tensions", ["mediation"], "approved", "restorative-checklist.txt"),
    ("East London Community Network", "Welcoming new arrivals: a toolkit for small groups",
     "Links to advice, language support and volunteering ideas for groups starting out.",
     "https://example.org/welcome-toolkit", "integration", ["volunteering", "advocacy"], "approved", None),
    ("Tyneside Together Forum", "Community arts projects that bring people together",
     "Case notes from five shared art projects and what made them work.",
     "https://example.org/arts-together", "bringing_together", ["arts"], "approved", None),
    ("Crawley Good Relations Partnership", "Responding to tensions after a local incident",
     "Our partnership's protocol for the first 72 hours: who calls whom, and what we say.",
     "https://example.org/tension-protocol", "calming_tensions", ["mediation", "dialogue"], "submitted", None),
]


def _pdf(title: str, lines: list[str]) -> bytes:
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(72, 770, title)
    pdf.setFont("Helvetica", 11)
    for number, line in enumerate(lines):
        pdf.drawString(72, 740 - 18 * number, line)
    pdf.save()
    return buffer.getvalue()


def _file(name: str, title: str, summary: str) -> bytes:
    lines = [summary, "", "Synthetic demo content for eventsapp."]
    if name.endswith(".pdf"):
        return _pdf(title, lines)
    return "\n".join([title, "", *lines]).encode()


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def seed_network(hosts: list[Organisation]) -> None:
    """Add the demo's profiles, offers and asks, and resources for the given hosts (not committed)."""
    by_name = {host.name: host for host in hosts}
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    approaches = {a.code: a for a in db.session.scalars(select(Approach))}
    for name, (listed, area, region, kinds, codes, about) in PROFILES.items():
        organisation = by_name[name]
        organisation.website = organisation.website or f"https://example.org/{_slug(name)}"
        db.session.add(NetworkProfile(
            organisation=organisation, slug=_slug(name), listed=listed, about=about, area=area,
            region=regions[region], contact_email=f"{_slug(name)}@example.org",
            kind_rows=[NetworkProfileKind(kind=kind) for kind in kinds],
            approaches=[approaches[code] for code in codes],
        ))
    for name, kind, title, details, region, kind_of_work, codes in POSTS:
        db.session.add(SupportPost(
            organisation=by_name[name], kind=kind, title=title, details=details, region=regions[region],
            kind_of_work=kind_of_work, status="open", approaches=[approaches[code] for code in codes],
        ))
    for name, title, summary, url, kind_of_work, codes, status, file_name in RESOURCES:
        resource = Resource(
            organisation=by_name[name], title=title, summary=summary, url=url, kind_of_work=kind_of_work,
            status=status, approaches=[approaches[code] for code in codes],
        )
        if file_name:
            data = _file(file_name, title, summary)
            resource.file_name, resource.file_data, resource.file_size = file_name, data, len(data)
            resource.file_type = "application/pdf" if file_name.endswith(".pdf") else "text/plain; charset=utf-8"
        db.session.add(resource)
