"""The API's request and response shapes (marshmallow), from which the OpenAPI description is made."""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from marshmallow import fields, validate

from eventsapp.forms import CONTROL_MESSAGE, has_control_characters
from eventsapp.models import REGISTRATION_SOURCES


class UtcDateTime(fields.DateTime):
    """A moment, stored as naive UTC, written as RFC 3339 with its offset (``+00:00``)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Line(fields.String):
    """A single line of input: control characters (NUL, line breaks, invisible ones) are refused,
    as every form refuses them (eventsapp.forms.BaseForm)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_control_characters(text):
            raise ma.ValidationError(CONTROL_MESSAGE)
        return text.strip()


#: Most items one page holds (``limit``).
MAX_LIMIT = 100


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details; ``errors`` maps a parameter or field to its messages."""

    type = fields.String(required=True, metadata={"description": "A URI naming the kind of problem"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(metadata={"description": "Messages by parameter or field"})
    fields_ = fields.Dict(data_key="fields", metadata={"description": "Report filters that could not be read"})
    error = fields.String(metadata={"description": "The title again (kept for clients of the first API)"})
    message = fields.String(metadata={"description": "The detail again (kept for clients of the first API)"})


class PageArgs(ma.Schema):
    cursor = Line(validate=validate.Length(max=200),
                           metadata={"description": "The `next_cursor` of the previous page"})
    limit = fields.Integer(load_default=25, validate=validate.Range(1, MAX_LIMIT))


class EventArgs(PageArgs):
    """The public list's filters (unknown values match nothing, as on the page)."""

    region = Line(validate=validate.Length(max=20), metadata={"description": "Region code, e.g. TLJ"})
    programme = Line(validate=validate.Length(max=80), metadata={"description": "Programme slug"})
    host = fields.Integer(validate=validate.Range(1, 2**31 - 1), metadata={"description": "Host or co-host id"})
    month = Line(validate=validate.Regexp(r"^(19\d\d|2\d{3})-(0[1-9]|1[0-2])$"),
                          metadata={"description": "Local month, YYYY-MM"})
    q = Line(validate=validate.Length(max=200), metadata={"description": "Words in the event"})
    when = Line(load_default="upcoming", validate=validate.OneOf(("upcoming", "past", "all")))


class NamedSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class RegionSchema(ma.Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class ProgrammeRefSchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class EventSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("draft", "published", "cancelled")))
    starts_at = UtcDateTime(required=True, format="iso")
    ends_at = UtcDateTime(required=True, format="iso")
    venue = fields.String(required=True)
    town = fields.String(required=True)
    online = fields.Boolean(required=True)
    capacity = fields.Integer(required=True, allow_none=True)
    places_left = fields.Integer(required=True, allow_none=True)
    host = fields.Nested(NamedSchema, required=True)
    region = fields.Nested(RegionSchema, required=True)
    programme = fields.Nested(ProgrammeRefSchema, required=True, allow_none=True)
    url = fields.String(required=True)


class EventDetailSchema(EventSchema):
    description = fields.String(required=True)
    themes = fields.List(fields.String(), required=True)
    address = fields.String(required=True)
    postcode = fields.String(required=True)
    accessibility = fields.String(required=True)
    cohosts = fields.List(fields.Nested(NamedSchema), required=True)


class EventPageSchema(ma.Schema):
    items = fields.List(fields.Nested(EventSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class AttendanceSchema(ma.Schema):
    checked_in_at = UtcDateTime(required=True, format="iso")
    method = fields.String(required=True)


class RegistrationSchema(ma.Schema):
    id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("confirmed", "waitlisted", "cancelled")))
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    organisation = fields.Nested(NamedSchema, required=True, allow_none=True)
    job_title = fields.String(required=True)
    #: How it was made: "api" through this API (web: the public form, manual: an organiser, walk_in, import, demo).
    source = fields.String(required=True, validate=validate.OneOf(REGISTRATION_SOURCES))
    created_at = UtcDateTime(required=True, format="iso")
    cancelled_at = UtcDateTime(required=True, allow_none=True, format="iso")
    attendance = fields.Nested(AttendanceSchema, required=True, allow_none=True)


class RegistrationPageSchema(ma.Schema):
    items = fields.List(fields.Nested(RegistrationSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class RegistrationArgs(PageArgs):
    status = Line(validate=validate.OneOf(("confirmed", "waitlisted", "cancelled")))


class NewRegistrationSchema(ma.Schema):
    """A registration made by the event's organiser (as on the manage page: no registration window)."""

    class Meta:
        unknown = ma.RAISE

    first_name = Line(required=True, validate=validate.Length(1, 100))
    last_name = Line(required=True, validate=validate.Length(1, 100))
    email = Line(required=True, validate=[validate.Length(max=254), validate.Email()])
    organisation_name = Line(load_default="", validate=validate.Length(max=200))
    sector_code = Line(load_default=None, allow_none=True, validate=validate.Length(max=40))
    job_title = Line(load_default="", validate=validate.Length(max=200))


class RegistrationResultSchema(ma.Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(
        ("confirmed", "waitlisted", "already_registered")))
    registration = fields.Nested(RegistrationSchema, required=True)


class CheckInResultSchema(ma.Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(("checked_in", "already_checked_in")))
    registration = fields.Nested(RegistrationSchema, required=True)


class AttendanceCountsSchema(ma.Schema):
    event_id = fields.Integer(required=True)
    registered = fields.Integer(required=True)
    checked_in = fields.Integer(required=True)
    expected = fields.Integer(required=True)
    waitlisted = fields.Integer(required=True)
    walk_ins = fields.Integer(required=True)
    no_shows = fields.Integer(required=True)
    finalised = fields.Boolean(required=True)
    held = fields.Boolean(required=True)


class DirectoryArgs(PageArgs):
    q = Line(validate=validate.Length(max=200))
    region = Line(validate=validate.Length(max=20))


class OrganisationSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    sector = fields.String(required=True, allow_none=True)
    area = fields.String(required=True)
    region = fields.Nested(RegionSchema, required=True, allow_none=True)
    website = fields.String(required=True, allow_none=True)
    about = fields.String(required=True)
    kinds_of_work = fields.List(fields.String(), required=True)
    approaches = fields.List(fields.String(), required=True)
    url = fields.String(required=True)


class OrganisationPageSchema(ma.Schema):
    items = fields.List(fields.Nested(OrganisationSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class StoryArgs(PageArgs):
    region = Line(validate=validate.Length(max=20))
    kind = Line(validate=validate.Length(max=40))
    programme = Line(validate=validate.Length(max=80))
    q = Line(validate=validate.Length(max=200))


class StorySchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    body = fields.String(required=True)
    kind_of_work = fields.String(required=True)
    approaches = fields.List(fields.String(), required=True)
    region = fields.Nested(RegionSchema, required=True)
    place = fields.String(required=True)
    programme = fields.Nested(ProgrammeRefSchema, required=True)
    event_id = fields.Integer(required=True, allow_none=True)
    published_at = UtcDateTime(required=True, allow_none=True, format="iso")
    url = fields.String(required=True)


class StoryPageSchema(ma.Schema):
    items = fields.List(fields.Nested(StorySchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class ReportSchema(ma.Schema):
    """The figures of eventsapp.reports (docs/reports.md has every key); the same as the report page."""

    class Meta:
        unknown = ma.INCLUDE

    events = fields.Integer(required=True)
    regions = fields.Integer(required=True)
    registrations = fields.Integer(required=True)
    attendances = fields.Integer(required=True)
    people = fields.Integer(required=True)
    organisations = fields.Integer(required=True)
    headline = fields.String(required=True)
    scope = fields.Dict(required=True)
    by_sector = fields.List(fields.Dict(), required=True)
    by_region = fields.List(fields.Dict(), required=True)
    by_event = fields.List(fields.Dict(), required=True)
    links = fields.Dict(required=True)
