"""Two-step sign-in pages:

GET/POST /auth/two-step            auth.two_step_login    the second step after the password
GET/POST /auth/two-step/setup      auth.two_step_setup    turn it on (QR code, confirm a code; recovery codes)
POST     /auth/two-step/disable    auth.two_step_disable  turn it off (with a current code; not when required)
POST     /auth/two-step/recovery-codes  auth.two_step_recovery_codes  new recovery codes (with a code or the password)
"""

from __future__ import annotations

import time

import segno
from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from eventsapp.auth import bp, two_step
from eventsapp.auth.forms import RecoveryCodesForm, TwoStepCodeForm, TwoStepSetupForm
from eventsapp.auth.services import load_user, start_session
from eventsapp.auth.views import TWO_STEP_KEY, TWO_STEP_SECONDS
from eventsapp.extensions import db, limiter

SETUP_KEY = "two_step_setup_secret"
#: Where an account that must set up two-step sign-in may still go.
OPEN_WHILE_REQUIRED = {"auth.two_step_setup", "auth.logout", "static", "bootstrap.static", "privacy.notice",
                       "main.healthz"}


@bp.before_app_request
def require_two_step():
    """With ``TOTP_REQUIRED``: an account that can see personal data sets up two-step sign-in first.

    Without the setting nothing is read here: the user is loaded when a view first asks (the desk's
    search reads it in the same statement as its matches, eventsapp.checkin.search.desk_search_as).
    """
    if not two_step.required_setting():
        return None
    if not current_user.is_authenticated or request.endpoint in OPEN_WHILE_REQUIRED:
        return None
    if two_step.required_for(current_user) and not two_step.is_enabled(current_user):
        flash("Set up two-step sign-in to continue: your account can see personal data.", "warning")
        return redirect(url_for("auth.two_step_setup"))
    return None


@bp.route("/two-step", methods=["GET", "POST"])
@limiter.limit("10 per 5 minutes", methods=["POST"])
def two_step_login():
    """The code after the password. Without a pending sign-in (or after five minutes): back to the login page."""
    pending = session.get(TWO_STEP_KEY)
    user = None
    if isinstance(pending, dict) and time.time() - float(pending.get("at", 0)) < TWO_STEP_SECONDS:
        user = load_user(f"{pending.get('user')}:{pending.get('version')}")
    if user is None or not two_step.is_enabled(user):
        session.pop(TWO_STEP_KEY, None)
        return redirect(url_for("auth.login"))
    form = TwoStepCodeForm()
    if form.validate_on_submit():
        if two_step.verify(user, form.code.data):
            db.session.commit()
            start_session(user, remember=bool(pending.get("remember")))
            flash("You are signed in.", "success")
            return redirect(pending.get("next") or url_for("main.index"))
        db.session.rollback()
        form.code.errors.append("That code is not right, or was used already. Try the next code from your app.")
    return render_template("auth/two_step.html", form=form), 422 if form.errors else 200


@bp.route("/two-step/setup", methods=["GET", "POST"])
@login_required
def two_step_setup():
    """Turn two-step sign-in on: scan the QR code, confirm with a code, keep the recovery codes."""
    if two_step.is_enabled(current_user):
        return _status_page(TwoStepCodeForm(), RecoveryCodesForm(prefix="renew"), 200)
    secret = session.get(SETUP_KEY) or two_step.new_secret()
    session[SETUP_KEY] = secret
    form = TwoStepSetupForm()
    if form.validate_on_submit():
        codes = two_step.enable(current_user, secret, form.code.data)
        if codes is not None:
            db.session.commit()
            session.pop(SETUP_KEY, None)
            return render_template("auth/two_step_codes.html", codes=codes)
        form.code.errors.append("That code does not match. Check the time on your phone and try the next code.")
    uri = two_step.provisioning_uri(current_user, secret)
    qr = segno.make(uri, error="m").svg_data_uri(scale=4, border=2)
    return render_template("auth/two_step_setup.html", form=form, secret=secret, qr=qr), \
        422 if form.errors else 200


@bp.post("/two-step/disable")
@login_required
def two_step_disable():
    """Turn two-step sign-in off, with a current code (refused while ``TOTP_REQUIRED`` applies)."""
    form = TwoStepCodeForm()
    if two_step.required_for(current_user):
        flash("Two-step sign-in is required for your account.", "warning")
        return redirect(url_for("auth.two_step_setup"))
    if not two_step.is_enabled(current_user):
        return redirect(url_for("auth.two_step_setup"))
    if form.validate_on_submit() and two_step.verify(current_user, form.code.data):
        two_step.disable(current_user)
        db.session.commit()
        flash("Two-step sign-in is off.", "info")
        return redirect(url_for("auth.two_step_setup"))
    db.session.rollback()
    if not form.code.errors:
        form.code.errors.append("That code is not right, or was used already.")
    return _status_page(form, RecoveryCodesForm(formdata=None, prefix="renew"), 422)


@bp.post("/two-step/recovery-codes")
@login_required
@limiter.limit("10 per 5 minutes")
def two_step_recovery_codes():
    """New recovery codes (shown once; the old ones stop working), with a current code or the password."""
    if not two_step.is_enabled(current_user):
        return redirect(url_for("auth.two_step_setup"))
    form = RecoveryCodesForm(prefix="renew")
    if form.validate_on_submit():
        codes = two_step.renew_recovery_codes(current_user, code=(form.code.data or "").strip() or None,
                                              password=form.password.data)
        if codes is not None:
            db.session.commit()
            return render_template("auth/two_step_codes.html", codes=codes, renewed=True)
        db.session.rollback()
        form.code.errors.append("That code or password is not right (a code from your app works once).")
    return _status_page(TwoStepCodeForm(formdata=None), form, 422)


def _status_page(form: TwoStepCodeForm, renew: RecoveryCodesForm, status: int):
    return render_template("auth/two_step_status.html", form=form, renew=renew,
                           left=two_step.recovery_codes_left(current_user),
                           required=two_step.required_for(current_user)), status
