"""Merging duplicate organisations, and undoing a merge.

A merge keeps the survivor, points the duplicate at it (``merged_into``),
keeps the duplicate's name as an alias of the survivor (so later
registrations and imports typed that way resolve to the survivor), and
records who did it and when. Registrations keep the organisation they were
made with; reports resolve it through ``merged_into``, so they change the
moment a merge commits. Chains are kept one step long: organisations merged
earlier into the duplicate are re-pointed at the survivor, which is what
lets reports use ``COALESCE(merged_into_id, id)``.

Undo restores exactly what the merge changed, provided nothing later built
on it (the survivor has not itself been merged since).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import func, select, update

from eventsapp.database import begin_immediate
from eventsapp.extensions import db
from eventsapp.models import (
    Organisation,
    OrganisationAlias,
    OrganisationMerge,
    Registration,
    User,
    normalise_organisation_name,
    utcnow,
)

#: rapidfuzz token_sort_ratio at or above which two names look like one organisation.
SIMILARITY = 90


class MergeError(ValueError):
    """A merge or undo that cannot be done; the message says why, for the user."""


@dataclass(frozen=True)
class Candidate:
    first: Organisation
    second: Organisation
    score: int
    reason: str


def likely_duplicates(search: str = "", limit: int = 50, similarity: int = SIMILARITY,
                      within=None) -> list[Candidate]:
    """Pairs of live organisations that probably are one: an alias of one is the other's
    name, or their normalised names are close (rapidfuzz token_sort_ratio ≥ ``similarity``).

    Exact key collisions between live organisations cannot exist (a unique
    index forbids them). Best matches first; ``search`` keeps pairs where
    either name contains it; ``within`` (an SQL condition on Organisation, e.g.
    :func:`eventsapp.permissions.merge_reach`) keeps pairs of organisations that meet it.
    """
    live_query = select(Organisation.id, Organisation.normalised_key).where(Organisation.merged_into_id.is_(None))
    if within is not None:
        live_query = live_query.where(within)
    live = db.session.execute(live_query.order_by(Organisation.id)).all()
    reachable = {row[0] for row in live}
    pairs: dict[tuple[int, int], tuple[int, str]] = {}
    alias_owner = db.session.execute(
        select(OrganisationAlias.organisation_id, Organisation.id)
        .join(Organisation, Organisation.normalised_key == OrganisationAlias.normalised_key)
        .where(Organisation.merged_into_id.is_(None), Organisation.id != OrganisationAlias.organisation_id)
    ).all()
    for owner, other in alias_owner:
        if owner not in reachable or other not in reachable:
            continue
        pairs[(min(owner, other), max(owner, other))] = (100, "an alias of one is the other's name")
    needle = search.strip().casefold()
    for (a, b), score in _close_names(live, needle, similarity).items():
        pairs.setdefault((a, b), (score, "similar names"))
    if not pairs:
        return []
    organisations = {
        o.id: o for o in db.session.scalars(
            select(Organisation).where(Organisation.id.in_({i for pair in pairs for i in pair}))
        )
    }
    candidates = [
        Candidate(organisations[a], organisations[b], score, reason)
        for (a, b), (score, reason) in pairs.items()
        if not needle or needle in organisations[a].name.casefold() or needle in organisations[b].name.casefold()
    ]
    candidates.sort(key=lambda c: (-c.score, c.first.name.casefold()))
    return candidates[:limit]


#: Above this many live organisations, names are compared only within blocks (see _close_names).
FULL_COMPARISON_LIMIT = 2000


def _close_names(live: list, needle: str, similarity: int) -> dict[tuple[int, int], int]:
    """Pairs of (id, id) whose normalised names score ≥ ``similarity``, lower id first.

    With a search, the matching names are compared with every other name. Without
    one, every pair is compared for up to :data:`FULL_COMPARISON_LIMIT`
    organisations; above that, only names whose token-sorted keys start with the
    same three letters (a search still checks one name against all).
    """
    ids = [row[0] for row in live]
    keys = [row[1] for row in live]
    found: dict[tuple[int, int], int] = {}

    def compare(indexes: list[int], against: list[int]) -> None:
        choices = [keys[j] for j in against]
        for i in indexes:
            for _, score, position in process.extract(keys[i], choices, scorer=fuzz.token_sort_ratio,
                                                      score_cutoff=similarity, limit=None):
                j = against[position]
                if i != j:
                    found.setdefault((min(ids[i], ids[j]), max(ids[i], ids[j])), round(score))

    if needle:
        key = normalise_organisation_name(needle)
        compare([i for i, k in enumerate(keys) if key and key in k], list(range(len(keys))))
        return found
    if len(keys) <= FULL_COMPARISON_LIMIT:
        for i in range(len(keys) - 1):
            compare([i], list(range(i + 1, len(keys))))
        return found
    blocks: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        blocks.setdefault(" ".join(sorted(k.split()))[:3], []).append(i)
    for members in blocks.values():
        for position, i in enumerate(members[:-1]):
            compare([i], members[position + 1:])
    return found


def registrations_count(organisation: Organisation) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(Registration.organisation_id == organisation.id)
    ) or 0


def lock_for_merge(*organisation_ids: int) -> dict[int, Organisation]:
    """Take the write lock a merge (or its undo) needs, then load the organisations afresh under it.

    Call first in the unit of work, before anything is read: two merges at once then run one
    after the other, the second seeing what the first did. SQLite: ``BEGIN IMMEDIATE`` (the
    database's write lock; the other waits ``busy_timeout``); PostgreSQL: the organisations' rows
    ``FOR UPDATE``, in id order so that crossing merges (A into B, B into A) cannot deadlock.
    """
    begin_immediate(db.session())
    query = select(Organisation).where(Organisation.id.in_(organisation_ids)).order_by(Organisation.id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return {o.id: o for o in db.session.scalars(query.execution_options(populate_existing=True))}


def merge_organisations(survivor: Organisation, duplicate: Organisation, by: User | None) -> OrganisationMerge:
    """Merge ``duplicate`` into ``survivor`` (not committed).

    :raise MergeError: when they are the same, or either has already been merged.
    """
    if survivor.id == duplicate.id:
        raise MergeError("Choose two different organisations.")
    for organisation in (survivor, duplicate):
        if organisation.merged_into_id is not None:
            raise MergeError(f"“{organisation.name}” has already been merged into another organisation.")
    record = OrganisationMerge(
        survivor=survivor, merged=duplicate, survivor_name=survivor.name, merged_name=duplicate.name,
        merged_by=by,
    )
    repointed = list(db.session.scalars(
        select(Organisation.id).where(Organisation.merged_into_id == duplicate.id)
    ))
    if repointed:
        db.session.execute(
            update(Organisation).where(Organisation.id.in_(repointed)).values(merged_into_id=survivor.id)
        )
    record.repointed = " ".join(str(i) for i in repointed)
    added = []
    key = normalise_organisation_name(duplicate.name)
    exists = db.session.scalar(select(OrganisationAlias.id).where(OrganisationAlias.normalised_key == key))
    if key and exists is None:
        alias = OrganisationAlias(organisation=survivor, name=duplicate.name, normalised_key=key)
        db.session.add(alias)
        db.session.flush()
        added.append(alias.id)
    record.aliases_added = " ".join(str(i) for i in added)
    duplicate.merged_into = survivor
    db.session.add(record)
    db.session.flush()
    db.session.expire_all()
    return record


def undo_merge(record: OrganisationMerge, by: User | None) -> None:
    """Restore what ``record`` changed (not committed).

    :raise MergeError: when it was already undone, or a later merge built on it.
    """
    if record.undone_at is not None:
        raise MergeError("This merge has already been undone.")
    survivor, duplicate = record.survivor, record.merged
    if survivor.merged_into_id is not None:
        raise MergeError(
            f"“{survivor.name}” has since been merged into another organisation; undo that merge first."
        )
    if duplicate.merged_into_id != survivor.id:
        raise MergeError(f"“{duplicate.name}” is no longer merged into “{survivor.name}”.")
    clash = db.session.scalar(
        select(Organisation).where(
            Organisation.normalised_key == duplicate.normalised_key, Organisation.merged_into_id.is_(None)
        )
    )
    if clash is not None:
        raise MergeError(f"“{clash.name}” now has the same name as “{duplicate.name}”; merge or rename it first.")
    if record.alias_ids:
        db.session.execute(OrganisationAlias.__table__.delete().where(OrganisationAlias.id.in_(record.alias_ids)))
    if record.repointed_ids:
        db.session.execute(
            update(Organisation)
            .where(Organisation.id.in_(record.repointed_ids), Organisation.merged_into_id == survivor.id)
            .values(merged_into_id=duplicate.id)
        )
    duplicate.merged_into_id = None
    record.undone_at = utcnow()
    record.undone_by = by
    db.session.flush()
    db.session.expire_all()
