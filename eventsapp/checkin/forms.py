from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from eventsapp.forms import BaseForm


class WalkInForm(BaseForm):
    """Someone who turns up without a booking: registered and checked in at once."""

    first_name = StringField("First name", validators=[DataRequired(), Length(max=100)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=100)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    sector = SelectField("Sector", choices=[], validate_choice=True)
    email = EmailField("Email (optional)", validators=[Optional(), Email(), Length(max=254)])
    override_capacity = BooleanField("Let them in even though the event is full (organisers only)")
    submit = SubmitField("Register and check in")


class NoShowForm(BaseForm):
    """The organiser's confirmation that everyone not yet marked did not come."""

    confirm = BooleanField("I have marked everyone who came; the rest did not attend",
                           validators=[DataRequired("Tick this box to confirm.")])
    submit = SubmitField("Mark the rest as no-shows")
