"""Synthetic exports of other tools (Faker en_GB people), written from each tool's published column
names and status vocabulary, that know the figures they imply.

Column lists: Eventbrite's attendee summary report (statuses from its "glossary of order and attendee
statuses"), Ticket Tailor's issued tickets, pretix's order positions with check-in times, Hi.Events'
attendee export, Google Forms and Microsoft Forms responses, and Zoom's webinar attendee report.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from faker import Faker
from openpyxl import Workbook

from eventsapp.models import normalise_organisation_name
from tests.imports.samples import spell

#: (name, sector word as people write it)
ORGANISATIONS = [
    ("Leeds Community Trust", "Charity"), ("West Yorkshire Police", "Police force"),
    ("Bradford Youth Offending Team", "YOT"), ("Kirklees Council", "Council"),
    ("Calderdale Interfaith Forum", "Faith"), ("Wakefield College", "Education"),
    ("Harrogate Refugee Welcome & Support", "Charity"), ("Yorkshire Housing Association", "Housing"),
]
ATTENDED, REGISTERED, CANCELLED = "attended", "registered", "cancelled"
EVENT_DAY = date(2024, 3, 14)


@dataclass
class ToolExport:
    name: str
    filename: str
    data: bytes
    #: header -> field the import must read it as ("" for ignored).
    mapping: dict[str, str]
    registrations: int
    cancelled: int
    attendances: int
    people: int
    organisations: int
    #: Extra CLI options the file needs (a registration form says nothing of attendance).
    options: list[str] = field(default_factory=list)


def _people(seed: int, count: int):
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    people = []
    for index in range(count):
        first, last = fake.first_name(), fake.last_name()
        email = f"{first}.{last}.{index}@example.org".lower().replace(" ", "").replace("'", "")
        organisation = None if index % 11 == 3 else ORGANISATIONS[index % len(ORGANISATIONS)]
        status = CANCELLED if index % 7 == 5 else REGISTERED if index % 4 == 1 else ATTENDED
        people.append((first, last, email, organisation, status))
    return rng, people


def _figures(people, *, every_row_attended: bool = False) -> dict:
    standing = [p for p in people if p[4] != CANCELLED]
    attended = [p for p in standing if every_row_attended or p[4] == ATTENDED]
    return {
        "registrations": len(standing), "cancelled": len(people) - len(standing), "attendances": len(attended),
        "people": len({p[2] for p in attended}),
        "organisations": len({normalise_organisation_name(p[3][0]) for p in attended if p[3]}),
    }


def _csv(headers: list[str], rows: list[list]) -> bytes:
    output = io.StringIO(newline="")
    writer = csv.writer(output)
    writer.writerow(headers)
    writer.writerows(rows)
    return output.getvalue().encode("utf-8-sig")


def _xlsx(headers: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def eventbrite(seed: int = 1) -> ToolExport:
    rng, people = _people(seed, 60)
    headers = ["Order #", "Order Date", "Prefix", "First Name", "Last Name", "Suffix", "Email", "Quantity",
               "Ticket Type", "Attendee #", "Group", "Order Type", "Currency", "Total Paid", "Fees Paid",
               "Eventbrite Fees", "Eventbrite Payment Processing", "Attendee Status", "Job Title", "Company",
               "What sector is your organisation in?"]
    words = {ATTENDED: ["Checked In"], REGISTERED: ["Attending"],
             CANCELLED: ["Not Attending", "Refunded", "Transferred", "Deleted"]}
    rows = []
    for index, (first, last, email, organisation, status) in enumerate(people):
        ordered = datetime(2024, 2, 1, 9, 0) + timedelta(hours=7 * index)
        name, sector = organisation if organisation else ("", "")
        rows.append([str(900_000 + index), ordered.strftime("%Y-%m-%d %H:%M:%S+00:00"), "", first, last, "", email,
                     "1", "General admission", str(1_000 + index), "", "Free Order", "GBP", "0.00", "0.00", "0.00",
                     "0.00", rng.choice(words[status]), "Project worker", spell(name, rng) if name else "", sector])
    mapping = {h: "" for h in headers} | {
        "Order Date": "registered_at", "First Name": "first_name", "Last Name": "last_name", "Email": "email",
        "Attendee Status": "attended", "Job Title": "job_title", "Company": "organisation",
        "What sector is your organisation in?": "sector"}
    return ToolExport("Eventbrite", "eventbrite-attendees.csv", _csv(headers, rows), mapping, **_figures(people))


def ticket_tailor(seed: int = 2) -> ToolExport:
    rng, people = _people(seed, 50)
    headers = ["Ticket ID", "Barcode", "Event ID", "Event name", "Event start", "Ticket type", "First name",
               "Last name", "Email", "Status", "Checked in", "Order ID", "Organisation"]
    rows = []
    for index, (first, last, email, organisation, status) in enumerate(people):
        rows.append([f"it_{4000 + index}", f"BC{index:06d}", "ev_123", "Good Relations in Leeds",
                     EVENT_DAY.strftime("%d/%m/%Y 18:30"), "Free", first, last, email,
                     "void" if status == CANCELLED else "valid", "Yes" if status == ATTENDED else "No",
                     f"or_{700 + index}", spell(organisation[0], rng) if organisation else ""])
    mapping = {h: "" for h in headers} | {
        "Event name": "event_title", "Event start": "event_date", "First name": "first_name",
        "Last name": "last_name", "Email": "email", "Status": "registration_status", "Checked in": "attended",
        "Organisation": "organisation"}
    return ToolExport("Ticket Tailor", "tickettailor-issued-tickets.csv", _csv(headers, rows), mapping,
                      **_figures(people))


def pretix(seed: int = 3) -> ToolExport:
    rng, people = _people(seed, 45)
    headers = ["Order code", "Position ID", "Status", "Email", "Order date", "Product", "Price",
               "Attendee name", "Attendee name: Given name", "Attendee name: Family name", "Attendee email",
               "Company", "Checked in"]
    rows = []
    for index, (first, last, email, organisation, status) in enumerate(people):
        checked = datetime.combine(EVENT_DAY, datetime.min.time()) + timedelta(hours=9, minutes=index)
        rows.append([f"A{index:04X}", 1, "Canceled" if status == CANCELLED else "Paid", f"buyer{index}@example.net",
                     datetime(2024, 2, 20, 12, 0) + timedelta(hours=index), "Ticket", 0, f"{first} {last}", first,
                     last, email, spell(organisation[0], rng) if organisation else "",
                     checked if status == ATTENDED else None])
    mapping = {h: "" for h in headers} | {
        "Status": "registration_status", "Order date": "registered_at", "Attendee name": "full_name",
        "Attendee name: Given name": "first_name", "Attendee name: Family name": "last_name",
        "Attendee email": "email", "Company": "organisation", "Checked in": "attended"}
    return ToolExport("pretix", "pretix-positions.xlsx", _xlsx(headers, rows), mapping, **_figures(people))


def hi_events(seed: int = 4) -> ToolExport:
    rng, people = _people(seed, 40)
    headers = ["ID", "First Name", "Last Name", "Email", "Status", "Is Checked In", "Checked In At", "Product ID",
               "Product Name", "Event ID", "Public ID", "Short ID", "Created Date", "Last Updated Date", "Notes",
               "Which organisation do you represent?", "What type of organisation is it?"]
    rows = []
    for index, (first, last, email, organisation, status) in enumerate(people):
        name, sector = organisation if organisation else ("", "")
        attended = status == ATTENDED
        rows.append([str(index + 1), first, last, email, "CANCELLED" if status == CANCELLED else "ACTIVE",
                     "Yes" if attended else "No", f"{EVENT_DAY.isoformat()} 10:{index % 60:02d}:00" if attended else "",
                     "7", "Standard", "3", f"A-{index}", f"S{index}", f"2024-02-{index % 28 + 1:02d} 08:00:00",
                     "2024-03-01 08:00:00", "", spell(name, rng) if name else "", sector])
    mapping = {h: "" for h in headers} | {
        "First Name": "first_name", "Last Name": "last_name", "Email": "email", "Status": "registration_status",
        "Is Checked In": "attended", "Created Date": "registered_at",
        "Which organisation do you represent?": "organisation", "What type of organisation is it?": "sector"}
    return ToolExport("Hi.Events", "hi-events-attendees.csv", _csv(headers, rows), mapping, **_figures(people))


def google_forms(seed: int = 5) -> ToolExport:
    """A sign-in form: every response is an attendance, which the file itself does not say."""
    rng, people = _people(seed, 35)
    people = [p[:4] + (ATTENDED,) for p in people]
    headers = ["Timestamp", "Email address", "Your name", "Which organisation do you represent?",
               "What sector is your organisation in?", "Can we email you about future events?"]
    rows = []
    for index, (first, last, email, organisation, _status) in enumerate(people):
        name, sector = organisation if organisation else ("", "")
        rows.append([f"14/03/2024 10:{index % 60:02d}:{index % 50:02d}", email, f"{first} {last}",
                     spell(name, rng) if name else "", sector, rng.choice(["Yes", "No"])])
    mapping = {h: "" for h in headers} | {
        "Timestamp": "registered_at", "Email address": "email", "Your name": "full_name",
        "Which organisation do you represent?": "organisation", "What sector is your organisation in?": "sector"}
    return ToolExport("Google Forms", "google-form-responses.csv", _csv(headers, rows), mapping,
                      **_figures(people), options=["--all-attended"])


def microsoft_forms(seed: int = 6) -> ToolExport:
    """An anonymous registration form (Email and Name say "anonymous"); nobody has attended yet."""
    _rng, people = _people(seed, 30)
    people = [p[:4] + (REGISTERED,) for p in people]
    headers = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
               "What is your first name?", "What is your surname?", "What is your email address?",
               "Which organisation do you work for?", "Which sector best describes your organisation?"]
    rows = []
    for index, (first, last, email, organisation, _status) in enumerate(people):
        began = datetime(2024, 2, 10, 9, 0) + timedelta(hours=index)
        name, sector = organisation if organisation else ("", "")
        rows.append([index + 1, began, began + timedelta(minutes=3), "anonymous", "anonymous", None, first, last,
                     email, name, sector])
    mapping = {h: "" for h in headers} | {
        "Completion time": "registered_at", "What is your first name?": "first_name",
        "What is your surname?": "last_name", "What is your email address?": "email",
        "Which organisation do you work for?": "organisation",
        "Which sector best describes your organisation?": "sector"}
    return ToolExport("Microsoft Forms", "microsoft-forms.xlsx", _xlsx(headers, rows), mapping,
                      **_figures(people), options=["--none-attended"])


def zoom(seed: int = 7) -> ToolExport:
    rng, people = _people(seed, 40)
    headers = ["Attended", "User Name (Original Name)", "First Name", "Last Name", "Email", "Registration Time",
               "Approval Status", "Join Time", "Leave Time", "Time in Session (minutes)", "Is Guest",
               "Country/Region Name", "Organization", "Job Title", "Industry"]
    rows = []
    for index, (first, last, email, organisation, status) in enumerate(people):
        name, sector = organisation if organisation else ("", "")
        attended = status == ATTENDED
        registered = datetime(2024, 3, 1, 9, 0) + timedelta(hours=index)
        rows.append(["Yes" if attended else "No", f"{first} {last}" if attended else "", first, last, email,
                     registered.strftime("%b %d, %Y %H:%M:%S"), "denied" if status == CANCELLED else "approved",
                     "Mar 14, 2024 10:00:05" if attended else "", "Mar 14, 2024 11:30:00" if attended else "",
                     "90" if attended else "", "Yes", "United Kingdom", spell(name, rng) if name else "",
                     "Officer", sector])
    mapping = {h: "" for h in headers} | {
        "Attended": "attended", "User Name (Original Name)": "full_name", "First Name": "first_name",
        "Last Name": "last_name", "Email": "email", "Registration Time": "registered_at",
        "Approval Status": "registration_status", "Organization": "organisation", "Job Title": "job_title",
        "Industry": "sector"}
    # Zoom's report opens with a preamble (the report, the webinar, its host) above the attendees' table.
    preamble = _csv(["Attendee Report"], [
        ["Report Generated:", "3/14/2024 12:00 PM"],
        ["Topic", "Webinar ID", "Actual Start Time", "Actual Duration (minutes)", "# Registered", "# Cancelled",
         "Unique Viewers", "Total Users", "Max Concurrent Views"],
        ["Good Relations in Leeds", "812 3456 7890", "Mar 14, 2024 10:00:00", "90", str(len(people)), "0", "30",
         "31", "29"],
        [],
        ["Host Details"],
        ["Attended", "User Name (Original Name)", "Email", "Join Time", "Leave Time", "Time in Session (minutes)",
         "Is Guest", "Country/Region Name"],
        ["Yes", "Webinar Host", "host@example.org", "Mar 14, 2024 09:50:00", "Mar 14, 2024 11:35:00", "105", "No",
         "United Kingdom"],
        [],
        ["Attendee Details"],
    ])
    data = preamble + _csv(headers, rows).removeprefix(b"\xef\xbb\xbf")
    return ToolExport("Zoom", "zoom-attendee-report.csv", data, mapping, **_figures(people))


TOOLS = {"eventbrite": eventbrite, "ticket_tailor": ticket_tailor, "pretix": pretix, "hi_events": hi_events,
         "google_forms": google_forms, "microsoft_forms": microsoft_forms, "zoom": zoom}


#: The 400-row acceptance workbook's organisations per sector (distinct counts: the headline has no ties).
SECTOR_SHAPES = {
    "community_voluntary": (30, ["{town} Community Trust", "{town} Neighbourhood Forum", "{town} Women’s Network"],
                            ["Charity", "Community group", "CIC"]),
    "youth_justice": (20, ["{town} Youth Offending Team", "{town} Youth Justice Service"], ["YOT"]),
    "police": (12, ["{county} Police", "{county} Constabulary"], ["Police force", "Constabulary"]),
    "local_authority": (8, ["{town} Borough Council", "{town} City Council"], ["Council", "Borough Council"]),
    "faith": (5, ["{town} Central Mosque", "St {saint}’s Church, {town}"], ["Faith", "faith group"]),
    "education": (3, ["{town} College"], ["Education"]),
}
WORKBOOK_HEADERS = ["Order #", "Order Date", "Event Name", "Session Date", "First Name", "Last Name", "Email",
                    "Company", "What sector is your organisation in?", "Attendee Status", "Ticket Type"]


@dataclass
class Workbook400:
    data: bytes
    #: (person index, event index, checked in, organisation key or None, sector code or None)
    rows: list[tuple]
    events: list[tuple]


def ticketing_workbook(seed: int = 17) -> Workbook400:
    """400 rows of a ticketing tool's XLSX attendee export for the 11 events of tests.imports.samples:
    date cells, an attendee status of "Checked In" or "Attending", the sector asked as a question,
    organisations spelt many ways, no region or host columns."""
    from tests.imports.samples import EVENTS

    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    organisations: list[tuple[str, str, str]] = []  # (name, sector word, sector code)
    keys: set[str] = set()
    for code, (count, shapes, words) in SECTOR_SHAPES.items():
        made = 0
        while made < count:
            name = rng.choice(shapes).format(town=fake.city(), county=fake.county(), saint=fake.first_name())
            key = normalise_organisation_name(name)
            if key not in keys:
                keys.add(key)
                organisations.append((name, rng.choice(words), code))
                made += 1
    people = []
    for index in range(360):
        first, last = fake.first_name(), fake.last_name()
        organisation = None if index % 37 == 11 else organisations[index % len(organisations)]
        people.append((first, last, f"{first}.{last}.{index}@example.org".lower().replace(" ", "").replace("'", ""),
                       organisation))
    plan = [(index, index % len(EVENTS)) for index in range(360)] + [(index, (index + 3) % len(EVENTS))
                                                                      for index in range(40)]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(WORKBOOK_HEADERS)
    rows = []
    for number, (person_index, event_index) in enumerate(plan):
        first, last, email, organisation = people[person_index]
        title, day = EVENTS[event_index][:2]
        checked_in = number % 9 != 4
        name, word, code = organisation if organisation else ("", "", None)
        sheet.append([str(5000 + number), datetime(2012, 12, 1, 9, 0) + timedelta(hours=5 * number), title,
                      datetime.combine(day, datetime.min.time()), first, last, email,
                      spell(name, rng).strip() if name else "", word, "Checked In" if checked_in else "Attending",
                      "Free"])
        rows.append((person_index, event_index, checked_in,
                     normalise_organisation_name(name) if name else None, code))
    output = io.BytesIO()
    workbook.save(output)
    return Workbook400(output.getvalue(), rows, EVENTS)
