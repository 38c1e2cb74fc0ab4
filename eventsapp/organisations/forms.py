from wtforms import EmailField, SelectField, StringField, SubmitField, URLField
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from eventsapp.forms import BaseForm


class OrganisationForm(BaseForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    sector = SelectField("Sector", coerce=int, validators=[DataRequired(message="Choose a sector.")])
    website = URLField(
        "Website", validators=[Optional(), Length(max=300), URL(message="Enter a full address, like https://example.org.")]
    )
    submit = SubmitField("Save organisation")


class InviteForm(BaseForm):
    email = EmailField("Their email", validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField("Role", validators=[DataRequired()])
    submit = SubmitField("Send invitation")


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField("Confirm")
