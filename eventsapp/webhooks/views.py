"""Webhook endpoints of an organisation or a programme, their delivery logs and the "Send test" button.

GET/POST /organisations/<id>/webhooks   the organisation's endpoints; register one (its organisers)
GET/POST /programmes/<slug>/webhooks    the programme's endpoints (its coordinators)
GET      /webhooks/<id>                 an endpoint's delivery log
POST     /webhooks/<id>/test            queue a ``webhook.test`` delivery
POST     /webhooks/<id>/enable          enable the endpoint with a new secret, shown once (a restored
                                        endpoint comes back disabled, its secret unknown)
POST     /webhooks/<id>/delete          remove the endpoint and its log
POST     /webhooks/<id>/deliveries/<delivery_id>/retry   a failed delivery back in the queue

The secret is shown once, on the page that answers the registration; it is never shown again.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp import outbox, webhooks
from eventsapp.extensions import db
from eventsapp.models import Organisation, OutboxMessage, Programme, WebhookEndpoint
from eventsapp.organisations.services import get_organisation_or_404
from eventsapp.permissions import can_manage_webhooks, coordinates
from eventsapp.programmes.services import programme_by_slug
from eventsapp.urls import page_number
from eventsapp.webhooks.forms import EVENT_LABELS, ActionForm, EndpointForm

bp = Blueprint("webhooks", __name__)

PER_PAGE = 50


def _organisation_or_abort(organisation_id: int) -> Organisation:
    organisation = get_organisation_or_404(organisation_id, current_user)
    if not can_manage_webhooks(current_user, organisation_id=organisation.id):
        abort(403)
    return organisation


def _programme_or_abort(slug: str) -> Programme:
    programme = programme_by_slug(slug) or abort(404)
    if not coordinates(current_user, programme):
        abort(404)
    return programme


def _endpoint_or_abort(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) or abort(404)
    if endpoint.programme_id is not None:
        if not coordinates(current_user, db.session.get(Programme, endpoint.programme_id)):
            abort(404)
    else:
        _organisation_or_abort(endpoint.organisation_id)
    return endpoint


def _endpoints(**owner) -> list[WebhookEndpoint]:
    return list(db.session.scalars(db.select(WebhookEndpoint).filter_by(**owner).order_by(WebhookEndpoint.id)))


def _register(form: EndpointForm, owner_name: str, back_url: str, **owner):
    created = None
    if form.validate_on_submit():
        try:
            created = webhooks.create_endpoint(url=form.url.data, events=form.events.data,
                                               description=form.description.data or "", by=current_user, **owner)
        except webhooks.AddressRefused as refused:
            form.url.errors.append(str(refused))
        else:
            db.session.commit()
            form = EndpointForm(formdata=None)
    status = 422 if form.errors else 200
    return render_template("webhooks/index.html", form=form, owner_name=owner_name, back_url=back_url,
                           endpoints=_endpoints(**owner), created=created, labels=EVENT_LABELS,
                           action=request.path), status


@bp.route("/organisations/<int:organisation_id>/webhooks", methods=["GET", "POST"])
@login_required
def organisation(organisation_id: int):
    organisation = _organisation_or_abort(organisation_id)
    return _register(EndpointForm(), organisation.name,
                     url_for("organisations.show", organisation_id=organisation.id), organisation_id=organisation.id)


@bp.route("/programmes/<slug>/webhooks", methods=["GET", "POST"])
@login_required
def programme(slug: str):
    programme = _programme_or_abort(slug)
    return _register(EndpointForm(), programme.name, url_for("programmes.detail", slug=programme.slug),
                     programme_id=programme.id)


def _owner_url(endpoint: WebhookEndpoint) -> str:
    if endpoint.programme_id is not None:
        return url_for("webhooks.programme", slug=db.session.get(Programme, endpoint.programme_id).slug)
    return url_for("webhooks.organisation", organisation_id=endpoint.organisation_id)


@bp.get("/webhooks/<int:endpoint_id>")
@login_required
def show(endpoint_id: int):
    endpoint = _endpoint_or_abort(endpoint_id)
    log = db.paginate(webhooks.deliveries(endpoint.id), page=page_number(request.args.get("page")),
                      per_page=PER_PAGE, error_out=False)
    return _show(endpoint, log)


def _show(endpoint: WebhookEndpoint, log, new_secret: str | None = None):
    return render_template("webhooks/show.html", endpoint=endpoint, log=log, form=ActionForm(),
                           owner_url=_owner_url(endpoint), labels=EVENT_LABELS, new_secret=new_secret,
                           restored=webhooks.restored_deliveries(endpoint.id))


@bp.post("/webhooks/<int:endpoint_id>/enable")
@login_required
def enable(endpoint_id: int):
    """Enable the endpoint with a new signing secret, shown on this answer only."""
    endpoint = _endpoint_or_abort(endpoint_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))
    secret = webhooks.enable_endpoint(endpoint)
    db.session.commit()
    log = db.paginate(webhooks.deliveries(endpoint.id), page=1, per_page=PER_PAGE, error_out=False)
    return _show(endpoint, log, new_secret=secret)


@bp.post("/webhooks/<int:endpoint_id>/test")
@login_required
def send_test(endpoint_id: int):
    endpoint = _endpoint_or_abort(endpoint_id)
    if ActionForm().validate_on_submit() and not endpoint.active:
        flash("The endpoint is disabled: enable it (with a new secret) before sending a test.", "info")
    elif ActionForm().validate_on_submit():
        webhooks.send_test(endpoint)
        db.session.commit()
        flash("A test delivery is on its way; its result appears below.", "success")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))


@bp.post("/webhooks/<int:endpoint_id>/delete")
@login_required
def delete(endpoint_id: int):
    endpoint = _endpoint_or_abort(endpoint_id)
    back = _owner_url(endpoint)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))
    webhooks.delete_endpoint(endpoint)
    db.session.commit()
    flash("The endpoint was removed; nothing more is sent to it.", "success")
    return redirect(back)


@bp.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/retry")
@login_required
def retry(endpoint_id: int, delivery_id: int):
    """Try a failed delivery again (from the first attempt's backoff), with the same delivery id."""
    endpoint = _endpoint_or_abort(endpoint_id)
    delivery = db.session.get(OutboxMessage, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        abort(404)
    if ActionForm().validate_on_submit():
        if outbox.retry(delivery.id):
            db.session.commit()
            outbox.dispatch([delivery_id])
            flash(f"Delivery {delivery_id} is queued again; its result appears below.", "success")
        else:
            flash(f"Delivery {delivery_id} has not failed: there is nothing to try again.", "info")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))
