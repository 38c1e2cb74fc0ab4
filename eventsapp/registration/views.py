"""The attendee's pages: register, the organisation type-ahead, and the booking link pages.

All of this area's URLs: the public pages here, the organiser's in
:mod:`eventsapp.registration.organiser`.

    GET/POST /events/<id>/register              registration.register
    GET      /registration/organisations.json   registration.organisations
    GET      /booking/<token>                   registration.booking
    GET/POST /booking/<token>/edit              registration.booking_edit
    GET/POST /booking/<token>/cancel            registration.booking_cancel
    GET      /booking/<token>/event.ics         registration.booking_ics
    GET/POST /booking/<token>/equality          registration.equality
"""

from __future__ import annotations

import segno
from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload

from eventsapp.directory import matching_names
from eventsapp.extensions import db, limiter
from eventsapp.models import EqualityResponse, Event, Organisation, Registration
from eventsapp.permissions import MAX_ID, get_event_or_404
from eventsapp.privacy.equality import is_unlinked, unlinked_condition
from eventsapp.registration import bp, emails, queries, services
from eventsapp.registration.forms import ConfirmForm, EqualityForm, registration_form
from eventsapp.registration.services import RegistrationClosed, closed_reason
from eventsapp.security import personal_data
from eventsapp.tokens import make_token, read_token


@bp.app_context_processor
def panel_helpers():
    return {"registration_panel": services.panel_state, "event_link": event_link, "manage_link": manage_link}


def event_link(event) -> str:
    """The public page of ``event``."""
    return url_for("events.detail", event_id=event.id)


def manage_link(event) -> str:
    """The organiser's page of ``event``."""
    return url_for("events.manage", event_id=event.id)


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def register(event_id: int):
    """The public registration form.

    :raise 404: for a missing event or another organisation's draft.
    """
    # The event with what the emails read, in one query; get_event_or_404 (the access rules) then
    # finds it in the session, held there by this reference.
    event = db.session.get(Event, event_id, options=queries.EVENT_WITH_RELATIONS) if 0 < event_id <= MAX_ID else None
    event = get_event_or_404(event_id)
    reason = closed_reason(event)
    if reason:
        return render_template("registration/closed.html", event=event, reason=reason)
    form = registration_form(event)
    if form.validate_on_submit():
        try:
            result = services.register(event, form.details(), source="web")
            registration_id = result.registration_id  # the new registration is not loaded as an object
            db.session.commit()
        except RegistrationClosed as closed:
            db.session.rollback()
            return render_template("registration/closed.html", event=event, reason=str(closed))
        except OperationalError as error:
            if not database_busy(error):
                raise
            db.session.rollback()
            current_app.logger.exception("registration: database busy")
            return render_template("registration/busy.html", event=event), 503
        if result.already_registered:
            return render_template("registration/already.html", event=event)
        if result.known_person:
            # The address is someone's already; whoever typed it may not be them: the link to the
            # booking goes to that mailbox only.
            return render_template("registration/check_email.html", event=event, status=result.status)
        return redirect(url_for(".booking", token=make_token("booking", registration_id), new=1))
    state = services.panel_state(event)
    return render_template("registration/register.html", event=event, form=form, **state), (
        422 if form.errors else 200)


def database_busy(error: OperationalError) -> bool:
    """True when the database stayed locked beyond its timeout (SQLite busy, PostgreSQL lock/deadlock)."""
    text = str(getattr(error, "orig", error)).lower()
    return any(words in text for words in ("database is locked", "lock timeout", "deadlock", "busy"))


@bp.get("/registration/organisations.json")
@limiter.limit("120 per minute")
def organisations():
    """Known organisation names matching ``q`` (for the type-ahead): ``{"organisations": [...]}``."""
    query = matching_names(request.args.get("q", ""))
    if query is None:
        return jsonify(organisations=[])
    names = db.session.scalars(query.with_only_columns(Organisation.name).limit(10)).all()
    return jsonify(organisations=names)


def load_booking(token: str) -> Registration:
    """The registration a booking link names.

    :raise 404: for a forged, altered or unknown link.
    """
    registration = db.session.get(Registration, booking_id(token))
    if registration is None:
        abort(404)
    return registration


def booking_id(token: str) -> int:
    """The registration id a booking link names.

    :raise 404: for a forged or altered link.
    """
    registration_id = read_token("booking", token)
    if not isinstance(registration_id, int):
        abort(404)
    return registration_id


def checkin_url(registration: Registration) -> str:
    return url_for("checkin.scan", token=make_token("checkin", registration.id), _external=True)


@bp.get("/booking/<token>")
@personal_data
def booking(token: str):
    """The attendee's own booking page (no account: the signed link is the key)."""
    # One query for the registration, everything the page shows of it, and the equality step.
    row = db.session.execute(
        select(Registration, or_(select(EqualityResponse.id)
               .where(EqualityResponse.registration_id == Registration.id).exists(),
               unlinked_condition(Registration.event_id)))
        .where(Registration.id == booking_id(token))
        .options(joinedload(Registration.event).joinedload(Event.host), joinedload(Registration.person),
                 joinedload(Registration.organisation))
    ).first()
    if row is None:
        abort(404)
    registration, has_equality = row
    qr = None
    if registration.status == "confirmed" and not registration.event.is_cancelled:
        qr = segno.make(checkin_url(registration), error="m").svg_data_uri(scale=5, border=2)
    cancelled = registration.status == "cancelled"
    return render_template(
        "registration/booking.html", registration=registration, event=registration.event, token=token,
        qr=qr, has_equality=has_equality, just_registered=request.args.get("new") == "1",
        answers=answer_rows(registration), online_link=emails.online_link_for(registration),
        network_emails=services.network_emails(registration),
        can_register_again=cancelled and closed_reason(registration.event) is None,
    )


def answer_rows(registration: Registration) -> list[tuple[str, str]]:
    from eventsapp.models import EventQuestion, RegistrationAnswer

    rows = db.session.execute(
        select(EventQuestion.label, RegistrationAnswer.value)
        .join(RegistrationAnswer, RegistrationAnswer.question_id == EventQuestion.id)
        .where(RegistrationAnswer.registration_id == registration.id)
        .order_by(EventQuestion.position, EventQuestion.id)
    ).all()
    return [(label, value) for label, value in rows if value]


def form_data_from(registration: Registration) -> dict:
    from eventsapp.models import RegistrationAnswer

    data = {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "organisation_name": registration.organisation.name if registration.organisation else "",
        "individual": registration.organisation is None,
        "job_title": registration.job_title,
        "access_requirements": registration.access_requirements,
        "dietary_requirements": registration.dietary_requirements,
        "consent_contact": registration.consent_contact,
    }
    for answer in db.session.scalars(
        select(RegistrationAnswer).where(RegistrationAnswer.registration_id == registration.id)
    ):
        data[f"question_{answer.question_id}"] = answer.value
    return data


def prefill(form, registration: Registration) -> None:
    for name, value in form_data_from(registration).items():
        if name in form:
            field = form[name]
            if field.type == "MultiCheckboxField":
                field.data = value.splitlines()
            else:
                field.data = value


@bp.route("/booking/<token>/edit", methods=["GET", "POST"])
@personal_data
def booking_edit(token: str):
    registration = load_booking(token)
    if registration.status == "cancelled":
        flash("This registration is cancelled, so it can no longer be changed.", "warning")
        return redirect(url_for(".booking", token=token))
    form = registration_form(registration.event, purpose="edit")
    if request.method == "GET":
        prefill(form, registration)
    if form.validate_on_submit():
        details = form.details()
        details.pop("email", None)
        services.update_details(registration, details)
        db.session.commit()
        flash("Your details are saved.", "success")
        return redirect(url_for(".booking", token=token))
    return render_template("registration/booking_edit.html", form=form, registration=registration,
                           event=registration.event, token=token), 422 if form.errors else 200


@bp.route("/booking/<token>/cancel", methods=["GET", "POST"])
@personal_data
def booking_cancel(token: str):
    registration = load_booking(token)
    form = ConfirmForm()
    if registration.status == "cancelled":
        flash("This registration is already cancelled.", "info")
        return redirect(url_for(".booking", token=token))
    if form.validate_on_submit():
        services.cancel_registration(registration)
        db.session.commit()
        flash("Your registration is cancelled. We have emailed you to confirm.", "success")
        return redirect(url_for(".booking", token=token))
    return render_template("registration/booking_cancel.html", form=form, registration=registration,
                           event=registration.event, token=token,
                           passes_to_waitlist=services.place_passes_to_waitlist(registration))


@bp.get("/booking/<token>/event.ics")
@personal_data
def booking_ics(token: str):
    registration = load_booking(token)
    return Response(
        emails.registration_ics(registration), mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="event-{registration.event_id}.ics"'},
    )


@bp.route("/booking/<token>/equality", methods=["GET", "POST"])
@personal_data
def equality(token: str):
    """The optional, separately consented equality-monitoring step."""
    registration = load_booking(token)
    existing = db.session.scalar(
        select(EqualityResponse).where(EqualityResponse.registration_id == registration.id))
    if existing is not None or registration.status == "cancelled":
        flash("Thank you — your equality monitoring answers are already recorded.", "info")
        return redirect(url_for(".booking", token=token))
    if is_unlinked(registration.event_id):
        flash("This event's attendance is final: equality monitoring answers are no longer taken.", "info")
        return redirect(url_for(".booking", token=token))
    form = EqualityForm()
    if form.validate_on_submit():
        db.session.add(EqualityResponse(
            event_id=registration.event_id, registration_id=registration.id,
            **{name: form[name].data or None for name in ("ethnicity", "religion", "age_band", "gender", "disability")},
        ))
        try:
            db.session.commit()
        except IntegrityError:  # a second submission raced the first; the first stands
            db.session.rollback()
        flash("Thank you — your answers are recorded anonymously.", "success")
        return redirect(url_for(".booking", token=token))
    return render_template("registration/equality.html", form=form, registration=registration,
                           event=registration.event, token=token), 422 if form.errors else 200
