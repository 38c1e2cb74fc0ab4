"""Deterministic demo data: a programme modelled on a real one, and upcoming events.

The past programme has 11 regional events, each hosted by a different local
organisation, attended by 346 people (358 attendances, 12 people came twice)
from 235 organisations; no-shows and cancellations are mixed in, as in life.
All personal data is synthetic (Faker, ``en_GB``, fixed seed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from faker import Faker
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.messages.audiences import Scope, recipients
from eventsapp.models import (
    Approach,
    Attendance,
    Event,
    Membership,
    Message,
    MessageRecipient,
    Organisation,
    Person,
    Programme,
    Region,
    Registration,
    Sector,
    Story,
    StoryChange,
    StoryCoauthor,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    User,
    normalise_organisation_name,
    utcnow,
)
from eventsapp.models.survey import DEFAULT_SURVEY_QUESTIONS, scale_of
from eventsapp.network.demo import seed_network
from eventsapp.stories.services import coauthor_candidates
from eventsapp.timeutil import to_utc

DEMO_PROGRAMME_SLUG = "good-relations-convening"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (published demo login)
DEMO_USERS = {
    "coordinator": "coordinator@example.org",
    "organiser": "organiser@example.org",
    "door": "door@example.org",
}

ORGANISATIONS = 235
PEOPLE = 346
RETURNING_PEOPLE = 12
INDIVIDUALS = 8

#: Share of organisations per sector, shaped like the real programme's mix.
SECTOR_WEIGHTS = {
    "community_voluntary": 80,
    "youth_justice": 34,
    "police": 30,
    "local_authority": 32,
    "faith": 20,
    "education": 10,
    "health_social_care": 8,
    "housing": 5,
    "probation_criminal_justice": 6,
    "national_government": 4,
    "research": 3,
    "business": 3,
}

#: (region code, town, host organisation name, host sector, venue)
PAST_EVENTS = [
    ("TLC", "Newcastle upon Tyne", "Tyneside Together Forum", "community_voluntary", "Discovery Museum"),
    ("TLD", "Oldham", "Oldham Youth Justice Service", "youth_justice", "Queen Elizabeth Hall"),
    ("TLE", "Bradford", "Bradford Interfaith Centre", "faith", "Bradford Cathedral Hall"),
    ("TLF", "Leicester", "Leicestershire Police Community Cohesion Unit", "police", "Leicester Adult Education College"),
    ("TLG", "Birmingham", "Birmingham City Council Cohesion Team", "local_authority", "The Council House"),
    ("TLH", "Luton", "Luton Council of Faiths", "faith", "Hat Factory Arts Centre"),
    ("TLI", "Tower Hamlets", "East London Community Network", "community_voluntary", "Oxford House"),
    ("TLJ", "Crawley", "Crawley Good Relations Partnership", "local_authority", "The Hawth"),
    ("TLK", "Bristol", "Bristol Youth Offending Team", "youth_justice", "M Shed"),
    ("TLD", "Blackburn", "Blackburn with Darwen Community Voice", "community_voluntary", "King George's Hall"),
    ("TLE", "Sheffield", "South Yorkshire Police Engagement Team", "police", "Sheffield Town Hall"),
]

THEMES = [
    "What does \"good relations\" look like in your neighbourhood?",
    "Young people, identity and belonging",
    "Responding to tensions after a national incident",
    "Building trust between communities and the police",
    "Sharing what works: partnership stories",
]

ORG_PATTERNS = {
    "community_voluntary": ["{town} Community Trust", "{town} Neighbourhood Forum", "{word} Youth Project",
                            "{town} Refugee Welcome", "{word} Women's Network", "{town} CVS"],
    "youth_justice": ["{town} Youth Justice Service", "{town} Youth Offending Team"],
    "police": ["{county} Police", "{county} Constabulary Neighbourhood Team"],
    "local_authority": ["{town} Borough Council", "{town} City Council", "{county} County Council"],
    "faith": ["{town} Central Mosque", "St {saint}'s Church, {town}", "{town} Gurdwara",
              "{town} Synagogue", "{town} Hindu Temple", "{town} Council of Faiths"],
    "education": ["{town} College", "{town} Academy"],
    "health_social_care": ["{town} NHS Trust", "{town} Mental Health Partnership"],
    "housing": ["{town} Housing Association", "{word} Homes"],
    "probation_criminal_justice": ["{county} Probation Delivery Unit", "{town} Victim Support"],
    "national_government": ["{word} Commission", "Department for {word}"],
    "research": ["University of {town} Centre for {word}"],
    "business": ["{word} Consulting Ltd", "{town} Chamber of Commerce"],
}


@dataclass
class DemoSummary:
    created: bool
    events: int
    people: int
    organisations: int


def seed_demo(today: date | None = None, seed: int = 2013) -> DemoSummary:
    """Load the demo programme, users and upcoming events, once.

    Idempotent: when the demo programme exists, nothing is written. Every part draws from the
    same seeded generators in a fixed order, so the data is the same on every run.
    """
    existing = db.session.scalar(select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    if existing is not None:
        return DemoSummary(False, len(existing.events), 0, 0)

    today = today or utcnow().date()
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    sectors = {s.code: s for s in db.session.scalars(select(Sector))}
    regions = {r.code: r for r in db.session.scalars(select(Region))}

    coordinator_org, programme = _make_programme(sectors)
    hosts, organisations = _make_hosts_and_organisations(rng, fake, sectors)
    past_events = _make_past_events(programme, hosts, regions, today, rng, fake)
    _make_attendances(past_events, organisations, rng, fake)
    _make_no_shows_and_cancellations(past_events, organisations, rng, fake)
    upcoming = _make_upcoming(programme, hosts, regions, today, rng, fake, organisations)
    users = _make_users(coordinator_org, hosts[7])
    users["colleague"] = _make_colleague(hosts[7], seed)
    _make_stories(programme, past_events, hosts, users)
    seed_network(hosts)
    db.session.flush()
    _make_message(programme, users["coordinator"])
    _make_survey_responses(programme, past_events, random.Random(seed + 19))
    db.session.flush()
    return DemoSummary(True, len(past_events) + len(upcoming), PEOPLE, len(organisations))


def _make_programme(sectors: dict) -> tuple[Organisation, Programme]:
    """The coordinating network and its programme."""
    coordinator_org = Organisation(
        name="Good Relations Network", sector=sectors["community_voluntary"]
    )
    db.session.add(coordinator_org)
    programme = Programme(
        slug=DEMO_PROGRAMME_SLUG,
        name="Strengthening Good Relations: Regional Convening Events",
        description=(
            "A programme of regional events bringing together community and voluntary "
            "groups, faith groups, police, youth justice teams and local authorities "
            "to share what works in building good relations between people of "
            "different ethnicities, faiths, ages and backgrounds."
        ),
        coordinator_organisation=coordinator_org,
    )
    db.session.add(programme)
    return coordinator_org, programme


def _make_hosts_and_organisations(rng: random.Random, fake: Faker,
                                  sectors: dict) -> tuple[list[Organisation], list[Organisation]]:
    """(the past events' hosts, the ORGANISATIONS represented): hosts' staff attend too, so the
    hosts are among the organisations represented."""
    organisations = _make_organisations(rng, fake, sectors)
    hosts = [Organisation(name=host_name, sector=sectors[host_sector])
             for _code, _town, host_name, host_sector, _venue in PAST_EVENTS]
    organisations = hosts + organisations[: ORGANISATIONS - len(hosts)]
    db.session.add_all(organisations)
    return hosts, organisations


def _make_past_events(programme: Programme, hosts: list[Organisation], regions: dict, today: date,
                      rng: random.Random, fake: Faker) -> list[Event]:
    """The programme's PAST_EVENTS, three weeks or so apart from early last year."""
    first_event_day = date(today.year - 1, 1, 1) + timedelta(days=14)
    past_events = []
    for index, (code, town, _host_name, _sector, venue) in enumerate(PAST_EVENTS):
        day = first_event_day + timedelta(days=index * 23)
        event = _make_event(
            programme, hosts[index], regions[code], town, venue, day, rng, fake, capacity=60
        )
        past_events.append(event)
    programme.starts_on = past_events[0].starts_at.date()
    programme.ends_on = past_events[-1].starts_at.date()
    db.session.add_all(past_events)
    return past_events


def _make_attendances(past_events: list[Event], organisations: list[Organisation], rng: random.Random,
                      fake: Faker) -> None:
    """PEOPLE who attended, one event each, RETURNING_PEOPLE of them a second one: every
    organisation sends at least one person, the rest are spread by weight, INDIVIDUALS come alone."""
    people = [_make_person(fake) for _ in range(PEOPLE)]
    db.session.add_all(people)
    affiliation: list[Organisation | None] = list(organisations)
    remaining = PEOPLE - len(organisations) - INDIVIDUALS
    affiliation += rng.choices(organisations, k=remaining)
    affiliation += [None] * INDIVIDUALS
    rng.shuffle(affiliation)

    for position, (person, organisation) in enumerate(zip(people, affiliation, strict=True)):
        event = past_events[position % len(past_events)]
        _attend(event, person, organisation, rng, fake)
    returning = rng.sample(range(PEOPLE), RETURNING_PEOPLE)
    for position in returning:
        first = position % len(past_events)
        second = (first + 1 + rng.randrange(len(past_events) - 1)) % len(past_events)
        _attend(past_events[second], people[position], affiliation[position], rng, fake)


def _make_no_shows_and_cancellations(past_events: list[Event], organisations: list[Organisation],
                                     rng: random.Random, fake: Faker) -> None:
    """Registered but did not come, and cancelled, at every past event: they must not count as people."""
    for event in past_events:
        for status in ["confirmed"] * 3 + ["cancelled"] * 2:
            person = _make_person(fake)
            organisation = rng.choice(organisations)
            db.session.add(person)
            db.session.add(
                _registration(event, person, organisation, status, rng, fake)
            )


def _make_organisations(rng: random.Random, fake: Faker, sectors: dict) -> list[Organisation]:
    codes = list(SECTOR_WEIGHTS)
    weights = list(SECTOR_WEIGHTS.values())
    seen = {normalise_organisation_name(e[2]) for e in PAST_EVENTS}
    organisations = []
    while len(organisations) < ORGANISATIONS:
        code = rng.choices(codes, weights)[0]
        pattern = rng.choice(ORG_PATTERNS[code])
        name = pattern.format(
            town=fake.city(), county=fake.county(), word=fake.last_name(), saint=fake.first_name()
        )
        key = normalise_organisation_name(name)
        if key in seen:
            continue
        seen.add(key)
        organisations.append(Organisation(name=name, sector=sectors[code]))
    return organisations


def _make_person(fake: Faker) -> Person:
    first, last = fake.first_name(), fake.last_name()
    email = f"{first}.{last}.{fake.unique.random_int(1, 10**6)}@example.org".lower().replace(" ", "")
    return Person(first_name=first, last_name=last, email=email)


def _name_as_typed(organisation: Organisation | None, rng: random.Random) -> str:
    """The organisation's name as a person might type it (case, spacing, full stops)."""
    if organisation is None:
        return ""
    variants = [
        organisation.name,
        organisation.name.lower(),
        organisation.name + ".",
        "The " + organisation.name,
        organisation.name.replace(" ", "  ", 1) + " ",
    ]
    return rng.choices(variants, weights=[70, 10, 8, 6, 6])[0]


def _registration(event, person, organisation, status, rng, fake) -> Registration:
    created = event.starts_at - timedelta(days=rng.randint(2, 40), minutes=rng.randint(0, 1440))
    return Registration(
        event=event,
        person=person,
        organisation=organisation,
        organisation_name_entered=_name_as_typed(organisation, rng),
        email_key=person.email_key,
        status=status,
        source="demo",
        job_title=fake.job()[:200],
        consent_privacy_at=created,
        consent_contact=rng.random() < 0.6,
        created_at=created,
        cancelled_at=created + timedelta(days=1) if status == "cancelled" else None,
    )


def _attend(event, person, organisation, rng, fake) -> None:
    registration = _registration(event, person, organisation, "confirmed", rng, fake)
    registration.attendance = Attendance(
        checked_in_at=event.starts_at + timedelta(minutes=rng.randint(-20, 45)),
        method=rng.choices(["desk", "qr", "sheet", "walk_in"], weights=[60, 20, 15, 5])[0],
    )
    db.session.add(registration)


def _make_event(programme, host, region, town, venue, day, rng, fake, capacity) -> Event:
    start_local = datetime.combine(day, time(rng.choice([10, 13, 18]), rng.choice([0, 30])))
    themes = rng.sample(THEMES, 3)
    return Event(
        programme=programme,
        host=host,
        region=region,
        title=f"Good relations in {town}",
        summary=(
            f"A regional convening event for people working to strengthen good "
            f"relations across {town} and {region.name}."
        ),
        description=(
            "Join community and voluntary groups, faith groups, police, youth justice "
            "teams and local authorities for an afternoon of conversation.\n\n"
            "We will hear from local projects, discuss what works, and plan together."
        ),
        themes="\n".join(themes),
        town=town,
        venue=venue,
        address=fake.street_address(),
        postcode=fake.postcode(),
        accessibility="Step-free access, hearing loop and a quiet room are available.",
        starts_at=to_utc(start_local),
        ends_at=to_utc(start_local + timedelta(hours=3)),
        capacity=capacity,
        status="published",
    )


def _make_upcoming(programme, hosts, regions, today, rng, fake, organisations) -> list[Event]:
    plans = [
        (hosts[7], "TLJ", "Reading", "Reading Town Hall", 21, 40, 12),
        (hosts[2], "TLE", "Leeds", "Leeds Civic Hall", 35, 30, 33),
        (hosts[6], "TLI", "Hackney", "Hackney Central Library", 49, None, 8),
        (hosts[8], "TLK", "Plymouth", "The Box", 70, 50, 0),
    ]
    events = []
    for host, code, town, venue, days_ahead, capacity, registered in plans:
        event = _make_event(
            programme, host, regions[code], town, venue, today + timedelta(days=days_ahead),
            rng, fake, capacity,
        )
        event.registration_opens_at = to_utc(datetime.combine(today - timedelta(days=7), time(9)))
        events.append(event)
        db.session.add(event)
        for index in range(registered):
            person = _make_person(fake)
            db.session.add(person)
            full = capacity is not None and index >= capacity
            db.session.add(
                _registration(event, person, rng.choice(organisations),
                              "waitlisted" if full else "confirmed", rng, fake)
            )
    draft = _make_event(
        programme, hosts[7], regions["TLJ"], "Guildford", "Guildford Guildhall",
        today + timedelta(days=90), rng, fake, 40,
    )
    draft.status = "draft"
    db.session.add(draft)
    return events


def _make_users(coordinator_org: Organisation, host: Organisation) -> dict[str, User]:
    from eventsapp.models.user import password_hasher

    password_hash = password_hasher().hash(DEMO_PASSWORD)
    users = {}
    for role, email in DEMO_USERS.items():
        user = User(email=email, name=f"Demo {role}", password_hash=password_hash)
        organisation = coordinator_org if role == "coordinator" else host
        user.memberships.append(Membership(organisation=organisation, role=role))
        db.session.add(user)
        users[role] = user
    return users


def _make_colleague(host: Organisation, seed: int) -> User:
    """A second organiser of the demo organiser's host, who co-writes its stories: a synthetic name
    (its own seeded Faker, so the rest of the demo is unchanged), an example.org address, no password."""
    fake = Faker("en_GB")
    fake.seed_instance(seed + 31)
    first, last = fake.first_name(), fake.last_name()
    local = ".".join("".join(c for c in part.lower() if c.isalnum()) for part in (first, last))
    user = User(email=f"{local}@example.org", name=f"{first} {last}")
    user.memberships.append(Membership(organisation=host, role="organiser"))
    db.session.add(user)
    return user


DEMO_MESSAGE_SUBJECT = "Thank you, and what comes next for the network"
DEMO_MESSAGE_BODY = """Thank you for taking part in this year's regional convening events.

**What comes next:**

- the programme report, with the stories you told us, is published in the spring;
- hosts are offering peer support: see the network directory on this site.

Reply to your host if you would like to run an event near you."""


def _make_message(programme: Programme, coordinator: User) -> Message:
    """One programme-wide message, as sent (its count by the audience rule; no mail is queued, so the
    demo sends nothing to its invented people)."""
    people = recipients(Scope(programme=programme), "network")
    message = Message(
        programme=programme, audience="network", subject=DEMO_MESSAGE_SUBJECT, body=DEMO_MESSAGE_BODY,
        body_format="markdown", sender=coordinator, sender_name=coordinator.name, recipients_count=len(people),
    )
    db.session.add(message)
    db.session.flush()
    db.session.add_all([MessageRecipient(message_id=message.id, person_id=p.id) for p in people])
    return message


#: (host index, title, summary, body, kind of work, approaches, differences, state, anonymous, featured)
DEMO_STORIES = [
    (7, "A mural that three estates painted together",
     "Young people from three Crawley estates that rarely mixed designed and painted a mural over one summer.",
     "It began with an argument at a bus stop. By the end of the summer, forty young people from the three "
     "estates had designed, sketched and painted a forty-metre mural on the wall of the community centre.\n\n"
     "**What worked:** paid artists who listened, a shared lunch every session, and parents invited to the "
     "last week.\n\n- 40 young people took part\n- 12 volunteers from local faith groups\n"
     "- the centre now runs a monthly open studio",
     "bringing_together", ["Arts", "Volunteering"], ["age", "geography", "ethnicity"], "published", False, True),
    (2, "Listening circles after a night of tension",
     "After a disturbance in the city centre, faith leaders opened their doors for a week of listening circles.",
     "The morning after the disturbance, the Interfaith Centre rang round. Within two days, mosques, "
     "churches and the gurdwara had each hosted an evening where anyone could come, speak and be heard.\n\n"
     "Trained facilitators kept the circles calm. Police officers came out of uniform and listened too. "
     "Several people said it was the first time they had spoken to a neighbour of another faith.",
     "calming_tensions", ["Dialogue", "Mediation"], ["faith", "ethnicity"], "published", False, True),
    (1, "Five-a-side and a first job",
     "A weekly football session became a way in to training and work for young people new to the town.",
     "Every Tuesday evening, young people who had recently arrived in the town played five-a-side with "
     "young people known to the youth justice service. Coaches and mentors came from both groups.\n\n"
     "After a year, eleven players had started an apprenticeship or college course, and the team had "
     "entered the town league.",
     "integration", ["Sport", "Skills training"], ["nationality", "class", "age"], "published", True, False),
    (3, "Talking back to hate online",
     "A police cohesion unit and local volunteers trained young people to recognise and answer extremist content.",
     "Working with schools and youth clubs, the unit and volunteers ran six workshops on how extremist "
     "groups recruit online and how to respond safely.\n\nParticipants then ran sessions for their own "
     "peers, reaching more young people than the unit could alone.",
     "countering_extremism", ["Advocacy", "Community organising"], ["faith", "age"], "published", False, False),
    (7, "Notes on our community iftar (draft)",
     "A first draft about the open iftar held at the end of the programme's Crawley event.",
     "Draft: to be finished with the names of the groups who agreed to be named.",
     "bringing_together", ["Volunteering"], ["faith"], "draft", False, False),
]


#: Story title -> the demo users (keys of ``_make_users``' dict) its author invited to co-write it: members of
#: the author's own organisation, as the co-author rule asks (eventsapp.permissions.coauthor_organisation_ids).
DEMO_COAUTHORS = {
    "A mural that three estates painted together": ("colleague",),
    "Notes on our community iftar (draft)": ("colleague", "door"),
}


def _make_stories(programme: Programme, events: list[Event], hosts: list[Organisation],
                  users: dict[str, User]) -> None:
    """Synthetic stories: four published (one anonymous), one unpublished draft; two chosen for reports;
    two co-written (:data:`DEMO_COAUTHORS`)."""
    approaches = {a.name: a for a in db.session.scalars(select(Approach))}
    for host_index, title, summary, body, kind, approach_names, differences, state, anonymous, featured in DEMO_STORIES:
        event = events[host_index]
        host = hosts[host_index]
        author = users["organiser"] if host_index == 7 else users["coordinator"]
        written = event.ends_at + timedelta(days=3)
        story = Story(
            title=title, summary=summary, body=body, region=event.region, place=event.town,
            kind_of_work=kind, differences=",".join(differences), event=event, programme=programme,
            consent_confirmed=state != "draft", attribution="anonymous" if anonymous else "organisation",
            attributed_organisation=None if anonymous else host, author=author, state=state,
            featured_in_report=featured, created_at=written, updated_at=written,
            published_at=written + timedelta(days=4) if state == "published" else None,
        )
        story.approaches = [approaches[name] for name in approach_names if name in approaches]
        story.organisations = [host]
        story.changes.append(StoryChange(user=author, at=written, from_state=None, to_state="draft",
                                         note="Written"))
        _add_coauthors(story, [users[key] for key in DEMO_COAUTHORS.get(title, ())], written + timedelta(hours=2))
        if state == "published":
            story.changes.append(StoryChange(user=author, at=written + timedelta(days=1), from_state="draft",
                                             to_state="submitted"))
            story.changes.append(StoryChange(user=users["coordinator"], at=written + timedelta(days=4),
                                             from_state="submitted", to_state="published"))
        db.session.add(story)


def _add_coauthors(story: Story, coauthors: list[User], at: datetime) -> None:
    """Its author invites ``coauthors`` while it is a draft, as add_coauthor would (logged in its history;
    no mail: the demo sends nothing); each must be one of the story's candidates."""
    if not coauthors:
        return
    db.session.add(story)
    db.session.flush()
    candidates = {user.id for user, _ in coauthor_candidates(story)}
    for user in coauthors:
        if user.id not in candidates:
            raise ValueError(f"{user.email} is not a member of the author's organisations")
        story.coauthor_rows.append(StoryCoauthor(user=user, added_by=story.author, added_at=at))
        story.changes.append(StoryChange(user=story.author, at=at, from_state="draft", to_state="draft",
                                         note=f"Co-author added: {user.name}"))


#: The demo event (by position in PAST_EVENTS) with too few survey responses for a breakdown.
SURVEY_SMALL_EVENT = 3
SURVEY_SMALL_RESPONSES = 6
SURVEY_TEXTS = [
    "I will invite the youth offending team to our next community meeting.",
    "Contact the mosque and the gurdwara before planning the summer fun day, not after.",
    "Use the tension-monitoring approach we heard about with our neighbourhood officers.",
    "Ask newly arrived families what they need instead of guessing.",
    "Follow up with the housing association I met about a joint drop-in.",
    "Share our sports project's evaluation with the council's cohesion lead.",
]


def _make_survey_responses(programme: Programme, events: list[Event], rng: random.Random) -> None:
    """The feedback survey as sent after each past event: every attendee invited, some answered
    (one event below the threshold, so its breakdown is suppressed), three answers published as quotes."""
    questions = [SurveyQuestion(programme_id=programme.id, kind=kind, label=label, position=position)
                 for position, (kind, label) in enumerate(DEFAULT_SURVEY_QUESTIONS)]
    db.session.add_all(questions)
    db.session.flush()
    quoted = 0
    for index, event in enumerate(events):
        attended = db.session.scalars(
            select(Registration.id).join(Attendance).where(Registration.event_id == event.id)
            .order_by(Registration.id)).all()
        db.session.add_all(SurveyInvitation(registration_id=registration_id, event_id=event.id,
                                            sent_at=event.ends_at + timedelta(minutes=20))
                           for registration_id in attended)
        count = SURVEY_SMALL_RESPONSES if index == SURVEY_SMALL_EVENT else rng.randint(11, min(22, len(attended)))
        for _ in range(count):
            response = SurveyResponse(id=f"{rng.getrandbits(128):032x}", event_id=event.id)
            for question in questions:
                if question.kind == "text":
                    if rng.random() < 0.35:
                        publish = index != SURVEY_SMALL_EVENT and quoted < 3 and rng.random() < 0.5
                        quoted += publish
                        response.answers.append(SurveyAnswer(question_id=question.id, value=rng.choice(SURVEY_TEXTS),
                                                             published=publish))
                    continue
                if rng.random() < 0.05:
                    continue  # left blank
                values = [value for value, _ in scale_of(question.kind)]
                response.answers.append(SurveyAnswer(question_id=question.id,
                                                     value=rng.choices(values, weights=[38, 37, 14, 7, 4])[0]))
            db.session.add(response)
