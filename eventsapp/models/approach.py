"""What stories, directory profiles, offers and asks, and resources are tagged with: the kinds of
good-relations work on the programme's spectrum (fixed) and approaches (an editable list)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.models.base import utcnow

#: The spectrum of good-relations work the programme describes: (stable code, label).
KINDS_OF_WORK: tuple[tuple[str, str], ...] = (
    ("integration", "Supporting the integration of new, vulnerable and marginalised groups"),
    ("bringing_together", "Bringing diverse groups together to build common bonds and trust"),
    ("calming_tensions", "Calming community tensions and fostering contact and dialogue between groups"),
    ("countering_extremism", "Directly addressing extremism and radicalisation"),
)
KIND_CODES = tuple(code for code, _ in KINDS_OF_WORK)


class Approach(db.Model):
    """An approach to good-relations work (arts, sport, mediation …): one editable list, seeded
    (eventsapp.reference_data.APPROACHES), shared by stories and the network directory."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable: links and filters use it; renaming keeps it.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Approach {self.code}>"


def approach_code(name: str) -> str:
    """A code for a new approach called ``name``, unused so far (``arts``, ``arts_2`` …)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", folded.replace("&", " and ")).strip("_")[:36] or "approach"
    taken = set(db.session.scalars(select(Approach.code).where(Approach.code.like(f"{base}%"))))
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


def approach_list() -> list[Approach]:
    """The list in its order: what every form and filter of stories and the network directory offers."""
    return list(db.session.scalars(select(Approach).order_by(Approach.sort_order, Approach.name)))


def save_approach(name: str, approach: Approach | None = None) -> Approach:
    """Add an approach at the end of the list, or rename ``approach`` (its code, which links and
    filters use, stays); not committed. The one way both the stories and the network pages change
    the list.

    :raise ValueError: another approach has that name.
    """
    name = " ".join(name.split())
    clash = db.session.scalar(select(Approach).where(func.lower(Approach.name) == name.lower()))
    if clash is not None and clash is not approach:
        raise ValueError(f"“{name}” is already in the list.")
    if approach is None:
        last = db.session.scalar(select(func.max(Approach.sort_order))) or 0
        approach = Approach(code=approach_code(name), sort_order=last + 1)
        db.session.add(approach)
    approach.name = name
    db.session.flush()
    return approach
