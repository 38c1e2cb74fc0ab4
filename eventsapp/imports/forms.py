from __future__ import annotations

import re
import zipfile
from datetime import time

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from eventsapp.forms import BaseForm
from eventsapp.imports.archives import ArchiveRefused, verify_archive
from eventsapp.imports.parsing import FIELDS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NEW_PROGRAMME = "new"


class UploadForm(BaseForm):
    file = FileField("Attendance list", validators=[
        FileRequired("Choose a CSV or XLSX file."),
        FileAllowed(["csv", "txt", "xlsx"], "Upload a .csv or .xlsx file."),
    ])
    destination = SelectField("Import into", validators=[DataRequired("Choose where the rows go.")])
    new_slug = StringField("Slug of the new programme", validators=[Optional(), Length(max=80)])
    create_events = BooleanField("Create events in the file that the programme does not have yet")
    source_name = StringField("Where the file came from (optional)", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Check the file")

    def validate_file(self, field):
        """An .xlsx (any ZIP) is expanded once, in chunks, within IMPORT_MAX_*: a bomb stops here, unstored."""
        stream = getattr(field.data, "stream", None)
        if stream is None or not hasattr(stream, "seek"):
            return
        head = stream.read(4)
        stream.seek(0)
        if head != b"PK\x03\x04":
            return
        try:
            verify_archive(stream)
        except ArchiveRefused as refused:
            raise ValidationError(str(refused)) from None
        except zipfile.BadZipFile:
            raise ValidationError("This file is not a readable XLSX workbook. Save it again as .xlsx or .csv "
                                  "and upload that.") from None

    def validate_new_slug(self, field):
        if self.destination.data == NEW_PROGRAMME:
            if not field.data:
                raise ValidationError("Give the new programme a slug, e.g. good-relations-2013.")
            if not SLUG.match(field.data):
                raise ValidationError("Use lower-case letters, digits and single hyphens only.")


ATTENDANCE_CHOICES = [("", "A column says who attended (map it to “Attended” above)"),
                      ("all", "Every row attended"), ("none", "No row attended: registrations only")]


def column_form(headers: list[str], chosen: dict[str, str], attendance: str = "", match_names: bool = False) -> BaseForm:
    """One select per column of the file: which field it holds, or ignore it; and who attended
    when no column says."""
    choices = [SelectChoice("", "Ignore this column"), *(SelectChoice(key, label) for key, label in FIELDS.items())]

    class ColumnForm(BaseForm):
        pass

    # Created in file order, so the form lists the columns as the file does.
    for index, header in enumerate(headers):
        setattr(ColumnForm, f"column_{index}", SelectField(
            header or f"Column {index + 1}", choices=choices, default=chosen.get(header, ""),
            validators=[Optional()]))
    ColumnForm.attendance = SelectField("If no column says who attended", choices=ATTENDANCE_CHOICES,
                                        default=attendance, validators=[Optional()])
    ColumnForm.match_names = BooleanField(
        "Rows without an email whose name and organisation match an existing person are that person",
        default=match_names)
    ColumnForm.source_name = StringField("Remember this mapping for files from (optional)",
                                         validators=[Optional(), Length(max=200)])
    ColumnForm.submit = SubmitField("Read the file again with these columns")
    return ColumnForm()


class ConfirmForm(BaseForm):
    submit = SubmitField("Import these rows")


class DiscardForm(BaseForm):
    submit = SubmitField("Discard this file")


class SynonymForm(BaseForm):
    phrase = StringField("Word or phrase", validators=[DataRequired("Enter a word or phrase."), Length(max=120)])
    sector = SelectField("Sector", validators=[DataRequired("Choose a sector.")])
    submit = SubmitField("Add synonym")


def events_form(specs: list[dict], regions: list[tuple[str, str]]) -> BaseForm:
    """What the file does not say about its new events: a region, a host and times for each, in one form."""

    class EventsForm(BaseForm):
        pass

    for index, spec in enumerate(specs):
        label = f"{spec['title']} ({spec['date']})"
        setattr(EventsForm, f"event_{index}_region", SelectField(
            f"Region of {label}", choices=[("", "Choose …"), *regions], default=spec.get("region") or "",
            validators=[DataRequired("Choose the event's region.")]))
        setattr(EventsForm, f"event_{index}_host", StringField(
            f"Host organisation of {label}", default=spec.get("host") or "",
            validators=[DataRequired("Name the host organisation."), Length(max=200)]))
        setattr(EventsForm, f"event_{index}_start", TimeField(
            f"Start time of {label}", default=_time(spec.get("start_time")) or time(10, 0),
            validators=[DataRequired("Give a start time, e.g. 10:00.")]))
        setattr(EventsForm, f"event_{index}_end", TimeField(
            f"End time of {label}", default=_time(spec.get("end_time")), validators=[Optional()]))
    EventsForm.submit = SubmitField("Read the file again with these events")
    return EventsForm()


def _time(text: str | None) -> time | None:
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def event_details_from(form: BaseForm, specs: list[dict]) -> list[dict]:
    """The events form's answers as ImportTarget.event_details."""
    details = []
    for index, spec in enumerate(specs):
        end = form[f"event_{index}_end"].data
        details.append({"title": spec["title"], "date": spec["date"],
                        "region": form[f"event_{index}_region"].data,
                        "host": form[f"event_{index}_host"].data.strip(),
                        "start_time": form[f"event_{index}_start"].data.strftime("%H:%M"),
                        "end_time": end.strftime("%H:%M") if end else ""})
    return details


class RestoreForm(BaseForm):
    file = FileField("Programme export (ZIP)", validators=[
        FileRequired("Choose the ZIP file that export-programme wrote."),
        FileAllowed(["zip"], "Upload the .zip file of a programme export."),
    ])
    submit = SubmitField("Restore the programme")
