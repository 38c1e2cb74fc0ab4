"""The network's forms; every one derives from the project's BaseForm (no control characters)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from eventsapp.forms import BaseForm
from eventsapp.models.network import KINDS_OF_WORK
from eventsapp.registration.forms import MultiCheckboxField, strip

EMAIL_MESSAGE = "Enter an email address like name@example.org."


def web_address(form, field) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in field.data:
        raise ValidationError("Enter a web address that starts with https:// (or http://).")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select, radio or checkbox group."""
    return [SelectChoice(value, label) for value, label in pairs]


def kind_choices(blank: str | None = None) -> list[SelectChoice]:
    return choices(([("", blank)] if blank is not None else []) + list(KINDS_OF_WORK.items()))


class FilterForm(BaseForm):
    """The public lists' filters; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Search", filters=[strip], validators=[Optional(), Length(max=200)])
    region = SelectField("Region", validators=[Optional()])
    approach = SelectField("Approach", validators=[Optional()])
    kind = SelectField("Kind of work", validators=[Optional()])
    type = SelectField("Offers or asks", choices=choices([("", "Offers and asks"), ("offer", "Offers"), ("ask", "Asks")]),
                       validators=[Optional()])

    def chosen(self, name: str) -> str:
        """The field's value when it is one of its choices, else "" (a stale or forged link)."""
        value = self[name].data or ""
        return value if value in {str(c.value) for c in self[name].choices} else ""


class ProfileForm(BaseForm):
    listed = BooleanField("List our organisation in the public network directory")
    about = TextAreaField("What we do", filters=[strip], validators=[Optional(), Length(max=5000)],
                          render_kw={"rows": 8})
    area = StringField("The area we work in", filters=[strip], validators=[Optional(), Length(max=200)])
    region = SelectField("Region", validators=[Optional()])
    kinds = MultiCheckboxField("Kinds of work", choices=kind_choices(), validators=[Optional()])
    approaches = MultiCheckboxField("Approaches", coerce=int, validators=[Optional()])
    website = StringField("Website", filters=[strip], validators=[Optional(), Length(max=300), web_address])
    contact_email = EmailField("Address for messages from the directory", filters=[strip],
                               validators=[Optional(), Email(EMAIL_MESSAGE), Length(max=254)])
    submit = SubmitField("Save the profile")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.listed.data and not (self.about.data or "").strip():
            self.about.errors = [*self.about.errors, "Say what your organisation does before listing it "
                                 "in the directory."]
            valid = False
        return valid


class ContactForm(BaseForm):
    name = StringField("Your name", filters=[strip], validators=[DataRequired("Enter your name."), Length(max=100)])
    email = EmailField("Your email address", filters=[strip], validators=[
        DataRequired("Enter your email address, so they can reply."), Email(EMAIL_MESSAGE), Length(max=254)])
    message = TextAreaField("Your message", filters=[strip], render_kw={"rows": 8}, validators=[
        DataRequired("Write your message."),
        Length(min=10, max=5000, message="Write between 10 and 5,000 characters.")])
    submit = SubmitField("Send the message")


class PostForm(BaseForm):
    organisation = SelectField("On behalf of", coerce=int, validators=[DataRequired("Choose the organisation.")])
    kind = RadioField("This is", choices=choices([("offer", "An offer: something we can do for other hosts"),
                                                  ("ask", "An ask: something we are looking for")]),
                      validators=[DataRequired("Choose offer or ask.")])
    title = StringField("In one line", filters=[strip], validators=[DataRequired("Give it a one-line title."),
                                                                    Length(max=200)])
    details = TextAreaField("Details", filters=[strip], validators=[Optional(), Length(max=5000)],
                            render_kw={"rows": 6})
    region = SelectField("Region", validators=[Optional()])
    kind_of_work = SelectField("Kind of work", choices=kind_choices("Any kind of work"), validators=[Optional()])
    approaches = MultiCheckboxField("Approaches", coerce=int, validators=[Optional()])
    submit = SubmitField("Save")


class ResourceForm(BaseForm):
    organisation = SelectField("Shared by", coerce=int, validators=[DataRequired("Choose the organisation.")])
    title = StringField("Title", filters=[strip], validators=[DataRequired("Give the resource a title."),
                                                              Length(max=200)])
    summary = TextAreaField("What it is and who it is for", filters=[strip],
                            validators=[Optional(), Length(max=3000)], render_kw={"rows": 4})
    url = StringField("Link", filters=[strip], validators=[Optional(), Length(max=500), web_address])
    file = FileField("File")
    kind_of_work = SelectField("Kind of work", choices=kind_choices("Any kind of work"), validators=[Optional()])
    approaches = MultiCheckboxField("Approaches", coerce=int, validators=[Optional()])
    submit = SubmitField("Share for approval")


class ReviewForm(BaseForm):
    note = TextAreaField("Reason (shown to the organisation if you reject it)", filters=[strip],
                         validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")


class ActionForm(BaseForm):
    """A button that changes something (close, reopen): only the CSRF token."""

    submit = SubmitField("Confirm")


class ApproachForm(BaseForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired("Give the approach a name."),
                                                            Length(max=80)])
    submit = SubmitField("Save")
