"""Optional equality-monitoring answers, kept apart from the registration.

Categories follow the ONS 2021 Census for England, so a report can sit beside
an area's census profile. Answers are special-category data: seen only in
aggregate (with small counts suppressed), never per person.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.models.base import utcnow

PREFER_NOT_TO_SAY = ("prefer_not_to_say", "Prefer not to say")

#: Census 2021 (England) ethnic group: 19 categories in 5 high-level groups.
ETHNIC_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Asian, Asian British or Asian Welsh", [
        ("asian_bangladeshi", "Bangladeshi"),
        ("asian_chinese", "Chinese"),
        ("asian_indian", "Indian"),
        ("asian_pakistani", "Pakistani"),
        ("asian_other", "Any other Asian background"),
    ]),
    ("Black, Black British, Black Welsh, Caribbean or African", [
        ("black_african", "African"),
        ("black_caribbean", "Caribbean"),
        ("black_other", "Any other Black, Black British or Caribbean background"),
    ]),
    ("Mixed or Multiple ethnic groups", [
        ("mixed_white_asian", "White and Asian"),
        ("mixed_white_black_african", "White and Black African"),
        ("mixed_white_black_caribbean", "White and Black Caribbean"),
        ("mixed_other", "Any other Mixed or Multiple ethnic background"),
    ]),
    ("White", [
        ("white_british", "English, Welsh, Scottish, Northern Irish or British"),
        ("white_irish", "Irish"),
        ("white_gypsy_traveller", "Gypsy or Irish Traveller"),
        ("white_roma", "Roma"),
        ("white_other", "Any other White background"),
    ]),
    ("Other ethnic group", [
        ("other_arab", "Arab"),
        ("other_any", "Any other ethnic group"),
    ]),
]

#: Census 2021 religion, plus "no religion".
RELIGIONS: list[tuple[str, str]] = [
    ("no_religion", "No religion"),
    ("christian", "Christian"),
    ("buddhist", "Buddhist"),
    ("hindu", "Hindu"),
    ("jewish", "Jewish"),
    ("muslim", "Muslim"),
    ("sikh", "Sikh"),
    ("other_religion", "Any other religion"),
]

AGE_BANDS: list[tuple[str, str]] = [
    ("16_24", "16 to 24"),
    ("25_34", "25 to 34"),
    ("35_49", "35 to 49"),
    ("50_64", "50 to 64"),
    ("65_plus", "65 or over"),
]

GENDERS: list[tuple[str, str]] = [
    ("woman", "Woman"),
    ("man", "Man"),
    ("non_binary", "Non-binary"),
    ("self_describe", "I use another term"),
]

#: Census 2021: are day-to-day activities limited by a health problem or disability?
DISABILITY: list[tuple[str, str]] = [
    ("limited_a_lot", "Yes, limited a lot"),
    ("limited_a_little", "Yes, limited a little"),
    ("not_limited", "No"),
]


def labels(choices: list[tuple[str, str]]) -> dict[str, str]:
    return dict([*choices, PREFER_NOT_TO_SAY])


ETHNICITY_LABELS = labels([c for _, group in ETHNIC_GROUPS for c in group])
#: The high-level group of each ethnicity code.
ETHNICITY_GROUP = {code: group for group, choices in ETHNIC_GROUPS for code, _ in choices}
RELIGION_LABELS = labels(RELIGIONS)
AGE_BAND_LABELS = labels(AGE_BANDS)
GENDER_LABELS = labels(GENDERS)
DISABILITY_LABELS = labels(DISABILITY)


class EqualityResponse(db.Model):
    """One registrant's optional, separately consented equality-monitoring answers.

    Linked to the registration only until the event's attendance is final
    (eventsapp.privacy.equality): then the row is written again, in a shuffled order, as
    event + attended + answers, with no registration and the event's date as its only time.
    """

    __table_args__ = (
        CheckConstraint("registration_id IS NOT NULL OR attended IS NOT NULL", name="linked_or_attendance_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: None once unlinked.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), unique=True
    )
    #: Whether the respondent attended, recorded when the answer is unlinked (None while linked:
    #: then the registration's attendance says).
    attended: Mapped[bool | None]
    #: Codes from the lists above; None when the question was left blank.
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    religion: Mapped[str | None] = mapped_column(String(40))
    age_band: Mapped[str | None] = mapped_column(String(40))
    gender: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(40))
    #: When answered; once unlinked, midnight of the event's day (nothing to line up with a registration).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
