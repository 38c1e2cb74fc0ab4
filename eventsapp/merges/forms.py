from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SubmitField
from wtforms.validators import DataRequired, InputRequired


class MergeForm(FlaskForm):
    """Confirm a merge of two organisations and choose which one's name stays."""

    first = HiddenField(validators=[DataRequired()])
    second = HiddenField(validators=[DataRequired()])
    survivor = RadioField("Which organisation stays?", validators=[InputRequired("Choose which organisation stays.")])
    submit = SubmitField("Merge")


class PairForm(FlaskForm):
    """Pick any two organisations by number, for pairs the duplicate finder does not suggest."""

    class Meta:
        csrf = False

    first = IntegerField("First organisation number", validators=[InputRequired("Enter an organisation number.")])
    second = IntegerField("Second organisation number",
                          validators=[InputRequired("Enter an organisation number.")])
    submit = SubmitField("Compare")


class UndoForm(FlaskForm):
    submit = SubmitField("Undo merge")
