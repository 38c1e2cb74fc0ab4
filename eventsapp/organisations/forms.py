from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from eventsapp.forms import BaseForm


class OrganisationForm(BaseForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    sector = SelectField("Sector", coerce=int, validators=[DataRequired(message="Choose a sector.")])
    website = URLField(
        "Website", validators=[Optional(), Length(max=300), URL(message="Enter a full address, like https://example.org.")]
    )
    privacy_notice = TextAreaField("Addition to the privacy notice",
                                   filters=[lambda v: v.strip() if isinstance(v, str) else v],
                                   validators=[Optional(), Length(max=20_000)], render_kw={"rows": 5})
    submit = SubmitField("Save organisation")

    HINTS = {
        "website": "Optional. The full address, starting https://",
        "privacy_notice": "Optional. Shown after the site's (and the programme's) privacy notice to people "
                          "registering for the events you host: for example who at your organisation to "
                          "contact about their data (plain paragraphs, or Markdown).",
    }


class InviteForm(BaseForm):
    email = EmailField("Their email", validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField("Role", validators=[DataRequired()])
    submit = SubmitField("Send invitation")


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField("Confirm")
