"""The form that registers a webhook endpoint."""

from __future__ import annotations

from wtforms import SelectMultipleField, StringField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from eventsapp import webhooks
from eventsapp.forms import BaseForm
from eventsapp.models import WEBHOOK_EVENTS

EVENT_LABELS = {
    "registration.created": "Someone registers (registration.created)",
    "registration.cancelled": "A registration is cancelled (registration.cancelled)",
    "registration.promoted": "Someone on the waitlist gets a place (registration.promoted)",
    "attendance.recorded": "Someone is checked in (attendance.recorded)",
    "event.published": "An event is published (event.published)",
    "event.changed": "A published event changes or is cancelled (event.changed)",
}


def strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EndpointForm(BaseForm):
    url = URLField("Address (URL)", filters=[strip], validators=[
        DataRequired(message="Enter the address that should receive the deliveries."),
        Length(max=300, message="Use an address of at most 300 characters.")])
    description = StringField("Description", filters=[strip], validators=[Optional(), Length(max=200)])
    events = MultiCheckboxField("Send", choices=[SelectChoice(kind, EVENT_LABELS[kind]) for kind in WEBHOOK_EVENTS],
                                validators=[DataRequired(message="Choose at least one kind of change to send.")])

    def validate_url(self, field):
        """The address is checked with the rest of the form, so every problem shows at once."""
        try:
            webhooks.check_address(field.data)
        except webhooks.AddressRefused as refused:
            raise ValidationError(str(refused)) from None


class ActionForm(BaseForm):
    """A button that changes something (CSRF only)."""
