"""Restore a programme from its export ZIP (eventsapp/imports/export.py) into an empty database.

Everything keeps its id (events, organisations, people, registrations, questions, aliases and merge
records), so the restored programme's report, JSON included, is identical to the original's. The
restore is one transaction: it is written whole or not at all. It refuses a database that already
holds any of the ids (or the programme's slug): it restores, it does not merge.

Messages come back with their recipients, as a record: no outbox row is written, nothing is sent.
Webhook endpoints come back disabled with a new secret nobody knows (the export has none); the
summary's notes say so, and the owner enables each one (eventsapp.webhooks.views.enable), which
makes and shows a new secret. Their delivery history comes back as WebhookDeliveryRecord rows,
history only.

Story co-authors are linked to the accounts of this installation with their addresses (the export names
no account by id). For an address nobody has an account with, the restore makes one as an invitation
would (eventsapp.organisations: name and address, no password, no organisation): it cannot sign in and
reaches nothing until an organisation invites that address, whose link then sets the password. The
summary's notes say how many. Who asked for no more programme-wide messages stays unsubscribed.

Every event row is read and checked before anything is written: a capacity that is not a whole number
of 0 or more is refused, naming the event and its row. A capacity of 0 (an event nobody can get a place
at; older exports can hold one, and the database allows it) is restored as it was, and the notes name
those events: their organisers must give 1 or more, or none (no limit), when they next edit them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select, text, update

from eventsapp import webhooks
from eventsapp.checkin.search import add_missing_search_keys
from eventsapp.extensions import db
from eventsapp.imports.archives import ArchiveRefused, BoundedZipFile
from eventsapp.models import (
    BODY_FORMATS,
    EVENT_AUDIENCES,
    OUTBOX_STATES,
    REGISTRATION_SOURCES,
    REGISTRATION_STATUSES,
    WEBHOOK_EVENTS,
    Approach,
    Attendance,
    EqualityResponse,
    Event,
    EventQuestion,
    Message,
    MessageRecipient,
    NetworkUnsubscribe,
    Organisation,
    OrganisationAlias,
    OrganisationMerge,
    Person,
    Programme,
    Region,
    Registration,
    RegistrationAnswer,
    Sector,
    Story,
    StoryCoauthor,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    User,
    WebhookDeliveryRecord,
    WebhookEndpoint,
    normalise_email,
    normalise_organisation_name,
    utcnow,
)
from eventsapp.models.approach import save_approach
from eventsapp.models.story import story_organisation
from eventsapp.spreadsheets import FORMULA_STARTS
from eventsapp.timeutil import to_utc

REQUIRED = ("programme.csv", "events.csv", "organisations.csv", "people.csv", "registrations.csv",
            "attendances.csv")
BATCH = 1000


class RestoreRefused(Exception):
    """The archive cannot be restored here; the message says why, for people. Nothing was written."""


@dataclass
class RestoreSummary:
    slug: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    #: Parts of a whole restore the archive did not hold (e.g. equality answers of a plain export).
    absent: list[str] = field(default_factory=list)
    #: What the person restoring must do or know (e.g. webhook endpoints to enable), in words.
    notes: list[str] = field(default_factory=list)


def restore_programme(path: str | Path) -> RestoreSummary:
    """Restore the programme exported in the ZIP at ``path`` (not committed: the caller commits).

    :raise RestoreRefused: for an archive that is not a programme export, or a database that
        already holds the programme or any of its ids.
    """
    try:
        archive = BoundedZipFile(str(path))
    except ArchiveRefused as refused:
        raise RestoreRefused(str(refused)) from None
    except (zipfile.BadZipFile, OSError):
        raise RestoreRefused("The file is not a ZIP archive (a programme export is one).") from None
    with archive:
        names = set(archive.namelist())
        missing = [name for name in REQUIRED if name not in names]
        if missing:
            raise RestoreRefused("This is not a programme export made by export-programme: it has no "
                                 + ", ".join(missing) + ".")
        tables = {name: list(_rows(archive, name)) for name in names if name.endswith(".csv")}
    try:
        return _Restore(tables).run()
    except KeyError as missing:
        raise RestoreRefused(f"A file of the export lacks the column {missing}: was it edited?") from None
    except ValueError as error:
        raise RestoreRefused(f"A value of the export cannot be read ({error}): was it edited?") from None


def _rows(archive: zipfile.ZipFile, name: str) -> Iterator[dict]:
    try:
        with archive.open(name) as raw:
            reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
            for row in reader:
                yield {key: _cell(value) for key, value in row.items() if key is not None}
    except (UnicodeDecodeError, csv.Error, ArchiveRefused) as error:
        raise RestoreRefused(f"{name} cannot be read ({error}).") from None


def _cell(value: str | None) -> str:
    """A cell as exported, without the apostrophe that kept a formula-like value from running."""
    value = value or ""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def _int(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


def _utc(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _lines(value: str) -> str:
    return "\n".join(part.strip() for part in value.split(" | ")) if value else ""


@contextmanager
def _named(files: str):
    """A missing column or an unreadable value in ``files``, refused with the files' names."""
    try:
        yield
    except KeyError as missing:
        raise RestoreRefused(f"{files} lacks the column {missing}: was it edited?") from None
    except ValueError as error:
        raise RestoreRefused(f"A value in {files} cannot be read ({error}): was it edited?") from None


class _Restore:
    def __init__(self, tables: dict[str, list[dict]]):
        self.tables = tables
        self.summary = RestoreSummary()

    def rows(self, name: str) -> list[dict]:
        if name not in self.tables:
            self.summary.absent.append(name)
        return self.tables.get(name, [])

    def run(self) -> RestoreSummary:
        programme = (self.tables["programme.csv"] or [None])[0]
        if programme is None:
            raise RestoreRefused("programme.csv names no programme.")
        self.summary.slug = programme["slug"]
        if db.session.scalar(select(Programme.id).where(Programme.slug == programme["slug"])):
            raise RestoreRefused(f"A programme with the slug “{programme['slug']}” exists already: "
                                 "import-programme restores into an empty database.")
        self._refuse_taken(Programme, [programme["programme id"]], "programme")
        self._refuse_taken(Organisation, [r["organisation id"] for r in self.tables["organisations.csv"]],
                           "organisations")
        self._refuse_taken(Event, [r["event id"] for r in self.tables["events.csv"]], "events")
        self._refuse_taken(Person, [r["person id"] for r in self.tables["people.csv"]], "people")
        self._refuse_taken(Registration, [r["registration id"] for r in self.tables["registrations.csv"]],
                           "registrations")
        events = self._event_rows(int(programme["programme id"]))
        self._organisations()
        self._insert(Programme, [{
            "id": int(programme["programme id"]), "slug": programme["slug"], "name": programme["name"],
            "description": programme["description"],
            "starts_on": date.fromisoformat(programme["starts on"]) if programme["starts on"] else None,
            "ends_on": date.fromisoformat(programme["ends on"]) if programme["ends on"] else None,
            "coordinator_organisation_id": _int(programme["coordinator organisation id"]),
        }], "programme")
        self._insert(Event, events, "events")
        self._insert(Person, [{
            "id": int(r["person id"]), "first_name": r["first name"], "last_name": r["last name"],
            "email": r["email"] or None, "email_key": normalise_email(r["email"] or None),
        } for r in self.tables["people.csv"]], "people")
        self._registrations()
        self._insert(Attendance, [{
            "registration_id": int(r["registration id"]), "method": r["method"], "note": r["note"],
            "checked_in_at": _utc(r.get("checked in at utc", "")) or to_utc(datetime.fromisoformat(r["checked in at"])),
        } for r in self.tables["attendances.csv"]], "attendances")
        self._insert(EventQuestion, [{
            "id": int(r["question id"]), "event_id": int(r["event id"]), "label": r["label"], "kind": r["kind"],
            "choices": _lines(r["choices"]), "required": r["required"] == "yes", "position": int(r["position"] or 0),
            "sensitive": r.get("sensitive") == "yes",
        } for r in self.rows("questions.csv")], "questions")
        self._insert(RegistrationAnswer, [{
            "registration_id": int(r["registration id"]), "question_id": int(r["question id"]),
            "value": _lines(r["value"]),
        } for r in self.rows("answers.csv")], "answers")
        self._insert(EqualityResponse, [{
            "registration_id": int(r["registration id"]), "event_id": int(r["event id"]),
            "ethnicity": r["ethnicity"] or None, "religion": r["religion"] or None, "age_band": r["age band"] or None,
            "gender": r["gender"] or None, "disability": r["disability"] or None,
        } for r in self.rows("equality_answers.csv")], "equality answers")
        self._stories(int(programme["programme id"]))
        with _named("story_coauthors.csv"):
            self._story_coauthors()
        self._survey()
        with _named("messages.csv or message_recipients.csv"):
            self._messages(int(programme["programme id"]))
        with _named("network_unsubscribes.csv"):
            self._network_unsubscribes()
        with _named("webhook_endpoints.csv or webhook_deliveries.csv"):
            self._webhooks(int(programme["programme id"]))
        self._reset_sequences()
        return self.summary

    def _stories(self, programme_id: int) -> None:
        rows = self.rows("stories.csv")
        regions = dict(db.session.execute(select(Region.code, Region.id)).all())
        approaches = {a.name.casefold(): a for a in db.session.scalars(select(Approach))}
        self._refuse_taken(Story, [r["story id"] for r in rows], "stories")
        for r in rows:
            story = Story(
                id=int(r["story id"]), programme_id=programme_id, title=r["title"], summary=r["summary"],
                body=r["body"], region_id=regions[r["region"]], place=r["place"], kind_of_work=r["kind of work"],
                differences=r["differences"], event_id=_int(r["event id"]), attribution=r["attribution"],
                attributed_organisation_id=_int(r["attributed organisation id"]), state="published",
                featured_in_report=r["featured in report"] == "yes", published_at=_utc(r["published at utc"]),
                photo_alt=r["photo alt"] or None, consent_confirmed=True)
            for name in filter(None, (n.strip() for n in r["approaches"].split(" | "))):
                if name.casefold() not in approaches:
                    approaches[name.casefold()] = save_approach(name)
                story.approaches.append(approaches[name.casefold()])
            db.session.add(story)
            db.session.flush()
            ids = [int(i) for i in r["organisations involved"].split(" | ") if i.strip()]
            if ids:
                db.session.execute(story_organisation.insert(),
                                   [{"story_id": story.id, "organisation_id": i} for i in ids])
        self.summary.counts["stories"] = len(rows)

    def _story_coauthors(self) -> None:
        """Each co-author linked to the account here with their address, made (without a password or an
        organisation) when nobody has one; the inviter linked only when they have an account here."""
        rows = self.rows("story_coauthors.csv")
        stories = {int(r["story id"]) for r in self.tables.get("stories.csv", [])}
        addresses = {r[column].strip().lower() for r in rows for column in ("co-author email", "invited by email")}
        accounts = dict(db.session.execute(select(func.lower(User.email), User.id)
                                           .where(func.lower(User.email).in_(addresses - {""}))).all())
        coauthors, seen, made = [], set(), 0
        for r in rows:
            story_id, added_at = int(r["story id"]), _utc(r["added at utc"])
            address = r["co-author email"].strip().lower()
            if story_id not in stories:
                raise RestoreRefused(f"story_coauthors.csv: story {story_id} is not in stories.csv.")
            if added_at is None or "@" not in address or len(address) > 254:
                raise RestoreRefused(f"story_coauthors.csv: a co-author of story {story_id} has no address (or one "
                                     "too long) or no added at utc.")
            if address not in accounts:
                account = User(email=address, name=r["co-author name"].strip()[:200], password_hash=None)
                db.session.add(account)
                db.session.flush()
                accounts[address] = account.id
                made += 1
            if (story_id, accounts[address]) in seen:
                raise RestoreRefused(f"story_coauthors.csv: story {story_id} names the same co-author twice.")
            seen.add((story_id, accounts[address]))
            coauthors.append({"story_id": story_id, "user_id": accounts[address], "added_at": added_at,
                              "added_by": accounts.get(r["invited by email"].strip().lower())})
        self._insert(StoryCoauthor, coauthors, "story co-authors")
        if made:
            self.summary.notes.append(
                f"{made} story co-author{'s have' if made != 1 else ' has'} no account here: "
                f"{'each was' if made != 1 else 'one was'} made with their name and address, without a password "
                "or an organisation (they cannot sign in and reach nothing until an organisation invites them).")

    def _network_unsubscribes(self) -> None:
        """Who asked for no more programme-wide messages stays unsubscribed."""
        people = {int(r["person id"]) for r in self.tables["people.csv"]}
        messages = {int(r["message id"]) for r in self.tables.get("messages.csv", [])}
        unsubscribes, seen = [], set()
        for r in self.rows("network_unsubscribes.csv"):
            person_id, message_id, at = int(r["person id"]), _int(r["message id"]), _utc(r["unsubscribed at utc"])
            if person_id not in people or person_id in seen:
                raise RestoreRefused(f"network_unsubscribes.csv: person {person_id} is not in people.csv, or is "
                                     "listed twice.")
            if message_id is not None and message_id not in messages:
                raise RestoreRefused(f"network_unsubscribes.csv: message {message_id} is not in messages.csv.")
            if at is None:
                raise RestoreRefused(f"network_unsubscribes.csv: person {person_id} has no unsubscribed at utc.")
            seen.add(person_id)
            unsubscribes.append({"person_id": person_id, "message_id": message_id, "created_at": at})
        self._insert(NetworkUnsubscribe, unsubscribes, "network unsubscribes")

    def _survey(self) -> None:
        questions = self.rows("survey_questions.csv")
        self._refuse_taken(SurveyQuestion, [r["survey question id"] for r in questions], "survey questions")
        self._insert(SurveyQuestion, [{
            "id": int(r["survey question id"]), "programme_id": _int(r["programme id"]), "kind": r["kind"],
            "label": r["label"], "position": int(r["position"] or 0), "active": r["active"] == "yes",
        } for r in questions], "survey questions")
        self._insert(SurveyInvitation, [{
            "registration_id": int(r["registration id"]), "event_id": int(r["event id"]),
            "sent_at": _utc(r["sent at utc"]),
        } for r in self.rows("survey_invitations.csv")], "survey invitations")
        self._insert(SurveyResponse, [{"id": r["response id"], "event_id": int(r["event id"])}
                                      for r in self.rows("survey_responses.csv")], "survey responses")
        self._insert(SurveyAnswer, [{
            "response_id": r["response id"], "question_id": int(r["survey question id"]), "value": r["value"],
            "published": r["published"] == "yes",
        } for r in self.rows("survey_answers.csv")], "survey answers")

    def _messages(self, programme_id: int) -> None:
        """The messages and who they went to, as a record: no outbox row, nothing sent again."""
        rows = self.rows("messages.csv")
        events = {int(r["event id"]) for r in self.tables["events.csv"]}
        people = {int(r["person id"]) for r in self.tables["people.csv"]}
        self._refuse_taken(Message, [r["message id"] for r in rows], "messages")
        messages = []
        for r in rows:
            event_id, programme_wide = _int(r["event id"]), _int(r["programme id"])
            # Refused in words, not by the database's CHECK constraints half way through.
            if event_id is not None and (event_id not in events or programme_wide is not None
                                         or r["audience"] not in EVENT_AUDIENCES):
                raise RestoreRefused(f"messages.csv: message {r['message id']} names an event that is not in "
                                     f"events.csv, or an audience (“{r['audience']}”) an event's message cannot have.")
            if event_id is None and (programme_wide != programme_id or r["audience"] != "network"):
                raise RestoreRefused(f"messages.csv: message {r['message id']} names neither one of the programme's "
                                     "events nor the programme with the audience network.")
            if r["body format"] not in BODY_FORMATS:
                raise RestoreRefused(f"messages.csv: the body format “{r['body format']}” is not one of "
                                     f"{', '.join(BODY_FORMATS)}.")
            sent_at = _utc(r["sent at utc"])
            if sent_at is None:
                raise RestoreRefused(f"messages.csv: message {r['message id']} has no sent at utc.")
            messages.append({
                "id": int(r["message id"]), "event_id": event_id, "programme_id": programme_wide,
                "audience": r["audience"], "subject": r["subject"], "body": r["body"],
                "body_format": r["body format"], "sender_id": None, "sender_name": r["sender name"],
                "sent_at": sent_at, "recipients_count": int(r["recipients count"] or 0),
            })
        self._insert(Message, messages, "messages")
        known = {m["id"] for m in messages}
        recipients = []
        for r in self.rows("message_recipients.csv"):
            message_id, person_id = int(r["message id"]), int(r["person id"])
            if message_id not in known or person_id not in people:
                raise RestoreRefused(f"message_recipients.csv: message {message_id} or person {person_id} is not "
                                     "in messages.csv or people.csv.")
            recipients.append({"message_id": message_id, "person_id": person_id})
        self._insert(MessageRecipient, recipients, "message recipients")

    def _webhooks(self, programme_id: int) -> None:
        """Endpoints disabled, each with a new secret (the export holds none); their log as history only."""
        rows = self.rows("webhook_endpoints.csv")
        organisations = {int(r["organisation id"]) for r in self.tables["organisations.csv"]}
        self._refuse_taken(WebhookEndpoint, [r["endpoint id"] for r in rows], "webhook endpoints")
        endpoints = []
        for r in rows:
            organisation_id, owner_programme = _int(r["organisation id"]), _int(r["programme id"])
            if not ((organisation_id in organisations and owner_programme is None)
                    or (organisation_id is None and owner_programme == programme_id)):
                raise RestoreRefused(f"webhook_endpoints.csv: endpoint {r['endpoint id']} belongs to neither the "
                                     "programme nor one of the organisations in organisations.csv.")
            events = [e.strip() for e in r["events"].split(" | ") if e.strip()]
            unknown = [e for e in events if e not in WEBHOOK_EVENTS]
            if unknown:
                raise RestoreRefused(f"webhook_endpoints.csv: “{unknown[0]}” is not a kind of change eventsapp "
                                     "sends.")
            endpoints.append({
                "id": int(r["endpoint id"]), "organisation_id": organisation_id, "programme_id": owner_programme,
                "url": r["url"], "description": r["description"], "events": events,
                "secret": webhooks.new_secret(), "active": False, "created_by_id": None,
                "created_at": _utc(r["created at utc"]) or utcnow(),
            })
        self._insert(WebhookEndpoint, endpoints, "webhook endpoints")
        if endpoints:
            self.summary.notes.append(
                f"{len(endpoints)} webhook endpoint{'s' if len(endpoints) != 1 else ''} came back disabled, each with "
                "a new signing secret (the export holds none): nothing is sent to them until their owner enables "
                "each on its webhook page and gives the new secret to the receiver.")
        known = {e["id"] for e in endpoints}
        deliveries = []
        for r in self.rows("webhook_deliveries.csv"):
            endpoint_id = int(r["endpoint id"])
            if endpoint_id not in known:
                raise RestoreRefused(f"webhook_deliveries.csv: endpoint {endpoint_id} is not in webhook_endpoints.csv.")
            if r["status"] not in OUTBOX_STATES:
                raise RestoreRefused(f"webhook_deliveries.csv: the status “{r['status']}” is not one of "
                                     f"{', '.join(OUTBOX_STATES)}.")
            created_at = _utc(r["created at utc"])
            if created_at is None:
                raise RestoreRefused(f"webhook_deliveries.csv: delivery {r['delivery id']} has no created at utc.")
            deliveries.append({
                "endpoint_id": endpoint_id, "original_id": _int(r["delivery id"]), "event_type": r["event type"],
                "state": r["status"], "attempts": int(r["attempts"] or 0), "response_status": _int(r["answer status"]),
                "created_at": created_at, "sent_at": _utc(r["delivered at utc"]),
            })
        self._insert(WebhookDeliveryRecord, deliveries, "webhook deliveries (history)")

    def _refuse_taken(self, model, ids: list[str], what: str) -> None:
        wanted = [int(i) for i in ids if i]
        for start in range(0, len(wanted), 500):
            if db.session.scalar(select(func.count()).select_from(model).where(model.id.in_(wanted[start:start + 500]))):
                raise RestoreRefused(f"The database already holds some of the export's {what} (the same ids): "
                                     "import-programme restores into an empty database.")

    def _insert(self, model, rows: list[dict], label: str) -> None:
        for start in range(0, len(rows), BATCH):
            db.session.execute(model.__table__.insert(), rows[start:start + BATCH])
        self.summary.counts[label] = len(rows)

    def _organisations(self) -> None:
        sectors = dict(db.session.execute(select(Sector.code, Sector.id)).all())
        rows = self.tables["organisations.csv"]
        self._insert(Organisation, [{
            "id": int(r["organisation id"]), "name": r["name"], "normalised_key": normalise_organisation_name(r["name"]),
            "sector_id": sectors.get(r["sector"]),
        } for r in rows], "organisations")
        for r in rows:
            if r["merged into id"]:
                db.session.execute(update(Organisation).where(Organisation.id == int(r["organisation id"]))
                                   .values(merged_into_id=int(r["merged into id"])))
        if "aliases.csv" in self.tables:
            aliases = [{"id": int(r["alias id"]), "organisation_id": int(r["organisation id"]), "name": r["name"],
                        "normalised_key": normalise_organisation_name(r["name"])} for r in self.tables["aliases.csv"]]
        else:  # an older export: the names alone
            aliases = [{"organisation_id": int(r["organisation id"]), "name": name.strip(),
                        "normalised_key": normalise_organisation_name(name)}
                       for r in rows for name in r["aliases"].split(" | ") if name.strip()]
        taken = set(db.session.scalars(select(OrganisationAlias.normalised_key).where(
            OrganisationAlias.normalised_key.in_([a["normalised_key"] for a in aliases][:30000]))))
        if taken:
            raise RestoreRefused("The database already knows some of the export's organisation aliases: "
                                 "import-programme restores into an empty database.")
        self._insert(OrganisationAlias, aliases, "aliases")
        self._insert(OrganisationMerge, [{
            "id": int(r["merge id"]), "survivor_id": int(r["survivor id"]), "merged_id": int(r["merged id"]),
            "survivor_name": r["survivor name"], "merged_name": r["merged name"],
            "merged_at": _utc(r["merged at utc"]), "aliases_added": r["aliases added"], "repointed": r["repointed"],
            "undone_at": _utc(r["undone at utc"]),
        } for r in self.rows("merges.csv")], "merges")

    def _event_rows(self, programme_id: int) -> list[dict]:
        """The events as rows to insert, each checked first: nothing is written before all of them pass."""
        regions = dict(db.session.execute(select(Region.code, Region.id)).all())
        rows, closed = [], []
        for number, r in enumerate(self.tables["events.csv"], start=1):
            where = f"events.csv row {number} (event {r['event id']}, “{r['event title']}”)"
            if r["region"] not in regions:
                raise RestoreRefused(f"{where}: the region “{r['region']}” is not one of this installation's.")
            try:
                capacity = _int(r["capacity"])
                readable = capacity is None or capacity >= 0
            except ValueError:
                readable = False
            if not readable:
                raise RestoreRefused(f"{where}: the capacity “{r['capacity']}” is not a number of places (a whole "
                                     "number, 0 or more; empty for no limit).")
            if capacity == 0:
                closed.append(f"{r['event id']} “{r['event title']}”")
            starts_at = _utc(r.get("starts at utc", "")) or to_utc(
                datetime.fromisoformat(f"{r['event date']} {r['start time']}"))
            ends_at = _utc(r.get("ends at utc", "")) or to_utc(
                datetime.fromisoformat(f"{r['event date']} {r['end time']}"))
            rows.append({
                "id": int(r["event id"]), "programme_id": programme_id,
                "host_organisation_id": int(r["host organisation id"]), "region_id": regions[r["region"]],
                "title": r["event title"], "town": r["town"], "venue": r["venue"], "starts_at": starts_at,
                "ends_at": ends_at, "capacity": capacity, "status": r["status"],
                "cancelled_at": _utc(r.get("cancelled at utc", "")),
            })
        if closed:
            self.summary.notes.append(
                f"{len(closed)} event{'s have' if len(closed) != 1 else ' has'} a capacity of 0, restored as exported "
                f"(nobody can get a place; events now take 1 or more, or no limit): {'; '.join(closed)}. "
                "Their organisers give a capacity when they next edit them.")
        return rows

    def _registrations(self) -> None:
        rows = []
        for r in self.tables["registrations.csv"]:
            # Refused here in words, not by the database's CHECK constraints half way through.
            for column, known in (("registration status", REGISTRATION_STATUSES), ("source", REGISTRATION_SOURCES)):
                if r[column] not in known:
                    raise RestoreRefused(f"registrations.csv: the {column} “{r[column]}” is not one of "
                                         f"{', '.join(known)}.")
            registered = _utc(r.get("registered at utc", "")) or to_utc(datetime.fromisoformat(r["registered at"]))
            rows.append({
                "id": int(r["registration id"]), "event_id": int(r["event id"]), "person_id": int(r["person id"]),
                "organisation_id": _int(r.get("entered organisation id", "")) or _int(r["organisation id"]),
                "first_name": r["first name"], "last_name": r["last name"],
                "organisation_name_entered": r["organisation as entered"],
                "email_key": normalise_email(r["email"] or None), "status": r["registration status"],
                "source": r["source"], "job_title": r["job title"], "created_at": registered,
                "updated_at": registered, "cancelled_at": _utc(r.get("cancelled at utc", "")),
            })
        self._insert(Registration, rows, "registrations")
        add_missing_search_keys({row["event_id"] for row in rows})  # so the desk finds them

    def _reset_sequences(self) -> None:
        """PostgreSQL numbers new rows from a sequence: move each past the ids restored."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for model in (Programme, Organisation, OrganisationAlias, OrganisationMerge, Event, Person, Registration,
                      Attendance, EventQuestion, RegistrationAnswer, EqualityResponse, Story, Message,
                      MessageRecipient, WebhookEndpoint, WebhookDeliveryRecord):
            table = model.__tablename__  # a model's own name, never input
            sql = f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)"  # noqa: E501, S608
            db.session.execute(text(sql))
