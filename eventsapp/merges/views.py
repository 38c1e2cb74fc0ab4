"""Coordinators' organisation merges: /organisations/merges.

Only coordinators and the administrator may merge; other signed-in users get 403.
A coordinator finds only organisations of their network or that their programmes'
attendees came from (:func:`~eventsapp.permissions.merge_reach`; anything else is
"not found"), and merges only those used nowhere outside their programmes; a merge
touching an organisation used elsewhere needs the administrator.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.merges import bp
from eventsapp.merges.forms import MergeForm, PairForm, UndoForm
from eventsapp.models import Organisation, OrganisationMerge
from eventsapp.organisations.merge import (
    MergeError,
    likely_duplicates,
    lock_for_merge,
    merge_organisations,
    registrations_count,
    undo_merge,
)
from eventsapp.permissions import can_find_for_merge, can_merge, is_coordinator, merge_reach
from eventsapp.urls import page_number, parse_id

PER_PAGE = 20


@bp.before_request
@login_required
def require_coordinator():
    if not is_coordinator(current_user):
        abort(403)


@bp.get("/")
def index():
    """Likely duplicates (searchable) and the log of merges, newest first (paginated)."""
    search = request.args.get("q", "").strip()[:100]
    page = page_number(request.args.get("page"))
    history = db.paginate(
        _history().order_by(OrganisationMerge.merged_at.desc(), OrganisationMerge.id.desc()),
        page=page, per_page=PER_PAGE, error_out=False,
    )
    return render_template(
        "merges/index.html",
        candidates=likely_duplicates(search=search, within=merge_reach(current_user)),
        search=search,
        history=history,
        pair_form=PairForm(formdata=None),
        undo_form=UndoForm(),
    )


def _history():
    """The merges the current user may see: both sides within their reach."""
    reach = select(Organisation.id).where(merge_reach(current_user))
    return select(OrganisationMerge).where(OrganisationMerge.survivor_id.in_(reach),
                                           OrganisationMerge.merged_id.in_(reach))


def _live_organisation(value) -> Organisation | None:
    """The organisation with this number, if the current user can find it for a merge."""
    organisation_id = parse_id(value)
    organisation = db.session.get(Organisation, organisation_id) if organisation_id is not None else None
    if organisation is None or not can_find_for_merge(current_user, organisation.id):
        return None
    return organisation


NEEDS_ADMINISTRATOR = ("“{name}” is also used outside your programmes; the site administrator can merge it.")


@bp.get("/new")
def new():
    """Compare two organisations and confirm the merge.

    ``?first=<id>&second=<id>``; unknown numbers come back at the field.
    """
    pair_form = PairForm(request.args)
    if not pair_form.validate():
        return _index_with(pair_form), 422
    first, second = _live_organisation(pair_form.first.data), _live_organisation(pair_form.second.data)
    if first is None:
        pair_form.first.errors = ["No organisation has this number."]
    if second is None:
        pair_form.second.errors = ["No organisation has this number."]
    if first is not None and second is not None and first.id == second.id:
        pair_form.second.errors = ["Choose two different organisations."]
    for field, organisation in ((pair_form.first, first), (pair_form.second, second)):
        if organisation is not None and not field.errors and not can_merge(current_user, organisation.id):
            field.errors = [NEEDS_ADMINISTRATOR.format(name=organisation.name)]
    if pair_form.first.errors or pair_form.second.errors:
        return _index_with(pair_form), 422
    form = MergeForm(first=str(first.id), second=str(second.id))
    return _confirm(form, first, second)


def _index_with(pair_form: PairForm) -> str:
    history = db.paginate(_history().order_by(OrganisationMerge.merged_at.desc()),
                          page=1, per_page=PER_PAGE, error_out=False)
    return render_template("merges/index.html", candidates=likely_duplicates(within=merge_reach(current_user)),
                           search="", history=history,
                           pair_form=pair_form, undo_form=UndoForm())


def _confirm(form: MergeForm, first: Organisation, second: Organisation, status: int = 200):
    form.survivor.choices = [(str(first.id), first.name), (str(second.id), second.name)]
    counts = {o.id: registrations_count(o) for o in (first, second)}
    merged_in = dict(db.session.execute(
        select(Organisation.merged_into_id, func.count()).where(
            Organisation.merged_into_id.in_([first.id, second.id])).group_by(Organisation.merged_into_id)
    ).all())
    return render_template("merges/confirm.html", form=form, first=first, second=second, counts=counts,
                           merged_in=merged_in), status


@bp.post("/new")
def create():
    """Merge: the organisation not chosen as survivor is merged into the chosen one."""
    form = MergeForm()
    first_id, second_id = parse_id(form.first.data), parse_id(form.second.data)
    if first_id is None or second_id is None:
        abort(404)
    locked = lock_for_merge(first_id, second_id)  # before reading: concurrent merges run one after another
    first, second = locked.get(first_id), locked.get(second_id)
    if first is None or second is None or not can_find_for_merge(current_user, first.id, second.id):
        abort(404)
    form.survivor.choices = [(str(first.id), first.name), (str(second.id), second.name)]
    if not form.validate():
        return _confirm(form, first, second, 422)
    outside = next((o for o in (first, second) if not can_merge(current_user, o.id)), None)
    if outside is not None:
        form.survivor.errors = [NEEDS_ADMINISTRATOR.format(name=outside.name)]
        return _confirm(form, first, second, 422)
    survivor, duplicate = (first, second) if form.survivor.data == str(first.id) else (second, first)
    try:
        record = merge_organisations(survivor, duplicate, by=current_user)
    except MergeError as error:
        db.session.rollback()
        form.survivor.errors = [str(error)]
        return _confirm(form, first, second, 422)
    db.session.commit()
    flash(f"Merged “{record.merged_name}” into “{record.survivor_name}”. Reports count them as one "
          "organisation from now on.", "success")
    return redirect(url_for("merges.index"))


@bp.post("/<int:merge_id>/undo")
def undo(merge_id: int):
    """Undo a merge. :raise 404: for an unknown merge."""
    survivor_id, merged_id = db.session.execute(
        select(OrganisationMerge.survivor_id, OrganisationMerge.merged_id).where(OrganisationMerge.id == merge_id)
    ).first() or (None, None)
    if survivor_id is None or not can_find_for_merge(current_user, survivor_id, merged_id):
        abort(404)
    if not can_merge(current_user, survivor_id, merged_id):
        flash(NEEDS_ADMINISTRATOR.format(name=db.session.get(OrganisationMerge, merge_id).merged_name), "error")
        return redirect(url_for("merges.index"))
    lock_for_merge(survivor_id, merged_id)  # before reading the record: two undos run one after another
    record = db.session.get(OrganisationMerge, merge_id, populate_existing=True)
    form = UndoForm()
    if not form.validate():
        abort(400)
    try:
        undo_merge(record, by=current_user)
    except MergeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("merges.index"))
    db.session.commit()
    flash(f"Undid the merge of “{record.merged_name}” into “{record.survivor_name}”.", "success")
    return redirect(url_for("merges.index"))
