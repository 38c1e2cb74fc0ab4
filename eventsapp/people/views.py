"""/people: coordinators find people in their programmes, merge two into one, split one in two, and undo.

A coordinator reaches a person only when every registration of that person is at an event of a
programme they coordinate (the administrator reaches everybody); anybody else is "not found".
Other signed-in users get 403.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, exists, func, or_, select

from eventsapp.extensions import db
from eventsapp.models import Event, Person, PersonMerge, Registration
from eventsapp.people import bp
from eventsapp.people.forms import MergePeopleForm, SplitPersonForm, UndoChangeForm
from eventsapp.permissions import coordinated_programme_ids, is_admin, is_coordinator
from eventsapp.registration.people import PeopleChangeError, merge_people, split_person, undo_person_change
from eventsapp.urls import parse_id

SHOWN = 30


@bp.before_request
@login_required
def require_coordinator():
    if not is_coordinator(current_user):
        abort(403)


def _outside_reach():
    """SQL: a registration of the person at an event outside the current user's programmes."""
    return exists().where(
        Registration.person_id == Person.id,
        ~Registration.event_id.in_(select(Event.id).where(Event.programme_id.in_(coordinated_programme_ids(
            current_user)))))


def _in_reach():
    """SQL: people the current user may merge and split (with at least one registration)."""
    booked = exists().where(Registration.person_id == Person.id)
    return booked if is_admin(current_user) else and_(booked, ~_outside_reach())


def _person_or_404(value) -> Person:
    person_id = parse_id(value)
    person = db.session.scalar(select(Person).where(Person.id == person_id, _in_reach())) if person_id else None
    if person is None:
        abort(404)
    return person


def _registrations(person_ids: list[int]) -> dict[int, list]:
    rows: dict[int, list] = {}
    for registration, event in db.session.execute(
        select(Registration, Event).join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id.in_(person_ids)).order_by(Event.starts_at, Registration.id)
    ):
        rows.setdefault(registration.person_id, []).append((registration, event))
    return rows


def _page(merge_form=None, status: int = 200):
    search = request.args.get("q", "").strip()[:100]
    query = select(Person).where(_in_reach())
    if search:
        like = f"%{search.casefold()}%"
        query = query.where(or_(func.lower(Person.first_name + " " + Person.last_name).like(like),
                                func.lower(func.coalesce(Person.email, "")).like(like)))
    # An organiser's list flags a person whose registrations carry another name than theirs.
    renamed = exists().where(Registration.person_id == Person.id, Registration.first_name != "",
                             or_(func.lower(Registration.first_name) != func.lower(Person.first_name),
                                 func.lower(Registration.last_name) != func.lower(Person.last_name)))
    people = db.session.scalars((query.where(renamed) if not search else query)
                                .order_by(Person.last_name, Person.first_name, Person.id).limit(SHOWN)).all()
    registrations = _registrations([p.id for p in people])
    split_forms = {}
    for person in people:
        form = SplitPersonForm(formdata=None, prefix=f"p{person.id}")
        form.registrations.choices = [(r.id, f"{e.title}, {e.starts_at:%d/%m/%Y}: “{r.first_name} {r.last_name}”")
                                      for r, e in registrations.get(person.id, [])]
        split_forms[person.id] = form
    history = db.session.scalars(select(PersonMerge).where(
        or_(PersonMerge.person_id.in_(select(Person.id).where(_in_reach())),
            PersonMerge.other_id.in_(select(Person.id).where(_in_reach()))))
        .order_by(PersonMerge.at.desc(), PersonMerge.id.desc()).limit(SHOWN)).all()
    return render_template("people/index.html", people=people, registrations=registrations, search=search,
                           split_forms=split_forms, merge_form=merge_form or MergePeopleForm(formdata=None),
                           history=history, undo_form=UndoChangeForm()), status


@bp.get("/")
def index():
    """People whose registrations carry another name (or those matching a search), and recent changes."""
    return _page()


@bp.post("/merge")
def merge():
    """Merge two people: the second one's registrations move to the first. :raise 404: a person out of reach."""
    form = MergePeopleForm()
    if not form.validate():
        return _page(form, 422)
    keep, other = _person_or_404(form.keep.data), _person_or_404(form.other.data)
    try:
        record = merge_people(keep, other, current_user)
    except PeopleChangeError as error:
        db.session.rollback()
        form.other.errors = [str(error)]
        return _page(form, 422)
    db.session.commit()
    flash(f"Merged “{record.other_name}” into “{record.person_name}”: reports count one person from now on.",
          "success")
    return redirect(url_for("people.index"))


@bp.post("/<int:person_id>/split")
def split(person_id: int):
    """Move the chosen registrations of a person to a new person. :raise 404: a person out of reach."""
    person = _person_or_404(person_id)
    form = SplitPersonForm(prefix=f"p{person.id}")
    form.registrations.choices = [(r.id, str(r.id)) for r, _ in _registrations([person.id]).get(person.id, [])]
    if not form.validate():
        flash("Choose the registrations that belong to somebody else.", "error")
        return _page(status=422)
    try:
        record = split_person(person, form.registrations.data, current_user)
    except PeopleChangeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _page(status=422)
    db.session.commit()
    flash(f"Split “{record.other_name}” (no. {record.other_id}) from “{record.person_name}”: reports count two "
          "people from now on.", "success")
    return redirect(url_for("people.index"))


@bp.post("/changes/<int:change_id>/undo")
def undo(change_id: int):
    """Undo a merge or split. :raise 404: an unknown change, or one touching people out of reach."""
    record = db.session.get(PersonMerge, change_id) if parse_id(change_id) else None
    if record is None or not is_admin(current_user) and db.session.scalar(
            select(func.count()).select_from(Person).where(Person.id.in_([record.person_id, record.other_id]),
                                                           _outside_reach())):
        abort(404)
    if not UndoChangeForm().validate():
        abort(400)
    try:
        undo_person_change(record, current_user)
    except PeopleChangeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("people.index"))
    db.session.commit()
    flash(f"Undid the {record.kind} of “{record.other_name}” and “{record.person_name}”.", "success")
    return redirect(url_for("people.index"))
