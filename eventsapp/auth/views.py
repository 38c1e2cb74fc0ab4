from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from eventsapp.auth import bp
from eventsapp.auth.forms import LoginForm
from eventsapp.auth.services import authenticate, end_all_sessions, load_user
from eventsapp.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
login_manager.user_loader(load_user)


def safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not urlsplit(target).netloc and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("That email and password do not match an account.")
        else:
            db.session.commit()
            session.clear()
            login_user(user, remember=form.remember.data)
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
