"""The form an organiser or coordinator writes a message in."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from eventsapp.forms import BaseForm
from eventsapp.messages.audiences import AUDIENCE_LABELS
from eventsapp.messages.services import BODY_MAX, SUBJECT_MAX

FORMAT_CHOICES = [SelectChoice("plain", "Plain text"), SelectChoice("markdown", "Markdown (headings, lists, links, bold)")]


class MessageForm(BaseForm):
    audience = SelectField("Send to", choices=[], validate_choice=True)
    subject = StringField("Subject", validators=[
        DataRequired("Write a subject."),
        Length(max=SUBJECT_MAX, message=f"Keep the subject to {SUBJECT_MAX} characters or fewer.")])
    body_format = SelectField("Format", choices=FORMAT_CHOICES, default="plain", validate_choice=True)
    body = TextAreaField("Message", validators=[
        DataRequired("Write the message."),
        Length(max=BODY_MAX, message=f"Keep the message to {BODY_MAX:,} characters or fewer.")],
        render_kw={"rows": 12})

    def __init__(self, *args, audiences: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.audience.choices = [SelectChoice(code, AUDIENCE_LABELS[code]) for code in audiences]
        if self.audience.data is None:
            self.audience.data = audiences[0]

