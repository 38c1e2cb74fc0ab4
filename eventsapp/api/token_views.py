"""The signed-in person's API tokens: create (shown once), list, revoke."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from eventsapp.api import tokens_bp
from eventsapp.api.forms import RevokeForm, TokenForm
from eventsapp.api.tokens import (
    create_token,
    organisations_for_tokens,
    programmes_for_tokens,
    revoke_token,
    tokens_of,
)
from eventsapp.extensions import db
from eventsapp.models import ApiToken, utcnow
from eventsapp.security import personal_data


def _scope_choices() -> list[SelectChoice]:
    choices = [SelectChoice("", "Choose…")]
    choices += [SelectChoice(f"org-{o.id}", f"Organisation: {o.name}") for o in organisations_for_tokens(current_user)]
    choices += [SelectChoice(f"programme-{p.id}", f"Programme: {p.name}")
                for p in programmes_for_tokens(current_user)]
    return choices


def _token_form(**kwargs) -> TokenForm:
    """The form with its "Limited to" choices: every answer's form needs them, the fresh one after a
    created token as much as one sent back with errors."""
    form = TokenForm(**kwargs)
    form.scope.choices = _scope_choices()
    return form


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template("api_tokens/index.html", form=form, tokens=tokens_of(current_user),
                           revoke_form=RevokeForm(), secret=secret, now=utcnow(),
                           title="API tokens"), status


@tokens_bp.route("/", methods=["GET", "POST"])
@login_required
@personal_data
def index():
    """Your tokens, and the form to make one (its value is shown on this answer only)."""
    form = _token_form()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 200)
    kind, _, raw_id = form.scope.data.partition("-")
    scope = {"organisation_id" if kind == "org" else "programme_id": int(raw_id)}
    try:
        new = create_token(current_user, name=form.name.data, access=form.access.data,
                           days=int(form.days.data), **scope)
    except ValueError as error:
        form.scope.errors = [str(error)]
        return _page(form, status=422)
    db.session.commit()
    return _page(_token_form(formdata=None, scope="", name=""), secret=new.secret, status=201)


@tokens_bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of your tokens at once. :raise 404: for anyone else's."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if RevokeForm().validate_on_submit():
        revoke_token(token)
        db.session.commit()
        flash(f"The token “{token.name}” is revoked.", "success")
    return redirect(url_for("api_tokens.index"))
