"""The survey form (built from a programme's questions), the quote toggle and the question editor."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from eventsapp.forms import BaseForm
from eventsapp.models import SURVEY_KINDS, SurveyQuestion
from eventsapp.models.survey import scale_of


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SurveyFormBase(BaseForm):
    #: (question, field name) in the order asked.
    questions: list = []

    def answers(self) -> dict[int, str]:
        return {question.id: (self[name].data or "") for question, name in self.questions}


def survey_form(questions: list[SurveyQuestion], **kwargs) -> SurveyFormBase:
    """The survey for a programme's active questions; every answer is optional."""
    attributes: dict = {"questions": []}
    for question in questions:
        name = f"question_{question.id}"
        if question.kind == "text":
            attributes[name] = TextAreaField(question.label, filters=[_strip],
                                             validators=[Optional(), Length(max=2000)])
        else:
            attributes[name] = RadioField(question.label, choices=[SelectChoice(value, label) for value, label in scale_of(question.kind)],
                                          validators=[Optional()])
        attributes["questions"].append((question, name))
    attributes["submit"] = SubmitField("Send my answers")
    return type("SurveyForm", (SurveyFormBase,), attributes)(**kwargs)


class QuoteForm(BaseForm):
    response = HiddenField(validators=[DataRequired(), Length(max=32)])
    question = HiddenField(validators=[DataRequired(), Length(max=12)])
    publish = HiddenField(validators=[DataRequired(), Length(max=1)])


class QuestionForm(BaseForm):
    """Reword a question, or stop asking it."""

    label = StringField("Question", filters=[_strip],
                        validators=[DataRequired("Enter the question."), Length(max=300)])
    active = BooleanField("Ask this question")
    submit = SubmitField("Save question")


class NewQuestionForm(BaseForm):
    kind = SelectField("Kind of answer", choices=[SelectChoice(code, label) for code, label in SURVEY_KINDS], validators=[DataRequired("Choose a kind.")])
    label = StringField("Question", filters=[_strip],
                        validators=[DataRequired("Enter the question."), Length(max=300)])
    submit = SubmitField("Add question")
