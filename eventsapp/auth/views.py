from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, logout_user

from eventsapp.auth import bp, throttle, two_step
from eventsapp.auth.forms import (
    NEW_PASSWORD_HINT,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from eventsapp.auth.passwords import user_for_reset_token
from eventsapp.auth.services import (
    authenticate,
    change_own_password,
    change_password,
    end_all_sessions,
    load_user,
    send_password_reset,
    start_session,
)
from eventsapp.extensions import db, limiter, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
login_manager.user_loader(load_user)

#: The session key holding a sign-in that waits for its second step, and how long it waits (seconds).
TWO_STEP_KEY = "two_step_pending"
TWO_STEP_SECONDS = 300

#: Default; override with PASSWORD_RESET_LIMIT (sign-in has its own throttle: eventsapp.auth.throttle).
PASSWORD_RESET_LIMIT = "5 per hour"  # noqa: S105 (a rate, not a password)


@bp.before_app_request
def forget_cached_user() -> None:
    """Resolve the signed-in user afresh for every request.

    Flask-Login caches the user in ``g``, which lives as long as the app context; a request
    that runs inside an already-pushed app context (tests, CLI-driven requests) would
    otherwise see the previous request's user.
    """
    g.pop("_login_user", None)


def _config_limit(key: str, default: str):
    return lambda: current_app.config.get(key) or default


def account_key() -> str:
    """Rate-limit key for the account a sign-in or reset request names."""
    return throttle.account_key(request.form.get("email") or "")


def ip_key() -> str:
    return "ip:" + (get_remote_address() or "unknown")


def safe_next(target: str | None) -> str:
    if (
        target and target.startswith("/") and not target.startswith("//")
        and not urlsplit(target).netloc and "\\" not in target
    ):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in, through the throttle (see ``eventsapp.auth.throttle``): 429 and the form when it is full."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        address = get_remote_address() or "unknown"
        throttled = throttle.attempt(form.email.data, address)
        if throttled is not None:
            page = render_template("auth/login.html", form=form, throttled=throttled)
            return page, 429, {"Retry-After": str(throttled.retry_after)}
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(
                "That email and password do not match an account. Check them and try again, "
                "or reset your password."
            )
        else:
            db.session.commit()
            throttle.signed_in(form.email.data, address)
            if two_step.is_enabled(user):
                # The password is right; the session is not signed in until the second step.
                session.clear()
                session[TWO_STEP_KEY] = {"user": user.id, "version": user.session_version,
                                         "remember": bool(form.remember.data), "at": time.time(),
                                         "next": safe_next(request.args.get("next"))}
                return redirect(url_for("auth.two_step_login"))
            start_session(user, remember=form.remember.data)
            flash("You are signed in.", "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_config_limit("PASSWORD_RESET_LIMIT", PASSWORD_RESET_LIMIT), key_func=account_key,
               methods=["POST"], scope="reset-account")
@limiter.limit(_config_limit("LOGIN_LIMIT_PER_IP", throttle.LOGIN_LIMIT_PER_IP), key_func=ip_key,
               methods=["POST"], scope="reset-ip")
def forgot_password():
    """Email a reset link. The answer is the same whether or not the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        send_password_reset(form.email.data)
        db.session.commit()
        flash(
            f"If there is an account for {form.email.data}, we have emailed it a link to choose a "
            "new password. The link works for one hour.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = user_for_reset_token(token)
    if user is None:
        return render_template("auth/link_invalid.html", kind="password reset"), 404
    form = ResetPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        change_password(user, form.password.data)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.login"))
    return render_template(
        "auth/reset_password.html", form=form, user=user, hints={"password": NEW_PASSWORD_HINT}
    ), 422 if form.errors else 200


@bp.route("/password/change", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_view():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        user = current_user._get_current_object()
        refused = change_own_password(user, form.current_password.data, form.password.data)
        if refused is not None:
            form[refused[0]].errors.append(refused[1])
        else:
            db.session.commit()
            start_session(user)
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("main.index"))
    return render_template(
        "auth/change_password.html", form=form, hints={"password": NEW_PASSWORD_HINT}
    ), 422 if form.errors else 200
