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
from eventsapp.organisations.invitations import (
    CLOSED_MESSAGES,
    InvitationClosed,
    accept,
    create_invited_account,
    find_invitation,
    invitation_of,
    invite,
    invited_user,
    open_invitations,
    organisation_of,
    recent_invitations,
    revoke,
    status,
    validity_in_words,
)
from eventsapp.organisations.services import (
    ROLE_NAMES,
    MembershipError,
    can_manage,
    get_organisation_or_404,
    invitable_roles,
    list_organisations,
    member_counts,
    members,
    name_taken,
    remove_member,
    save_organisation,
)
from eventsapp.permissions import can_manage_webhooks, is_coordinator
from eventsapp.timeutil import format_local as localtime
from eventsapp.urls import page_number


def _sector_choices(form: OrganisationForm) -> None:
    sectors = db.session.scalars(select(Sector).order_by(Sector.sort_order, Sector.name))
    form.sector.choices = [(0, "Choose a sector…")] + [(s.id, s.name) for s in sectors]


@bp.get("/")
@login_required
def index():
    search = request.args.get("q", "")[:200]
    page = page_number(request.args.get("page"))
    everyone = request.args.get("all") == "1"
    pagination = list_organisations(current_user, search=search, page=page, everyone=everyone)
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
                None, form.name.data, db.session.get(Sector, form.sector.data), form.website.data,
                by=current_user, privacy_notice=form.privacy_notice.data,
            )
            db.session.commit()
            flash(f"{organisation.name} has been added. Now invite its organisers.", "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None), 422 if form.errors else 200


@bp.get("/<int:organisation_id>")
@login_required
def show(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id, current_user)
    roles = invitable_roles(current_user, organisation.id)
    return render_template(
        "organisations/show.html", organisation=organisation, members=members(organisation),
        role_names=ROLE_NAMES, remove_form=ConfirmForm(), can_invite=bool(roles), revocable_roles=roles,
        invitations=open_invitations(organisation), recent=recent_invitations(organisation),
        invitation_status=status, can_webhooks=can_manage_webhooks(current_user, organisation_id=organisation.id),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id, current_user)
    form = OrganisationForm(obj=organisation)
    if not form.is_submitted():
        # ``obj`` gives the field the Sector itself, which an int choice never matches: the form
        # came back with no sector chosen, and saving it as it was refused "Choose a sector."
        form.sector.data = organisation.sector_id or 0
    _sector_choices(form)
    if form.validate_on_submit():
        taken = name_taken(form.name.data, exclude=organisation)
        if taken is not None:
            form.name.errors.append(f"“{taken.name}” already exists under that name.")
        else:
            save_organisation(organisation, form.name.data, db.session.get(Sector, form.sector.data),
                              form.website.data, privacy_notice=form.privacy_notice.data)
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
            invitation, _link = invite(organisation, form.email.data, form.role.data, current_user)
        except MembershipError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"We have emailed an invitation to {invitation.email}. The link works once, "
                  f"until {localtime(invitation.expires_at)}.", "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template(
        "organisations/invite.html", form=form, organisation=organisation, valid_for=validity_in_words()
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


@bp.post("/<int:organisation_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(organisation_id: int, invitation_id: int):
    organisation = get_organisation_or_404(organisation_id, current_user)
    invitation = invitation_of(organisation, invitation_id)
    if invitation is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            revoke(invitation, current_user)
        except MembershipError as error:
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"The invitation to {invitation.email} has been revoked; its link no longer works.", "success")
    return redirect(url_for("organisations.show", organisation_id=organisation.id))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The link in an invitation email: set a password (new account) or accept (existing).

    :raise 404: no invitation has this token.
    :return 410: the invitation was used, revoked or has expired; nothing changes.
    """
    invitation = find_invitation(token)
    if invitation is None:
        return render_template("auth/link_invalid.html", kind="invitation"), 404
    if status(invitation) != "open":
        return _closed(invitation, status(invitation))
    organisation = organisation_of(invitation)
    user = invited_user(invitation)
    context = {"invitation": invitation, "organisation": organisation, "role": ROLE_NAMES[invitation.role]}
    signed_in_as_other = current_user.is_authenticated and (
        user is None or current_user.id != user.id
    )
    if signed_in_as_other:
        return render_template("organisations/accept.html", mode="other_account", **context)

    if user is None or not user.password_hash:
        form = SetPasswordForm(name=user.name if user else None)
        form.account_email = invitation.email
        if form.validate_on_submit():
            try:
                user = create_invited_account(invitation, form.name.data or "", form.password.data)
            except InvitationClosed as closed:
                db.session.rollback()
                return _closed(invitation, closed.status)
            db.session.commit()
            start_session(user)
            flash(f"Welcome! Your account is ready and you are signed in as {ROLE_NAMES[invitation.role].lower()} "
                  f"of {organisation.name}.", "success")
            return redirect(_after_joining(organisation))
        return render_template(
            "organisations/accept.html", mode="new_account", form=form,
            hints={"password": NEW_PASSWORD_HINT}, **context,
        ), 422 if form.errors else 200

    if not current_user.is_authenticated:
        return render_template("organisations/accept.html", mode="sign_in", **context)
    if organisation.id in {m.organisation_id for m in user.memberships}:
        return render_template("organisations/accept.html", mode="already_member", **context)
    form = ConfirmForm()
    form.submit.label.text = f"Join {organisation.name}"
    if form.validate_on_submit():
        try:
            accept(invitation, user)
        except InvitationClosed as closed:
            db.session.rollback()
            return _closed(invitation, closed.status)
        db.session.commit()
        flash(f"You are now {ROLE_NAMES[invitation.role].lower()} of {organisation.name}.", "success")
        return redirect(_after_joining(organisation))
    return render_template("organisations/accept.html", mode="accept", form=form, **context)


def _closed(invitation, closed_status: str):
    """The page for a link that no longer works (410 Gone): says why, changes nothing."""
    return render_template(
        "organisations/invitation_closed.html", invitation=invitation, organisation=organisation_of(invitation),
        status=closed_status, heading=CLOSED_MESSAGES[closed_status],
    ), 410


def _after_joining(organisation) -> str:
    if can_manage(current_user, organisation.id):
        return url_for("organisations.show", organisation_id=organisation.id)
    return url_for("main.index")
