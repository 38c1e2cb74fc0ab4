"""Every URL of the network area:

GET  /network/                                    the directory of listed profiles (filters, search)
GET  /network/<slug>                              a listed profile (404 unless opted in)
GET  /network/<int:profile_id>                    -> its slug
GET/POST /network/<slug>/contact                  message the organisation (its address stays hidden)
GET  /network/support                             open offers and asks (filters, search)
GET  /network/support/<id>                        one offer or ask, with its matches
GET/POST /network/support/<id>/contact            answer it (the same contact form)
GET/POST /network/support/new                     post an offer or ask           (editors)
GET/POST /network/support/<id>/edit               change it                      (its editors)
POST /network/support/<id>/close, /reopen                                        (its editors)
GET  /network/resources                           approved resources (filters, search)
GET  /network/resources/<id>                      one resource (approved: public)
GET  /network/resources/<id>/download             its file, as an attachment
GET/POST /network/resources/new                   share a resource               (editors)
GET  /network/resources/review                    resources waiting for approval (moderators)
POST /network/resources/<id>/review               approve or reject              (moderators)
GET/POST /network/approaches                      the list of approaches, add one  (coordinators)
POST /network/approaches/<id>                     rename one                       (coordinators)
GET  /network/manage                              your organisations' profiles, posts and resources
GET/POST /network/organisations/<id>/profile      opt in or out, edit the profile (its editors)
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.events.rich_text import render_rich_text
from eventsapp.extensions import db, limiter
from eventsapp.models import Approach, Organisation, Resource, SupportPost
from eventsapp.models.approach import approach_list
from eventsapp.models.network import KINDS_OF_WORK
from eventsapp.network import bp, services
from eventsapp.network import resources as library
from eventsapp.network.forms import (
    ActionForm,
    ApproachForm,
    ContactForm,
    FilterForm,
    PostForm,
    ProfileForm,
    ResourceForm,
    ReviewForm,
    choices,
)
from eventsapp.network.services import DirectoryFilters, NetworkError, PostData, ProfileData
from eventsapp.permissions import (
    can_change_approaches,
    can_edit_network_profile,
    can_moderate_resource,
    can_view_resource,
    resource_moderation_scope,
    roles_by_organisation,
)

#: Messages per sender IP through the contact forms (successful sends only).
DEFAULT_CONTACT_LIMIT = "5 per hour;20 per day"


def _contact_limit() -> str:
    return current_app.config.get("NETWORK_CONTACT_LIMIT") or DEFAULT_CONTACT_LIMIT


def _page() -> int:
    page = request.args.get("page", "1")
    return min(int(page), 10_000) if page.isascii() and page.isdigit() and int(page) > 0 else 1


def _filter_form() -> tuple[FilterForm, DirectoryFilters]:
    form = FilterForm(request.args)
    form.region.choices = choices([("", "Any region")] + [(r.code, r.name) for r in services.regions()])
    form.approach.choices = choices([("", "Any approach")] + [(a.code, a.name) for a in approach_list()])
    form.kind.choices = choices([("", "Any kind of work"), *KINDS_OF_WORK.items()])
    form.validate()
    filters = DirectoryFilters(
        q=(form.q.data or "")[:200] if not form.q.errors else "",
        region=form.chosen("region"), approach=form.chosen("approach"), kind=form.chosen("kind"),
        post_kind=form.chosen("type"),
    )
    return form, filters


def _region_choices():
    return choices([("", "No particular region")] + [(str(r.id), r.name) for r in services.regions()])


def _region_id(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


# --- The directory -----------------------------------------------------------------------------


@bp.get("/")
def index():
    """The public directory of host organisations that opted in."""
    form, filters = _filter_form()
    pagination = services.directory(filters, _page())
    open_posts = services.profile_summaries(pagination.items)
    return render_template("network/index.html", form=form, filters=filters, pagination=pagination,
                           open_posts=open_posts, kinds=KINDS_OF_WORK)


@bp.get("/<int:profile_id>")
def profile_by_id(profile_id: int):
    profile = services.listed_profile_by_id(profile_id) or abort(404)
    return redirect(url_for("network.profile", slug=profile.slug), 301)


@bp.get("/<slug>")
def profile(slug: str):
    """A listed profile.

    :raise 404: no such profile, or the organisation has not opted in.
    """
    profile = services.listed_profile(slug) or abort(404)
    organisation = profile.organisation
    return render_template(
        "network/profile.html", profile=profile, organisation=organisation, about=render_rich_text(profile.about),
        kinds=KINDS_OF_WORK, events=services.upcoming_events_of(organisation),
        stories=services.published_stories_of(organisation), posts=services.open_posts_of(organisation),
        resources=library.approved_resources_of(organisation),
        can_edit=can_edit_network_profile(current_user, organisation.id),
    )


def _contact(profile, post: SupportPost | None, back: str):
    if not profile.contact_email:
        abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        services.send_contact_message(profile, form.name.data, form.email.data, form.message.data, post=post)
        db.session.commit()
        flash(f"Your message is on its way to {profile.organisation.name}. They will reply to your email "
              "address if they choose to; we have sent you a note to say so.", "success")
        return redirect(back)
    return render_template("network/contact.html", form=form, profile=profile, post=post, back=back), \
        422 if form.errors else 200


def _sent(response) -> bool:
    """Only a message that was sent counts towards the limit (a form with a mistake does not)."""
    return response.status_code == 302


#: One limit for both contact forms (a profile's and a post's), per sender IP.
contact_limit = limiter.shared_limit(_contact_limit, scope="network-contact", methods=["POST"], deduct_when=_sent)


@bp.route("/<slug>/contact", methods=["GET", "POST"])
@contact_limit
def contact(slug: str):
    """Message a listed organisation; its address is never shown.

    :raise 404: not listed, or it takes no messages through the directory.
    """
    profile = services.listed_profile(slug) or abort(404)
    return _contact(profile, None, url_for("network.profile", slug=profile.slug))


# --- Peer support ------------------------------------------------------------------------------


@bp.get("/support")
def support():
    form, filters = _filter_form()
    pagination = services.support_posts(filters, _page())
    return render_template("network/support.html", form=form, filters=filters, pagination=pagination,
                           kinds=KINDS_OF_WORK)


def _post_or_404(post_id: int, editing: bool = False) -> SupportPost:
    """A post the current user may see (public: open and listed; or one of their organisation's).

    :raise 404: otherwise, and for editing anyone's but their organisation's.
    """
    post = db.session.get(SupportPost, post_id)
    if post is None:
        abort(404)
    if can_edit_network_profile(current_user, post.organisation_id):
        return post
    if editing:
        abort(403 if post.organisation_id in roles_by_organisation(current_user) else 404)
    if not services.is_public(post):
        abort(404)
    return post


@bp.get("/support/<int:post_id>")
def post(post_id: int):
    post = _post_or_404(post_id)
    profile = services.profile_of(post.organisation)
    return render_template("network/post.html", post=post, profile=profile, kinds=KINDS_OF_WORK,
                           matches=services.matches_for(post), public=services.is_public(post),
                           can_edit=can_edit_network_profile(current_user, post.organisation_id),
                           action_form=ActionForm())


@bp.route("/support/<int:post_id>/contact", methods=["GET", "POST"])
@contact_limit
def post_contact(post_id: int):
    post = db.session.get(SupportPost, post_id)
    if post is None or not services.is_public(post):
        abort(404)
    profile = services.profile_of(post.organisation)
    return _contact(profile, post, url_for("network.post", post_id=post.id))


def _fill_post_form(form: PostForm, organisations: list[Organisation]) -> None:
    form.organisation.choices = choices([(o.id, o.name) for o in organisations])
    form.region.choices = _region_choices()
    form.approaches.choices = choices([(a.id, a.name) for a in approach_list()])


def _post_data(form: PostForm) -> PostData:
    return PostData(kind=form.kind.data, title=form.title.data, details=form.details.data or "",
                    region_id=_region_id(form.region.data), kind_of_work=form.kind_of_work.data or None,
                    approach_ids=form.approaches.data or [])


@bp.route("/support/new", methods=["GET", "POST"])
@login_required
def new_post():
    organisations = services.editable_organisations(current_user)
    if not organisations:
        abort(403)
    form = PostForm(kind=request.args.get("kind") if request.args.get("kind") in ("offer", "ask") else None)
    _fill_post_form(form, organisations)
    if form.validate_on_submit():
        organisation = next(o for o in organisations if o.id == form.organisation.data)
        try:
            post = services.create_post(organisation, current_user, _post_data(form))
        except NetworkError as error:
            form.organisation.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Your {post.kind} is in the directory.", "success")
            return redirect(url_for("network.post", post_id=post.id))
    return render_template("network/post_form.html", form=form, post=None), 422 if form.errors else 200


@bp.route("/support/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = _post_or_404(post_id, editing=True)
    form = PostForm(obj=post, organisation=post.organisation_id, region=str(post.region_id or ""),
                    approaches=[a.id for a in post.approaches])
    _fill_post_form(form, [post.organisation])
    if form.validate_on_submit():
        services.update_post(post, _post_data(form))
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for("network.post", post_id=post.id))
    return render_template("network/post_form.html", form=form, post=post), 422 if form.errors else 200


def _set_status(post_id: int, status: str, message: str):
    post = _post_or_404(post_id, editing=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_post_status(post, status)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("network.post", post_id=post.id))


@bp.post("/support/<int:post_id>/close")
@login_required
def close_post(post_id: int):
    return _set_status(post_id, "closed", "Closed: it no longer appears in the directory.")


@bp.post("/support/<int:post_id>/reopen")
@login_required
def reopen_post(post_id: int):
    return _set_status(post_id, "open", "Reopened: it appears in the directory again.")


# --- Resources ---------------------------------------------------------------------------------


@bp.get("/resources")
def resources():
    form, filters = _filter_form()
    pagination = library.approved_resources(filters, _page())
    return render_template("network/resources.html", form=form, filters=filters, pagination=pagination,
                           kinds=KINDS_OF_WORK, may_review=bool(library.review_queue(current_user))
                           if current_user.is_authenticated else False)


def _resource_or_404(resource_id: int) -> Resource:
    resource = db.session.get(Resource, resource_id)
    if resource is None or not can_view_resource(current_user, resource):
        abort(404)
    return resource


@bp.get("/resources/<int:resource_id>")
def resource(resource_id: int):
    resource = _resource_or_404(resource_id)
    return render_template("network/resource.html", resource=resource, kinds=KINDS_OF_WORK,
                           size_in_words=library.size_in_words,
                           review_form=ReviewForm() if can_moderate_resource(current_user, resource) else None,
                           listed=services.is_listed(resource.organisation_id))


@bp.get("/resources/<int:resource_id>/download")
def download(resource_id: int):
    """The resource's file, always as an attachment, typed by its extension, never sniffed."""
    resource = _resource_or_404(resource_id)
    if resource.file_name is None:
        abort(404)
    response = current_app.response_class(resource.file_data, content_type=library.content_type(resource))
    response.headers["Content-Disposition"] = library.attachment_header(resource.file_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.route("/resources/new", methods=["GET", "POST"])
@login_required
def new_resource():
    organisations = services.editable_organisations(current_user)
    if not organisations:
        abort(403)
    form = ResourceForm()
    form.organisation.choices = choices([(o.id, o.name) for o in organisations])
    form.approaches.choices = choices([(a.id, a.name) for a in approach_list()])
    if form.validate_on_submit():
        upload = None
        if form.file.data and form.file.data.filename:
            try:
                upload = library.read_upload(form.file.data)
            except library.ResourceFileError as error:
                form.file.errors = [*form.file.errors, str(error)]
        if not form.errors:
            organisation = next(o for o in organisations if o.id == form.organisation.data)
            data = library.ResourceData(title=form.title.data, summary=form.summary.data or "",
                                        url=form.url.data or None, kind_of_work=form.kind_of_work.data or None,
                                        approach_ids=form.approaches.data or [], file=upload)
            try:
                resource = library.submit_resource(organisation, current_user, data)
            except NetworkError as error:
                form.url.errors = [*form.url.errors, str(error)]
            else:
                db.session.commit()
                flash("Thank you: a coordinator will look at it before it appears in the library.", "success")
                return redirect(url_for("network.resource", resource_id=resource.id))
    return render_template("network/resource_form.html", form=form,
                           max_size=library.size_in_words(library.max_bytes())), 422 if form.errors else 200


@bp.get("/resources/review")
@login_required
def review_queue():
    if not resource_moderation_scope(current_user):
        abort(403)
    return render_template("network/review.html", queue=library.review_queue(current_user),
                           size_in_words=library.size_in_words)


@bp.post("/resources/<int:resource_id>/review")
@login_required
def review(resource_id: int):
    resource = _resource_or_404(resource_id)
    if not can_moderate_resource(current_user, resource):
        abort(403)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        library.review_resource(resource, current_user, "approved" if form.approve.data else "rejected",
                                form.note.data or "")
    except NetworkError as error:
        flash(str(error), "error")
        return redirect(url_for("network.resource", resource_id=resource.id))
    db.session.commit()
    flash(f"“{resource.title}” is {resource.status}.", "success")
    return redirect(url_for("network.review_queue"))


# --- The list of approaches ------------------------------------------------------------------


def _approaches_page(form: ApproachForm, editing: int | None = None, rename_form: ApproachForm | None = None):
    return render_template("network/approaches.html", form=form, approaches=approach_list(),
                           editing=editing, rename_form=rename_form or ApproachForm(prefix="rename"),
                           may_rename=can_change_approaches(current_user, rename=True))


@bp.route("/approaches", methods=["GET", "POST"])
@login_required
def approaches():
    """The one page of the approaches list (``/stories/approaches`` comes here): coordinators add to it.

    :raise 403: for anyone else.
    """
    if not can_change_approaches(current_user):
        abort(403)
    form = ApproachForm()
    if form.validate_on_submit():
        try:
            approach = services.save_approach(form.name.data)
        except NetworkError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Added “{approach.name}”.", "success")
            return redirect(url_for("network.approaches"))
    return _approaches_page(form), 422 if form.errors else 200


@bp.post("/approaches/<int:approach_id>")
@login_required
def rename_approach(approach_id: int):
    """Rename an approach; everything tagged with it keeps it. :raise 403: for anyone but the administrator."""
    if not can_change_approaches(current_user, rename=True):
        abort(403)
    approach = db.session.get(Approach, approach_id) or abort(404)
    form = ApproachForm(prefix="rename")
    if form.validate_on_submit():
        try:
            services.save_approach(form.name.data, approach)
        except NetworkError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Renamed to “{approach.name}”.", "success")
            return redirect(url_for("network.approaches"))
    return _approaches_page(ApproachForm(formdata=None), editing=approach.id, rename_form=form), 422


# --- Your organisations ------------------------------------------------------------------------


@bp.get("/manage")
@login_required
def manage():
    organisations = services.editable_organisations(current_user)
    profiles = {o.id: services.profile_of(o) for o in organisations}
    return render_template("network/manage.html", organisations=organisations, profiles=profiles,
                           posts=services.posts_of(organisations), resources=library.resources_of(organisations),
                           may_edit_approaches=can_change_approaches(current_user))


@bp.route("/organisations/<int:organisation_id>/profile", methods=["GET", "POST"])
@login_required
def edit_profile(organisation_id: int):
    """Opt the organisation in or out of the directory and edit its profile.

    :raise 404: another organisation's (or a merged one's); 403: a member without the role.
    """
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.merged_into_id is not None:
        abort(404)
    if not can_edit_network_profile(current_user, organisation.id):
        abort(403 if organisation.id in roles_by_organisation(current_user) else 404)
    profile = services.profile_of(organisation)
    if profile is not None:
        form = ProfileForm(obj=profile, region=str(profile.region_id or ""), kinds=profile.kinds,
                           approaches=[a.id for a in profile.approaches], website=organisation.website)
    else:
        form = ProfileForm(website=organisation.website)
    form.region.choices = _region_choices()
    form.approaches.choices = choices([(a.id, a.name) for a in approach_list()])
    if form.validate_on_submit():
        data = ProfileData(listed=form.listed.data, about=form.about.data or "", area=form.area.data or "",
                           region_id=_region_id(form.region.data), kinds=form.kinds.data or [],
                           approach_ids=form.approaches.data or [], website=form.website.data or None,
                           contact_email=form.contact_email.data or None)
        profile = services.save_profile(organisation, data)
        db.session.commit()
        flash("Your profile is in the public directory." if profile.listed
              else "Saved. Your profile is not listed in the public directory.", "success")
        return redirect(url_for("network.manage"))
    return render_template("network/profile_form.html", form=form, organisation=organisation, profile=profile), \
        422 if form.errors else 200
