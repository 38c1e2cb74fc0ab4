"""The organisations an import's rows name: found by name, alias or merge (as
directory.find_organisation finds one), or new.

Each distinct text is normalised once; each chunk's unknown names are looked up together
(live organisations, then aliases, then on through merges to the survivor) and the new
ones are created in one INSERT per chunk.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, update

from eventsapp.directory import find_organisation, survivor_ids
from eventsapp.extensions import db
from eventsapp.imports.batch import insert_returning_ids
from eventsapp.imports.rows import Row
from eventsapp.imports.sectors import SectorResolver
from eventsapp.imports.summary import ImportSummary
from eventsapp.models import Organisation, OrganisationAlias, normalise_organisation_name

MAX_LISTED = 500


class Organisations:
    """The organisations of one pass, by normalised name."""

    def __init__(self, *, write: bool, placeholders: Iterator[int], sectors: SectorResolver):
        self.write, self._placeholders, self.sectors = write, placeholders, sectors
        self._keys: dict[str, str] = {}
        #: normalised name -> organisation id (a placeholder for a new one in a preview).
        self.ids: dict[str, int] = {}
        #: New organisations: normalised name -> what the preview lists.
        self.new: dict[str, dict] = {}
        #: Keys looked up and not found: new organisations (created once, below).
        self.absent: set[str] = set()
        self.matched_ids: set[int] = set()

    def key(self, name: str) -> str:
        """normalise_organisation_name, remembered: a file repeats the same names many times."""
        key = self._keys.get(name)
        if key is None:
            key = normalise_organisation_name(name)
            if len(self._keys) < 200_000:
                self._keys[name] = key
        return key

    def id_for(self, name: str, sector_code: str | None, *, host: bool = False) -> int | None:
        """The id of the organisation ``name`` refers to, created (or given a placeholder) when new."""
        key = self.key(name)
        if not key:
            return None
        if key in self.ids:
            organisation_id = self.ids[key]
            created = self.new.get(key)
            if created is not None:
                created["rows"] += 0 if host else 1
                if sector_code and not created["explicit"]:
                    # A sector the file states beats one proposed from a host's name.
                    created["sector"], created["explicit"] = sector_code, True
                    if self.write:
                        db.session.execute(update(Organisation).where(Organisation.id == organisation_id)
                                           .values(sector_id=self.sectors.sector_id(sector_code)))
            return organisation_id
        if key not in self.absent:
            found = find_organisation(name)
            if found is not None:
                self.ids[key] = found.id
                return found.id
        clean = " ".join(name.split())
        code = sector_code or self.sectors.propose(clean)
        organisation_id = next(self._placeholders)
        if self.write:
            organisation = Organisation(name=clean, normalised_key=key, sector_id=self.sectors.sector_id(code))
            db.session.add(organisation)
            db.session.flush()
            organisation_id = organisation.id
        self.ids[key] = organisation_id
        self.new[key] = {"name": clean, "sector": code or "", "rows": 0 if host else 1,
                                       "host": host, "explicit": bool(sector_code)}
        return organisation_id

    def look_up(self, keys: set[str]) -> None:
        """Resolve many normalised names at once, as directory.find_organisation does one:
        a live organisation's key, else an alias, then on through merges to the survivor."""
        keys = {k for k in keys if k and k not in self.ids and k not in self.absent}
        if not keys:
            return
        found: dict[str, int] = dict(db.session.execute(
            select(Organisation.normalised_key, Organisation.id)
            .where(Organisation.normalised_key.in_(keys), Organisation.merged_into_id.is_(None))
        ).all())
        remaining = keys - set(found)
        by_alias: dict[str, int] = {}
        if remaining:
            by_alias = dict(db.session.execute(
                select(OrganisationAlias.normalised_key, OrganisationAlias.organisation_id)
                .where(OrganisationAlias.normalised_key.in_(remaining))
            ).all())
        self.ids.update(found)
        found.update(by_alias)
        survivors = survivor_ids(by_alias.values())
        for key, organisation_id in by_alias.items():
            self.ids[key] = survivors.get(organisation_id, organisation_id)
        self.absent.update(keys - set(found))

    def insert_new(self, chunk: list[Row]) -> None:
        """Create, in one INSERT per chunk, the organisations its rows name that don't exist yet."""
        first_rows: dict[str, Row] = {}
        for row in chunk:
            key = row.organisation_key
            if key and key not in self.ids and key not in first_rows:
                first_rows[key] = row
        if not first_rows:
            return
        values = []
        for key, row in first_rows.items():
            name = " ".join(row.organisation.split())
            code = row.sector_code or self.sectors.propose(name)
            values.append({"name": name, "normalised_key": key, "sector_id": self.sectors.sector_id(code)})
            self.new[key] = {"name": name, "sector": code or "", "rows": 0, "host": False,
                                           "explicit": bool(row.sector_code)}
        ids = insert_returning_ids(Organisation.__table__, values)
        self.ids.update(zip(first_rows, ids, strict=True))

    def for_row(self, row: Row) -> int | None:
        """The id of ``row``'s organisation (None for an individual); an existing one counts as matched."""
        organisation_id = self.id_for(row.organisation, row.sector_code)
        if organisation_id is not None and row.organisation_key not in self.new:
            self.matched_ids.add(organisation_id)
        return organisation_id

    def summarise(self, summary: ImportSummary) -> None:
        summary.organisations_matched = len(self.matched_ids)
        summary.organisations_new_count = len(self.new)
        summary.organisations_new = sorted(self.new.values(), key=lambda o: o["name"].casefold())[:MAX_LISTED]
