"""The headline sentence, generated from the figures (never typed).

e.g. "11 events across 7 regions: 346 people (358 attendances) from 235
organisations and agencies, primarily from community and voluntary
organisations, youth justice, police and local authorities."
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from eventsapp.reports.model import INDIVIDUAL_SECTOR, NOT_RECORDED, Figures, SectorRow

#: The sectors named cover at least this share of the organisations represented...
COVERAGE = Fraction(2, 3)
#: ...but no more than this many are named.
MAX_SECTORS = 4


def count_words(count: int, singular: str, plural: str | None = None) -> str:
    """"1 event", "2 events", "1,024 people"."""
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


def join_words(words: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c" (no Oxford comma)."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def main_sectors(sectors: Sequence[SectorRow], organisations: int) -> list[SectorRow]:
    """The largest sectors by organisations, in order, until they cover two thirds (at most four)."""
    ranked = sorted(
        (s for s in sectors if s.organisations and s.code not in (INDIVIDUAL_SECTOR, NOT_RECORDED)),
        key=lambda s: -s.organisations,
    )  # stable: ties keep the aggregate's order (people, then the sector's own order)
    chosen: list[SectorRow] = []
    covered = 0
    for sector in ranked:
        if len(chosen) == MAX_SECTORS or (organisations and Fraction(covered, organisations) >= COVERAGE):
            break
        chosen.append(sector)
        covered += sector.organisations
    return chosen


def headline(figures: Figures, sectors: Sequence[SectorRow]) -> str:
    if figures.events == 0:
        return "No events held yet in this report's scope."
    held = f"{count_words(figures.events, 'event')} across {count_words(figures.regions, 'region')}"
    if figures.attendances == 0:
        return f"{held}: no attendances recorded yet."
    sentence = (
        f"{held}: {count_words(figures.people, 'person', 'people')} "
        f"({count_words(figures.attendances, 'attendance')})"
    )
    if figures.organisations:
        sentence += " from " + count_words(
            figures.organisations, "organisation or agency", "organisations and agencies"
        )
        named = main_sectors(sectors, figures.organisations)
        if named:
            sentence += ", primarily from " + join_words([s.plural for s in named])
    return sentence + "."
