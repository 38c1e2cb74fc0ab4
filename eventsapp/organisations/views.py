from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from eventsapp.auth.forms import NEW_PASSWORD_HINT, SetPasswordForm
from eventsapp.auth.services import start_session
from eventsapp.extensions import db
from eventsapp.models import Membership, Sector
from eventsapp.organisations import bp
from eventsapp.organisations.forms import ConfirmForm, InviteForm, OrganisationForm
from eventsapp.organisations.services import (
    ROLE_NAMES,
    MembershipError,
    can_manage,
    create_invited_account,
    get_organisation_or_404,
    invitable_roles,
    invite,
    invited_user,
    join,
    list_organisations,
    member_counts,
    members,
    name_taken,
    read_invitation,
    remove_member,
    save_organisation,
)
from eventsapp.permissions import is_coordinator


def _sector_choices(form: OrganisationForm) -> None:
    sectors = db.session.scalars(select(Sector).order_by(Sector.sort_order, Sector.name))
    form.sector.choices = [(0, "Choose a sector…")] + [(s.id, s.name) for s in sectors]


@bp.get("/")
@login_required
def index():
    search = request.args.get("q", "")[:200]
    page = request.args.get("page", 1, type=int)
    everyone = request.args.get("all") == "1"
    pagination = list_organisations(current_user, search=search, page=max(page, 1), everyone=everyone)
    counts = member_counts([o.id for o in pagination.items])
    return render_template(
        "organisations/index.html", pagination=pagination, search=search, counts=counts, everyone=everyone,
        coordinator=is_coordinator(current_user), can_manage=can_manage,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    if not is_coordinator(current_user):
        abort(403)
    form = OrganisationForm()
    _sector_choices(form)
    if form.validate_on_submit():
        taken = name_taken(form.name.data)
        if taken is not None:
            form.name.errors.append(f"“{taken.name}” already exists under that name.")
        else:
            organisation = save_organisation(
                None, form.name.data, db.session.get(Sector, form.sector.data), form.website.data
            )
            db.session.commit()
            flash(f"{organisation.name} has been added. Now invite its organisers.", "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None), 422 if form.errors else 200


@bp.get("/<int:organisation_id>")
@login_required
def show(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id, current_user)
    return render_template(
        "organisations/show.html", organisation=organisation, members=members(organisation),
        role_names=ROLE_NAMES, remove_form=ConfirmForm(), can_invite=bool(invitable_roles(current_user, organisation.id)),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id, current_user)
    form = OrganisationForm(obj=organisation, sector=organisation.sector_id or 0)
    _sector_choices(form)
    if form.validate_on_submit():
        taken = name_taken(form.name.data, exclude=organisation)
        if taken is not None:
            form.name.errors.append(f"“{taken.name}” already exists under that name.")
        else:
            save_organisation(organisation, form.name.data, db.session.get(Sector, form.sector.data),
                              form.website.data)
            db.session.commit()
            flash("The organisation's details have been saved.", "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template(
        "organisations/form.html", form=form, organisation=organisation
    ), 422 if form.errors else 200


@bp.route("/<int:organisation_id>/invite", methods=["GET", "POST"])
@login_required
def invite_member(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id, current_user)
    form = InviteForm()
    roles = invitable_roles(current_user, organisation.id)
    form.role.choices = [(role, ROLE_NAMES[role]) for role in roles]
    if request.method == "GET" and not form.role.data:
        form.role.data = "organiser"
    if form.validate_on_submit():
        try:
            invite(organisation, form.email.data, form.role.data, current_user)
        except MembershipError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"We have emailed an invitation to {form.email.data}. The link works for 7 days.", "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template(
        "organisations/invite.html", form=form, organisation=organisation
    ), 422 if form.errors else 200


@bp.post("/<int:organisation_id>/members/<int:membership_id>/remove")
@login_required
def remove(organisation_id: int, membership_id: int):
    organisation = get_organisation_or_404(organisation_id, current_user)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        who = membership.user.name or membership.user.email
        try:
            remove_member(organisation, membership, current_user)
        except MembershipError as error:
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"{who} is no longer a member of {organisation.name}.", "success")
    return redirect(url_for("organisations.show", organisation_id=organisation.id))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The link in an invitation email: set a password (new account) or accept (existing)."""
    invitation = read_invitation(token)
    if invitation is None:
        return render_template("auth/link_invalid.html", kind="invitation"), 404
    user = invited_user(invitation)
    context = {"invitation": invitation, "role": ROLE_NAMES[invitation.role]}
    signed_in_as_other = current_user.is_authenticated and (
        user is None or current_user.id != user.id
    )
    if signed_in_as_other:
        return render_template("organisations/accept.html", mode="other_account", **context)

    if user is None or not user.password_hash:
        form = SetPasswordForm(name=user.name if user else None)
        form.account_email = invitation.email
        if form.validate_on_submit():
            user = create_invited_account(invitation, form.name.data or "", form.password.data)
            db.session.commit()
            start_session(user)
            flash(f"Welcome! Your account is ready and you are signed in as {ROLE_NAMES[invitation.role].lower()} "
                  f"of {invitation.organisation.name}.", "success")
            return redirect(_after_joining(invitation))
        return render_template(
            "organisations/accept.html", mode="new_account", form=form,
            hints={"password": NEW_PASSWORD_HINT}, **context,
        ), 422 if form.errors else 200

    if not current_user.is_authenticated:
        return render_template("organisations/accept.html", mode="sign_in", **context)
    if invitation.organisation.id in {m.organisation_id for m in user.memberships}:
        return render_template("organisations/accept.html", mode="already_member", **context)
    form = ConfirmForm()
    form.submit.label.text = f"Join {invitation.organisation.name}"
    if form.validate_on_submit():
        join(user, invitation)
        db.session.commit()
        flash(f"You are now {ROLE_NAMES[invitation.role].lower()} of {invitation.organisation.name}.", "success")
        return redirect(_after_joining(invitation))
    return render_template("organisations/accept.html", mode="accept", form=form, **context)


def _after_joining(invitation) -> str:
    if can_manage(current_user, invitation.organisation.id):
        return url_for("organisations.show", organisation_id=invitation.organisation.id)
    return url_for("main.index")
