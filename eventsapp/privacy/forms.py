from __future__ import annotations

from wtforms import BooleanField, EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from eventsapp.forms import BaseForm


def strip(value):
    return value.strip() if isinstance(value, str) else value


class PersonForm(BaseForm):
    """Find a person by the email address they registered with (sent by POST: never in a URL)."""

    email = EmailField("Email address", filters=[strip], validators=[
        DataRequired("Enter the email address the person registered with."),
        Email("Enter an email address like name@example.org."), Length(max=254)])
    submit = SubmitField("Find")


class EraseForm(PersonForm):
    confirm = BooleanField("The person asked for their data to be erased, and I have checked who they are",
                           validators=[DataRequired("Tick to confirm before erasing.")])
    submit = SubmitField("Erase this person's data")
