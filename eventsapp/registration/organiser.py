"""The organiser's pages for an event's registrations and its registration questions.

    GET      /events/<id>/registrations                      registration.manage
    GET      /events/<id>/registrations.csv                  registration.export_csv
    GET/POST /events/<id>/registrations/new                  registration.add
    GET/POST /events/<id>/registrations/<rid>/edit           registration.edit
    POST     /events/<id>/registrations/<rid>/cancel         registration.cancel
    POST     /events/<id>/registrations/<rid>/promote        registration.promote
    GET/POST /events/<id>/questions                          registration.questions
    GET/POST /events/<id>/questions/<qid>/edit               registration.question_edit
    POST     /events/<id>/questions/<qid>/delete             registration.question_delete
    POST     /events/<id>/questions/<qid>/move               registration.question_move

Every page asks :func:`eventsapp.permissions.can_manage_event`: another
organisation's event is a 404, a member of the host without the role a 403.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from eventsapp.extensions import db
from eventsapp.models import QUESTION_KINDS, EventQuestion, Organisation, Person, Registration
from eventsapp.permissions import can_manage_event, get_event_or_404
from eventsapp.registration import bp, services
from eventsapp.registration.export import registrations_to_csv
from eventsapp.registration.forms import ConfirmForm, QuestionForm, registration_form
from eventsapp.registration.services import RegistrationClosed
from eventsapp.registration.views import prefill
from eventsapp.urls import page_number

PER_PAGE = 25
STATUS_FILTERS = ("all", "confirmed", "waitlisted", "cancelled")


def manage_event(event_id: int):
    return get_event_or_404(event_id, can_manage_event)


def load_registration(event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


@bp.get("/events/<int:event_id>/registrations")
@login_required
def manage(event_id: int):
    """Search, filter and page through an event's registrations."""
    event = manage_event(event_id)
    q = request.args.get("q", "").strip()[:200]
    status = request.args.get("status", "all")
    if status not in STATUS_FILTERS:
        status = "all"
    query = (
        select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.person), selectinload(Registration.organisation),
                 selectinload(Registration.attendance))
    )
    if status != "all":
        query = query.where(Registration.status == status)
    if q:
        full_name = Registration.first_name + " " + Registration.last_name  # the name given for this event
        # lower() folds only ASCII on SQLite, so the text as typed is matched too.
        columns = (full_name, Organisation.name, Registration.organisation_name_entered)
        query = query.where(or_(
            Person.email_key.contains(q.casefold(), autoescape=True),
            *(column.contains(q, autoescape=True) for column in columns),
            *(func.lower(column).contains(q.lower(), autoescape=True) for column in columns),
        ))
    query = query.order_by(Registration.status.desc(), Registration.created_at, Registration.id)
    page = db.paginate(query, page=page_number(request.args.get("page")), per_page=PER_PAGE, error_out=False,
                       count=True)
    counts = services.status_counts(event)
    return render_template(
        "registration/manage.html", event=event, page=page, q=q, status=status, counts=counts,
        places_left=services.places_left(event, counts["confirmed"]), statuses=STATUS_FILTERS,
        action_form=ConfirmForm(),
    )


@bp.get("/events/<int:event_id>/registrations.csv")
@login_required
def export_csv(event_id: int):
    event = manage_event(event_id)
    return Response(
        registrations_to_csv(event), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="registrations-event-{event.id}.csv"'},
    )


@bp.route("/events/<int:event_id>/registrations/new", methods=["GET", "POST"])
@login_required
def add(event_id: int):
    """Add a registration by hand (e.g. a phone booking); may confirm over capacity."""
    event = manage_event(event_id)
    form = registration_form(event, purpose="manual")
    if form.validate_on_submit():
        try:
            result = services.register(event, form.details(), source="manual",
                                       override_capacity=bool(form.override_capacity.data))
        except RegistrationClosed as closed:
            db.session.rollback()
            flash(str(closed), "danger")
            return redirect(url_for(".manage", event_id=event.id))
        db.session.commit()
        name = result.registration.full_name
        flash({"confirmed": f"{name} is registered with a confirmed place.",
               "waitlisted": f"The event is full: {name} is on the waiting list.",
               "already_registered": f"{name} was already registered; nothing was added."}[result.status],
              "success" if not result.already_registered else "info")
        return redirect(url_for(".manage", event_id=event.id))
    return render_template("registration/add.html", event=event, form=form), 422 if form.errors else 200


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int, registration_id: int):
    event = manage_event(event_id)
    registration = load_registration(event, registration_id)
    form = registration_form(event, purpose="edit")
    form.consent_contact.label.text = "They agreed to be emailed about future events"
    if request.method == "GET":
        prefill(form, registration)
    if form.validate_on_submit():
        details = form.details()
        details.pop("email", None)
        services.update_details(registration, details)
        db.session.commit()
        flash(f"Saved {registration.full_name}'s details.", "success")
        return redirect(url_for(".manage", event_id=event.id))
    return render_template("registration/edit.html", event=event, form=form, registration=registration), (
        422 if form.errors else 200)


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/cancel")
@login_required
def cancel(event_id: int, registration_id: int):
    event = manage_event(event_id)
    registration = load_registration(event, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    promoted = services.cancel_registration(registration, by=current_user)
    db.session.commit()
    message = f"Cancelled {registration.full_name}'s registration."
    if promoted:
        message += " Promoted from the waiting list: " + ", ".join(r.full_name for r in promoted) + "."
    flash(message, "success")
    return redirect(url_for(".manage", event_id=event.id, **_list_args()))


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/promote")
@login_required
def promote(event_id: int, registration_id: int):
    """Move one person from the waiting list to a confirmed place (over capacity only if asked)."""
    event = manage_event(event_id)
    registration = load_registration(event, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    moved = services.promote(registration, override_capacity=request.form.get("override") == "1")
    db.session.commit()
    if moved:
        flash(f"{registration.full_name} now has a confirmed place; we have emailed them.", "success")
    else:
        flash("The event is full, so nobody was moved. Raise the capacity, or choose "
              "“Confirm over capacity”.", "warning")
    return redirect(url_for(".manage", event_id=event.id, **_list_args()))


def _list_args() -> dict:
    return {key: request.form[key] for key in ("q", "status", "page") if request.form.get(key)}


# --- questions --------------------------------------------------------------


def load_question(event, question_id: int) -> EventQuestion:
    question = db.session.get(EventQuestion, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    return question


def event_questions(event) -> list[EventQuestion]:
    return db.session.scalars(
        select(EventQuestion).where(EventQuestion.event_id == event.id)
        .order_by(EventQuestion.position, EventQuestion.id)
    ).all()


@bp.route("/events/<int:event_id>/questions", methods=["GET", "POST"])
@login_required
def questions(event_id: int):
    """The event's own registration questions, and a form to add one."""
    event = manage_event(event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        last = db.session.scalar(
            select(func.max(EventQuestion.position)).where(EventQuestion.event_id == event.id))
        question = EventQuestion(event_id=event.id, position=(last or 0) + 1)
        _fill_question(question, form)
        db.session.add(question)
        db.session.commit()
        flash("Question added.", "success")
        return redirect(url_for(".questions", event_id=event.id))
    return render_template("registration/questions.html", event=event, form=form,
                           questions=event_questions(event), action_form=ConfirmForm(),
                           kinds=QUESTION_KINDS), (
        422 if form.errors else 200)


def _fill_question(question: EventQuestion, form: QuestionForm) -> None:
    question.label = form.label.data.strip()
    question.kind = form.kind.data
    question.required = bool(form.required.data)
    question.sensitive = bool(form.sensitive.data)
    options = [line.strip() for line in (form.choices.data or "").splitlines() if line.strip()]
    question.choices = "\n".join(options) if question.kind in ("single_choice", "multiple_choice") else ""


@bp.route("/events/<int:event_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def question_edit(event_id: int, question_id: int):
    event = manage_event(event_id)
    question = load_question(event, question_id)
    form = QuestionForm(obj=question)
    if form.validate_on_submit():
        _fill_question(question, form)
        db.session.commit()
        flash("Question saved.", "success")
        return redirect(url_for(".questions", event_id=event.id))
    return render_template("registration/question_edit.html", event=event, form=form, question=question), (
        422 if form.errors else 200)


@bp.post("/events/<int:event_id>/questions/<int:question_id>/delete")
@login_required
def question_delete(event_id: int, question_id: int):
    event = manage_event(event_id)
    question = load_question(event, question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(question)
    db.session.commit()
    flash("Question deleted, with its answers.", "success")
    return redirect(url_for(".questions", event_id=event.id))


@bp.post("/events/<int:event_id>/questions/<int:question_id>/move")
@login_required
def question_move(event_id: int, question_id: int):
    event = manage_event(event_id)
    question = load_question(event, question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ordered = list(event_questions(event))
    index = ordered.index(question)
    target = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.commit()
    return redirect(url_for(".questions", event_id=event.id))
