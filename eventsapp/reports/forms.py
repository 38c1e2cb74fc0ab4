from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import Optional

from eventsapp.forms import BaseForm


class ReportFilterForm(BaseForm):
    """The filters on /reports/ (a GET form: the URL is the report's address)."""

    class Meta:
        csrf = False

    programme = SelectField("Programme", validate_choice=False)
    region = SelectField("Region", validate_choice=False)
    host = SelectField("Host organisation", validate_choice=False)
    event = SelectField("Event", validate_choice=False)
    date_from = DateField("From", validators=[Optional()], name="from")
    date_to = DateField("To", validators=[Optional()], name="to")
    table = StringField("table")  # ignored; keeps CSV links' parameter out of the way
