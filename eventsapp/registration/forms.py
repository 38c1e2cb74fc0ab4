"""Forms: registering (public, self-service edit, organiser), equality monitoring, questions."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from eventsapp.caching import process_cache
from eventsapp.directory import find_organisation
from eventsapp.extensions import db
from eventsapp.forms import BaseForm
from eventsapp.models import QUESTION_KINDS, EventQuestion, Sector
from eventsapp.models import equality as eq
from eventsapp.privacy.notice import notice_url


def strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


#: The per-process cache (eventsapp.caching) of the sector choices.
SECTOR_CHOICES_CACHE = "registration.sector_choices"


def sector_choices() -> list[SelectChoice]:
    """The sectors an organisation may be in, read once per ``SECTOR_CHOICES_TTL`` seconds (300; 0 when
    testing) per process: they are reference data, which only ``init-db`` adds to."""
    ttl = current_app.config.get("SECTOR_CHOICES_TTL", 0 if current_app.testing else 300)
    cache = process_cache(SECTOR_CHOICES_CACHE, max_entries=1, ttl=ttl)
    choices = cache.get("choices")
    if choices is None:
        sectors = db.session.execute(
            select(Sector.code, Sector.name).where(Sector.code != "individual").order_by(Sector.sort_order)
        )
        choices = (SelectChoice("", "Choose a sector"), *(SelectChoice(code, name) for code, name in sectors))
        cache.put("choices", choices)
    return list(choices)


class RegistrationFormBase(BaseForm):
    first_name = StringField("First name", validators=[DataRequired("Enter your first name."), Length(max=100)],
                             render_kw={"autocomplete": "given-name"})
    last_name = StringField("Last name", validators=[DataRequired("Enter your last name."), Length(max=100)],
                            render_kw={"autocomplete": "family-name"})
    email = EmailField("Email address", validators=[
        DataRequired("Enter your email address — we send your booking link there."),
        Email("Enter an email address like name@example.org."), Length(max=254)], filters=[strip],
        render_kw={"autocomplete": "email", "spellcheck": "false"})
    organisation_name = StringField("Organisation", validators=[Optional(), Length(max=200)],
                                    render_kw={"autocomplete": "organization",
                                               "data-organisation-lookup": "/registration/organisations.json"})
    individual = BooleanField("I am coming as an individual, not for an organisation")
    sector = SelectField("Sector of your organisation", validators=[Optional()], choices=[])
    job_title = StringField("Job title or role", validators=[Optional(), Length(max=200)],
                            render_kw={"autocomplete": "organization-title"})
    access_requirements = TextAreaField("Access requirements", validators=[Optional(), Length(max=2000)])
    dietary_requirements = TextAreaField("Dietary needs", validators=[Optional(), Length(max=2000)])

    #: The event's own questions, as (question, field name) pairs; set by :func:`registration_form`.
    questions: list[tuple[EventQuestion, str]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = sector_choices()
        #: Set by validate(): True when the organisation name is not yet known.
        self.organisation_is_new = False
        #: Set by validate(): the organisation the name refers to, when known (kept, so that
        #: the registration service finds it in the session instead of asking again).
        self.known_organisation = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        name = (self.organisation_name.data or "").strip()
        if self.individual.data:
            return valid
        if not name:
            self.organisation_name.errors = [*self.organisation_name.errors,
                                             "Enter your organisation, or tick that you are coming as an individual."]
            return False
        known = find_organisation(name) if not self.organisation_name.errors else None
        self.known_organisation = known
        if not self.organisation_name.errors and known is None:
            self.organisation_is_new = True
            if not self.sector.data:
                self.sector.errors = [*self.sector.errors,
                                      "We don't know this organisation yet: choose the sector it works in."]
                valid = False
        return valid

    def answers(self) -> dict[int, str | list[str]]:
        result = {}
        for question, name in self.questions:
            data = self[name].data
            if isinstance(data, list):
                result[question.id] = [value for value in data if value]
            else:
                result[question.id] = (data or "").strip()
        return result

    def details(self) -> dict:
        individual = bool(self.individual.data)
        email_field = getattr(self, "email", None)
        return {
            "first_name": self.first_name.data.strip(),
            "last_name": self.last_name.data.strip(),
            "email": ((email_field.data or "").strip() or None) if email_field is not None else None,
            "organisation_name": "" if individual else (self.organisation_name.data or "").strip(),
            "sector_code": None if individual else (self.sector.data or None),
            "job_title": self.job_title.data or "",
            "access_requirements": self.access_requirements.data or "",
            "dietary_requirements": self.dietary_requirements.data or "",
            "consent_privacy": bool(getattr(self, "consent_privacy", None) and self.consent_privacy.data),
            "consent_contact": bool(getattr(self, "consent_contact", None) and self.consent_contact.data),
            "answers": self.answers(),
            "organisation_id": None if individual or self.known_organisation is None else self.known_organisation.id,
        }


def question_field(question: EventQuestion) -> Field:
    required = [InputRequired("Answer this question.")] if question.required else [Optional()]
    text_required = [DataRequired("Answer this question.")] if question.required else [Optional()]
    if question.kind == "long_text":
        return TextAreaField(question.label, validators=[*text_required, Length(max=5000)])
    if question.kind == "single_choice":
        return RadioField(question.label, choices=[SelectChoice(c, c) for c in question.choice_list],
                          validators=required)
    if question.kind == "multiple_choice":
        return MultiCheckboxField(question.label, choices=[SelectChoice(c, c) for c in question.choice_list],
                                  validators=[DataRequired("Choose at least one.")] if question.required
                                  else [Optional()])
    if question.kind == "yes_no":
        return RadioField(question.label, choices=[SelectChoice("Yes", "Yes"), SelectChoice("No", "No")],
                          validators=required)
    return StringField(question.label, validators=[*text_required, Length(max=500)])


def registration_form(event, purpose: str = "public", **kwargs) -> RegistrationFormBase:
    """The registration form for ``event``, with its own questions.

    :param purpose: ``public`` (the attendee registers), ``edit`` (self-service or
        organiser edit: no email, no privacy consent), or ``manual`` (an organiser
        adds someone by hand: email optional, may confirm over capacity).
    """
    questions = db.session.scalars(
        select(EventQuestion).where(EventQuestion.event_id == event.id)
        .order_by(EventQuestion.position, EventQuestion.id)
    ).all()
    attributes: dict = {"questions": [], "privacy_url": notice_url(event)}
    for question in questions:
        name = f"question_{question.id}"
        attributes[name] = question_field(question)
        attributes["questions"].append((question, name))
    if purpose == "public":
        attributes["consent_privacy"] = BooleanField(
            "I have read the privacy notice and agree to my details being used to run this event",
            validators=[DataRequired("You need to agree to the privacy notice to register.")])
        attributes["consent_contact"] = BooleanField(
            "You may email me about future events of the network (optional)")
        attributes["submit"] = SubmitField("Register")
    elif purpose == "manual":
        attributes["email"] = EmailField("Email address", validators=[
            Optional(), Email("Enter an email address like name@example.org."), Length(max=254)], filters=[strip])
        attributes["consent_privacy"] = BooleanField(
            "This person has seen the privacy notice and agreed to their details being used",
            validators=[DataRequired("Confirm the person has agreed to the privacy notice.")])
        attributes["consent_contact"] = BooleanField("They agreed to be emailed about future events")
        attributes["override_capacity"] = BooleanField("Confirm a place even if the event is full")
        attributes["submit"] = SubmitField("Add registration")
    else:
        attributes["email"] = None
        attributes["consent_contact"] = BooleanField("You may email me about future events of the network")
        attributes["submit"] = SubmitField("Save changes")
    form_class = type("RegistrationForm", (RegistrationFormBase,), attributes)
    return form_class(**kwargs)


def _with_prefer_not(choices):
    return [SelectChoice("", "Choose an answer (optional)"), *(SelectChoice(value, label) for value, label in choices),
            SelectChoice(*eq.PREFER_NOT_TO_SAY)]


class EqualityForm(BaseForm):
    consent = BooleanField(
        "I agree to these answers being kept apart from my registration and used only in anonymous totals",
        validators=[DataRequired("Tick to agree, or skip this step.")])
    ethnicity = SelectField("Ethnic group", validators=[Optional()], choices=[
        *_with_prefer_not([]),
        *(SelectChoice(value, label, optgroup=group) for group, options in eq.ETHNIC_GROUPS for value, label in options)])
    religion = SelectField("Religion or belief", validators=[Optional()], choices=_with_prefer_not(eq.RELIGIONS))
    age_band = SelectField("Age", validators=[Optional()], choices=_with_prefer_not(eq.AGE_BANDS))
    gender = SelectField("Gender", validators=[Optional()], choices=_with_prefer_not(eq.GENDERS))
    disability = SelectField(
        "Are your day-to-day activities limited because of a health problem or disability "
        "which has lasted, or is expected to last, at least 12 months?",
        validators=[Optional()], choices=_with_prefer_not(eq.DISABILITY))
    submit = SubmitField("Save my answers")


class QuestionForm(BaseForm):
    label = StringField("Question", validators=[DataRequired("Enter the question."), Length(max=300)])
    kind = SelectField("Kind of answer", choices=[SelectChoice(code, label) for code, label in QUESTION_KINDS])
    choices = TextAreaField("Options (one per line)", validators=[Optional(), Length(max=5000)])
    required = BooleanField("People must answer this question")
    sensitive = BooleanField("Sensitive: in reports, protect small numbers as for equality monitoring "
                             "(no breakdown below 10 answers, no count from 1 to 7)")
    submit = SubmitField("Save question")

    def validate_choices(self, field):
        options = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if self.kind.data in ("single_choice", "multiple_choice"):
            if len(options) < 2:
                raise ValidationError("Give at least two options, one per line.")
            if any(len(option) > 200 for option in options):
                raise ValidationError("Keep each option under 200 characters.")


class ConfirmForm(BaseForm):
    """A bare form for POST-only actions (cancel, promote, delete), for its CSRF token."""
