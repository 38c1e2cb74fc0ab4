from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, StopValidation, ValidationError

from eventsapp.auth import two_step
from eventsapp.auth.passwords import MAX_PASSWORD_LENGTH, password_problem, too_long
from eventsapp.forms import BaseForm


class PasswordLength:
    """At most :data:`MAX_PASSWORD_LENGTH`, counted as the browser counts ``maxlength`` (UTF-16 units),
    and the same ``maxlength`` on every password field (the flag makes WTForms render it)."""

    field_flags = {"maxlength": MAX_PASSWORD_LENGTH}

    def __call__(self, form, field):
        problem = too_long(field.data or "")
        if problem:
            raise StopValidation(problem)  # once, not again from the policy


class LoginForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[DataRequired(), PasswordLength()],
                             render_kw={"autocomplete": "current-password"})
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
    password = PasswordField(label, validators=[DataRequired(), PasswordLength(), PasswordPolicy()],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_PASSWORD_LENGTH},  # checked on the first
    )
    return password, confirm


class ForgotPasswordForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    submit = SubmitField("Email me a link")


class ResetPasswordForm(BaseForm):
    password, confirm = new_password_fields()
    submit = SubmitField("Set my new password")


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), PasswordLength()],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()
    submit = SubmitField("Change password")


class SetPasswordForm(BaseForm):
    """For an invited person creating their account."""

    name = StringField("Your name", validators=[Optional(), Length(max=200)])
    password, confirm = new_password_fields("Choose a password")
    submit = SubmitField("Create my account")


def _readable_code(form, field):
    problem = two_step.code_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _code_field(label: str, required: bool = True):
    return StringField(label, validators=[DataRequired("Enter the code.") if required else Optional(),
                                          Length(max=20), _readable_code],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text"})


class TwoStepCodeForm(BaseForm):
    """The second step, and turning it off: a code from the app or a recovery code."""

    code = _code_field("Code from your authenticator app, or a recovery code")
    submit = SubmitField("Continue")


class TwoStepSetupForm(TwoStepCodeForm):
    """Turning it on: there are no recovery codes yet, so only the app's code."""

    code = _code_field("Six-digit code from your authenticator app")


class RecoveryCodesForm(BaseForm):
    """Making new recovery codes: a current code (or a recovery code) or the password proves who it is."""

    code = _code_field("Code from your authenticator app, or a recovery code", required=False)
    password = PasswordField("Or your password", validators=[Optional(), PasswordLength()],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Make new recovery codes")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not (self.code.data or "").strip() and not self.password.data:
            self.code.errors = [*self.code.errors, "Enter a code from your authenticator app, or your password."]
            return False
        return valid
