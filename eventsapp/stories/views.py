"""Every URL of the stories area:

GET  /stories/                      published stories, filtered, searched and paginated
GET  /stories/feed.atom             the newest published stories as an Atom feed
GET  /stories/<id>                  a story's page (drafts and submitted: author and moderators only)
GET  /stories/<id>/photo            its photo (same visibility)
GET  /stories/mine                  the stories I wrote
GET/POST /stories/new               write a story (``?event=ID`` prefills it from one of my events)
GET/POST /stories/<id>/edit         change it (author until published; moderators)
POST /stories/<id>/<action>         submit, withdraw (author or moderator); publish, unpublish (moderators)
POST /stories/<id>/feature          choose it for reports, or not (moderators)
GET/POST /stories/<id>/delete       delete a draft, after a confirm step (its author; moderators)
GET/POST /stories/<id>/coauthors  its co-authors; invite one (author until published; moderators)
POST /stories/<id>/coauthors/remove  stop someone co-writing it (same people)
GET  /stories/moderation            the coordinator's queue
GET  /stories/approaches            301 to the one page of the approaches list, /network/approaches
GET  /stories/organisations.json    the "organisations involved" type-ahead: live organisations matching ``q``
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from eventsapp.directory import search_organisations
from eventsapp.events.rich_text import render_rich_text
from eventsapp.extensions import db
from eventsapp.models import KINDS_OF_WORK, Event, Programme, Region, utcnow
from eventsapp.models.approach import approach_list
from eventsapp.permissions import (
    MAX_ID,
    can_delete_story,
    can_edit_story,
    can_manage_coauthors,
    can_manage_event,
    can_moderate_story,
    can_write_stories,
    get_story_or_404,
    is_coordinator,
    is_story_author,
    is_story_coauthor,
    may_open_story_forms,
)
from eventsapp.stories import bp
from eventsapp.stories.feed import render_atom
from eventsapp.stories.forms import (
    CoauthorForm,
    DeleteStoryForm,
    FeatureForm,
    FilterForm,
    RemoveCoauthorForm,
    StateForm,
    StoryForm,
    as_choices,
    chosen_values,
    user_id_or_none,
)
from eventsapp.stories.images import max_photo_bytes
from eventsapp.stories.services import (
    ACTION_DONE,
    TRANSITIONS,
    CoauthorError,
    StoryFilters,
    StoryStateError,
    add_coauthor,
    change_state,
    coauthor_candidates,
    confirm_consent,
    create_story,
    delete_draft,
    display_name,
    involvable_organisations,
    moderated_by,
    published_stories,
    remove_coauthor,
    set_featured,
    stories_by,
    update_story,
    writer_events,
    writer_organisations,
    writer_programmes,
)
from eventsapp.timeutil import format_local

FEED_SIZE = 50


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1


def _filters_from_request() -> tuple[FilterForm, StoryFilters]:
    """Read the query string; a value that is not among the choices is ignored, never an error."""
    form = FilterForm(formdata=request.args)
    regions = [(r.code, r.name) for r in db.session.scalars(select(Region).order_by(Region.sort_order))]
    kinds = list(KINDS_OF_WORK)
    approach_choices = [(str(a.id), a.name) for a in approach_list()]
    programmes = [(p.slug, p.name) for p in db.session.scalars(
        select(Programme).where(Programme.id.in_(select(published_stories().subquery().c.programme_id)))
        .order_by(Programme.name))]
    form.region.choices = as_choices([("", "Any region"), *regions])
    form.kind.choices = as_choices([("", "Any kind of work"), *kinds])
    form.approach.choices = as_choices([("", "Any approach"), *approach_choices])
    form.programme.choices = as_choices([("", "Any programme"), *programmes])

    def chosen(field, pairs):
        return field.data if field.data in {value for value, _ in pairs} else None

    approach = chosen(form.approach, approach_choices)
    filters = StoryFilters(
        region=chosen(form.region, regions),
        kind=chosen(form.kind, kinds),
        approach=int(approach) if approach else None,
        programme=chosen(form.programme, programmes),
        text="".join(c for c in (form.q.data or "")[:200] if c.isprintable()).strip() or None,
    )
    return form, filters


@bp.get("/")
def index():
    """Published stories, newest first; filters and search in the query string."""
    form, filters = _filters_from_request()
    pagination = db.paginate(published_stories(filters), page=_page_number(),
                             per_page=current_app.config["STORIES_PER_PAGE"], error_out=False)
    args = {name: value for name, value in (
        ("q", filters.text), ("region", filters.region), ("kind", filters.kind),
        ("approach", filters.approach), ("programme", filters.programme)) if value}
    return render_template("stories/index.html", form=form, filters=filters, pagination=pagination,
                           args=args, may_write=can_write_stories(current_user),
                           may_moderate=is_coordinator(current_user))


@bp.get("/feed.atom")
def feed():
    """The newest published stories as Atom 1.0."""
    stories = db.session.scalars(published_stories().limit(FEED_SIZE)).all()
    response = Response(render_atom(stories), mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/<int:story_id>")
def detail(story_id: int):
    """A story's page. :raise 404: for a draft or submitted story, to anyone but its author and moderators."""
    story = get_story_or_404(story_id)
    moderator = can_moderate_story(current_user, story)
    response = Response(render_template(
        "stories/detail.html", story=story, body=render_rich_text(story.body),
        may_edit=can_edit_story(current_user, story), moderator=moderator,
        author=is_story_author(current_user, story), coauthor=is_story_coauthor(current_user, story),
        may_manage_coauthors=can_manage_coauthors(current_user, story),
        may_delete=can_delete_story(current_user, story),
        state_form=StateForm(), feature_form=FeatureForm(), transitions=TRANSITIONS,
    ))
    if not story.is_published:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:story_id>/photo")
def photo(story_id: int):
    """The story's re-encoded photo. :raise 404: as the story's page, or when it has none."""
    story = get_story_or_404(story_id)
    if story.photo is None:
        abort(404)
    response = Response(story.photo, mimetype=story.photo_type or "image/jpeg")
    response.headers["Cache-Control"] = "public, max-age=3600" if story.is_published else "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.get("/mine")
@login_required
def mine():
    """The stories the signed-in user wrote or co-writes, in every state."""
    return render_template("stories/mine.html", stories=stories_by(current_user),
                           may_write=can_write_stories(current_user))


def _choosing_for(story):
    """Whose choices (events, programmes, credited organisations) the form offers: a co-author chooses
    among the author's, everyone else among their own."""
    if (story is not None and story.author is not None and not is_story_author(current_user, story)
            and not can_moderate_story(current_user, story)):
        return story.author
    return current_user


def _story_form(story=None, prefill_event: Event | None = None) -> StoryForm:
    """The story form with the choices this user may make (and an edited story's current ones)."""
    writer = _choosing_for(story)
    events = writer_events(writer)
    if story is not None and story.event is not None and story.event not in events:
        events.append(story.event)
    programmes = writer_programmes(writer)
    if story is not None and story.programme not in programmes:
        programmes.append(story.programme)
    credited = writer_organisations(writer)
    if story is not None and story.attributed_organisation and story.attributed_organisation not in credited:
        credited.append(story.attributed_organisation)
    form = StoryForm(obj=None, photo_max=max_photo_bytes(), has_photo=bool(story and story.photo_type),
                     event_programmes={e.id: e.programme_id for e in events})
    form.region.choices = as_choices([(0, "Choose a region")] + [
        (r.id, r.name) for r in db.session.scalars(select(Region).order_by(Region.sort_order))])
    form.approaches.choices = as_choices((a.id, a.name) for a in approach_list())
    form.organisations.choices = as_choices((o.id, o.name) for o in involvable_organisations())
    form.organisations.render_kw = {**form.organisations.render_kw,
                                    "data-organisation-search": url_for(".organisation_options")}
    form.event.choices = as_choices([(0, "Not told at an event")] + [
        (e.id, f"{e.title} ({format_local(e.starts_at, '%-d %b %Y')})") for e in events])
    form.programme.choices = as_choices([(0, "Choose a programme")] + [(p.id, p.name) for p in programmes])
    form.attributed_organisation.choices = as_choices(
        [(0, "Choose an organisation")] + [(o.id, o.name) for o in credited])
    if request.method == "GET":
        if story is not None:
            form.title.data, form.summary.data, form.body.data = story.title, story.summary, story.body
            form.kind_of_work.data, form.place.data = story.kind_of_work, story.place
            form.approaches.data = [a.id for a in story.approaches]
            form.differences.data = story.difference_codes
            form.organisations.data = [o.id for o in story.organisations]
            form.region.data, form.event.data = story.region_id, story.event_id or 0
            form.programme.data = story.programme_id
            form.photo_alt.data = story.photo_alt or ""
            form.attribution.data = story.attribution
            form.attributed_organisation.data = story.attributed_organisation_id or 0
            form.consent_confirmed.data = story.consent_confirmed
        elif prefill_event is not None:
            form.event.data = prefill_event.id
            form.programme.data = prefill_event.programme_id or 0
            form.region.data = prefill_event.region_id
            form.place.data = prefill_event.town
            form.organisations.data = [prefill_event.host_organisation_id]
            form.attributed_organisation.data = (
                prefill_event.host_organisation_id
                if prefill_event.host_organisation_id in {o.id for o in credited} else 0)
        elif len(credited) == 1:
            form.attributed_organisation.data = credited[0].id
    return form


@bp.get("/organisations.json")
@login_required
def organisation_options():
    """The "organisations involved" type-ahead: a page of the organisations the story form offers whose
    name matches ``q`` (two characters or more), as :meth:`~eventsapp.directory.OrganisationMatches.as_json`.

    :raise 403: for a user who can open no story's form.
    """
    if not may_open_story_forms(current_user):
        abort(403)
    return jsonify(search_organisations(request.args.get("q", ""), page=_page_number()).as_json())


def _prefill_event() -> Event | None:
    """``?event=ID`` of an event the user manages (anything else is ignored)."""
    raw = request.args.get("event", "")
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
        return None
    event = db.session.get(Event, int(raw))
    return event if event is not None and can_manage_event(current_user, event) else None


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Write a story. :raise 403: for a user who is no organiser or coordinator anywhere."""
    if not can_write_stories(current_user):
        abort(403)
    form = _story_form(prefill_event=_prefill_event())
    if form.validate_on_submit():
        story = create_story(current_user, form.story_input())
        if form.save_and_submit.data:
            change_state(story, "submit", by=current_user)
        db.session.commit()
        flash(ACTION_DONE["submit"] if form.save_and_submit.data else "Draft saved. Only you and the "
              "programme’s coordinators can see it.", "success")
        return redirect(url_for("stories.detail", story_id=story.id))
    return _form_page(form, None)


#: At the photo field, when a form with a good photo comes back for another field's sake.
CHOOSE_PHOTO_AGAIN = ("Choose the photo again before saving: it was not kept, because a browser cannot send a "
                      "chosen file a second time.")


def _form_page(form: StoryForm, story):
    status = 400 if request.method == "POST" else 200
    if status == 400 and form.clean_photo is not None:
        form.photo.errors = [*form.photo.errors, CHOOSE_PHOTO_AGAIN]
    return render_template("stories/form.html", form=form, story=story,
                           no_programmes=not chosen_values(form.programme)), status


@bp.route("/<int:story_id>/edit", methods=["GET", "POST"])
@login_required
def edit(story_id: int):
    """Change a story. :raise 404: for a story the user cannot see; 403 for one they may not change."""
    story = get_story_or_404(story_id, permission=can_edit_story)
    form = _story_form(story)
    if form.validate_on_submit():
        update_story(story, form.story_input())
        submitting = form.save_and_submit.data and story.state == "draft"
        if submitting:
            change_state(story, "submit", by=current_user)
        db.session.commit()
        flash(ACTION_DONE["submit"] if submitting else "Story saved.", "success")
        return redirect(url_for("stories.detail", story_id=story.id))
    return _form_page(form, story)


def _may(action: str, story) -> bool:
    who = TRANSITIONS[action][2]
    return can_moderate_story(current_user, story) if who == "moderator" else can_edit_story(current_user, story)


@bp.post("/<int:story_id>/<any(submit, withdraw, publish, unpublish):action>")
@login_required
def change(story_id: int, action: str):
    """Move the story along its life; the change is logged with the note.

    :raise 404: for a story the user cannot see. :raise 403: for an action the user may not take.
    """
    story = get_story_or_404(story_id, permission=lambda user, s: _may(action, s))
    form = StateForm()
    if not form.validate():
        abort(400)
    if action == "submit" and form.consent_confirmed.data:
        confirm_consent(story)  # ticked on the story page, as on the story form
    try:
        change_state(story, action, by=current_user, note=form.note.data or "")
    except StoryStateError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("stories.detail", story_id=story_id))
    db.session.commit()
    flash(ACTION_DONE[action], "success")
    return redirect(url_for("stories.detail", story_id=story_id))


@bp.post("/<int:story_id>/feature")
@login_required
def feature(story_id: int):
    """Choose a published story for reports (``featured=1``) or drop it (``featured=0``)."""
    story = get_story_or_404(story_id, permission=can_moderate_story)
    form = FeatureForm()
    if not form.validate():
        abort(400)
    try:
        set_featured(story, form.featured.data == "1", by=current_user)
    except StoryStateError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("stories.detail", story_id=story_id))
    db.session.commit()
    flash("The story appears in the programme’s reports." if story.featured_in_report
          else "The story no longer appears in reports.", "success")
    return redirect(request.form.get("next") == "moderation" and url_for("stories.moderation")
                    or url_for("stories.detail", story_id=story_id))


@bp.route("/<int:story_id>/delete", methods=["GET", "POST"])
@login_required
def delete(story_id: int):
    """Ask, then delete a draft story (its co-authors, organisations and history with it).

    :raise 404: for a story the user cannot see. :raise 403: for anyone but its author and moderators, and
        for a story that is not a draft.
    """
    story = get_story_or_404(story_id, permission=can_delete_story)
    form = DeleteStoryForm()
    if form.validate_on_submit():
        title = story.title
        try:
            delete_draft(story)
        except StoryStateError as error:
            db.session.rollback()
            flash(str(error), "danger")
            return redirect(url_for("stories.detail", story_id=story_id))
        db.session.commit()
        flash(f"The draft “{title}” is deleted.", "success")
        return redirect(url_for("stories.mine"))
    return render_template("stories/delete.html", story=story, form=form), 400 if form.is_submitted() else 200


def _coauthors_page(story, form: CoauthorForm, status: int = 200, remove_error: str | None = None):
    candidates = coauthor_candidates(story)
    form.user.choices = as_choices([(0, "Choose someone")] + [
        (user.id, f"{display_name(user)} — {places}") for user, places in candidates])
    return render_template("stories/coauthors.html", story=story, form=form, remove_form=RemoveCoauthorForm(),
                           display_name=display_name, no_candidates=not candidates,
                           remove_error=remove_error), status


@bp.route("/<int:story_id>/coauthors", methods=["GET", "POST"])
@login_required
def coauthors(story_id: int):
    """Who co-writes the story, and the form to invite one more.

    :raise 404: for a story the user cannot see. :raise 403: for anyone but its author and moderators, and
        once it is published.
    """
    story = get_story_or_404(story_id, permission=can_manage_coauthors)
    form = CoauthorForm()
    if request.method == "POST" and form.validate():
        try:
            row = add_coauthor(story, form.user.data, by=current_user)
        except CoauthorError as error:
            db.session.rollback()
            form.user.errors = [*form.user.errors, str(error)]
            return _coauthors_page(story, form, 400)
        name = display_name(row.user)
        db.session.commit()
        flash(f"{name} can now write this story with you; we emailed them a link.", "success")
        return redirect(url_for("stories.coauthors", story_id=story_id))
    return _coauthors_page(story, form, 400 if request.method == "POST" else 200)


@bp.post("/<int:story_id>/coauthors/remove", endpoint="remove_coauthor")
@login_required
def remove_coauthor_page(story_id: int):
    """Stop someone co-writing the story. :raise 404/403: as :func:`coauthors`."""
    story = get_story_or_404(story_id, permission=can_manage_coauthors)
    form = RemoveCoauthorForm()
    if form.validate():
        try:
            remove_coauthor(story, user_id_or_none(form.user.data), by=current_user)
        except CoauthorError as error:
            db.session.rollback()
            return _coauthors_page(story, CoauthorForm(formdata=None), 400, remove_error=str(error))
        db.session.commit()
        flash("Removed: they no longer co-write this story.", "success")
        return redirect(url_for("stories.coauthors", story_id=story_id))
    return _coauthors_page(story, CoauthorForm(formdata=None), 400,
                           remove_error="; ".join(form.user.errors) or "Choose one of the story’s co-authors.")


@bp.get("/moderation")
@login_required
def moderation():
    """Stories awaiting review in the programmes the user coordinates. :raise 403: for non-coordinators."""
    if not is_coordinator(current_user):
        abort(403)
    waiting, published = moderated_by(current_user)
    return render_template("stories/moderation.html", waiting=waiting, published=published,
                           feature_form=FeatureForm())


@bp.get("/approaches")
def approaches_list():
    """The list of approaches is one page, shared with the network directory."""
    return redirect(url_for("network.approaches"), 301)


@bp.app_context_processor
def story_helpers() -> dict:
    return {"invites_stories": invites_stories}


def invites_stories(event: Event) -> bool:
    """The organiser's page of a held event invites them to capture the stories told there."""
    return event.status == "published" and event.ends_at <= utcnow()
