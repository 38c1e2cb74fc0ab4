"""Forms for scheduling events and for filtering the public list.

Times are typed in APP_TIMEZONE (Europe/London) and converted to UTC by
:meth:`EventForm.event_fields`; a wall-clock time the clocks skip is an error
at the field rather than a silent guess.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import html_params

from eventsapp.events.services import local_time_exists, normalise_postcode
from eventsapp.forms import ORGANISATION_PICK, BaseForm
from eventsapp.timeutil import QUERY_YEARS, to_utc

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
DATETIME_MESSAGE = "Enter a date and time, for example 2027-03-27 18:30."
#: Capacity 0 (or less) would make an event nobody can get a place at; blank means no limit.
CAPACITY_AT_LEAST_ONE = "Leave blank for no limit, or enter 1 or more."


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input whose parse error tells people what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(DATETIME_MESSAGE) from None


def local_datetime_field(label: str, required: bool) -> DateTimeLocalField:
    return LocalDateTimeField(
        label,
        format=LOCAL_FORMATS,
        validators=[InputRequired(message=DATETIME_MESSAGE) if required else Optional()],
    )


#: Years an event date may fall in: catches typos like 0202 or 20277 before they reach the database.
YEARS = range(2000, 2101)


def check_time_exists(form, field) -> None:
    if field.data and field.data.year not in YEARS:
        raise ValidationError(f"Enter a date between {YEARS[0]} and {YEARS[-1]}.")
    if field.data and not local_time_exists(field.data):
        raise ValidationError(
            f"{field.data:%H:%M} does not exist on {field.data:%-d %B %Y} in UK time: the clocks go "
            "forward that night. Choose a time at least an hour later."
        )


class EventForm(BaseForm):
    title = StringField("Title", filters=[strip], validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(
        "Summary", filters=[strip], validators=[Optional(), Length(max=500)], render_kw={"rows": 2}
    )
    description = TextAreaField(
        "What to expect", filters=[strip], validators=[Optional(), Length(max=20_000)], render_kw={"rows": 8}
    )
    themes = TextAreaField(
        "Themes or discussion questions", filters=[strip], validators=[Optional(), Length(max=5_000)],
        render_kw={"rows": 4},
    )
    programme = SelectField("Programme", coerce=int, default=0)
    host = SelectField("Host organisation", coerce=int, validators=[InputRequired()])
    cohosts = SelectMultipleField("Co-hosts", render_kw={"size": 6}, **ORGANISATION_PICK)
    region = SelectField("Region", coerce=int, validators=[InputRequired()])
    town = StringField("Town or city", filters=[strip], validators=[Optional(), Length(max=100)])
    venue = StringField("Venue name", filters=[strip], validators=[Optional(), Length(max=200)])
    address = StringField("Address", filters=[strip], validators=[Optional(), Length(max=300)])
    postcode = StringField(
        "Postcode", filters=[strip], validators=[Optional(), Length(max=10)], render_kw={"autocomplete": "off"}
    )
    online_url = StringField("Online or hybrid link", filters=[strip], validators=[Optional(), Length(max=500)])
    starts_at = local_datetime_field("Starts (UK time)", required=True)
    ends_at = local_datetime_field("Ends (UK time)", required=True)
    capacity = IntegerField(
        "Capacity",
        validators=[Optional(), NumberRange(max=100_000, message="Enter at most 100,000 places, or leave blank for no limit.")],
        render_kw={"inputmode": "numeric", "min": 1},
    )
    capacity_understood = BooleanField(
        "I understand: lowering capacity below the number of confirmed people cancels no one; "
        "nobody new is confirmed until places free up"
    )
    registration_opens_at = local_datetime_field("Registration opens (UK time)", required=False)
    registration_closes_at = local_datetime_field("Registration closes (UK time)", required=False)
    accessibility = TextAreaField(
        "Accessibility information", filters=[strip], validators=[Optional(), Length(max=5_000)],
        render_kw={"rows": 3},
    )
    status = SelectField("Status", choices=[SelectChoice("draft", "Draft (only your organisation sees it)"),
                                            SelectChoice("published", "Published (public)")], default="draft")
    submit = SubmitField("Save event")

    HINTS = {
        "summary": "One or two sentences shown on the list of events.",
        "description": "Plain paragraphs, or Markdown (**bold**, lists, links).",
        "themes": "One per line.",
        "cohosts": "Hold Ctrl (Cmd on a Mac) to choose more than one.",
        "postcode": "A UK postcode, for example SW1A 1AA.",
        "online_url": "An https:// link, for online or hybrid events.",
        "starts_at": "Enter the time as it will be shown on clocks in the UK.",
        "capacity": "Leave blank for unlimited places.",
        "registration_opens_at": "Leave blank to open registration as soon as the event is published.",
        "registration_closes_at": "Leave blank to keep registration open until the event starts.",
        "accessibility": "Step-free access, hearing loop, quiet room, nearest accessible parking…",
    }

    def __init__(self, *args, confirmed: int = 0, may_host_without_programme: set[int] | None = None,
                 coordinated: set[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        #: Confirmed registrations now, to guard lowering the capacity.
        self.confirmed = confirmed
        #: Hosts the user organises; other hosts need a programme the user coordinates.
        self.may_host_without_programme = may_host_without_programme or set()
        self.coordinated = coordinated or set()

    def validate_host(self, field) -> None:
        if field.data in self.may_host_without_programme:
            return
        if self.programme.data not in self.coordinated:
            raise ValidationError(
                "You can only schedule events for another organisation within a programme you coordinate."
            )

    def validate_region(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose the region where the event takes place (or National / online).")

    def validate_postcode(self, field) -> None:
        if not field.data:
            return
        normalised = normalise_postcode(field.data)
        if normalised is None:
            raise ValidationError("Enter a real UK postcode, for example SW1A 1AA.")
        field.data = normalised

    def validate_online_url(self, field) -> None:
        if not field.data:
            return
        parts = urlsplit(field.data)
        if parts.scheme != "https" or not parts.netloc or " " in field.data:
            raise ValidationError("Enter a full link starting with https://, for example https://meet.example.org/abc.")

    def validate_starts_at(self, field) -> None:
        check_time_exists(self, field)

    def validate_ends_at(self, field) -> None:
        check_time_exists(self, field)
        if field.data and self.starts_at.data and to_utc(field.data) <= to_utc(self.starts_at.data):
            raise ValidationError("The event must end after it starts.")

    def validate_capacity(self, field) -> None:
        if field.data is None:
            return
        if field.data < 1:  # 0 places: an event nobody can get a place at; blank is "no limit"
            raise ValidationError(CAPACITY_AT_LEAST_ONE)
        if "capacity_understood" not in self._fields:
            return
        if field.data < self.confirmed and not self.capacity_understood.data:
            raise ValidationError(
                f"{self.confirmed} people are already confirmed. To set a capacity below that, tick "
                "“I understand” below."
            )

    def validate_registration_opens_at(self, field) -> None:
        check_time_exists(self, field)

    def validate_registration_closes_at(self, field) -> None:
        check_time_exists(self, field)
        opens = self.registration_opens_at.data
        if field.data and opens and to_utc(field.data) <= to_utc(opens):
            raise ValidationError("Registration must close after it opens.")

    def event_fields(self, organisations: dict) -> dict:
        """The validated input as Event attributes, times in UTC. ``organisations`` maps id -> Organisation."""

        def utc(value: datetime | None) -> datetime | None:
            return to_utc(value) if value else None

        fields = {
            "title": self.title.data,
            "summary": self.summary.data or "",
            "description": self.description.data or "",
            "themes": self.themes.data or "",
            "programme_id": self.programme.data or None,
            "host_organisation_id": self.host.data,
            "cohosts": [organisations[i] for i in self.cohosts.data or [] if i in organisations],
            "region_id": self.region.data,
            "town": self.town.data or "",
            "venue": self.venue.data or "",
            "address": self.address.data or "",
            "postcode": self.postcode.data or "",
            "online_url": self.online_url.data or None,
            "starts_at": utc(self.starts_at.data),
            "ends_at": utc(self.ends_at.data),
            "capacity": self.capacity.data,
            "registration_opens_at": utc(self.registration_opens_at.data),
            "registration_closes_at": utc(self.registration_closes_at.data),
            "accessibility": self.accessibility.data or "",
        }
        if "status" in self._fields:
            fields["status"] = self.status.data
        return fields


class CancelForm(BaseForm):
    reason = TextAreaField(
        "Reason for cancelling", filters=[strip], validators=[DataRequired(), Length(max=2_000)],
        render_kw={"rows": 3},
    )
    submit = SubmitField("Cancel this event")


class DuplicateForm(BaseForm):
    starts_at = local_datetime_field("New start (UK time)", required=True)
    submit = SubmitField("Create a draft copy")

    def validate_starts_at(self, field) -> None:
        check_time_exists(self, field)


class ActionForm(BaseForm):
    """An empty form: the CSRF token for publish / unpublish buttons."""


class PrerenderedSelect:
    """A ``<select>`` whose ``<option>`` markup was rendered once and is shared between requests.

    The output is what WTForms' ``Select`` widget gives for the same choices (attributes sorted,
    ``selected`` on the chosen value); building a few thousand options per request was the
    slowest part of the public list.
    """

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        options = field.options_html
        if field.data is not None:
            value = escape(field.data)
            options = options.replace(f'<option value="{value}">', f'<option selected value="{value}">', 1)
        # html_params and render_options escape every value and label.
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704


def render_options(blank: str, pairs: list[tuple[str, str]]) -> str:
    """The ``<option>`` markup for :class:`PrerenderedSelect`: a blank choice, then ``pairs``."""
    return "".join(f'<option value="{escape(value)}">{escape(label)}</option>'
                   for value, label in [("", blank), *pairs])


class PrerenderedSelectField(SelectField):
    """A select rendered from ``options_html`` (see :func:`render_options`) instead of ``choices``."""

    widget = PrerenderedSelect()
    options_html = ""


class FilterForm(BaseForm):
    """The public list's filters; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Search", filters=[strip], validators=[Optional(), Length(max=200)])
    region = PrerenderedSelectField("Region", validators=[Optional()])
    programme = PrerenderedSelectField("Programme", validators=[Optional()])
    host = PrerenderedSelectField("Host", validators=[Optional()])
    month = StringField("Month", filters=[strip], validators=[Optional(), Length(max=7)],
                        render_kw={"type": "month", "placeholder": "YYYY-MM"})

    def month_value(self) -> tuple[int, int] | None:
        try:
            parsed = datetime.strptime(self.month.data or "", "%Y-%m")
        except ValueError:
            return None
        if parsed.year not in QUERY_YEARS:
            return None
        return parsed.year, parsed.month
