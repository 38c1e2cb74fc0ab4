"""Reading the sector people wrote ("Constabulary", "YOT", "CIC") as a sector code."""

from __future__ import annotations

import re

from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.imports.parsing import phrase_key
from eventsapp.models import Sector, SectorSynonym

#: Built-in synonyms (phrase -> sector code). The site administrator adds more as SectorSynonym rows,
#: which take precedence.
DEFAULT_SYNONYMS: dict[str, str] = {
    "police force": "police", "police": "police", "constabulary": "police", "police service": "police",
    "police and crime commissioner": "police", "pcc": "police", "neighbourhood policing": "police",
    "yot": "youth_justice", "youth offending team": "youth_justice", "youth offending service": "youth_justice",
    "youth justice service": "youth_justice", "youth justice": "youth_justice", "yjs": "youth_justice",
    "council": "local_authority", "borough council": "local_authority", "city council": "local_authority",
    "county council": "local_authority", "district council": "local_authority", "local authority": "local_authority",
    "local government": "local_authority", "la": "local_authority", "metropolitan borough council": "local_authority",
    "charity": "community_voluntary", "cic": "community_voluntary", "community group": "community_voluntary",
    "community interest company": "community_voluntary", "voluntary": "community_voluntary",
    "voluntary sector": "community_voluntary", "vcs": "community_voluntary", "vcse": "community_voluntary",
    "third sector": "community_voluntary", "ngo": "community_voluntary", "cvs": "community_voluntary",
    "community trust": "community_voluntary", "community": "community_voluntary",
    "faith": "faith", "faith group": "faith", "church": "faith", "mosque": "faith", "gurdwara": "faith",
    "synagogue": "faith", "temple": "faith", "interfaith": "faith", "council of faiths": "faith",
    "diocese": "faith", "mandir": "faith",
    "school": "education", "college": "education", "academy": "education", "education": "education",
    "nhs": "health_social_care", "nhs trust": "health_social_care", "health": "health_social_care",
    "social care": "health_social_care", "ccg": "health_social_care", "icb": "health_social_care",
    "housing association": "housing", "housing": "housing", "homes": "housing",
    "probation": "probation_criminal_justice", "probation service": "probation_criminal_justice",
    "victim support": "probation_criminal_justice", "prison": "probation_criminal_justice",
    "hmpps": "probation_criminal_justice", "cps": "probation_criminal_justice",
    "government department": "national_government", "department for": "national_government",
    "civil service": "national_government", "home office": "national_government",
    "commission": "national_government", "public body": "national_government",
    "university": "research", "research": "research", "academic": "research", "think tank": "research",
    "business": "business", "company": "business", "ltd": "business", "limited company": "business",
    "consulting": "business", "consultancy": "business", "chamber of commerce": "business", "private sector": "business",
    "individual": "individual", "self": "individual", "independent": "individual", "none": "individual",
    "n a": "individual", "retired": "individual", "resident": "individual", "volunteer": "individual",
    "other": "other",
}

#: Words in an organisation's name that suggest its sector, most specific first.
_NAME_HINTS = sorted(
    (phrase for phrase in DEFAULT_SYNONYMS
     if len(phrase) > 3 and phrase not in {"community", "other", "none", "self", "company", "independent",
                                           "resident", "volunteer", "retired", "individual", "voluntary"}),
    key=len, reverse=True,
)


#: What joins the parts of a combined label ("Charity / voluntary", "Police & criminal justice",
#: "Local authority (council)", "Voluntary and community sector"), read on the label as written.
_PARTS = re.compile(r"[/&+,;|()\[\]–—]|\s-\s|\band\b|\bor\b", re.IGNORECASE)
#: Words that end a sector's label without changing it ("Community sector", "Faith organisations").
_GENERIC_ENDINGS = (" sector", " organisation", " organisations", " organization", " organizations")


def label_parts(text: str) -> set[str]:
    """The phrase keys of a combined label's parts ("Charity / voluntary" -> {"charity", "voluntary"})."""
    return {key for part in _PARTS.split(text) if (key := phrase_key(part))}


class SectorResolver:
    """Resolves sector words and proposes sectors from names; built once per import."""

    def __init__(self) -> None:
        self.sectors: dict[str, Sector] = {}
        self.by_key: dict[str, str] = {}
        name_parts: dict[str, set[str]] = {}
        for sector in db.session.scalars(select(Sector)):
            self.sectors[sector.code] = sector
            for text in (sector.code, sector.name, sector.plural):
                self.by_key.setdefault(phrase_key(text), sector.code)
            for part in label_parts(sector.name) | label_parts(sector.plural or ""):
                name_parts.setdefault(part, set()).add(sector.code)
        # The parts of the sectors' own names: "criminal justice" is in "Probation & criminal justice" only.
        for part, codes in name_parts.items():
            if len(codes) == 1:
                self.by_key.setdefault(part, codes.pop())
        self.synonyms = dict(DEFAULT_SYNONYMS)
        for synonym in db.session.scalars(select(SectorSynonym)):
            self.synonyms[synonym.phrase_key] = synonym.sector.code
        self._name_hints = sorted(
            set(_NAME_HINTS) | {k for k in self.synonyms if k not in DEFAULT_SYNONYMS}, key=len, reverse=True
        )

    def resolve(self, text: str) -> str | None:
        """The sector code a sector cell means, or None when nothing matches.

        A combined label ("Charity / voluntary", "Local authority (council)") that is not itself a
        synonym means a sector when every one of its parts means that same sector; when a part means
        another sector ("Police & criminal justice") or none, the label is left unresolved for people to
        decide (the preview lists it; the administrator can add the whole label as a synonym)."""
        key = phrase_key(text)
        if not key:
            return None
        code = self._lookup(key)
        if code is None:
            parts = label_parts(text)
            if len(parts) > 1:
                codes = {self._lookup(part) for part in parts}
                code = codes.pop() if len(codes) == 1 else None
        return code if code in self.sectors else None

    def _lookup(self, key: str) -> str | None:
        """The sector of one phrase key: a sector's name or a synonym, alone or followed by "sector" or
        "organisations"."""
        code = self.by_key.get(key) or self.synonyms.get(key)
        if code is None and key.endswith(_GENERIC_ENDINGS):
            stem = key.rsplit(" ", 1)[0]
            code = self.by_key.get(stem) or self.synonyms.get(stem)
        return code

    def propose(self, organisation_name: str) -> str | None:
        """A sector suggested by words in an organisation's name ("Kent Police" -> police)."""
        name = f" {phrase_key(organisation_name)} "
        for phrase in self._name_hints:
            if re.search(rf"\b{re.escape(phrase)}\b", name):
                code = self.synonyms.get(phrase)
                if code in self.sectors:
                    return code
        return None

    def sector_id(self, code: str | None) -> int | None:
        return self.sectors[code].id if code in self.sectors else None
