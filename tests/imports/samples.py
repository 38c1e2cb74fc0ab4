"""Synthetic attendance files (Faker en_GB) that know the figures they imply."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

from eventsapp.models import normalise_organisation_name

#: (title, date, region as written, town, host as written)
EVENTS = [
    ("Good Relations in Newcastle", date(2013, 1, 17), "North East", "Newcastle upon Tyne", "Tyneside Together Forum"),
    ("Good Relations in Oldham", date(2013, 2, 5), "TLD", "Oldham", "Oldham Youth Justice Service"),
    ("Good Relations in Bradford", date(2013, 3, 14), "Yorkshire and The Humber", "Bradford", "Bradford Interfaith Centre"),
    ("Good Relations in Leicester", date(2013, 4, 3), "tlf", "Leicester", "Leicestershire Police"),
    ("Good Relations in Birmingham", date(2013, 5, 22), "West Midlands", "Birmingham", "Birmingham City Council"),
    ("Good Relations in Luton", date(2013, 6, 11), "East of England", "Luton", "Luton Council of Faiths"),
    ("Good Relations in Tower Hamlets", date(2013, 7, 2), "London", "Tower Hamlets", "East London Community Network"),
    ("Good Relations in Crawley", date(2013, 9, 10), "South East", "Crawley", "Crawley Good Relations Partnership"),
    ("Good Relations in Bristol", date(2013, 10, 1), "TLK", "Bristol", "Bristol Youth Offending Team"),
    ("Good Relations in Blackburn", date(2013, 11, 12), "North West", "Blackburn", "Blackburn with Darwen Community Voice"),
    ("Good Relations in Sheffield", date(2013, 12, 3), "Yorkshire and The Humber", "Sheffield", "South Yorkshire Police"),
]

DATE_FORMS = [
    lambda d: d.isoformat(),                       # 2013-03-14
    lambda d: d.strftime("%d/%m/%Y"),              # 14/03/2013
    lambda d: d.strftime("%d/%m/%y"),              # 14/03/13
    lambda d: f"{d.day} {d:%B %Y}",                # 14 March 2013
]

ORG_SHAPES = [
    ("{town} Community Trust", "Charity"), ("{town} Neighbourhood Forum", "Community group"),
    ("{town} Youth Offending Team", "YOT"), ("{county} Constabulary", "Constabulary"),
    ("{county} Police", "Police force"), ("{town} Borough Council", "Borough Council"),
    ("{town} City Council", "Council"), ("{town} Central Mosque", "Faith"), ("{town} Women’s Network", "CIC"),
    ("{town} Refugee Welcome & Support", "Charity"), ("{town} College", "Education"),
    ("{town} Housing Association", "Housing"), ("St {saint}’s Church, {town}", "faith group"),
]

#: Sector words above -> the sector code they must resolve to.
SECTOR_OF = {
    "Charity": "community_voluntary", "Community group": "community_voluntary", "YOT": "youth_justice",
    "Constabulary": "police", "Police force": "police", "Borough Council": "local_authority",
    "Council": "local_authority", "Faith": "faith", "CIC": "community_voluntary", "Education": "education",
    "Housing": "housing", "faith group": "faith",
}


def spell(name: str, rng: random.Random) -> str:
    """The same organisation as people type it: case, spacing, "The", "&"/"and", "Ltd", full stops."""
    variants = [
        name, name.upper(), name.lower(), f"The {name}", name.replace(" & ", " and "),
        name.replace(" and ", " & "), f"{name} Ltd", f"  {name}  ", f"{name}.", name.replace(" ", "  "),
        f"{name} Limited",
    ]
    return rng.choice(variants)


@dataclass
class Sample:
    data: bytes
    rows: int
    attendances: int
    people: int
    organisations: int
    events: int
    people_with_email: int
    sectors: dict[str, int]


def attendance_file(seed: int = 2013, *, rows_wanted: int = 358, people: int = 346,
                    organisations: int = 235, encoding: str = "cp1252", delimiter: str = ",",
                    no_shows: int = 0) -> Sample:
    """An attendance list for the 11 EVENTS: ``rows_wanted`` attendance rows by ``people`` people
    (the rest came twice) from ``organisations`` organisations plus a few individuals,
    with ``no_shows`` extra rows marked as not attended."""
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    orgs: list[tuple[str, str]] = []
    keys: set[str] = set()
    while len(orgs) < organisations:
        shape, sector_word = rng.choice(ORG_SHAPES)
        name = shape.format(town=fake.city(), county=fake.county(), saint=fake.first_name())
        key = normalise_organisation_name(name)
        if key and key not in keys:
            keys.add(key)
            orgs.append((name, sector_word))
    accents = ["Zoë", "Seán", "Renée", "Chloë", "José", "Siân"]
    persons = []
    for index in range(people):
        first = accents[index % len(accents)] if index % 25 == 0 else fake.first_name()
        last = f"O’{fake.last_name()}" if index % 31 == 0 else fake.last_name()
        email = None if index % 20 == 7 else f"{first}.{last}.{index}@example.org".lower().replace(" ", "")
        organisation = None if index % 43 == 5 else orgs[index % organisations]
        persons.append((first, last, email, organisation))
    repeats = rows_wanted - people
    # Every person attends once; the first ``repeats`` people who have an email attend a second event.
    plan = [(p, index % len(EVENTS)) for index, p in enumerate(persons)]
    returning = [p for p in persons if p[2]][:repeats]
    plan += [(p, (persons.index(p) + 3) % len(EVENTS)) for p in returning]
    absent = [(p, (persons.index(p) + 5) % len(EVENTS)) for p in persons[-no_shows:]] if no_shows else []
    output = io.StringIO(newline="")
    writer = csv.writer(output, delimiter=delimiter)
    writer.writerow(["Event", "Event Date", "Region", "Town", "Host Organisation", "First Name", "Surname",
                     "E-mail Address", "Organisation", "Sector", "Job title", "Attended"])
    attended_words = ["Yes", "yes", "Attended", "Checked in", "1", "TRUE", "Y"]
    sectors: dict[str, int] = {}
    for (first, last, email, organisation), event_index, attended in (
        [(p, e, True) for p, e in plan] + [(p, e, False) for p, e in absent]
    ):
        title, day, region, town, host = EVENTS[event_index]
        org_name, sector_word = organisation if organisation else ("", "")
        writer.writerow([
            title if rng.random() < 0.8 else title.upper(), rng.choice(DATE_FORMS)(day), region, town, host,
            first, last, email or "", spell(org_name, rng) if org_name else "", sector_word,
            fake.job() if rng.random() < 0.5 else "", rng.choice(attended_words) if attended else "No-show",
        ])
    for _name, sector_word in {o for p in persons if (o := p[3])}:
        sectors[SECTOR_OF[sector_word]] = sectors.get(SECTOR_OF[sector_word], 0) + 1
    rows = len(plan) + len(absent)
    return Sample(
        data=output.getvalue().encode(encoding), rows=rows, attendances=len(plan), people=people,
        organisations=len({p[3] for p in persons if p[3]}), events=len(EVENTS),
        people_with_email=sum(1 for p in persons if p[2]), sectors=sectors,
    )
