"""The signed-in person's API tokens: create (shown once), list, revoke (after a confirmation page).

A made token's value is kept in the session for the one page that shows it (POST, redirect, GET):
reloading that page neither makes a second token nor shows the value again. It is never logged.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
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


#: The session key holding a new token's value until the page after its creation has shown it.
NEW_TOKEN_KEY = "api_token_new_secret"  # noqa: S105 (a key's name, not a secret)


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template("api_tokens/index.html", form=form, tokens=tokens_of(current_user),
                           secret=secret, now=utcnow(),
                           title="API tokens"), status


@tokens_bp.route("/", methods=["GET", "POST"])
@login_required
@personal_data
def index():
    """Your tokens, and the form to make one (its value is shown once, on the page after it is made)."""
    form = _token_form()
    if not form.validate_on_submit():
        secret = session.pop(NEW_TOKEN_KEY, None) if not form.errors else None
        return _page(form, secret=secret, status=422 if form.errors else 200)
    kind, _, raw_id = form.scope.data.partition("-")
    scope = {"organisation_id" if kind == "org" else "programme_id": int(raw_id)}
    try:
        new = create_token(current_user, name=form.name.data, access=form.access.data,
                           days=int(form.days.data), **scope)
    except ValueError as error:
        form.scope.errors = [str(error)]
        return _page(form, status=422)
    db.session.commit()
    session[NEW_TOKEN_KEY] = new.secret
    return redirect(url_for("api_tokens.index"), 303)


@tokens_bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(token_id: int):
    """GET: are you sure? POST (from that page): revoke one of your tokens. :raise 404: for anyone else's."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        revoke_token(token)
        db.session.commit()
        flash(f"The token “{token.name}” is revoked.", "success")
        return redirect(url_for("api_tokens.index"))
    return render_template("api_tokens/revoke.html", token=token, form=form, title="Revoke an API token"), \
        400 if form.errors else 200
