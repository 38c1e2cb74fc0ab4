from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from eventsapp.auth.passwords import MAX_PASSWORD_LENGTH, password_problem
from eventsapp.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class PasswordPolicy:
    """WTForms validator for :func:`password_problem`; ``email_field`` names the form's email field."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):
        email = None
        if self.email_field:
            email = getattr(form, self.email_field).data
        else:
            email = getattr(form, "account_email", None)
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)


NEW_PASSWORD_HINT = "At least 12 characters. Spaces, accents and any other characters are welcome."  # noqa: S105


def new_password_fields(label: str = "New password"):
    password = PasswordField(label, validators=[DataRequired(), PasswordPolicy()])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords are not the same.")],
    )
    return password, confirm


class ForgotPasswordForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Email me a link")


class ResetPasswordForm(BaseForm):
    password, confirm = new_password_fields()
    submit = SubmitField("Set my new password")


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    password, confirm = new_password_fields()
    submit = SubmitField("Change password")


class SetPasswordForm(BaseForm):
    """For an invited person creating their account."""

    name = StringField("Your name", validators=[Optional(), Length(max=200)])
    password, confirm = new_password_fields("Choose a password")
    submit = SubmitField("Create my account")


class TwoStepCodeForm(BaseForm):
    code = StringField("Code from your authenticator app, or a recovery code",
                       validators=[DataRequired("Enter the code."), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text"})
    submit = SubmitField("Continue")
