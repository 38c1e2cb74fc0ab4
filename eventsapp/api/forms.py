"""The personal access token form."""

from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from eventsapp.api.tokens import LIFETIMES
from eventsapp.forms import BaseForm


class TokenForm(BaseForm):
    name = StringField("What the token is for", validators=[DataRequired("Say what the token is for."), Length(max=100)])
    access = SelectField("Access", choices=[SelectChoice("read", "Read only"),
                                            SelectChoice("write", "Read and write (register, check in)")],
                        default="read", validators=[DataRequired("Choose the access.")])
    #: "org-<id>" or "programme-<id>" (choices set by the view).
    scope = SelectField("Limited to", validators=[DataRequired(message="Choose an organisation or a programme.")])
    days = SelectField("Expires after", choices=[SelectChoice(str(d), f"{d} days") for d in LIFETIMES], default="90",
                       validators=[DataRequired("Choose when the token expires.")])
    submit = SubmitField("Create token")


class RevokeForm(BaseForm):
    submit = SubmitField("Revoke the token")
