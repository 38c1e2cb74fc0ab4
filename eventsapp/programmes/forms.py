from __future__ import annotations

import re

from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from eventsapp.forms import BaseForm

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"new"}


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ProgrammeForm(BaseForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=200)])
    slug = StringField("Web address", filters=[strip, lambda v: v.lower() if isinstance(v, str) else v],
                       validators=[DataRequired(), Length(max=80)])
    description = TextAreaField("Description", filters=[strip], validators=[Optional(), Length(max=20_000)],
                                render_kw={"rows": 6})
    privacy_notice = TextAreaField("Addition to the privacy notice", filters=[strip],
                                   validators=[Optional(), Length(max=20_000)], render_kw={"rows": 5})
    starts_on = DateField("Starts on", validators=[Optional()])
    ends_on = DateField("Ends on", validators=[Optional()])
    coordinator_organisation = SelectField("Coordinating organisation", coerce=int, validators=[InputRequired()])
    submit = SubmitField("Save programme")

    HINTS = {
        "slug": "Lower-case letters, digits and hyphens, e.g. good-relations-2027: the page will be /programmes/good-relations-2027.",
        "description": "Plain paragraphs, or Markdown.",
        "starts_on": "Optional: the planned period, shown until the programme has a published event; "
                     "its pages then show its events' first and last dates.",
        "privacy_notice": "Optional. Shown after the site's privacy notice to people registering for this "
                          "programme's events (plain paragraphs, or Markdown).",
    }

    def __init__(self, *args, slug_taken=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._slug_taken = slug_taken or (lambda slug: False)

    def validate_slug(self, field) -> None:
        if not SLUG.match(field.data or ""):
            raise ValidationError("Use lower-case letters, digits and single hyphens only, e.g. good-relations-2027.")
        if field.data in RESERVED_SLUGS:
            raise ValidationError("That web address is reserved; choose another.")
        if self._slug_taken(field.data):
            raise ValidationError("Another programme already uses this web address.")

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The programme must end on or after the day it starts.")
