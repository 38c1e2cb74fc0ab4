"""Forms for writing, moderating and finding stories, and for extending the list of approaches.

Every form derives from the project's base form on this branch (:class:`eventsapp.forms.BaseForm`: control
characters and undecodable input are refused at the field).
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from eventsapp.forms import ORGANISATION_PICK, BaseForm
from eventsapp.models import DIFFERENCES, KINDS_OF_WORK
from eventsapp.stories.images import PhotoError, reencode_photo
from eventsapp.stories.services import StoryInput


def strip(value):
    return value.strip() if isinstance(value, str) else value


def as_choices(pairs) -> list[SelectChoice]:
    """``(value, label)`` pairs as the choices WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def chosen_values(field) -> set:
    """The values offered by a choice field, leaving out the blank "Choose …" one (0 or "")."""
    return {choice.value for choice in field.choices if choice.value}


#: The consent an author gives when saving or submitting a story (the story form and the story page's submit).
CONSENT_LABEL = "I confirm that the people and groups named in this story agreed to be named in it"


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered as a fieldset by the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StoryForm(BaseForm):
    title = StringField("Title", filters=[strip], validators=[DataRequired(message="Give the story a title."),
                                                               Length(max=200)])
    summary = TextAreaField("Summary", filters=[strip], validators=[
        DataRequired(message="Write a sentence or two that sums the story up."), Length(max=500)],
        render_kw={"rows": 2})
    body = TextAreaField("The story", filters=[strip], validators=[
        DataRequired(message="Write the story."), Length(max=30_000)], render_kw={"rows": 12})
    kind_of_work = RadioField("Kind of work", choices=as_choices(KINDS_OF_WORK),
                              validators=[InputRequired(message="Choose the kind of work this story is about.")])
    approaches = MultiCheckboxField("Approaches used", coerce=int)
    differences = MultiCheckboxField("Differences it bridges", choices=as_choices(DIFFERENCES))
    organisations = SelectMultipleField("Organisations involved", render_kw={"size": 8}, **ORGANISATION_PICK)
    region = SelectField("Region", coerce=int, validators=[InputRequired()])
    place = StringField("Place", filters=[strip], validators=[Optional(), Length(max=100)])
    event = SelectField("Event where it was told", coerce=int, default=0)
    programme = SelectField("Programme", coerce=int, default=0)
    photo = FileField("Photo (optional)", render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})
    photo_alt = StringField("Describe the photo for people who cannot see it", filters=[strip],
                            validators=[Length(max=300)])  # no Optional(): it would skip validate_photo_alt
    remove_photo = BooleanField("Remove the photo")
    attribution = RadioField("Attribution", choices=as_choices([
        ("organisation", "Name our organisation as the author"),
        ("anonymous", "Publish anonymously (no organisation is shown)"),
    ]), default="organisation", validators=[InputRequired()])
    attributed_organisation = SelectField("Organisation credited", coerce=int, default=0)
    consent_confirmed = BooleanField(CONSENT_LABEL)
    save = SubmitField("Save draft")
    save_and_submit = SubmitField("Save and submit for publication")

    HINTS = {
        "summary": "Shown on the list of stories and in the feed.",
        "body": "Plain paragraphs, or Markdown (**bold**, lists, links).",
        "organisations": "Hold Ctrl (Cmd on a Mac) to choose more than one.",
        "place": "A town, city or neighbourhood, for example Bradford.",
        "event": "Stories told at one of your events; the story then belongs to the event’s programme.",
        "programme": "Filled in from the event when you choose one: a story told at an event belongs to the "
                     "event’s programme. The coordinators of this programme review the story before it is published.",
        "photo": "JPEG, PNG, WebP or GIF. Location and camera details are removed.",
        "photo_alt": "Required with a photo, for example “Volunteers painting a mural together”.",
    }

    def __init__(self, *args, photo_max: int, has_photo: bool = False, event_programmes: dict | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_max = photo_max
        self.has_photo = has_photo
        #: event id -> its programme id (None for an event outside any programme)
        self.event_programmes = event_programmes or {}
        self.clean_photo: tuple[bytes, str] | None = None
        # Required by validate_approaches and validate_programme (even for a draft), not by a validator
        # WTForms can read: flag them so that the form marks them * like the other required fields.
        self.approaches.flags.required = True
        self.programme.flags.required = True

    def validate_region(self, field) -> None:
        if not field.data or field.data not in chosen_values(field):
            raise ValidationError("Choose the region where the work took place (or National / online).")

    def validate_approaches(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one approach.")

    def validate_event(self, field) -> None:
        if field.data and field.data not in self.event_programmes:
            raise ValidationError("Choose one of your events from the list.")

    def validate_programme(self, field) -> None:
        event_programme = self.event_programmes.get(self.event.data) if self.event.data else None
        if event_programme is not None:
            field.data = event_programme  # a story told at an event belongs to the event's programme
            return
        if not field.data or field.data not in chosen_values(field):
            raise ValidationError("Choose the programme whose coordinators should review this story.")

    def validate_photo(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.read(self.photo_max + 1)
        try:
            self.clean_photo = reencode_photo(data, limit=self.photo_max)
        except PhotoError as error:
            raise ValidationError(str(error)) from None

    def validate_photo_alt(self, field) -> None:
        keeps_photo = self.clean_photo is not None or (self.has_photo and not self.remove_photo.data)
        if keeps_photo and not field.data:
            raise ValidationError("Describe the photo in a few words (alt text); it is required with a photo.")

    def validate_attributed_organisation(self, field) -> None:
        if self.attribution.data != "organisation":
            return
        if not field.data or field.data not in chosen_values(field):
            raise ValidationError("Choose the organisation to credit, or publish anonymously.")

    def validate_consent_confirmed(self, field) -> None:
        if self.save_and_submit.data and not field.data:
            raise ValidationError("Tick to confirm that the people and groups named agreed, before submitting.")

    def story_input(self) -> StoryInput:
        return StoryInput(
            title=self.title.data,
            summary=self.summary.data,
            body=self.body.data,
            region_id=self.region.data,
            place=self.place.data or "",
            kind_of_work=self.kind_of_work.data,
            differences=[code for code, _ in DIFFERENCES if code in (self.differences.data or [])],
            approach_ids=list(self.approaches.data or []),
            organisation_ids=list(self.organisations.data or []),
            event_id=self.event.data or None,
            programme_id=self.programme.data,
            consent_confirmed=bool(self.consent_confirmed.data),
            attribution=self.attribution.data,
            attributed_organisation_id=self.attributed_organisation.data or None,
            photo=self.clean_photo,
            photo_alt=self.photo_alt.data or "",
            remove_photo=bool(self.remove_photo.data),
        )


class StateForm(BaseForm):
    """Submit, withdraw, publish or unpublish, with an optional note for the log. Submitting a story
    whose consent is not yet confirmed asks for it here too (the same statement as the story form)."""

    note = TextAreaField("Note (optional, kept in the story’s history)", filters=[strip],
                         validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    consent_confirmed = BooleanField(CONSENT_LABEL)


class FeatureForm(BaseForm):
    featured = HiddenField()


class FilterForm(BaseForm):
    """The public list's filters (query string; unknown values are ignored, never an error)."""

    class Meta:
        csrf = False

    q = StringField("Search stories", filters=[strip])
    region = SelectField("Region", choices=[], validate_choice=False)
    kind = SelectField("Kind of work", choices=[], validate_choice=False)
    approach = SelectField("Approach", choices=[], validate_choice=False)
    programme = SelectField("Programme", choices=[], validate_choice=False)


def user_id_or_none(value) -> int | None:
    """A user id as posted; anything that is not one (text, 0, beyond an INTEGER) is None, which the
    services refuse with a message at the field."""
    from eventsapp.permissions import MAX_ID

    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None


class CoauthorForm(BaseForm):
    """Invite a member of the author's organisations, chosen from a list (never typed)."""

    user = SelectField("Invite a co-author", coerce=user_id_or_none, validate_choice=False,
                       description="Members of the author’s organisations. "
                                   "They can change the story while it is a draft.")
    invite = SubmitField("Invite")


class DeleteStoryForm(BaseForm):
    """Confirm deleting a draft (the form is its CSRF token and the button)."""

    submit = SubmitField("Delete the draft")


class RemoveCoauthorForm(BaseForm):
    user = HiddenField()
