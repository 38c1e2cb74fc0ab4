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


class SectorResolver:
    """Resolves sector words and proposes sectors from names; built once per import."""

    def __init__(self) -> None:
        self.sectors: dict[str, Sector] = {}
        self.by_key: dict[str, str] = {}
        for sector in db.session.scalars(select(Sector)):
            self.sectors[sector.code] = sector
            for text in (sector.code, sector.name, sector.plural):
                self.by_key.setdefault(phrase_key(text), sector.code)
        self.synonyms = dict(DEFAULT_SYNONYMS)
        for synonym in db.session.scalars(select(SectorSynonym)):
            self.synonyms[synonym.phrase_key] = synonym.sector.code
        self._name_hints = sorted(
            set(_NAME_HINTS) | {k for k in self.synonyms if k not in DEFAULT_SYNONYMS}, key=len, reverse=True
        )

    def resolve(self, text: str) -> str | None:
        """The sector code a sector cell means, or None when nothing matches."""
        key = phrase_key(text)
        if not key:
            return None
        code = self.by_key.get(key) or self.synonyms.get(key)
        if code in self.sectors:
            return code
        return None

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
