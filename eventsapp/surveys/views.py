"""Every URL of the survey area:

GET/POST /surveys/answer/<token>                          the attendee's survey (the signed link is the key;
                                                          a bad or expired link is a 404)
GET  /surveys/events/<id>                                 an event's results and its free-text answers
POST /surveys/events/<id>/quotes                          publish a free-text answer as a quote, or withdraw it
GET/POST /surveys/programmes/<slug>/questions             a programme's questions; coordinators add one
POST /surveys/programmes/<slug>/questions/<question_id>   reword a question or stop asking it
POST /surveys/programmes/<slug>/questions/defaults/<n>    the same for the n-th default (1, 2 …; none stored yet)
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from eventsapp.extensions import db
from eventsapp.models import DEFAULT_SURVEY_QUESTIONS, SurveyQuestion
from eventsapp.permissions import can_manage_event, coordinates, get_event_or_404
from eventsapp.programmes.services import programme_by_slug
from eventsapp.reports.build import build_report
from eventsapp.reports.model import ReportScope
from eventsapp.security import personal_data
from eventsapp.surveys import bp, emails  # noqa: F401 (emails registers the outbox renderer)
from eventsapp.surveys.forms import NewQuestionForm, QuestionForm, QuoteForm, survey_form
from eventsapp.surveys.services import (
    add_question,
    ensure_questions,
    link_used,
    questions_for,
    questions_or_defaults,
    read_link,
    record_response,
    set_published,
    text_answers,
    update_question,
)
from eventsapp.urls import parse_id


@bp.route("/answer/<token>", methods=["GET", "POST"])
@personal_data
def respond(token: str):
    """The survey for whoever holds the link; once answered, a thank-you. :raise 404: for a link
    that is forged, altered or expired, or whose event is gone."""
    found = read_link(token)
    if found is None:
        abort(404)
    event, nonce = found
    if link_used(nonce):
        return render_template("surveys/thanks.html", event=event)
    form = survey_form(questions_for(event.programme_id))
    if form.validate_on_submit():
        record_response(event, nonce, form.answers())
        try:
            db.session.commit()
        except IntegrityError:  # the same link, sent at the same moment from elsewhere
            db.session.rollback()
        return redirect(url_for("surveys.respond", token=token))
    return render_template("surveys/respond.html", event=event, form=form, token=token), \
        422 if form.errors else 200


@bp.get("/events/<int:event_id>")
@login_required
def event_results(event_id: int):
    """An event's response rate and results (protected like the reports) and its free-text answers.

    :raise 404: for another organisation's event; 403 for the host's door volunteers.
    """
    event = get_event_or_404(event_id, permission=can_manage_event)
    report = build_report(ReportScope(event_id=event.id))
    return render_template("surveys/event.html", event=event, outcomes=report.outcomes,
                           answers=text_answers(event.id), form=QuoteForm())


@bp.post("/events/<int:event_id>/quotes")
@login_required
def publish_quote(event_id: int):
    """Publish a free-text answer as a quote in reports (``publish=1``) or withdraw it (``0``).

    :raise 400: for a malformed form; 404 for an answer that is not this event's.
    """
    event = get_event_or_404(event_id, permission=can_manage_event)
    form = QuoteForm()
    question_id = parse_id(form.question.data or "")
    if not form.validate() or form.publish.data not in ("0", "1") or question_id is None:
        abort(400)
    if not set_published(event.id, form.response.data, question_id, form.publish.data == "1"):
        abort(404)
    db.session.commit()
    flash("The answer is quoted in reports." if form.publish.data == "1"
          else "The answer is no longer quoted in reports.", "success")
    return redirect(url_for("surveys.event_results", event_id=event.id))


def _coordinated_programme(slug: str):
    programme = programme_by_slug(slug)
    if programme is None or not coordinates(current_user, programme):
        abort(404)
    return programme


def _form_prefix(question: SurveyQuestion) -> str:
    return f"q{question.id}" if question.id is not None else f"d{question.position + 1}"


def _questions_page(programme, new_form: NewQuestionForm, forms: dict | None = None, status: int = 200):
    """The questions page; a programme with none stored shows the defaults, unsaved (a GET writes nothing)."""
    questions = questions_or_defaults(programme.id)
    forms = forms or {}
    edit_forms = [(q, forms.get(_form_prefix(q)) or QuestionForm(prefix=_form_prefix(q), obj=q, formdata=None))
                  for q in questions]
    has_errors = bool(new_form.errors) or any(form.errors for _, form in edit_forms)
    return render_template("surveys/questions.html", programme=programme, edit_forms=edit_forms,
                           new_form=new_form, has_errors=has_errors), status


@bp.route("/programmes/<slug>/questions", methods=["GET", "POST"])
@login_required
def questions(slug: str):
    """A programme's survey questions; its coordinators add one (POST).

    :raise 404: for an unknown programme or one the user does not coordinate.
    """
    programme = _coordinated_programme(slug)
    form = NewQuestionForm()
    if form.validate_on_submit():
        add_question(programme, form.kind.data, form.label.data)
        db.session.commit()
        flash("Question added: it is asked in surveys sent from now on.", "success")
        return redirect(url_for("surveys.questions", slug=programme.slug))
    if form.is_submitted():
        db.session.rollback()
        return _questions_page(programme, form, status=422)
    return _questions_page(programme, form)


@bp.post("/programmes/<slug>/questions/<int:question_id>")
@login_required
def edit_question(slug: str, question_id: int):
    """Reword one question or stop asking it. :raise 404: for a question of another programme."""
    programme = _coordinated_programme(slug)
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.programme_id != programme.id:
        abort(404)
    return _save_question(programme, question, QuestionForm(prefix=_form_prefix(question)))


@bp.post("/programmes/<slug>/questions/defaults/<int:number>")
@login_required
def edit_default_question(slug: str, number: int):
    """Reword the ``number``-th default question (from 1), or stop asking it, of a programme that has
    none stored yet: the defaults are stored first. :raise 404: when there is no such default."""
    programme = _coordinated_programme(slug)
    if not 1 <= number <= len(DEFAULT_SURVEY_QUESTIONS):
        abort(404)
    questions = ensure_questions(programme.id)  # stored by another coordinator meanwhile: the same list
    return _save_question(programme, questions[number - 1], QuestionForm(prefix=f"d{number}"))


def _save_question(programme, question: SurveyQuestion, form: QuestionForm):
    if form.validate_on_submit():
        update_question(question, form.label.data, bool(form.active.data))
        db.session.commit()
        flash("Question saved.", "success")
        return redirect(url_for("surveys.questions", slug=programme.slug))
    prefix = form._prefix.rstrip("-")
    db.session.rollback()
    return _questions_page(programme, NewQuestionForm(formdata=None), {prefix: form}, status=422)
