from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from eventsapp.forms import BaseForm


class WalkInForm(BaseForm):
    """Someone who turns up without a booking: registered and checked in at once."""

    first_name = StringField("First name", validators=[
        DataRequired("Enter their first name (ask them how they would like it written)."),
        Length(max=100, message="Keep the first name to 100 characters or fewer.")])
    last_name = StringField("Last name", validators=[
        DataRequired("Enter their last name: the desk finds people by it."),
        Length(max=100, message="Keep the last name to 100 characters or fewer.")])
    organisation = StringField("Organisation", validators=[
        Optional(), Length(max=200, message="Keep the organisation's name to 200 characters or fewer.")])
    sector = SelectField("Sector", choices=[], validate_choice=True)
    email = EmailField("Email (optional)", validators=[
        Optional(), Email("Enter an email address like name@example.org, or leave it blank."),
        Length(max=254, message="Enter an email address of 254 characters or fewer, or leave it blank.")])
    override_capacity = BooleanField("Let them in even though the event is full (organisers only)")
    submit = SubmitField("Register and check in")


class NoShowForm(BaseForm):
    """The organiser's confirmation that everyone not yet marked did not come."""

    confirm = BooleanField("I have marked everyone who came; the rest did not attend",
                           validators=[DataRequired("Tick this box to confirm.")])
    submit = SubmitField("Mark the rest as no-shows")
