from __future__ import annotations

from wtforms import IntegerField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from eventsapp.forms import BaseForm


class MergePeopleForm(BaseForm):
    """Two people's numbers: the second one's registrations move to the first."""

    keep = IntegerField("Number of the person to keep", validators=[InputRequired("Enter a person's number.")])
    other = IntegerField("Number of the person merged into them",
                         validators=[InputRequired("Enter a person's number.")])
    submit = SubmitField("Merge")


class SplitPersonForm(BaseForm):
    """The registrations of one person that belong to somebody else."""

    registrations = SelectMultipleField("Registrations that are somebody else's", coerce=int,
                                        option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                                        validators=[InputRequired("Choose the registrations to move.")])
    submit = SubmitField("Split into a new person")


class UndoChangeForm(BaseForm):
    submit = SubmitField("Undo")
