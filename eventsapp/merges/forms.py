from __future__ import annotations

from wtforms import HiddenField, IntegerField, RadioField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from eventsapp.forms import BaseForm


class MergeForm(BaseForm):
    """Confirm a merge of two organisations and choose which one's name stays."""

    first = HiddenField(validators=[DataRequired()])
    second = HiddenField(validators=[DataRequired()])
    survivor = RadioField("Which organisation stays?", validators=[InputRequired("Choose which organisation stays.")])
    submit = SubmitField("Merge")


class PairForm(BaseForm):
    """Pick any two organisations by number, for pairs the duplicate finder does not suggest."""

    class Meta:
        csrf = False

    first = IntegerField("First organisation number", validators=[InputRequired("Enter an organisation number.")])
    second = IntegerField("Second organisation number",
                          validators=[InputRequired("Enter an organisation number.")])
    submit = SubmitField("Compare")


class UndoForm(BaseForm):
    submit = SubmitField("Undo merge")
