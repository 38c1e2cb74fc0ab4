"""Check-in views: thin — validate, call a service, commit, redirect.

All of the area's URLs: the desk (``/events/<id>/checkin`` and its JSON
search and counts), QR codes (``/checkin/scan/<token>``), walk-ins, the
after-the-event tick-list (``/events/<id>/attendance``) and the PDFs.
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from eventsapp.auth.session_user import joined_result, read_with_user, user_facts_suffice
from eventsapp.checkin import bp, services
from eventsapp.checkin.forms import NoShowForm, WalkInForm
from eventsapp.checkin.search import answer_document, desk_search, desk_search_as
from eventsapp.extensions import db
from eventsapp.models import Event, Registration, Sector, utcnow
from eventsapp.permissions import can_check_in, can_manage_event, check_event_access, get_event_or_404
from eventsapp.privacy.equality import unlink_if_final
from eventsapp.timeutil import format_local
from eventsapp.tokens import read_token
from eventsapp.urls import page_number, parse_id

#: The event whose desk this browser last opened: a QR code for another event is flagged.
DESK_SESSION_KEY = "checkin_desk_event_id"
TICK_LIST_PER_PAGE = 100


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def result_message(result: services.CheckInResult) -> str:
    name = result.registration.full_name
    if result.outcome == services.CHECKED_IN:
        return f"{name} is checked in."
    if result.outcome == services.ALREADY_CHECKED_IN:
        return f"{name} was already checked in at {format_local(result.checked_in_at, '%H:%M')}."
    if result.outcome == services.UNDONE:
        return f"Check-in undone: {name} is no longer marked as here."
    if result.outcome == services.NOT_CHECKED_IN:
        return f"{name} was not checked in, so there was nothing to undo."
    return f"{name} cannot be checked in: their registration is {result.registration.status}."


# --- the desk ---------------------------------------------------------------------------------


@bp.get("/events/<int:event_id>/checkin")
@login_required
def desk(event_id: int):
    """The door volunteer's page: search, one tap to check in or undo, live counts."""
    event = get_event_or_404(event_id, can_check_in)
    session[DESK_SESSION_KEY] = event.id
    query = request.args.get("q", "").strip()[:200]
    return render_template(
        "checkin/desk.html",
        event=event,
        query=query,
        results=services.search_registrations(event, query),
        counts=services.attendance_counts(event),
        can_manage=can_manage_event(current_user, event),
    )


def _search_words() -> str:
    return request.args.get("q", "").strip()[:200]


def _search_as_viewer(user_pk: int, session_version: int):
    """The user loader's one statement for :func:`search`: the user and the matches together."""
    return desk_search_as(user_pk, session_version, request.view_args["event_id"], _search_words(),
                          services.SEARCH_LIMIT)


@bp.get("/events/<int:event_id>/checkin/search.json")
@read_with_user(_search_as_viewer)
@login_required
@user_facts_suffice
def search(event_id: int):
    """Search-as-you-type: at most 25 registrations, as data (``checkin.js`` renders the list).

    The door types a letter at a time, so this is the desk's hot path: the event's access facts
    and the matches come in one query, judged by the same rules as every other event page
    before anything of the rows is used. The signed-in user is read without ORM objects
    (:func:`~eventsapp.auth.session_user.user_facts_suffice`), in the same statement
    (:func:`~eventsapp.auth.session_user.read_with_user`); on PostgreSQL that statement also
    builds the answer's results as JSON (:func:`~eventsapp.checkin.search.answer_document`), and
    runs straight on a pooled connection in autocommit, past the ORM session
    (:func:`~eventsapp.database.read_one_row`): no BEGIN, no ROLLBACK, nothing to tear down.
    """
    query = _search_words()
    found = joined_result()  # read with the signed-in user, in one round trip
    if found is None:  # the user came another way (loaded earlier in the request)
        found = desk_search(event_id, query, services.SEARCH_LIMIT)
    check_event_access(found.event, can_check_in)
    return current_app.response_class(answer_document(query, services.SEARCH_LIMIT, found),
                                      mimetype="application/json")


@bp.get("/events/<int:event_id>/checkin/counts.json")
@login_required
@user_facts_suffice
def counts(event_id: int):
    event = get_event_or_404(event_id, can_check_in)
    return jsonify(services.attendance_counts(event).as_dict())


def _desk_answer(event: Event, result: services.CheckInResult, status: int = 200):
    message = result_message(result)
    if wants_json():
        return jsonify(
            outcome=result.outcome,
            message=message,
            registration_id=result.registration.id,
            html=render_template("checkin/_result.html", event=event, registration=result.registration),
            counts=services.attendance_counts(event).as_dict(),
        ), status
    flash(message, "success" if result.outcome in (services.CHECKED_IN, services.UNDONE) else "warning")
    return redirect(url_for("checkin.desk", event_id=event.id, q=request.form.get("q") or None))


def _registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = services.registration_for_event(event, registration_id)
    if registration is None:
        abort(404)
    return registration


@bp.post("/events/<int:event_id>/checkin/<int:registration_id>/check-in")
@login_required
def check_in(event_id: int, registration_id: int):
    event = get_event_or_404(event_id, can_check_in)
    registration = _registration_or_404(event, registration_id)
    result = services.check_in(registration, current_user, "desk")
    db.session.commit()
    return _desk_answer(event, result, 200 if result.ok else 409)


@bp.post("/events/<int:event_id>/checkin/<int:registration_id>/undo")
@login_required
def undo(event_id: int, registration_id: int):
    event = get_event_or_404(event_id, can_check_in)
    registration = _registration_or_404(event, registration_id)
    result = services.undo_check_in(registration, current_user)
    db.session.commit()
    return _desk_answer(event, result)


# --- QR codes ---------------------------------------------------------------------------------


def _scanned(token: str) -> tuple[Registration | None, str | None]:
    """The registration a QR code names, or why it cannot be used here (a plain sentence)."""
    registration_id = read_token("checkin", token)
    registration = db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if registration is None:
        return None, "This code is not a valid check-in code. Find the person by name at the desk instead."
    if not can_check_in(current_user, registration.event):
        return None, "This code is for an event you cannot check people in at."
    return registration, None


@bp.get("/checkin/scan/<token>")
@login_required
def scan(token: str):
    """What a door volunteer's phone camera opens from an attendee's QR code.

    :raise 404: (with a plain explanation) for a forged code or another organisation's event.
    """
    registration, problem = _scanned(token)
    if problem:
        return render_template("checkin/scan.html", problem=problem, registration=None), 404
    desk_event_id = session.get(DESK_SESSION_KEY)
    other_desk = (
        db.session.get(Event, desk_event_id)
        if desk_event_id is not None and desk_event_id != registration.event_id
        else None
    )
    return render_template(
        "checkin/scan.html", registration=registration, token=token, other_desk=other_desk,
        just_checked_in=request.args.get("done") == "1", problem=None,
    )


@bp.post("/checkin/scan/<token>")
@login_required
def scan_check_in(token: str):
    registration, problem = _scanned(token)
    if problem:
        return render_template("checkin/scan.html", problem=problem, registration=None), 404
    result = services.check_in(registration, current_user, "qr")
    db.session.commit()
    session[DESK_SESSION_KEY] = registration.event_id
    if result.outcome == services.CHECKED_IN:
        flash(result_message(result), "success")
        return redirect(url_for("checkin.scan", token=token, done=1))
    return redirect(url_for("checkin.scan", token=token))


# --- walk-ins ---------------------------------------------------------------------------------


def _sector_choices() -> list[tuple[str, str]]:
    sectors = db.session.scalars(select(Sector).order_by(Sector.sort_order, Sector.name))
    return [("", "Choose a sector (optional)")] + [(s.code, s.name) for s in sectors]


@bp.route("/events/<int:event_id>/checkin/walk-in", methods=["GET", "POST"])
@login_required
def walk_in(event_id: int):
    """Someone at the door without a booking: register and check them in at once."""
    from eventsapp.checkin.walk_in import WalkInRefused, register_walk_in

    event = get_event_or_404(event_id, can_check_in)
    can_manage = can_manage_event(current_user, event)
    form = WalkInForm()
    form.sector.choices = _sector_choices()
    if not can_manage:
        del form.override_capacity
    if form.validate_on_submit():
        try:
            result = register_walk_in(
                event, form.data, by=current_user,
                override_capacity=bool(can_manage and form.data.get("override_capacity")),
            )
        except WalkInRefused as refusal:
            db.session.rollback()
            getattr(form, refusal.field).errors.append(str(refusal))
        else:
            db.session.commit()
            flash(result_message(result), "success" if result.outcome == services.CHECKED_IN else "warning")
            return redirect(url_for("checkin.desk", event_id=event.id))
    status = 422 if form.errors else 200
    return render_template("checkin/walk_in.html", event=event, form=form, can_manage=can_manage), status


# --- after the event ------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(event_id: int):
    """The organiser's attendee list: who came, and ticking people off a paper sheet."""
    event = get_event_or_404(event_id, can_manage_event)
    if request.method == "POST":
        ids = [found for found in map(parse_id, request.form.getlist("attended")) if found is not None]
        marked = services.mark_attended_from_sheet(event, ids, current_user)
        db.session.commit()
        flash(f"Marked {marked} {'person' if marked == 1 else 'people'} as attended.", "success")
        return redirect(url_for("checkin.attendance", event_id=event.id, q=request.form.get("q") or None,
                                page=request.form.get("page") or None))
    query = request.args.get("q", "").strip()[:200]
    page = db.paginate(
        services.attendee_list_query(event, query), page=page_number(request.args.get("page")),
        per_page=TICK_LIST_PER_PAGE, max_per_page=TICK_LIST_PER_PAGE, error_out=False,
    )
    return render_template(
        "checkin/attendance.html", event=event, query=query, page=page,
        counts=services.attendance_counts(event), finalisation=services.finalisation(event),
        no_show_form=NoShowForm(), event_started=event.held_by(utcnow()),
    )


@bp.post("/events/<int:event_id>/attendance/no-shows")
@login_required
def no_shows(event_id: int):
    event = get_event_or_404(event_id, can_manage_event)
    form = NoShowForm()
    if not event.held_by(utcnow()):
        flash("No-shows can only be marked once the event has started.", "warning")
    elif not form.validate_on_submit():
        flash("Tick the box to confirm that everyone who came has been marked.", "warning")
    else:
        count = services.mark_rest_as_no_shows(event, current_user)
        unlink_if_final(event, utcnow())
        db.session.commit()
        flash(f"Attendance is final: {count} {'no-show' if count == 1 else 'no-shows'} recorded.", "success")
    return redirect(url_for("checkin.attendance", event_id=event.id))


# --- PDFs ------------------------------------------------------------------------------------


def _pdf_response(content: bytes, filename: str):
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/events/<int:event_id>/checkin/sign-in-sheet.pdf")
@login_required
def sign_in_sheet(event_id: int):
    from eventsapp.checkin.pdf import render_sign_in_sheet

    event = get_event_or_404(event_id, can_check_in)
    blank_rows = min(max(request.args.get("blank", 20, type=int) or 0, 0), 200)
    return _pdf_response(render_sign_in_sheet(event, blank_rows=blank_rows), f"sign-in-sheet-event-{event.id}.pdf")


@bp.get("/events/<int:event_id>/checkin/badges.pdf")
@login_required
def badges(event_id: int):
    from eventsapp.checkin.pdf import render_badges

    event = get_event_or_404(event_id, can_check_in)
    return _pdf_response(render_badges(event), f"badges-event-{event.id}.pdf")


@bp.app_context_processor
def checkin_helpers() -> dict:
    """``checkin_counts(event)`` for the organiser's event page panel; ``desk_day_notice(event)`` for
    the desk, walk-in and QR pages of an event not on today's date."""
    return {"checkin_counts": services.attendance_counts, "desk_day_notice": services.day_notice}

